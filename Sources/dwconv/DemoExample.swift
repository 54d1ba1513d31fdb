import DepthwiseConv

/// The demo's problem: the 3x3 depthwise layer of a MobileNetV2 block at
/// 56x56 resolution with 144 channels (batch 1, depth multiplier 1, stride 1,
/// SAME padding, NHWC, Float), and its deterministic operands.
///
/// The geometry is written out here from TensorFlow's definitions, not taken
/// from the library, so that ``DemoReference`` checks the library
/// independently.
struct DemoExample {
    let batch = 1
    let height = 56
    let width = 56
    let channels = 144
    let multiplier = 1
    let filterHeight = 3
    let filterWidth = 3
    /// Row and column stride.
    let stride = 1
    /// Row and column dilation.
    let dilation = 1

    /// The filter, `[KH, KW, C, M]`.
    private(set) var filter: [Float] = []
    /// The output gradient, `[N, OH, OW, C * M]`.
    private(set) var outBackprop: [Float] = []
    /// An input, `[N, H, W, C]`, for the adjoint check.
    private(set) var input: [Float] = []

    /// Creates the example with values from a fixed-seed generator.
    init() {
        var generator = DeterministicGenerator(seed: 0x5EED_D3C0_4E0B_1E00)
        filter = generator.signedUnits(count: filterShape.reduce(1, *))
        outBackprop = generator.signedUnits(count: outBackpropShape.reduce(1, *))
        input = generator.signedUnits(count: inputSizes.reduce(1, *))
    }

    var inputSizes: [Int] { [batch, height, width, channels] }
    var filterShape: [Int] { [filterHeight, filterWidth, channels, multiplier] }
    var outBackpropShape: [Int] { [batch, outputHeight, outputWidth, channels * multiplier] }
    var strides: [Int] { [1, stride, stride, 1] }
    var dilations: [Int] { [1, dilation, dilation, 1] }
    var padding: Padding { .same }

    /// SAME: `ceil(size / stride)`.
    var outputHeight: Int { (height + stride - 1) / stride }
    var outputWidth: Int { (width + stride - 1) / stride }

    /// SAME: half of the padding needed to cover the input, rounded down.
    var padTop: Int { Self.samePaddingBefore(height, outputHeight, filterHeight, stride, dilation) }
    var padLeft: Int { Self.samePaddingBefore(width, outputWidth, filterWidth, stride, dilation) }

    private static func samePaddingBefore(
        _ size: Int, _ outputSize: Int, _ filterSize: Int, _ stride: Int, _ dilation: Int
    ) -> Int {
        let effectiveFilterSize = (filterSize - 1) * dilation + 1
        return max(0, (outputSize - 1) * stride + effectiveFilterSize - size) / 2
    }
}
