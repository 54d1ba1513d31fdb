import Foundation
import NPY
import Testing

/// An invocation that must fail, and words its one-line message must contain.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let arguments: [String]
    /// Compared case-insensitively.
    let keywords: [String]

    init(_ name: String, _ arguments: [String], _ keywords: [String]) {
        self.name = name
        self.arguments = arguments
        self.keywords = keywords
    }

    var testDescription: String { name }
}

/// Valid invocations of each operation on the ``Fixtures`` files, with
/// options replaced (`nil` removes one) and arguments appended.
enum Invocation {
    static func backpropInput(_ changes: [String: String?] = [:], adding extra: [String] = []) -> [String] {
        build("backprop-input", [
            ("--input-sizes", "1,4,4,2"), ("--filter", "w.npy"), ("--out-backprop", "dy.npy"),
            ("--strides", "1,1,1,1"), ("--padding", "SAME"), ("--output", "out.npy"),
        ], changes, extra)
    }

    static func forward(_ changes: [String: String?] = [:], adding extra: [String] = []) -> [String] {
        build("forward", [
            ("--input", "x.npy"), ("--filter", "w.npy"),
            ("--strides", "1,1,1,1"), ("--padding", "SAME"), ("--output", "out.npy"),
        ], changes, extra)
    }

    static func backpropFilter(_ changes: [String: String?] = [:], adding extra: [String] = []) -> [String] {
        build("backprop-filter", [
            ("--input", "x.npy"), ("--filter-sizes", "3,3,2,2"), ("--out-backprop", "dy.npy"),
            ("--strides", "1,1,1,1"), ("--padding", "SAME"), ("--output", "out.npy"),
        ], changes, extra)
    }

    private static func build(
        _ command: String, _ base: [(String, String)], _ changes: [String: String?], _ extra: [String]
    ) -> [String] {
        var arguments = [command]
        for (option, value) in base {
            let changed = changes[option] ?? value
            if let changed {
                arguments += [option, changed]
            }
        }
        for (option, value) in changes where !base.contains(where: { $0.0 == option }) {
            if let value {
                arguments += [option, value]
            }
        }
        return arguments + extra
    }
}

/// The operand files every malformed-invocation test starts with.
enum Fixtures {
    static func write(to workspace: Workspace) throws {
        let filter = TestData.dyadicValues(count: 36, seed: 10)
        let outBackprop = TestData.dyadicValues(count: 64, seed: 11)
        let input = TestData.dyadicValues(count: 32, seed: 12)
        try workspace.write(try NPYArray(shape: [3, 3, 2, 2], float32: filter.map { Float($0) }), to: "w.npy")
        try workspace.write(try NPYArray(shape: [1, 4, 4, 4], float32: outBackprop.map { Float($0) }), to: "dy.npy")
        try workspace.write(try NPYArray(shape: [1, 4, 4, 2], float32: input.map { Float($0) }), to: "x.npy")
        try workspace.write(try NPYArray(shape: [3, 3, 2, 2], float64: filter), to: "w8.npy")
        try workspace.write(try NPYArray(shape: [1, 4, 4, 4], float64: outBackprop), to: "dy8.npy")
        try workspace.write(try NPYArray(shape: [3, 3, 2], float32: Array(repeating: 1, count: 18)), to: "w3d.npy")
        try workspace.write(
            bytes: TestData.npyFile(shape: "(3, 3, 2, 2)", dataByteCount: 100), to: "truncated.npy")
        try workspace.write(
            bytes: TestData.npyFile(
                rawHeader: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3, 2, 2)", dataByteCount: 144),
            to: "badheader.npy")
        try workspace.write(
            bytes: TestData.npyFile(shape: "(3, 3, 2, 2)", dataByteCount: 144, magic: Array("\u{7F}NUMPY".utf8)),
            to: "badmagic.npy")
        try workspace.write(
            bytes: TestData.npyFile(descr: ">f4", shape: "(3, 3, 2, 2)", dataByteCount: 144), to: "bigendian.npy")
        try workspace.write(
            bytes: TestData.npyFile(descr: "<i4", shape: "(3, 3, 2, 2)", dataByteCount: 144), to: "int.npy")
        try workspace.write(
            bytes: TestData.npyFile(fortranOrder: true, shape: "(3, 3, 2, 2)", dataByteCount: 144),
            to: "fortran.npy")
        try workspace.write(bytes: [], to: "empty.npy")
        try FileManager.default.createDirectory(at: workspace.url("adir"), withIntermediateDirectories: false)
    }
}

@Suite("Malformed invocations")
struct MalformedInvocationTests {
    typealias I = Invocation

    static let cases: [MalformedCase] = [
        // Argument parsing.
        MalformedCase("missing --filter", I.backpropInput(["--filter": nil]), ["missing", "--filter"]),
        MalformedCase("missing --output", I.forward(["--output": nil]), ["missing", "--output"]),
        MalformedCase("missing --filter-sizes", I.backpropFilter(["--filter-sizes": nil]), ["--filter-sizes"]),
        MalformedCase("unknown option", I.backpropInput(adding: ["--bogus"]), ["unknown option", "--bogus"]),
        MalformedCase(
            "unknown subcommand", ["backprop-inputs", "--filter", "w.npy"],
            ["unknown subcommand", "'backprop-inputs'", "backprop-input"]),
        MalformedCase("option without a value", I.backpropInput(adding: ["--threads"]), ["missing value", "--threads"]),
        MalformedCase(
            "non-integer in a list", I.backpropInput(["--strides": "1,a,1,1"]),
            ["--strides", "'a'", "not an integer"]),
        MalformedCase(
            "space in a list", I.backpropInput(["--input-sizes": "1, 4,4,2"]), ["--input-sizes", "not an integer"]),
        MalformedCase("empty list element", I.forward(["--dilations": "1,,1,1"]), ["--dilations", "empty"]),
        MalformedCase(
            "integer overflow in a list", I.backpropFilter(["--filter-sizes": "3,3,2,99999999999999999999"]),
            ["--filter-sizes", "64-bit"]),
        MalformedCase(
            "three strides", I.backpropInput(["--strides": "1,1,1"]), ["strides", "4 dimensions", "got 3"]),
        MalformedCase("bad padding name", I.forward(["--padding": "MEDIUM"]), ["--padding", "'MEDIUM'", "SAME"]),
        MalformedCase(
            "explicit paddings with SAME", I.backpropInput(adding: ["--explicit-paddings", "0,0,1,1,1,1,0,0"]),
            ["explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT"]),
        MalformedCase(
            "explicit paddings with VALID",
            I.backpropFilter(["--padding": "valid", "--explicit-paddings": "0,0,0,0,0,0,0,0"]),
            ["explicit_paddings attribute must be empty"]),
        MalformedCase(
            "EXPLICIT without paddings", I.backpropInput(["--padding": "EXPLICIT"]),
            ["EXPLICIT", "--explicit-paddings"]),
        MalformedCase(
            "negative explicit padding",
            I.backpropInput(["--padding": "EXPLICIT", "--explicit-paddings": "0,0,-1,1,1,1,0,0"]),
            ["explicit_paddings", "nonnegative", "-1"]),
        MalformedCase(
            "explicit paddings starting with a minus sign",
            I.forward(["--padding": "explicit", "--explicit-paddings": "-1,0,1,1,1,1,0,0"]),
            ["explicit_paddings", "nonnegative"]),
        MalformedCase(
            "six explicit paddings", I.forward(["--padding": "EXPLICIT", "--explicit-paddings": "0,0,1,1,1,1"]),
            ["explicit_paddings", "8 values", "6"]),
        MalformedCase(
            "bad data format", I.backpropInput(["--data-format": "NWHC"]), ["--data-format", "'NWHC'", "NHWC"]),
        // Operand files.
        MalformedCase(
            "nonexistent input file", I.backpropInput(["--filter": "missing.npy"]),
            ["missing.npy", "no such file"]),
        MalformedCase("directory as input", I.forward(["--input": "adir"]), ["adir", "directory"]),
        MalformedCase("empty .npy file", I.forward(["--input": "empty.npy"]), ["empty.npy", "truncated"]),
        MalformedCase(
            "truncated .npy data", I.backpropInput(["--filter": "truncated.npy"]),
            ["truncated.npy", "too short"]),
        MalformedCase(
            "broken .npy header", I.backpropInput(["--filter": "badheader.npy"]),
            ["badheader.npy", "malformed header"]),
        MalformedCase("wrong magic", I.forward(["--filter": "badmagic.npy"]), ["badmagic.npy", "magic"]),
        MalformedCase(
            "big-endian dtype", I.backpropInput(["--filter": "bigendian.npy"]),
            ["bigendian.npy", "'>f4'", "unsupported dtype"]),
        MalformedCase(
            "integer dtype", I.backpropInput(["--filter": "int.npy"]), ["int.npy", "'<i4'", "unsupported dtype"]),
        MalformedCase("Fortran order", I.forward(["--filter": "fortran.npy"]), ["fortran.npy", "fortran"]),
        MalformedCase(
            "mismatched operand dtypes", I.backpropInput(["--out-backprop": "dy8.npy"]),
            ["different dtypes", "w.npy", "dy8.npy", "'<f4'", "'<f8'"]),
        MalformedCase(
            "--bfloat16 with <f8 operands",
            I.backpropInput(["--filter": "w8.npy", "--out-backprop": "dy8.npy"], adding: ["--bfloat16"]),
            ["--bfloat16", "'<f8'"]),
        // Shapes and attributes, checked by the library.
        MalformedCase(
            "filter not 4-D", I.backpropInput(["--filter": "w3d.npy"]),
            ["DepthwiseConv2DBackpropInput", "filter must be 4-dimensional", "[3, 3, 2]"]),
        MalformedCase(
            "in_depth mismatch", I.backpropInput(["--input-sizes": "1,4,4,3"]),
            ["same in_depth", "input: 3", "filter: 2"]),
        MalformedCase(
            "out_backprop rows mismatch", I.backpropInput(["--padding": "VALID"]),
            ["Number of rows of out_backprop", "actual = 4", "computed = 2"]),
        MalformedCase(
            "out_depth mismatch", I.backpropFilter(["--filter-sizes": "3,3,2,3"]),
            ["depth_multiplier * in_depth not equal to out_depth"]),
        MalformedCase(
            "negative input size", I.backpropInput(["--input-sizes": "-1,4,4,2"]),
            ["input_sizes", "-1"]),
        MalformedCase("stride 0", I.backpropInput(["--strides": "1,0,1,1"]), ["stride", "> 0", "0"]),
        MalformedCase(
            "batch stride", I.forward(["--strides": "2,1,1,1"]), ["strides in the batch and depth dimensions"]),
        MalformedCase("dilation 0", I.forward(["--dilations": "1,0,1,1"]), ["dilat", "0"]),
        // Output and execution.
        MalformedCase(
            "output in a missing directory", I.backpropInput(["--output": "nodir/out.npy"]),
            ["nodir", "does not exist"]),
        MalformedCase("output is a directory", I.forward(["--output": "adir"]), ["adir", "directory"]),
        MalformedCase("--threads 0", I.backpropInput(["--threads": "0"]), ["--threads", "at least 1", "0"]),
        MalformedCase("negative --threads", I.backpropFilter(["--threads": "-2"]), ["--threads", "-2"]),
    ]

    @Test("Fails with status 1, one error line and no output file", arguments: cases)
    func fails(_ testCase: MalformedCase) throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let before = try workspace.listing()

        let result = try workspace.run(testCase.arguments)

        #expect(result.exitedNormally && result.status == 1, "\(result)")
        #expect(result.standardOutput.isEmpty, "\(result)")
        #expect(result.standardError.hasPrefix("error: "), "\(result)")
        #expect(result.standardError.hasSuffix("\n"), "\(result)")
        #expect(result.standardError.filter { $0 == "\n" }.count == 1, "\(result)")
        let message = result.standardError.lowercased()
        for keyword in testCase.keywords {
            #expect(message.contains(keyword.lowercased()), "missing \(keyword.debugDescription): \(result)")
        }
        #expect(!workspace.exists("out.npy"))
        #expect(try workspace.listing() == before, "the failed run left files behind")
    }

    @Test("A failed run leaves an existing output file untouched")
    func keepsExistingOutput() throws {
        let workspace = try Workspace()
        try Fixtures.write(to: workspace)
        let precious = Array("precious contents".utf8)
        try workspace.write(bytes: precious, to: "out.npy")
        let before = try workspace.listing()
        let failures = [
            I.backpropInput(["--padding": "VALID"]),  // library error
            I.backpropInput(["--filter": "truncated.npy"]),  // file error
            I.backpropInput(["--out-backprop": "dy8.npy"]),  // dtype mismatch
            I.backpropInput(["--strides": "1,x,1,1"]),  // parse error
        ]
        for arguments in failures {
            let result = try workspace.run(arguments)
            #expect(result.exitedNormally && result.status == 1, "\(result)")
            #expect(result.errorLines.count == 1, "\(result)")
            #expect(Array(try Data(contentsOf: workspace.url("out.npy"))) == precious)
            #expect(try workspace.listing() == before)
        }
    }
}
