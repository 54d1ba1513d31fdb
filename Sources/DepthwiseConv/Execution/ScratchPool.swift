import Foundation

/// Scratch memory kept between calls, so that staging (NCHW transposes,
/// 16-bit widening) doesn't map and page-fault fresh memory on every call.
///
/// Safe to use from concurrent calls: each call takes its own blocks and
/// gives them back when done. At most ``retainedBlockLimit`` blocks and
/// ``retainedByteLimit`` bytes are kept; anything beyond is freed.
final class ScratchPool: @unchecked Sendable {
    /// The pool every call uses.
    static let shared = ScratchPool()

    static let retainedBlockLimit = 8
    static let retainedByteLimit = 512 << 20

    private let lock = NSLock()
    private var blocks: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []

    /// A block of at least `bytes` bytes, 64-byte aligned.
    func take(bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
        lock.lock()
        // The smallest kept block that is large enough.
        var best: Int?
        for (index, block) in blocks.enumerated() where block.bytes >= bytes {
            if best.map({ block.bytes < blocks[$0].bytes }) ?? true { best = index }
        }
        let found = best.map { blocks.remove(at: $0) }
        lock.unlock()
        if let found { return found }
        let size = max(bytes, 64)
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64), size)
    }

    /// Returns a block taken with ``take(bytes:)``.
    func give(_ block: (pointer: UnsafeMutableRawPointer, bytes: Int)) {
        lock.lock()
        blocks.append(block)
        // Keep the largest blocks within the limits; free the rest.
        blocks.sort { $0.bytes > $1.bytes }
        var kept = 0
        var retained = 0
        var freed: [UnsafeMutableRawPointer] = []
        blocks.removeAll { block in
            if kept < Self.retainedBlockLimit, retained + block.bytes <= Self.retainedByteLimit {
                kept += 1
                retained += block.bytes
                return false
            }
            freed.append(block.pointer)
            return true
        }
        lock.unlock()
        freed.forEach { $0.deallocate() }
    }
}
