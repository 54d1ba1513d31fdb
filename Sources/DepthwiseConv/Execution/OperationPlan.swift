import DepthwiseConvKernels

/// What one tensor of a call holds, which decides whether the data format
/// applies to it.
enum TensorRole {
    /// An activation or its gradient: `[batch, pixels, channels]` in NHWC,
    /// `[batch, channels, pixels]` in NCHW.
    case activation(batch: Int, pixels: Int, channels: Int)
    /// The filter or its gradient: always `[KH, KW, C, M]`.
    case filter
}

/// The tensors of one validated call: its two operands and its result, in the
/// order the kernel takes them, and what staging each one needs.
struct OperationPlan {
    let operation: DepthwiseOperation
    let geometry: ConvGeometry
    let dataFormat: DataFormat
    let roles: PerTensor<TensorRole>
    let counts: PerTensor<Int>

    init(_ operation: DepthwiseOperation, geometry g: ConvGeometry, dataFormat: DataFormat) {
        self.operation = operation
        self.geometry = g
        self.dataFormat = dataFormat
        // Wrapping: `H * W` may overflow only for an empty batch (validation
        // bounds every NHWC-order product), and empty tensors are never
        // transposed, so a wrapped pixel count is never used.
        let input = TensorRole.activation(batch: g.batch, pixels: g.inputHeight &* g.inputWidth, channels: g.channels)
        let output = TensorRole.activation(
            batch: g.batch, pixels: g.outputHeight &* g.outputWidth, channels: g.outputChannels)
        switch operation {
        case .forward:
            roles = PerTensor(input, .filter, output)
            counts = PerTensor(g.inputCount, g.filterCount, g.outputCount)
        case .backpropInput:
            roles = PerTensor(.filter, output, input)
            counts = PerTensor(g.filterCount, g.outputCount, g.inputCount)
        case .backpropFilter:
            roles = PerTensor(input, output, .filter)
            counts = PerTensor(g.inputCount, g.outputCount, g.filterCount)
        }
    }

    /// Elements of the operation's result.
    var resultCount: Int { counts[2] }

    /// Whether tensor `index` must be copied (converted to the kernel type,
    /// or transposed to NHWC) rather than used in place.
    func needsStaging(_ index: Int, convertsType: Bool) -> Bool {
        if convertsType { return true }
        if case .activation = roles[index], dataFormat == .nchw { return true }
        return false
    }

    /// Kernel-type scratch elements the call allocates.
    func scratchCount(convertsType: Bool) throws -> Int {
        try (0..<3).reduce(0) { total, index in
            guard needsStaging(index, convertsType: convertsType) else { return total }
            return try checkedSum(total, max(counts[index], 1), "The scratch size")
        }
    }
}

/// One value per tensor of a call — first operand, second operand, result —
/// indexed 0, 1 and 2 like the kernel's arguments. A struct rather than an
/// array, so that planning a call allocates nothing.
struct PerTensor<Element> {
    let first: Element
    let second: Element
    let result: Element

    init(_ first: Element, _ second: Element, _ result: Element) {
        self.first = first
        self.second = second
        self.result = result
    }

    subscript(index: Int) -> Element {
        switch index {
        case 0: first
        case 1: second
        default: result
        }
    }
}
