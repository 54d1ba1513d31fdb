import Foundation
import NPY
import Testing

/// One successful run of an operation subcommand, checked against
/// ``ReferenceConvolution``.
struct OperationCase: Sendable, CustomTestStringConvertible {
    enum Operation: String, Sendable {
        case backpropInput = "backprop-input"
        case forward
        case backpropFilter = "backprop-filter"
    }

    var operation: Operation
    /// The operands' dtype.
    var dtype: NPYDType
    /// Run with `--bfloat16` (the operands are then float32).
    var bfloat16 = false
    var nchw = false
    var input: (n: Int, h: Int, w: Int, c: Int)
    var filter: (kh: Int, kw: Int, m: Int)
    var strides: (h: Int, w: Int) = (1, 1)
    var dilations: (h: Int, w: Int) = (1, 1)
    var padding: ReferenceConvolution.PaddingKind
    /// Spell `--padding` and `--data-format` values in lower case.
    var lowercaseNames = false
    var threads: Int?

    var testDescription: String {
        "\(operation.rawValue) \(bfloat16 ? "bfloat16" : dtype.rawValue) \(nchw ? "NCHW" : "NHWC") \(padding) "
            + "strides \(strides) dilations \(dilations)"
    }
}

@Suite("Operations on .npy files")
struct OperationTests {
    static let cases: [OperationCase] = [
        OperationCase(
            operation: .backpropInput, dtype: .float32, input: (1, 7, 6, 3), filter: (3, 3, 2), strides: (2, 2),
            padding: .same),
        OperationCase(
            operation: .backpropInput, dtype: .float64, nchw: true, input: (2, 7, 8, 2), filter: (2, 3, 1),
            dilations: (2, 2), padding: .valid, threads: 1),
        OperationCase(
            operation: .backpropInput, dtype: .float16, input: (1, 5, 6, 2), filter: (3, 2, 2), strides: (1, 2),
            padding: .explicit(top: 1, bottom: 2, left: 0, right: 1)),
        OperationCase(
            operation: .forward, dtype: .float32, nchw: true, input: (1, 6, 7, 3), filter: (2, 3, 2),
            strides: (2, 1), dilations: (1, 2), padding: .explicit(top: 2, bottom: 1, left: 1, right: 0)),
        OperationCase(
            operation: .forward, dtype: .float64, input: (2, 5, 5, 2), filter: (3, 3, 1), dilations: (2, 1),
            padding: .same, lowercaseNames: true),
        OperationCase(
            operation: .forward, dtype: .float16, nchw: true, input: (1, 5, 4, 4), filter: (2, 2, 3),
            padding: .valid, threads: 3),
        OperationCase(
            operation: .backpropFilter, dtype: .float32, input: (2, 7, 7, 2), filter: (3, 3, 2), strides: (2, 2),
            padding: .valid),
        OperationCase(
            operation: .backpropFilter, dtype: .float64, nchw: true, input: (1, 6, 6, 3), filter: (3, 2, 1),
            strides: (1, 2), dilations: (2, 1), padding: .same, lowercaseNames: true),
        OperationCase(
            operation: .backpropFilter, dtype: .float16, input: (1, 6, 5, 2), filter: (2, 2, 2), dilations: (2, 2),
            padding: .explicit(top: 1, bottom: 1, left: 2, right: 0)),
    ]

    static let bfloat16Cases: [OperationCase] = [
        OperationCase(
            operation: .backpropInput, dtype: .float32, bfloat16: true, input: (1, 6, 6, 2), filter: (3, 3, 2),
            strides: (2, 2), padding: .same),
        OperationCase(
            operation: .forward, dtype: .float32, bfloat16: true, nchw: true, input: (1, 5, 6, 3), filter: (3, 2, 1),
            padding: .explicit(top: 1, bottom: 0, left: 1, right: 1)),
        OperationCase(
            operation: .backpropFilter, dtype: .float32, bfloat16: true, input: (2, 6, 6, 2), filter: (2, 2, 2),
            dilations: (2, 2), padding: .valid),
    ]

    @Test("Results match a straightforward computation", arguments: cases)
    func operationMatchesReference(_ testCase: OperationCase) throws {
        try Self.check(testCase)
    }

    @Test("--bfloat16 rounds the operands and writes bfloat16 results as float32", arguments: bfloat16Cases)
    func bfloat16MatchesReference(_ testCase: OperationCase) throws {
        try Self.check(testCase)
    }

    @Test("A successful run replaces an existing output file")
    func replacesExistingOutput() throws {
        let workspace = try Workspace()
        try workspace.write(bytes: Array("old contents".utf8), to: "out.npy")
        try workspace.write(try NPYArray(shape: [1, 1, 1, 1], float32: [2]), to: "x.npy")
        try workspace.write(try NPYArray(shape: [1, 1, 1, 1], float32: [3]), to: "w.npy")
        let result = try workspace.run([
            "forward", "--input", "x.npy", "--filter", "w.npy", "--strides", "1,1,1,1", "--padding", "VALID",
            "--output", "out.npy",
        ])
        #expect(result.status == 0 && result.exitedNormally, "\(result)")
        let output = try workspace.read("out.npy")
        #expect(output.shape == [1, 1, 1, 1])
        #expect(output.floatValues() == [6])
        #expect(try workspace.listing() == ["out.npy", "w.npy", "x.npy"])
    }

    /// Writes the case's operands, runs the tool and compares its output
    /// with the reference, exactly (the test values make every result exact).
    static func check(_ c: OperationCase) throws {
        let reference = ReferenceConvolution(
            input: c.input, filter: c.filter, strides: c.strides, dilations: c.dilations, padding: c.padding)
        // Values exactly representable in every dtype; with --bfloat16 they
        // are perturbed below bfloat16's resolution, so reading must round.
        let perturbation = c.bfloat16 ? 0x1p-13 : 0
        let x = TestData.dyadicValues(count: reference.inputShape.reduce(1, *), seed: 1).map { $0 + perturbation }
        let w = TestData.dyadicValues(count: reference.filterShape.reduce(1, *), seed: 2).map { $0 + perturbation }
        let dy = TestData.dyadicValues(count: reference.outputShape.reduce(1, *), seed: 3).map { $0 + perturbation }
        // The values the operation computes with.
        let seen: ([Double]) -> [Double] = { values in
            c.bfloat16 ? values.map { Double(TestData.bfloat16Rounded(Float($0))) } : values
        }

        let workspace = try Workspace()
        let activation = { (values: [Double], nhwc: [Int], name: String) throws in
            let shape = c.nchw ? Layout.nchwShape(nhwc) : nhwc
            let data = c.nchw ? Layout.toNCHW(values, nhwc: nhwc) : values
            try workspace.write(try TestData.array(data, shape: shape, dtype: c.dtype), to: name)
        }
        let expectedNHWC: [Double]
        var expectedShape: [Int]
        var arguments = [c.operation.rawValue]
        switch c.operation {
        case .backpropInput:
            try workspace.write(try TestData.array(w, shape: reference.filterShape, dtype: c.dtype), to: "w.npy")
            try activation(dy, reference.outputShape, "dy.npy")
            let sizes = c.nchw ? Layout.nchwShape(reference.inputShape) : reference.inputShape
            arguments += [
                "--input-sizes", sizes.map(String.init).joined(separator: ","),
                "--filter", "w.npy", "--out-backprop", "dy.npy",
            ]
            expectedNHWC = reference.backpropInput(filter: seen(w), outBackprop: seen(dy))
            expectedShape = reference.inputShape
        case .forward:
            try activation(x, reference.inputShape, "x.npy")
            try workspace.write(try TestData.array(w, shape: reference.filterShape, dtype: c.dtype), to: "w.npy")
            arguments += ["--input", "x.npy", "--filter", "w.npy"]
            expectedNHWC = reference.forward(input: seen(x), filter: seen(w))
            expectedShape = reference.outputShape
        case .backpropFilter:
            try activation(x, reference.inputShape, "x.npy")
            try activation(dy, reference.outputShape, "dy.npy")
            arguments += [
                "--input", "x.npy", "--out-backprop", "dy.npy",
                "--filter-sizes", reference.filterShape.map(String.init).joined(separator: ","),
            ]
            expectedNHWC = reference.backpropFilter(input: seen(x), outBackprop: seen(dy))
            expectedShape = reference.filterShape
        }
        var expected = expectedNHWC
        if c.nchw && c.operation != .backpropFilter {
            expected = Layout.toNCHW(expectedNHWC, nhwc: expectedShape)
            expectedShape = Layout.nchwShape(expectedShape)
        }
        // The result is rounded once to the computing type.
        expected = expected.map { value in
            if c.bfloat16 { return Double(TestData.bfloat16Rounded(Float(value))) }
            switch c.dtype {
            case .float16: return Double(halfBitsToFloat(floatToHalfBits(Float(value))))
            case .float32: return Double(Float(value))
            case .float64: return value
            }
        }

        func spatial(_ h: Int, _ w: Int) -> String {
            (c.nchw ? [1, 1, h, w] : [1, h, w, 1]).map(String.init).joined(separator: ",")
        }
        let paddingName: String
        switch c.padding {
        case .same: paddingName = "SAME"
        case .valid: paddingName = "VALID"
        case .explicit(let top, let bottom, let left, let right):
            paddingName = "EXPLICIT"
            let pads = c.nchw ? [0, 0, 0, 0, top, bottom, left, right] : [0, 0, top, bottom, left, right, 0, 0]
            arguments += ["--explicit-paddings", pads.map(String.init).joined(separator: ",")]
        }
        let format = c.nchw ? "NCHW" : "NHWC"
        arguments += [
            "--strides", spatial(c.strides.h, c.strides.w),
            "--padding", c.lowercaseNames ? paddingName.lowercased() : paddingName,
            "--output", "out.npy",
        ]
        if c.nchw || c.lowercaseNames {
            arguments += ["--data-format", c.lowercaseNames ? format.lowercased() : format]
        }
        if c.dilations != (1, 1) {
            arguments += ["--dilations", spatial(c.dilations.h, c.dilations.w)]
        }
        if let threads = c.threads {
            arguments += ["--threads", String(threads)]
        }
        if c.bfloat16 {
            arguments.append("--bfloat16")
        }

        let result = try workspace.run(arguments)
        #expect(result.status == 0 && result.exitedNormally, "\(arguments): \(result)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.isEmpty)
        let output = try workspace.read("out.npy")
        #expect(output.dtype == c.dtype)
        #expect(output.shape == expectedShape)
        let actual = output.doubleValues()
        #expect(actual.count == expected.count)
        let mismatches = zip(actual, expected).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(
            mismatches.isEmpty,
            "\(mismatches.count) of \(expected.count) values differ, first: \(mismatches.prefix(3).map { "[\($0.offset)] \($0.element.0) != \($0.element.1)" })")

        if c.bfloat16 {
            // Every output value is a bfloat16, and the operands were rounded:
            // without rounding, the results would differ.
            #expect(output.floatValues().allSatisfy { $0.bitPattern & 0xFFFF == 0 })
            let unrounded: [Double]
            switch c.operation {
            case .backpropInput: unrounded = reference.backpropInput(filter: w, outBackprop: dy)
            case .forward: unrounded = reference.forward(input: x, filter: w)
            case .backpropFilter: unrounded = reference.backpropFilter(input: x, outBackprop: dy)
            }
            #expect(unrounded != expectedNHWC)
        }
    }
}
