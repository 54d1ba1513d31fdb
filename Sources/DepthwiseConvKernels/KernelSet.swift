/// One kernel entry point: geometry, the operation's two operands, its result
/// and the thread count. All tensors are NHWC (the filter `[KH, KW, C, M]`).
public typealias KernelFunction<S> =
    @Sendable (ConvGeometry, UnsafePointer<S>, UnsafePointer<S>, UnsafeMutablePointer<S>, Int) -> Void

/// The three depthwise kernels for one scalar type and instruction set.
public struct KernelSet<S>: Sendable {
    /// `(input, filter) -> output`.
    public let forward: KernelFunction<S>
    /// `(filter, outBackprop) -> input gradient`.
    public let backpropInput: KernelFunction<S>
    /// `(input, outBackprop) -> filter gradient`.
    public let backpropFilter: KernelFunction<S>
    /// `(source, destination, batch, rows, columns, threads)`: each
    /// `[rows, columns]` plane transposed (NCHW <-> NHWC staging).
    public let transpose: @Sendable (UnsafePointer<S>, UnsafeMutablePointer<S>, Int, Int, Int, Int) -> Void

    /// Creates a set from three entry points.
    public init(
        forward: @escaping KernelFunction<S>, backpropInput: @escaping KernelFunction<S>,
        backpropFilter: @escaping KernelFunction<S>,
        transpose: @escaping @Sendable (UnsafePointer<S>, UnsafeMutablePointer<S>, Int, Int, Int, Int) -> Void
    ) {
        self.forward = forward
        self.backpropInput = backpropInput
        self.backpropFilter = backpropFilter
        self.transpose = transpose
    }
}

extension KernelSet where S: KernelScalar {
    /// The generic kernels specialized for `ISA`. Call this from the module
    /// compiled for that instruction set, so the specialization is compiled
    /// with its flags (the tag keeps its symbols apart from other modules').
    @inlinable
    public static func specialized<ISA: InstructionSetTag>(for isa: ISA.Type) -> KernelSet<S> {
        KernelSet(
            forward: { g, input, filter, output, threads in
                depthwiseForwardNHWC(g, input: input, filter: filter, output: output, threads: threads, isa: ISA.self)
            },
            backpropInput: { g, filter, outBackprop, result, threads in
                depthwiseBackpropInputNHWC(
                    g, filter: filter, outBackprop: outBackprop, result: result, threads: threads, isa: ISA.self)
            },
            backpropFilter: { g, input, outBackprop, result, threads in
                depthwiseBackpropFilterNHWC(
                    g, input: input, outBackprop: outBackprop, result: result, threads: threads, isa: ISA.self)
            },
            transpose: { source, destination, batch, rows, columns, threads in
                transposePlanes(
                    source, destination, batch: batch, rows: rows, columns: columns, threads: threads, isa: ISA.self)
            })
    }
}
