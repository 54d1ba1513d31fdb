import ArgumentParser
import DepthwiseConv

/// What the three operation subcommands share: the convolution attributes,
/// `--threads`, `--bfloat16` and `--output`.
struct OperationOptions: ParsableArguments {
    @OptionGroup
    var convolution: ConvolutionOptions

    @OptionGroup
    var execution: ThreadOptions

    @Flag(
        help: """
            Compute in bfloat16 instead of the operands' dtype. The operands must be float32 \
            ('<f4') files; each value is rounded to the nearest bfloat16 (ties to even, \
            silently). The result is written as float32 ('<f4') holding the bfloat16 results \
            exactly.
            """)
    var bfloat16 = false

    @Option(
        help: ArgumentHelp(
            "The .npy file to write the result to, in the operands' dtype (or '<f4' with --bfloat16). It is written atomically, and only if the computation succeeds.",
            valueName: "file"),
        completion: .file(extensions: ["npy"]))
    var output: String

    /// The library arguments these options describe.
    func settings() throws -> OperationSettings {
        OperationSettings(attributes: try convolution.attributes(), options: execution.libraryOptions)
    }
}

/// Everything an operation needs besides its operands, in the library's types.
struct OperationSettings {
    var attributes: ConvolutionAttributes
    var options: DepthwiseConvOptions
}

/// A subcommand that runs one depthwise operation on two `.npy` operands and
/// writes its result: `backprop-input`, `forward` and `backprop-filter`.
///
/// Conformers declare their operand options and call the library in
/// ``DepthwiseComputation/compute(_:_:_:)``; reading, dtype dispatch and
/// writing are shared in ``run()``.
protocol OperationCommand: ParsableCommand, DepthwiseComputation {
    /// The shared options.
    var shared: OperationOptions { get }
    /// The operand files, in the order ``compute(_:_:_:)`` takes them.
    var operandFiles: (OperandFile, OperandFile) { get }
}

extension OperationCommand {
    /// Checks the options, reads the operands, computes in their scalar type
    /// and writes the result; nothing is written unless everything succeeded.
    func run() throws {
        let settings = try shared.settings()
        let output = try OutputFile(path: shared.output)
        let operands = try OperandPair(reading: operandFiles.0, operandFiles.1)
        let kind = try operands.scalarKind(bfloat16: shared.bfloat16)
        let result = try operands.compute(in: kind, self, settings)
        try output.write(result)
    }
}
