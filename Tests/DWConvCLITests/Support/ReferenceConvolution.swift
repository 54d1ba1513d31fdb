/// A straightforward Double implementation of the three depthwise
/// operations, from TensorFlow's definitions, to check the tool's output.
///
/// Tensors are row-major arrays in NHWC order; ``Layout`` converts NCHW.
struct ReferenceConvolution {
    enum PaddingKind {
        case same
        case valid
        /// Rows before and after, columns before and after.
        case explicit(top: Int, bottom: Int, left: Int, right: Int)
    }

    let batch: Int
    let height: Int
    let width: Int
    let channels: Int
    let multiplier: Int
    let filterHeight: Int
    let filterWidth: Int
    let strideHeight: Int
    let strideWidth: Int
    let dilationHeight: Int
    let dilationWidth: Int
    let outputHeight: Int
    let outputWidth: Int
    let padTop: Int
    let padLeft: Int

    init(
        input: (n: Int, h: Int, w: Int, c: Int), filter: (kh: Int, kw: Int, m: Int),
        strides: (h: Int, w: Int), dilations: (h: Int, w: Int), padding: PaddingKind
    ) {
        (batch, height, width, channels) = input
        (filterHeight, filterWidth, multiplier) = filter
        (strideHeight, strideWidth) = strides
        (dilationHeight, dilationWidth) = dilations
        let rows = Self.outputSize(height, filterHeight, strideHeight, dilationHeight, padding, vertical: true)
        let columns = Self.outputSize(width, filterWidth, strideWidth, dilationWidth, padding, vertical: false)
        (outputHeight, padTop) = rows
        (outputWidth, padLeft) = columns
    }

    /// Output size and padding before, per TensorFlow's `GetWindowedOutputSize`.
    private static func outputSize(
        _ size: Int, _ filter: Int, _ stride: Int, _ dilation: Int, _ padding: PaddingKind, vertical: Bool
    ) -> (size: Int, before: Int) {
        let effective = (filter - 1) * dilation + 1
        switch padding {
        case .valid:
            return ((size - effective) / stride + 1, 0)
        case .same:
            let output = (size + stride - 1) / stride
            return (output, max(0, (output - 1) * stride + effective - size) / 2)
        case .explicit(let top, let bottom, let left, let right):
            let (before, after) = vertical ? (top, bottom) : (left, right)
            return ((size + before + after - effective) / stride + 1, before)
        }
    }

    var inputShape: [Int] { [batch, height, width, channels] }
    var filterShape: [Int] { [filterHeight, filterWidth, channels, multiplier] }
    var outputShape: [Int] { [batch, outputHeight, outputWidth, channels * multiplier] }

    /// Calls `body(inputIndex, filterIndex, outputIndex)` for every product
    /// `input * filter` that contributes to an output element.
    func forEachTap(_ body: (Int, Int, Int) -> Void) {
        for n in 0..<batch {
            for oh in 0..<outputHeight {
                for ow in 0..<outputWidth {
                    for kh in 0..<filterHeight {
                        let ih = oh * strideHeight - padTop + kh * dilationHeight
                        guard ih >= 0, ih < height else { continue }
                        for kw in 0..<filterWidth {
                            let iw = ow * strideWidth - padLeft + kw * dilationWidth
                            guard iw >= 0, iw < width else { continue }
                            for c in 0..<channels {
                                for m in 0..<multiplier {
                                    body(
                                        ((n * height + ih) * width + iw) * channels + c,
                                        ((kh * filterWidth + kw) * channels + c) * multiplier + m,
                                        ((n * outputHeight + oh) * outputWidth + ow) * channels * multiplier
                                            + c * multiplier + m)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func forward(input: [Double], filter: [Double]) -> [Double] {
        var output = [Double](repeating: 0, count: outputShape.reduce(1, *))
        forEachTap { i, f, o in output[o] += input[i] * filter[f] }
        return output
    }

    func backpropInput(filter: [Double], outBackprop: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: inputShape.reduce(1, *))
        forEachTap { i, f, o in result[i] += filter[f] * outBackprop[o] }
        return result
    }

    func backpropFilter(input: [Double], outBackprop: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: filterShape.reduce(1, *))
        forEachTap { i, f, o in result[f] += input[i] * outBackprop[o] }
        return result
    }
}

/// Conversions between NHWC and NCHW, for shapes and row-major data.
enum Layout {
    /// `[N, H, W, C]` to `[N, C, H, W]`.
    static func nchwShape(_ nhwc: [Int]) -> [Int] {
        [nhwc[0], nhwc[3], nhwc[1], nhwc[2]]
    }

    /// NHWC data of shape `nhwc` rearranged to NCHW.
    static func toNCHW<T>(_ values: [T], nhwc: [Int]) -> [T] {
        let (n, h, w, c) = (nhwc[0], nhwc[1], nhwc[2], nhwc[3])
        var result = values
        for a in 0..<n {
            for y in 0..<h {
                for x in 0..<w {
                    for k in 0..<c {
                        result[((a * c + k) * h + y) * w + x] = values[((a * h + y) * w + x) * c + k]
                    }
                }
            }
        }
        return result
    }
}
