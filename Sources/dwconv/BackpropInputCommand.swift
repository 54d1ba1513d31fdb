import ArgumentParser
import DepthwiseConv

/// `dwconv backprop-input`: TensorFlow's `DepthwiseConv2dNativeBackpropInput`,
/// the gradient of a depthwise convolution with respect to its input.
struct BackpropInputCommand: OperationCommand {
    static let configuration = CommandConfiguration(
        commandName: "backprop-input",
        abstract: "Compute the gradient of a depthwise convolution with respect to its input.",
        discussion: """
            TensorFlow's DepthwiseConv2dNativeBackpropInput. The result has shape --input-sizes \
            and the dtype of the operands.

            Example (a 3x3, stride-2 MobileNet layer, NHWC):
              dwconv backprop-input --input-sizes 1,112,112,32 --filter w.npy \\
                  --out-backprop dy.npy --strides 1,2,2,1 --padding SAME --output dx.npy
            where w.npy is [3, 3, 32, 1] and dy.npy is [1, 56, 56, 32].
            """
    )

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The input's shape: 4 comma-separated integers, N,H,W,C (NHWC) or N,C,H,W (NCHW).",
            valueName: "list"),
        transform: IntegerList.parse)
    var inputSizes: [Int]

    @Option(
        help: ArgumentHelp("The filter, [KH, KW, C, M], as a .npy file.", valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var filter: String

    @Option(
        help: ArgumentHelp(
            "The gradient of the convolution's output, [N, OH, OW, C*M] (NHWC) or [N, C*M, OH, OW] (NCHW), as a .npy file.",
            valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var outBackprop: String

    @OptionGroup
    var shared: OperationOptions

    var operandFiles: (OperandFile, OperandFile) {
        (OperandFile(option: "--filter", path: filter), OperandFile(option: "--out-backprop", path: outBackprop))
    }

    var referenceOperation: ReferenceOperation { .backpropInput }

    func filterLayoutHint(_ operands: OperandPair, _ dataFormat: DataFormat) -> String? {
        FilterLayoutHint.forFilterFile(
            operands.first.shape, inputChannels: FilterLayoutHint.channels(of: inputSizes, dataFormat),
            outputChannels: FilterLayoutHint.channels(of: operands.second.shape, dataFormat))
    }

    func compute<T: NPYScalar>(
        _ filter: Tensor<T>, _ outBackprop: Tensor<T>, _ settings: OperationSettings
    ) throws -> Tensor<T> {
        let a = settings.attributes
        return try depthwiseConv2dNativeBackpropInput(
            inputSizes: inputSizes, filter: filter, outBackprop: outBackprop,
            strides: a.strides, padding: a.padding, dataFormat: a.dataFormat, dilations: a.dilations,
            options: settings.options)
    }
}
