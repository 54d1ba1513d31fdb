import ArgumentParser
import DepthwiseConv

/// The attributes every depthwise operation takes: `--strides`, `--padding`,
/// `--explicit-paddings`, `--data-format` and `--dilations`, as TensorFlow's
/// op attributes of the same names.
///
/// Values are only parsed here; their consistency (list lengths, batch and
/// channel entries, signs) is checked by the library, which reports problems
/// in TensorFlow's words.
struct ConvolutionOptions: ParsableArguments {
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Window strides: 4 comma-separated integers in data-format order, e.g. 1,2,2,1 (NHWC) or 1,1,2,2 (NCHW).",
            valueName: "list"),
        transform: IntegerList.parse)
    var strides: [Int]

    @Option(help: "The padding scheme, in any case.")
    var padding: PaddingScheme

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "With --padding EXPLICIT (and only then): 8 non-negative integers, a (before, after) pair per dimension in data-format order, zeros for batch and channels; e.g. 0,0,1,1,2,2,0,0 (NHWC).",
            valueName: "list"),
        transform: IntegerList.parse)
    var explicitPaddings: [Int]?

    @Option(help: "The layout of the activation tensors, in any case. The filter is always [KH, KW, C, M].")
    var dataFormat: DataFormatName = .nhwc

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Dilation rates: 4 comma-separated integers in data-format order. (default: 1,1,1,1)",
            valueName: "list"),
        transform: IntegerList.parse)
    var dilations: [Int]?

    /// The options as the library's argument types.
    ///
    /// - Throws: ``CommandLineError`` if `--explicit-paddings` is given with
    ///   SAME or VALID padding, or missing with EXPLICIT padding.
    func attributes() throws -> ConvolutionAttributes {
        let resolvedPadding: Padding
        switch padding {
        case .same, .valid:
            if let explicitPaddings, !explicitPaddings.isEmpty {
                // TensorFlow's message for the same condition.
                throw CommandLineError(
                    "explicit_paddings attribute must be empty if the padding attribute is not EXPLICIT")
            }
            resolvedPadding = padding == .same ? .same : .valid
        case .explicit:
            guard let explicitPaddings else {
                throw CommandLineError(
                    "--padding EXPLICIT requires --explicit-paddings with 8 values, "
                        + "a (before, after) pair per dimension in data-format order")
            }
            resolvedPadding = .explicit(explicitPaddings)
        }
        return ConvolutionAttributes(
            strides: strides, padding: resolvedPadding, dataFormat: dataFormat.dataFormat,
            dilations: dilations ?? [1, 1, 1, 1])
    }
}

/// The convolution attributes in the library's types, ready to pass to an
/// operation.
struct ConvolutionAttributes {
    var strides: [Int]
    var padding: Padding
    var dataFormat: DataFormat
    var dilations: [Int]
}

/// The values of `--padding`, matched case-insensitively.
enum PaddingScheme: String, CaseIterable, ExpressibleByArgument {
    case same = "SAME"
    case valid = "VALID"
    case explicit = "EXPLICIT"

    init?(argument: String) {
        self.init(rawValue: argument.uppercased())
    }
}

/// The values of `--data-format`, matched case-insensitively.
enum DataFormatName: String, CaseIterable, ExpressibleByArgument {
    case nhwc = "NHWC"
    case nchw = "NCHW"

    init?(argument: String) {
        self.init(rawValue: argument.uppercased())
    }

    /// The library's data format.
    var dataFormat: DataFormat {
        switch self {
        case .nhwc: .nhwc
        case .nchw: .nchw
        }
    }
}
