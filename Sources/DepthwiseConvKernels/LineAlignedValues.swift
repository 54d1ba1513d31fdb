/// A small read-only operand (the filter) on a 64-byte boundary: the values
/// themselves when they start on one, else a copy in ``ScratchPool`` scratch.
///
/// The kernels load a filter vector for every tap of every block of pixels,
/// and a vector that straddles two cache lines costs about two loads. Swift
/// arrays usually start 16, 32 or 48 bytes into a line, so without the copy
/// most callers' filters would straddle. The copy is exact (the same bits,
/// NaN payloads included) and costs one pass over the filter, against the
/// kernel's pass over every pixel.
///
/// Single thread, AVX-512, forward 1x112x112x96 3x3 at stride 2 (kernel
/// only): 0.090 ms with the filter on a line, 0.126 ms with it 32 bytes off.
@usableFromInline
struct LineAlignedValues<S: KernelScalar> {
    /// The values, on a 64-byte boundary unless they were too many to copy.
    @usableFromInline let base: UnsafePointer<S>
    /// The ``ScratchPool`` block holding the copy, if one was made.
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)?

    /// At most this many bytes are copied; larger operands are read in place
    /// (a kernel need not read every filter value, e.g. when most taps fall
    /// outside a small input, and then the copy could cost more than it saves).
    @inlinable static var copyByteLimit: Int { 256 << 10 }

    /// `values[0..<count]`, copied to a 64-byte boundary when they aren't on
    /// one and fit in ``copyByteLimit``.
    @inlinable
    init(_ values: UnsafePointer<S>, count: Int) {
        let stride = MemoryLayout<S>.stride
        guard Int(bitPattern: values) % 64 != 0, count > 0, count <= Self.copyByteLimit / stride else {
            base = values
            block = nil
            return
        }
        let block = ScratchPool.shared.take(bytes: count * stride)
        let copy = ScratchPool.bind(block, at: 0, to: S.self, count: count)
        copy.initialize(from: values, count: count)
        base = UnsafePointer(copy)
        self.block = block
    }

    /// Gives the copy's storage back to the pool.
    @inlinable
    func deallocate() {
        if let block { ScratchPool.shared.give(block) }
    }
}
