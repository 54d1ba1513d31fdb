import ArgumentParser
import DepthwiseConv

/// `--threads`: how many threads an operation may use. It never changes a
/// result: the library's results are bit-identical for any thread count.
struct ThreadOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "The number of threads to use at most; results do not depend on it. (default: every active processor)",
            valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 {
            throw ValidationError("--threads must be at least 1, but got \(threads)")
        }
    }

    /// The library's execution options for these settings.
    var libraryOptions: DepthwiseConvOptions {
        DepthwiseConvOptions(threadCount: threads)
    }
}
