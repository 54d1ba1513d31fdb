import Foundation
import NPY
import Testing

/// `dwconv --version`, `--verify`, `--max-memory`, the PyTorch filter-layout
/// hint, and an example in every subcommand's help.
@Suite("Fit and finish")
struct FitAndFinishTests {
    typealias I = Invocation

    // MARK: - --version

    @Test("--version prints the version and exits 0")
    func version() throws {
        let workspace = try Workspace()
        let result = try workspace.run(["--version"])
        #expect(result.exitedNormally && result.status == 0, "\(result)")
        #expect(result.standardOutput == "0.1.0\n")
        #expect(result.standardError.isEmpty)
        #expect(try workspace.listing().isEmpty)

        let help = try workspace.run(["--help"])
        #expect(help.standardOutput.contains("--version"))
    }

    // MARK: - --verify

    /// The parts of a `verify:` line.
    struct VerifyLine {
        let absolute: Double
        let relative: Double
        let count: Int

        /// Parses `text`, which must be exactly one `verify:` line.
        init(_ text: String) throws {
            let pattern = #/^verify: max abs difference (\S+) \(max relative (\S+)\) over (\d+) elements\n$/#
            let match = try #require(text.wholeMatch(of: pattern), "not a verify line: \(text.debugDescription)")
            absolute = try #require(Double(String(match.1)))
            relative = try #require(Double(String(match.2)))
            count = try #require(Int(String(match.3)))
        }
    }

    static let verifyCases: [(name: String, arguments: [String], count: Int)] = [
        ("backprop-input", I.backpropInput(adding: ["--verify"]), 32),
        ("forward", I.forward(adding: ["--verify"]), 64),
        ("backprop-filter", I.backpropFilter(adding: ["--verify"]), 36),
    ]

    @Test("--verify prints one line on standard error and writes the same file", arguments: 0..<3)
    func verifyLine(_ index: Int) throws {
        let (name, arguments, count) = Self.verifyCases[index]
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)

        let verified = try workspace.run(arguments)
        #expect(verified.exitedNormally && verified.status == 0, "\(name): \(verified)")
        #expect(verified.standardOutput.isEmpty)
        let line = try VerifyLine(verified.standardError)
        #expect(line.count == count)
        // The fixtures' values are dyadic: every sum is exact in float32.
        #expect(line.absolute == 0 && line.relative == 0, "\(verified)")
        let withVerify = try Data(contentsOf: workspace.url("out.npy"))

        let plain = try workspace.run(arguments.filter { $0 != "--verify" })
        #expect(plain.status == 0 && plain.standardError.isEmpty, "\(plain)")
        #expect(try Data(contentsOf: workspace.url("out.npy")) == withVerify)
    }

    /// Random (not exactly summable) values, in NCHW with explicit padding,
    /// unequal strides and dilations: the differences are rounding only.
    @Test("--verify reports rounding-sized differences", arguments: ["float32", "float64", "bfloat16"])
    func verifyRounding(_ type: String) throws {
        let workspace = try Workspace()
        // Deterministic values in [-1, 1] that are not sums of a few powers of two.
        func values(_ count: Int, seed: Double) -> [Double] {
            (0..<count).map { sin(Double($0) * 12.9898 + seed) }
        }
        let dtype: NPYDType = type == "float64" ? .float64 : .float32
        // NCHW: x [2, 3, 9, 8], w [3, 2, 3, 2] (effective 5 x 3); rows
        // (9 + 1 + 2 - 5 + 2) / 2 = 4, columns (8 - 3 + 1) / 1 = 6.
        let operands: [(String, [Int], Double)] = [
            ("x.npy", [2, 3, 9, 8], 1), ("w.npy", [3, 2, 3, 2], 2), ("dy.npy", [2, 6, 4, 6], 3),
        ]
        for (name, shape, seed) in operands {
            let array = try TestData.array(values(shape.reduce(1, *), seed: seed), shape: shape, dtype: dtype)
            try workspace.write(array, to: name)
        }
        let attributes = [
            "--strides", "1,1,2,1", "--padding", "EXPLICIT", "--explicit-paddings", "0,0,0,0,1,2,0,0",
            "--data-format", "NCHW", "--dilations", "1,1,2,2", "--output", "out.npy", "--verify",
        ] + (type == "bfloat16" ? ["--bfloat16"] : [])
        let runs: [([String], Int)] = [
            (["forward", "--input", "x.npy", "--filter", "w.npy"], 2 * 6 * 4 * 6),
            (
                ["backprop-input", "--input-sizes", "2,3,9,8", "--filter", "w.npy", "--out-backprop", "dy.npy"],
                2 * 3 * 9 * 8
            ),
            (["backprop-filter", "--input", "x.npy", "--filter-sizes", "3,2,3,2", "--out-backprop", "dy.npy"], 36),
        ]
        // Each result element is rounded once to the computing type (and
        // summed in float32 or float64): relative to the terms' magnitudes,
        // that is within a few unit roundoffs.
        let bound = type == "float64" ? 1e-13 : type == "float32" ? 1e-5 : 0x1p-8
        for (operation, count) in runs {
            let result = try workspace.run(operation + attributes)
            #expect(result.exitedNormally && result.status == 0, "\(operation): \(result)")
            #expect(result.standardOutput.isEmpty)
            let line = try VerifyLine(result.standardError)
            #expect(line.count == count, "\(operation): \(result)")
            #expect(line.relative <= bound, "\(operation): \(result)")
            #expect(line.absolute.isFinite, "\(operation): \(result)")
        }
    }

    @Test("A failing run with --verify prints only the error line")
    func verifyFailure() throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let result = try workspace.run(I.backpropInput(["--padding": "VALID"], adding: ["--verify"]))
        #expect(result.exitedNormally && result.status == 1, "\(result)")
        #expect(result.errorLines.count == 1 && result.standardError.hasPrefix("error: "), "\(result)")
        #expect(!workspace.exists("out.npy"))
    }

    // MARK: - --max-memory

    /// The forward fixture's result is [1, 4, 4, 4] float32: 256 bytes, plus
    /// 1536 bytes of the kernels' tap tables, plus (one thread, M = 2) three
    /// input rows widened to 4 pixels x 4 lanes (64 bytes each): 1984 bytes.
    @Test(
        "--max-memory accepts byte counts with units",
        arguments: ["1984", "1984B", "1984b", "2K", "2k", "2KB", "2KiB", "1.9375K", "512M", "2G", "2GiB", "1T"])
    func maxMemoryAccepted(_ value: String) throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let result = try workspace.run(I.forward(["--max-memory": value, "--threads": "1"]))
        #expect(result.exitedNormally && result.status == 0, "\(value): \(result)")
        #expect(result.standardError.isEmpty)
        #expect(workspace.exists("out.npy"))
    }

    @Test("--max-memory below the call's needs fails before computing", arguments: ["1983", "1.9K", "0", "100B"])
    func maxMemoryTooSmall(_ value: String) throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let before = try workspace.listing()
        let result = try workspace.run(I.forward(["--max-memory": value, "--threads": "1"]))
        #expect(result.exitedNormally && result.status == 1, "\(value): \(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.standardError.hasPrefix("error: The call needs 1984 bytes"), "\(result)")
        #expect(result.standardError.contains("memory limit"), "\(result)")
        #expect(try workspace.listing() == before)
    }

    @Test("--max-memory counts the scratch of 16-bit calls")
    func maxMemoryScratch() throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        // --bfloat16: the result (64 bfloat16s, 128 bytes) plus float32 copies
        // of the input (32), the filter (36) and the result (64): 528 bytes,
        // 1536 bytes of tap tables and 192 of widened rows (one thread).
        let result = try workspace.run(I.forward(["--max-memory": "2383", "--threads": "1"], adding: ["--bfloat16"]))
        #expect(result.status == 1, "\(result)")
        #expect(result.standardError.contains("2384 bytes (result 128, scratch 2256)"), "\(result)")
        let fits = try workspace.run(I.forward(["--max-memory": "2384", "--threads": "1"], adding: ["--bfloat16"]))
        #expect(fits.status == 0, "\(fits)")
    }

    @Test(
        "A malformed --max-memory is refused in one line",
        arguments: [
            ("12X", "expected a number of bytes"), ("1.5", nil), ("M", "expected a number of bytes"),
            ("1iB", "expected a number of bytes"), ("1.K", "expected a number of bytes"),
            ("1 G", "expected a number of bytes"), ("99999999999T", "64-bit"),
            ("99999999999999999999", "64-bit"),
        ] as [(String, String?)])
    func maxMemoryMalformed(_ value: String, _ keyword: String?) throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let result = try workspace.run(I.backpropFilter(["--max-memory": value]))
        if keyword == nil {
            // "1.5" bytes rounds down to 1: too little for this call.
            #expect(result.status == 1 && result.standardError.contains("memory limit of 1 bytes"), "\(result)")
            return
        }
        #expect(result.exitedNormally && result.status == 1, "\(value): \(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.standardError.contains("--max-memory"), "\(result)")
        if let keyword {
            #expect(result.standardError.contains(keyword), "\(result)")
        }
        #expect(!workspace.exists("out.npy"))
    }

    // MARK: - PyTorch filter layout

    /// The fixtures' [3, 3, 2, 2] filter rearranged to PyTorch's [4, 1, 3, 3].
    static func writePyTorchFilter(to workspace: Workspace) throws {
        let w = try workspace.read("w.npy").doubleValues()
        var torch = [Double](repeating: 0, count: w.count)
        for kh in 0..<3 {
            for kw in 0..<3 {
                for c in 0..<2 {
                    for m in 0..<2 {
                        torch[((c * 2 + m) * 3 + kh) * 3 + kw] = w[((kh * 3 + kw) * 2 + c) * 2 + m]
                    }
                }
            }
        }
        try workspace.write(try NPYArray(shape: [4, 1, 3, 3], float32: torch.map { Float($0) }), to: "wt.npy")
    }

    static let pyTorchHint =
        "the filter looks like PyTorch's [C*M, 1, KH, KW] layout; convert with "
        + "w.reshape(C, M, KH, KW).transpose(2, 3, 0, 1) (NumPy) to TensorFlow's [KH, KW, C, M]"

    @Test("A PyTorch-layout filter file gets a conversion hint", arguments: ["forward", "backprop-input"])
    func pyTorchFilterFile(_ operation: String) throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        try Self.writePyTorchFilter(to: workspace)
        let before = try workspace.listing()
        let arguments =
            operation == "forward" ? I.forward(["--filter": "wt.npy"]) : I.backpropInput(["--filter": "wt.npy"])
        let result = try workspace.run(arguments)
        #expect(result.exitedNormally && result.status == 1, "\(result)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.errorLines.count == 1, "\(result)")
        let message = result.standardError
        #expect(message.hasPrefix("error: "), "\(result)")
        // The library's own message comes first.
        let libraryMessage =
            operation == "forward" ? "same depth: 2 vs 3" : "same in_depth (input: 2, filter: 3)"
        #expect(message.contains(libraryMessage + "; the filter looks like PyTorch's"), "\(result)")
        #expect(message.contains(Self.pyTorchHint), "\(result)")
        #expect(message.contains("w.reshape(2, 2, 3, 3).transpose(2, 3, 0, 1)"), "\(result)")
        #expect(try workspace.listing() == before)
    }

    @Test("PyTorch-layout --filter-sizes get a hint")
    func pyTorchFilterSizes() throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let result = try workspace.run(I.backpropFilter(["--filter-sizes": "4,1,3,3"]))
        #expect(result.exitedNormally && result.status == 1, "\(result)")
        #expect(result.errorLines.count == 1, "\(result)")
        #expect(result.standardError.contains("same in_depth"), "\(result)")
        #expect(result.standardError.contains("PyTorch's [C*M, 1, KH, KW] layout"), "\(result)")
        #expect(result.standardError.contains("--filter-sizes 3,3,2,2"), "\(result)")
    }

    @Test("No hint when the filter doesn't look like PyTorch's layout, or the call succeeds")
    func noPyTorchHint() throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        // A TensorFlow 3x1 filter [3, 1, 2, 2] (dimension 1 is 1) with another mistake.
        try workspace.write(try NPYArray(shape: [3, 1, 2, 2], float32: Array(repeating: 0.5, count: 12)), to: "w31.npy")
        // Channels that fit neither reading.
        try workspace.write(try NPYArray(shape: [5, 1, 3, 3], float32: Array(repeating: 0.5, count: 45)), to: "w5.npy")
        let failures = [
            I.forward(["--filter": "w31.npy", "--strides": "1,0,1,1"]),
            I.forward(["--filter": "w5.npy"]),
            I.backpropInput(["--input-sizes": "1,4,4,3"]),
            I.backpropFilter(["--filter-sizes": "3,3,2,3"]),
        ]
        for arguments in failures {
            let result = try workspace.run(arguments)
            #expect(result.status == 1 && result.errorLines.count == 1, "\(arguments): \(result)")
            #expect(!result.standardError.contains("PyTorch"), "\(arguments): \(result)")
        }
        // [2, 1, 3, 3] read as TensorFlow's layout fits an input with C = 3:
        // the library accepts it, so there is nothing to hint at.
        try workspace.write(try NPYArray(shape: [1, 3, 3, 3], float32: Array(repeating: 1, count: 27)), to: "x3.npy")
        try workspace.write(try NPYArray(shape: [2, 1, 3, 3], float32: Array(repeating: 1, count: 18)), to: "w213.npy")
        let accepted = try workspace.run(I.forward(["--input": "x3.npy", "--filter": "w213.npy"]))
        #expect(accepted.status == 0 && accepted.standardError.isEmpty, "\(accepted)")
    }

    // MARK: - Help

    @Test("Every subcommand's help shows an example invocation, and the operations show the new options")
    func everySubcommandHasAnExample() throws {
        let workspace = try Workspace()
        let root = try workspace.run(["--help"])
        let listing = try #require(root.standardOutput.components(separatedBy: "SUBCOMMANDS:\n").last)
        // The list ends at the first blank line; a subcommand's line is
        // indented by two spaces, the wrapped rest of its abstract by more.
        let lines = listing.components(separatedBy: "\n").prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let subcommands = lines.compactMap { line -> String? in
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
        #expect(subcommands.count >= 4, "\(root)")
        for subcommand in subcommands {
            let help = try workspace.run([subcommand, "--help"])
            #expect(help.status == 0, "\(subcommand): \(help)")
            #expect(help.standardOutput.contains("Example"), "\(subcommand)")
            #expect(help.standardOutput.contains("dwconv \(subcommand)"), "\(subcommand)")
        }
        for subcommand in ["backprop-input", "forward", "backprop-filter"] {
            let help = try workspace.run([subcommand, "--help"]).standardOutput
            #expect(help.contains("--verify"), "\(subcommand)")
            #expect(help.contains("--max-memory <bytes>"), "\(subcommand)")
        }
    }
}
