import DepthwiseConv
import Foundation
import Testing

/// Every invalid call in `Fixtures/tf_errors.json` (recorded from
/// TensorFlow 2.21's Eigen path by `Tools/golden/errors.py`) is refused by
/// the library too, with TensorFlow's message, except where we deliberately
/// differ: unequal strides, NCHW and dilations are supported, and invalid
/// dilations, which TensorFlow's backprop kernels silently ignore, are refused.
@Suite struct TensorFlowErrorCatalogTests {
    struct Record: Decodable, Sendable, CustomTestStringConvertible {
        var op: String
        var `case`: String
        var input_shape: [Int]?, input_sizes: [Int]?, filter_shape: [Int]?, filter_sizes: [Int]?
        var out_backprop_shape: [Int]?
        var strides: [Int], padding: String, explicit_paddings: [Int], data_format: String, dilations: [Int]
        var outcome: String
        var tf_message: String?
        var testDescription: String { "\(op) \(self.case)" }
    }

    static let records: [Record] = {
        guard let url = Bundle.module.url(forResource: "tf_errors", withExtension: "json", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { return [] }
        return (try? JSONDecoder().decode([Record].self, from: data)) ?? []
    }()

    /// Cases the API cannot express (attribute strings are enums here) or
    /// where the library deliberately does more than TensorFlow's CPU kernels.
    static let notComparable: Set<String> = [
        "data_format_invalid", "padding_invalid", "explicit_paddings_with_same", "explicit_paddings_with_valid",
        "strides_unequal", "nchw_on_cpu",
    ]

    @Test func catalogIsPresent() {
        #expect(Self.records.count >= 90)
    }

    @Test(arguments: records.filter { !notComparable.contains($0.case) })
    func libraryAgreesWithTensorFlow(_ record: Record) throws {
        let isDilationCase = record.case.hasPrefix("dilation")
        do {
            try run(record)
            // Only well-formed dilations may pass; TensorFlow's forward
            // refuses every dilation and its backprops ignore them.
            #expect(record.case == "dilations_2", "accepted \(record.case)")
        } catch let error as DepthwiseConvError {
            if isDilationCase {
                #expect(record.case != "dilations_2", "\(error)")
                #expect(error.message.lowercased().contains("dilat"), "\(error)")
                return
            }
            let expected = try #require(record.tf_message)
            #expect(error.message.contains(Self.core(of: expected)), "ours: \(error.message) | TF: \(expected)")
        }
    }

    /// TensorFlow's message without a trailing shape dump such as `[5,5,3]`.
    static func core(of message: String) -> String {
        guard message.hasSuffix("]"), !message.contains("input_size:"),
            let open = message.lastIndex(of: "[")
        else { return message }
        var core = String(message[..<open])
        while core.hasSuffix(" ") || core.hasSuffix(":") { core.removeLast() }
        return core
    }

    private func run(_ r: Record) throws {
        let format = try #require(DataFormat(rawValue: r.data_format))
        let padding: Padding = r.padding == "SAME" ? .same : r.padding == "VALID" ? .valid : .explicit(r.explicit_paddings)
        switch r.op {
        case "DepthwiseConv2dNative":
            _ = try depthwiseConv2dNative(
                input: zeros(r.input_shape), filter: zeros(r.filter_shape), strides: r.strides, padding: padding,
                dataFormat: format, dilations: r.dilations)
        case "DepthwiseConv2dNativeBackpropInput":
            _ = try depthwiseConv2dNativeBackpropInput(
                inputSizes: r.input_sizes ?? [], filter: zeros(r.filter_shape), outBackprop: zeros(r.out_backprop_shape),
                strides: r.strides, padding: padding, dataFormat: format, dilations: r.dilations)
        default:
            _ = try depthwiseConv2dNativeBackpropFilter(
                input: zeros(r.input_shape), filterSizes: r.filter_sizes ?? [], outBackprop: zeros(r.out_backprop_shape),
                strides: r.strides, padding: padding, dataFormat: format, dilations: r.dilations)
        }
    }

    private func zeros(_ shape: [Int]?) throws -> Tensor<Float> {
        try Tensor<Float>(zeros: shape ?? [])
    }
}
