import Foundation

/// Scratch memory kept between calls: staging (NCHW transposes, 16-bit
/// widening) and the kernels' working memory (tap tables, padded rows,
/// filter-gradient workspaces). A call of a shape seen before allocates
/// nothing but its result, and doesn't map and page-fault fresh memory.
///
/// Safe to use from concurrent calls and tasks: each takes its own blocks
/// and gives them back when done. At most ``retainedBlockLimit`` blocks and
/// ``retainedByteLimit`` bytes are kept; anything beyond is freed.
public final class ScratchPool: @unchecked Sendable {
    /// The pool every call uses.
    public static let shared = ScratchPool()

    /// The most blocks kept between calls.
    public static let retainedBlockLimit = 64
    /// The most bytes kept between calls.
    public static let retainedByteLimit = 512 << 20

    private let lock = NSLock()

    /// Takes the lock, trying for a while before blocking: the sections it
    /// guards are short, and the tasks of one parallel loop take their
    /// blocks at the same moment. Blocking there put a thread to sleep and
    /// cost a wake-up (about 100 µs) on calls that take 100 µs in all.
    private func acquire() {
        for _ in 0..<10_000 where lock.try() { return }
        lock.lock()
    }
    private var blocks: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    private var freshBlocks = 0
    private var takenBlocks = 0

    init() {
        blocks.reserveCapacity(Self.retainedBlockLimit + 1)
    }

    /// How many blocks ``take(bytes:)`` has had to allocate so far (rather
    /// than reuse): constant over repeated calls of one shape.
    public var allocationCount: Int {
        acquire()
        defer { lock.unlock() }
        return freshBlocks
    }

    /// How many blocks ``take(bytes:)`` has handed out so far, reused or not.
    public var takeCount: Int {
        acquire()
        defer { lock.unlock() }
        return takenBlocks
    }

    /// A block of at least `bytes` bytes, 64-byte aligned.
    public func take(bytes: Int) -> (pointer: UnsafeMutableRawPointer, bytes: Int) {
        acquire()
        // The smallest kept block that is large enough.
        var best: Int?
        for (index, block) in blocks.enumerated() where block.bytes >= bytes {
            if best.map({ block.bytes < blocks[$0].bytes }) ?? true { best = index }
        }
        let found = best.map { blocks.remove(at: $0) }
        takenBlocks += 1
        if found == nil { freshBlocks += 1 }
        lock.unlock()
        if let found { return found }
        let size = max(bytes, 64)
        return (UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64), size)
    }

    /// Returns a block taken with ``take(bytes:)``.
    public func give(_ block: (pointer: UnsafeMutableRawPointer, bytes: Int)) {
        acquire()
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

/// Several arrays laid out in one ``ScratchPool`` block, each on a 64-byte
/// boundary: reserve them all, take the block, then bind each one.
@usableFromInline
struct ScratchLayout {
    /// Bytes reserved so far.
    @usableFromInline var bytes = 0

    @inlinable
    init() {}

    /// Reserves room for `count` values of `T`; returns its byte offset.
    @inlinable
    mutating func reserve<T>(_: T.Type, count: Int) -> Int {
        let offset = bytes
        bytes += (max(1, count) * MemoryLayout<T>.stride + 63) / 64 * 64
        return offset
    }
}

extension ScratchPool {
    /// The array reserved at `offset` in `block`, bound to `T`.
    @inlinable
    static func bind<T>(
        _ block: (pointer: UnsafeMutableRawPointer, bytes: Int), at offset: Int, to: T.Type, count: Int
    ) -> UnsafeMutablePointer<T> {
        (block.pointer + offset).bindMemory(to: T.self, capacity: max(1, count))
    }
}
