import ArgumentParser

/// The `dwconv` command: TensorFlow 2.21's depthwise convolution operations
/// on `.npy` files, plus a self-checking benchmark.
///
/// `main()` is overridden so that every failure, argument-parsing errors
/// included, ends the same way: one `error: <message>` line on standard
/// error and exit status 1 (see ``ErrorReporting``). Help requests still
/// print the help and exit 0.
@main
struct DWConv: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dwconv",
        abstract: "Run TensorFlow 2.21's depthwise convolution operations on .npy files.",
        discussion: """
            Each operation reads its operands from NumPy .npy files (little-endian \
            float16, float32 or float64, C order), computes in the operands' dtype, \
            and writes the result to --output in the same dtype. The output file is \
            written only after the computation succeeded, and atomically.

            On any failure dwconv prints one line, 'error: <message>', to standard \
            error, exits with status 1 and leaves no output file.

            Example:
              dwconv backprop-input --input-sizes 1,56,56,144 --filter w.npy \\
                  --out-backprop dy.npy --strides 1,1,1,1 --padding SAME --output dx.npy
            """,
        version: "0.1.0",
        subcommands: [
            BackpropInputCommand.self,
            ForwardCommand.self,
            BackpropFilterCommand.self,
            DemoCommand.self,
            BenchCommand.self,
        ]
    )

    /// Parses the command line and runs the chosen subcommand, reporting any
    /// failure as one `error:` line and exit status 1.
    static func main() {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            try checkSubcommand(arguments)
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            // Help (`--help`, `-h`, `help`) and other clean exits: let
            // ArgumentParser print them and exit 0.
            if exitCode(for: error) == .success {
                exit(withError: error)
            }
            ErrorReporting.fail(with: error)
        }
    }

    /// Throws a clearer message than ArgumentParser's "Unexpected argument"
    /// when the first argument is neither an option nor a subcommand.
    private static func checkSubcommand(_ arguments: [String]) throws {
        guard let first = arguments.first, !first.hasPrefix("-") else { return }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard names.contains(first) else {
            throw CommandLineError(
                "unknown subcommand '\(first)'; expected one of \(names.joined(separator: ", "))")
        }
    }
}
