import ArgumentParser
import DepthwiseConv

/// `dwconv backprop-filter`: TensorFlow's `DepthwiseConv2dNativeBackpropFilter`,
/// the gradient of a depthwise convolution with respect to its filter.
struct BackpropFilterCommand: OperationCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-filter",
        abstract: "Compute the gradient of a depthwise convolution with respect to its filter.",
        discussion: """
            TensorFlow's DepthwiseConv2dNativeBackpropFilter. The result has shape --filter-sizes \
            and the dtype of the operands.

            Example (explicit padding of one row and two columns on each side, NHWC):
              dwconv backprop-filter --input x.npy --filter-sizes 3,5,8,2 --out-backprop dy.npy \\
                  --strides 1,1,1,1 --padding EXPLICIT --explicit-paddings 0,0,1,1,2,2,0,0 \\
                  --output dw.npy
            where x.npy is [N, H, W, 8] and dy.npy is [N, H, W, 16].
            """
    )

    @Option(
        help: ArgumentHelp("The input, [N, H, W, C] (NHWC) or [N, C, H, W] (NCHW), as a .npy file.", valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var input: String

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The filter's shape: 4 comma-separated integers, KH,KW,C,M.", valueName: "list"),
        transform: IntegerList.parse)
    var filterSizes: [Int]

    @Option(
        help: ArgumentHelp(
            "The gradient of the convolution's output, [N, OH, OW, C*M] (NHWC) or [N, C*M, OH, OW] (NCHW), as a .npy file.",
            valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var outBackprop: String

    @OptionGroup
    var shared: OperationOptions

    var operandFiles: (OperandFile, OperandFile) {
        (OperandFile(option: "--input", path: input), OperandFile(option: "--out-backprop", path: outBackprop))
    }

    var referenceOperation: ReferenceOperation { .backpropFilter }

    func filterLayoutHint(_ operands: OperandPair, _ dataFormat: DataFormat) -> String? {
        FilterLayoutHint.forFilterSizes(
            filterSizes, inputChannels: FilterLayoutHint.channels(of: operands.first.shape, dataFormat),
            outputChannels: FilterLayoutHint.channels(of: operands.second.shape, dataFormat))
    }

    func compute<T: NPYScalar>(
        _ input: Tensor<T>, _ outBackprop: Tensor<T>, _ settings: OperationSettings
    ) throws -> Tensor<T> {
        let a = settings.attributes
        return try depthwiseConv2dNativeBackpropFilter(
            input: input, filterSizes: filterSizes, outBackprop: outBackprop,
            strides: a.strides, padding: a.padding, dataFormat: a.dataFormat, dilations: a.dilations,
            options: settings.options)
    }
}
