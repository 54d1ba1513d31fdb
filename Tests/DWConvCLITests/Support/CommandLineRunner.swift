import Foundation
import Testing

/// The outcome of one run of the `dwconv` executable.
struct RunResult: CustomStringConvertible {
    /// The exit status, or the signal number if ``exitedNormally`` is false.
    let status: Int32
    /// Whether the process exited (rather than being killed by a signal).
    let exitedNormally: Bool
    let standardOutput: String
    let standardError: String

    /// The non-empty lines of standard error.
    var errorLines: [Substring] {
        standardError.split(separator: "\n", omittingEmptySubsequences: true)
    }

    var description: String {
        "status \(status)\(exitedNormally ? "" : " (signal)"), stdout: \(standardOutput.debugDescription), "
            + "stderr: \(standardError.debugDescription)"
    }
}

/// Runs the built `dwconv` executable in a directory of its own.
enum CommandLineRunner {
    /// The `dwconv` executable built next to this test bundle, in the build
    /// products directory.
    static let executable: URL? = {
        var candidates: [URL] = []
        if let url = Bundle.main.executableURL {
            candidates.append(url)
        }
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first))
        }
        // On Darwin the tests run from `Products.xctest/Contents/MacOS/`.
        candidates += Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }.map(\.bundleURL)
        for candidate in candidates {
            var directory = candidate.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                let url = directory.appendingPathComponent("dwconv")
                if FileManager.default.isExecutableFile(atPath: url.path) {
                    return url
                }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }()

    /// Runs `dwconv arguments` with `directory` as its working directory.
    ///
    /// Output goes to files outside `directory`, so the directory's listing
    /// shows only what the tool created.
    static func run(_ arguments: [String], in directory: URL) throws -> RunResult {
        let executable = try #require(
            executable, "the dwconv executable was not found next to the test bundle")
        let outputDirectory = directory.deletingLastPathComponent()
        let stdoutURL = outputDirectory.appendingPathComponent("stdout.txt")
        let stderrURL = outputDirectory.appendingPathComponent("stderr.txt")
        try Data().write(to: stdoutURL)
        try Data().write(to: stderrURL)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()
        process.waitUntilExit()
        try stdoutHandle.close()
        try stderrHandle.close()

        return RunResult(
            status: process.terminationStatus,
            exitedNormally: process.terminationReason == .exit,
            standardOutput: try String(contentsOf: stdoutURL, encoding: .utf8),
            standardError: try String(contentsOf: stderrURL, encoding: .utf8))
    }
}
