import ArgumentParser
import DepthwiseConv
import Foundation

/// What the three operation subcommands share: the convolution attributes,
/// `--threads`, `--max-memory`, `--bfloat16`, `--verify` and `--output`.
struct OperationOptions: ParsableArguments {
    @OptionGroup
    var convolution: ConvolutionOptions

    @OptionGroup
    var execution: ThreadOptions

    @Option(
        help: ArgumentHelp(
            "The most memory the operation may allocate for its result and scratch (not counting the operands read), in bytes or with a unit K, M, G or T (powers of 1024), e.g. 512M or 2G. A larger call fails before allocating. (default: half of physical memory)",
            valueName: "bytes"),
        transform: ByteCount.parse)
    var maxMemory: Int?

    @Flag(
        help: """
            Also compute the result with a straightforward float64 reference (from the values the \
            operation computed with) and print 'verify: max abs difference X (max relative Y) over \
            N elements' to standard error, where Y is relative to the sum of the magnitudes of the \
            products summed into each element. The reference is single-threaded and slower than \
            the operation.
            """)
    var verify = false

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
        var options = execution.libraryOptions
        options.memoryLimit = maxMemory
        return OperationSettings(attributes: try convolution.attributes(), options: options)
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
    /// A hint to add to the library's error when the filter (or the filter
    /// sizes) look like PyTorch's layout; see ``FilterLayoutHint``.
    func filterLayoutHint(_ operands: OperandPair, _ dataFormat: DataFormat) -> String?
}

extension OperationCommand {
    /// Checks the options, reads the operands, computes in their scalar type
    /// and writes the result; nothing is written unless everything succeeded.
    /// With `--verify`, the comparison with the reference goes to standard
    /// error after the result was written.
    func run() throws {
        let settings = try shared.settings()
        let output = try OutputFile(path: shared.output)
        let operands = try OperandPair(reading: operandFiles.0, operandFiles.1)
        let kind = try operands.scalarKind(bfloat16: shared.bfloat16)
        let result: ComputedResult
        do {
            result = try operands.compute(in: kind, self, settings, verify: shared.verify)
        } catch let error as DepthwiseConvError {
            guard let hint = filterLayoutHint(operands, settings.attributes.dataFormat) else { throw error }
            throw CommandLineError("\(error.message); \(hint)")
        }
        try output.write(result.array)
        if let verification = result.verification {
            FileHandle.standardError.write(Data((verification.line + "\n").utf8))
        }
    }
}
