import ArgumentParser
import DepthwiseConv

/// `dwconv forward`: TensorFlow's `DepthwiseConv2dNative`, a depthwise
/// convolution.
struct ForwardCommand: OperationCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Compute a depthwise convolution.",
        discussion: """
            TensorFlow's DepthwiseConv2dNative (tf.nn.depthwise_conv2d for dilations). The result \
            is [N, OH, OW, C*M] (NHWC) or [N, C*M, OH, OW] (NCHW), in the dtype of the operands.

            Example (a 3x3 convolution with dilation 2, NCHW):
              dwconv forward --input x.npy --filter w.npy --strides 1,1,1,1 \\
                  --padding VALID --data-format NCHW --dilations 1,1,2,2 --output y.npy
            where x.npy is [N, C, H, W] and w.npy is [3, 3, C, M].
            """
    )

    @Option(
        help: ArgumentHelp("The input, [N, H, W, C] (NHWC) or [N, C, H, W] (NCHW), as a .npy file.", valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var input: String

    @Option(
        help: ArgumentHelp("The filter, [KH, KW, C, M], as a .npy file.", valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var filter: String

    @OptionGroup
    var shared: OperationOptions

    var operandFiles: (OperandFile, OperandFile) {
        (OperandFile(option: "--input", path: input), OperandFile(option: "--filter", path: filter))
    }

    var referenceOperation: ReferenceOperation { .forward }

    func filterLayoutHint(_ operands: OperandPair, _ dataFormat: DataFormat) -> String? {
        FilterLayoutHint.forFilterFile(
            operands.second.shape, inputChannels: FilterLayoutHint.channels(of: operands.first.shape, dataFormat),
            outputChannels: nil)
    }

    func compute<T: NPYScalar>(
        _ input: Tensor<T>, _ filter: Tensor<T>, _ settings: OperationSettings
    ) throws -> Tensor<T> {
        let a = settings.attributes
        return try depthwiseConv2dNative(
            input: input, filter: filter,
            strides: a.strides, padding: a.padding, dataFormat: a.dataFormat, dilations: a.dilations,
            options: settings.options)
    }
}
