import DepthwiseConv
import Foundation

/// Which depthwise operation a result came from, and so which of the three
/// tensors (input, filter, output) its operands and result are.
enum ReferenceOperation {
    /// Operands input and filter; result the output.
    case forward
    /// Operands filter and output gradient; result the input gradient.
    case backpropInput
    /// Operands input and output gradient; result the filter gradient.
    case backpropFilter
}

/// A tensor's shape and its values widened to `Double`, in the layout the
/// operation used (data-format order for activations).
struct ReferenceTensor {
    let shape: [Int]
    let values: [Double]
}

/// `--verify`: a straightforward float64 computation of an operation from
/// TensorFlow's definitions, independent of the library's geometry code and
/// kernels, and its comparison with the library's result.
///
/// It runs on the values the operation computed with (after any rounding to
/// bfloat16), sums every product `a * b` that contributes to a result
/// element in `Double`, and also sums the products' magnitudes, the scale of
/// the rounding error any order of summation can make.
struct VerifyReference {
    let operation: ReferenceOperation
    let attributes: ConvolutionAttributes

    /// Compares `result` (the library's, in data-format order) with the
    /// reference computed from the two operands (in the order the operation
    /// takes them).
    func compare(first: ReferenceTensor, second: ReferenceTensor, result: ReferenceTensor) -> VerificationSummary {
        let shapes: (input: [Int], filter: [Int], output: [Int])
        switch operation {
        case .forward: shapes = (first.shape, second.shape, result.shape)
        case .backpropInput: shapes = (result.shape, first.shape, second.shape)
        case .backpropFilter: shapes = (first.shape, result.shape, second.shape)
        }
        guard let geometry = ReferenceGeometry(
            input: shapes.input, filter: shapes.filter, output: shapes.output, attributes: attributes)
        else {
            return VerificationSummary(
                count: result.values.count, problem: "the shapes \(shapes) do not match TensorFlow's output size")
        }

        let nchw = attributes.dataFormat == .nchw
        func nhwc(_ tensor: ReferenceTensor) -> [Double] {
            nchw ? Self.transpose(tensor.values, nchwShape: tensor.shape) : tensor.values
        }
        var sums: [Double]
        var magnitudes: [Double]
        switch operation {
        case .forward:
            let x = nhwc(first), w = second.values
            sums = Array(repeating: 0, count: geometry.outputCount)
            magnitudes = sums
            geometry.forEachTap { i, f, o in
                let product = x[i] * w[f]
                sums[o] += product
                magnitudes[o] += abs(product)
            }
        case .backpropInput:
            let w = first.values, dy = nhwc(second)
            sums = Array(repeating: 0, count: geometry.inputCount)
            magnitudes = sums
            geometry.forEachTap { i, f, o in
                let product = w[f] * dy[o]
                sums[i] += product
                magnitudes[i] += abs(product)
            }
        case .backpropFilter:
            let x = nhwc(first), dy = nhwc(second)
            sums = Array(repeating: 0, count: geometry.filterCount)
            magnitudes = sums
            geometry.forEachTap { i, f, o in
                let product = x[i] * dy[o]
                sums[f] += product
                magnitudes[f] += abs(product)
            }
        }
        if nchw && operation != .backpropFilter {
            let nhwcShape = [result.shape[0], result.shape[2], result.shape[3], result.shape[1]]
            sums = Self.transpose(sums, nhwcShape: nhwcShape)
            magnitudes = Self.transpose(magnitudes, nhwcShape: nhwcShape)
        }
        guard sums.count == result.values.count else {
            return VerificationSummary(
                count: result.values.count,
                problem: "the result has \(result.values.count) elements, the reference \(sums.count)")
        }

        var summary = VerificationSummary(count: sums.count)
        for index in sums.indices {
            summary.add(actual: result.values[index], expected: sums[index], magnitude: magnitudes[index])
        }
        return summary
    }

    /// NCHW data of shape `nchwShape` rearranged to NHWC.
    static func transpose(_ values: [Double], nchwShape shape: [Int]) -> [Double] {
        let (n, c, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        var result = values
        for a in 0..<n {
            for k in 0..<c {
                for p in 0..<pixels {
                    result[(a * pixels + p) * c + k] = values[(a * c + k) * pixels + p]
                }
            }
        }
        return result
    }

    /// NHWC data of shape `nhwcShape` rearranged to NCHW.
    static func transpose(_ values: [Double], nhwcShape shape: [Int]) -> [Double] {
        let (n, pixels, c) = (shape[0], shape[1] * shape[2], shape[3])
        var result = values
        for a in 0..<n {
            for p in 0..<pixels {
                for k in 0..<c {
                    result[(a * c + k) * pixels + p] = values[(a * pixels + p) * c + k]
                }
            }
        }
        return result
    }
}

/// The sizes of one call in NHWC terms, with the output size and padding
/// worked out from TensorFlow's definitions (`GetWindowedOutputSize`).
struct ReferenceGeometry {
    let batch, height, width, channels, multiplier: Int
    let filterHeight, filterWidth: Int
    let outputHeight, outputWidth: Int
    let strideHeight, strideWidth, dilationHeight, dilationWidth: Int
    let padTop, padLeft: Int

    /// `nil` if the shapes are not the ones TensorFlow's definitions give,
    /// which can only happen if the library accepted an inconsistent call.
    init?(input: [Int], filter: [Int], output: [Int], attributes: ConvolutionAttributes) {
        guard input.count == 4, filter.count == 4, output.count == 4,
            attributes.strides.count == 4, attributes.dilations.count == 4
        else { return nil }
        let nchw = attributes.dataFormat == .nchw
        let (h, w, c) = nchw ? (2, 3, 1) : (1, 2, 3)
        batch = input[0]
        height = input[h]
        width = input[w]
        channels = input[c]
        filterHeight = filter[0]
        filterWidth = filter[1]
        multiplier = filter[3]
        strideHeight = attributes.strides[h]
        strideWidth = attributes.strides[w]
        dilationHeight = attributes.dilations[h]
        dilationWidth = attributes.dilations[w]
        var explicit = (top: 0, bottom: 0, left: 0, right: 0)
        if case .explicit(let pads) = attributes.padding {
            guard pads.count == 8 else { return nil }
            explicit = (pads[2 * h], pads[2 * h + 1], pads[2 * w], pads[2 * w + 1])
        }
        let rows = Self.outputSize(
            height, filterHeight, strideHeight, dilationHeight, attributes.padding, explicit.top, explicit.bottom)
        let columns = Self.outputSize(
            width, filterWidth, strideWidth, dilationWidth, attributes.padding, explicit.left, explicit.right)
        (outputHeight, padTop) = rows
        (outputWidth, padLeft) = columns
        guard filter[2] == channels, output[0] == batch, output[h] == outputHeight, output[w] == outputWidth,
            output[c] == channels * multiplier
        else { return nil }
    }

    /// One dimension's output size and padding before it.
    private static func outputSize(
        _ size: Int, _ filter: Int, _ stride: Int, _ dilation: Int, _ padding: Padding, _ before: Int, _ after: Int
    ) -> (size: Int, before: Int) {
        let effective = (filter - 1) * dilation + 1
        switch padding {
        case .valid:
            return ((size - effective + stride) / stride, 0)
        case .explicit:
            return ((size + before + after - effective + stride) / stride, before)
        case .same:
            let output = (size + stride - 1) / stride
            return (output, max(0, (output - 1) * stride + effective - size) / 2)
        }
    }

    var inputCount: Int { batch * height * width * channels }
    var filterCount: Int { filterHeight * filterWidth * channels * multiplier }
    var outputCount: Int { batch * outputHeight * outputWidth * channels * multiplier }

    /// Calls `body(inputIndex, filterIndex, outputIndex)` (NHWC and
    /// `[KH, KW, C, M]` indices) for every product of the forward
    /// convolution: each tap of each output pixel that falls inside the input.
    func forEachTap(_ body: (Int, Int, Int) -> Void) {
        let outputChannels = channels * multiplier
        for n in 0..<batch {
            for oh in 0..<outputHeight {
                for ow in 0..<outputWidth {
                    let outputBase = ((n * outputHeight + oh) * outputWidth + ow) * outputChannels
                    for kh in 0..<filterHeight {
                        let ih = oh * strideHeight - padTop + kh * dilationHeight
                        guard ih >= 0, ih < height else { continue }
                        for kw in 0..<filterWidth {
                            let iw = ow * strideWidth - padLeft + kw * dilationWidth
                            guard iw >= 0, iw < width else { continue }
                            let inputBase = ((n * height + ih) * width + iw) * channels
                            let filterBase = (kh * filterWidth + kw) * channels * multiplier
                            for c in 0..<channels {
                                for m in 0..<multiplier {
                                    let lane = c * multiplier + m
                                    body(inputBase + c, filterBase + lane, outputBase + lane)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The outcome of `--verify`: the largest differences between the result
/// and the reference.
struct VerificationSummary {
    /// Elements compared.
    let count: Int
    /// The largest `|result - reference|`; infinite where one is NaN or
    /// infinite and the other isn't the same.
    private(set) var maxAbsoluteDifference = 0.0
    /// The largest difference relative to the sum of the magnitudes of the
    /// products summed for that element (0 where both agree exactly).
    private(set) var maxRelativeDifference = 0.0
    /// Why no comparison was possible, if it wasn't.
    var problem: String?

    init(count: Int, problem: String? = nil) {
        self.count = count
        self.problem = problem
    }

    mutating func add(actual: Double, expected: Double, magnitude: Double) {
        if actual == expected || (actual.isNaN && expected.isNaN) { return }
        var difference = abs(actual - expected)
        if !difference.isFinite { difference = .infinity }
        let relative = magnitude > 0 ? difference / magnitude : .infinity
        maxAbsoluteDifference = max(maxAbsoluteDifference, difference)
        maxRelativeDifference = max(maxRelativeDifference, relative.isNaN ? .infinity : relative)
    }

    /// The line `--verify` prints on standard error.
    var line: String {
        if let problem {
            return "verify: cannot compare with the reference: \(problem)"
        }
        return "verify: max abs difference \(Self.format(maxAbsoluteDifference)) "
            + "(max relative \(Self.format(maxRelativeDifference))) over \(count) elements"
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.3g", value)
    }
}
