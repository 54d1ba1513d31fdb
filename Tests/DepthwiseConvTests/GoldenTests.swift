import DepthwiseConv
import Foundation
import NPY
import Testing

/// The library against TensorFlow 2.21 on the committed golden cases
/// (`Tools/golden/generate.py`): every operation, dtype, data format,
/// padding, stride and dilation the manifest lists.
@Suite struct GoldenTests {
    static let manifest: GoldenManifest? = try? GoldenManifest.load()

    @Test func manifestIsPresentAndLarge() throws {
        let manifest = try #require(Self.manifest)
        #expect(manifest.configs.count >= 40)
        #expect(Set(manifest.configs.map(\.dtype)) == ["float32", "float64", "float16", "bfloat16"])
    }

    @Test(arguments: manifest?.configs ?? [])
    func matchesTensorFlow(_ config: GoldenConfig) throws {
        switch config.dtype {
        case "float32": try check(config, Float.self)
        case "float64": try check(config, Double.self)
        case "float16": try check(config, Float16.self)
        case "bfloat16": try check(config, BFloat16.self)
        default: Issue.record("unknown dtype \(config.dtype)")
        }
    }

    private func check<T: TestScalar>(_ config: GoldenConfig, _ type: T.Type) throws {
        let reference = try config.reference()
        let x = try config.load("input"), w = try config.load("filter"), dy = try config.load("out_backprop")
        let runner = OperationRunner<T>(config: reference)
        let terms = reference.maxTermsPerElement
        // TensorFlow may accumulate 16-bit types in 16 bits; allow that.
        let u = T.unitRoundoff
        let storage = T.self == Double.self || T.self == Float.self ? 0 : T.unitRoundoff
        let cases: [(String, [Double], [Double], Int)] = [
            ("forward", try runner.forward(x, w),
             reference.forward(input: x.map(abs), filter: w.map(abs)), terms.forward),
            ("backprop_input", try runner.backpropInput(w, dy),
             reference.backpropInput(filter: w.map(abs), outBackprop: dy.map(abs)), terms.backpropInput),
            ("backprop_filter", try runner.backpropFilter(x, dy),
             reference.backpropFilter(input: x.map(abs), outBackprop: dy.map(abs)), terms.backpropFilter),
        ]
        for (operation, actual, magnitudes, termCount) in cases {
            let expected = try config.load(operation)
            expectClose(actual, expected, magnitudes: magnitudes, terms: termCount, unitRoundoff: u,
                        storageRoundoff: storage, "\(config.name) \(operation) [\(config.sources[operation] ?? "?")]")
        }
    }
}

/// `Fixtures/golden/manifest.json`.
struct GoldenManifest: Decodable {
    var tensorflow: String
    var configs: [GoldenConfig]

    static func load() throws -> GoldenManifest {
        let url = try #require(Bundle.module.url(forResource: "manifest", withExtension: "json", subdirectory: "Fixtures/golden"))
        return try JSONDecoder().decode(GoldenManifest.self, from: Data(contentsOf: url))
    }
}

/// One golden configuration: attributes in TensorFlow's form and its files.
struct GoldenConfig: Decodable, Sendable, CustomTestStringConvertible {
    var name: String
    var dtype: String
    var data_format: String
    var strides: [Int]
    var padding: String
    var explicit_paddings: [Int]
    var dilations: [Int]
    var input_sizes: [Int]
    var filter_sizes: [Int]
    var output_sizes: [Int]
    var sources: [String: String]

    var testDescription: String { name }

    /// The same configuration for the float64 reference.
    func reference() throws -> ReferenceConvolution {
        let format = try #require(DataFormat(rawValue: data_format))
        let (h, w, c) = format == .nhwc ? (1, 2, 3) : (2, 3, 1)
        let paddingValue: Padding
        switch padding {
        case "SAME": paddingValue = .same
        case "VALID": paddingValue = .valid
        default: paddingValue = .explicit(explicit_paddings)
        }
        let config = ReferenceConvolution(
            batch: input_sizes[0], height: input_sizes[h], width: input_sizes[w], channels: input_sizes[c],
            multiplier: filter_sizes[3], filterHeight: filter_sizes[0], filterWidth: filter_sizes[1],
            strideHeight: strides[h], strideWidth: strides[w], dilationHeight: dilations[h], dilationWidth: dilations[w],
            padding: paddingValue, dataFormat: format)
        #expect(config.outputShape == output_sizes, "\(name): reference output shape")
        return config
    }

    /// A tensor of this configuration as `Double`s (`bfloat16` is stored as exact `float32`).
    func load(_ file: String) throws -> [Double] {
        let url = try #require(Bundle.module.url(
            forResource: file, withExtension: "npy", subdirectory: "Fixtures/golden/\(name)"))
        return try NPYArray(contentsOfFile: url.path).doubleValues()
    }
}
