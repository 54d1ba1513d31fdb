import DepthwiseConv

/// A deliberately plain float64 implementation of the three depthwise
/// operations, written from TensorFlow's definition and independent of the
/// library: its own output-size and padding arithmetic, data-format-aware
/// indexing (no transposes), and a scatter formulation for the input gradient
/// (the library gathers).
struct ReferenceConvolution {
    var batch: Int, height: Int, width: Int, channels: Int, multiplier: Int
    var filterHeight: Int, filterWidth: Int
    var strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int
    var padding: Padding
    var dataFormat: DataFormat

    var outputChannels: Int { channels * multiplier }

    /// `(size, padBefore)` of one dimension, or `nil` where TensorFlow refuses
    /// the size as negative.
    static func outputSize(input: Int, filter: Int, stride: Int, dilation: Int, padding: Padding, before: Int, after: Int)
        -> (size: Int, padBefore: Int)?
    {
        let effective = (filter - 1) * dilation + 1
        switch padding {
        case .same:
            let size = Int((Double(input) / Double(stride)).rounded(.up))
            let total = max((size - 1) * stride + effective - input, 0)
            return (size, total / 2)
        case .valid, .explicit:
            let padded = input + before + after
            // C++ truncates toward zero; Swift's `/` does too.
            let size = (padded - effective + stride) / stride
            return size < 0 ? nil : (size, before)
        }
    }

    private var explicitPads: [Int] {
        if case .explicit(let p) = padding { return p }
        return Array(repeating: 0, count: 8)
    }
    private var hIndex: Int { dataFormat == .nhwc ? 1 : 2 }
    private var wIndex: Int { dataFormat == .nhwc ? 2 : 3 }

    var rows: (size: Int, padBefore: Int)? {
        Self.outputSize(input: height, filter: filterHeight, stride: strideHeight, dilation: dilationHeight,
                        padding: padding, before: explicitPads[2 * hIndex], after: explicitPads[2 * hIndex + 1])
    }
    var cols: (size: Int, padBefore: Int)? {
        Self.outputSize(input: width, filter: filterWidth, stride: strideWidth, dilation: dilationWidth,
                        padding: padding, before: explicitPads[2 * wIndex], after: explicitPads[2 * wIndex + 1])
    }

    func shape(height h: Int, width w: Int, channels c: Int) -> [Int] {
        dataFormat == .nhwc ? [batch, h, w, c] : [batch, c, h, w]
    }
    var inputShape: [Int] { shape(height: height, width: width, channels: channels) }
    var filterShape: [Int] { [filterHeight, filterWidth, channels, multiplier] }
    var outputShape: [Int]? {
        guard let r = rows, let c = cols else { return nil }
        return shape(height: r.size, width: c.size, channels: outputChannels)
    }

    func index(_ n: Int, _ h: Int, _ w: Int, _ c: Int, height H: Int, width W: Int, channels C: Int) -> Int {
        dataFormat == .nhwc ? ((n * H + h) * W + w) * C + c : ((n * C + c) * H + h) * W + w
    }

    /// Calls `body(inputIndex, filterIndex, outputIndex)` for every product
    /// term of the convolution, in no particular order.
    func forEachTerm(_ body: (Int, Int, Int) -> Void) {
        guard let r = rows, let cl = cols else { return }
        for n in 0..<batch {
            for oh in 0..<r.size {
                for ow in 0..<cl.size {
                    for kh in 0..<filterHeight {
                        let ih = oh * strideHeight - r.padBefore + kh * dilationHeight
                        if ih < 0 || ih >= height { continue }
                        for kw in 0..<filterWidth {
                            let iw = ow * strideWidth - cl.padBefore + kw * dilationWidth
                            if iw < 0 || iw >= width { continue }
                            for c in 0..<channels {
                                for m in 0..<multiplier {
                                    let xi = index(n, ih, iw, c, height: height, width: width, channels: channels)
                                    let wi = ((kh * filterWidth + kw) * channels + c) * multiplier + m
                                    let yi = index(n, oh, ow, c * multiplier + m,
                                                   height: r.size, width: cl.size, channels: outputChannels)
                                    body(xi, wi, yi)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    var inputCount: Int { inputShape.reduce(1, *) }
    var filterCount: Int { filterShape.reduce(1, *) }
    var outputCount: Int { outputShape?.reduce(1, *) ?? 0 }

    func forward(input x: [Double], filter w: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: outputCount)
        forEachTerm { xi, wi, yi in y[yi] += x[xi] * w[wi] }
        return y
    }

    func backpropInput(filter w: [Double], outBackprop dy: [Double]) -> [Double] {
        var dx = [Double](repeating: 0, count: inputCount)
        forEachTerm { xi, wi, yi in dx[xi] += w[wi] * dy[yi] }
        return dx
    }

    func backpropFilter(input x: [Double], outBackprop dy: [Double]) -> [Double] {
        var dw = [Double](repeating: 0, count: filterCount)
        forEachTerm { xi, wi, yi in dw[wi] += x[xi] * dy[yi] }
        return dw
    }

    /// The largest number of terms any one element of each result sums.
    var maxTermsPerElement: (forward: Int, backpropInput: Int, backpropFilter: Int) {
        var y = [Int](repeating: 0, count: outputCount)
        var dx = [Int](repeating: 0, count: inputCount)
        var dw = [Int](repeating: 0, count: filterCount)
        forEachTerm { xi, wi, yi in y[yi] += 1; dx[xi] += 1; dw[wi] += 1 }
        return (y.max() ?? 0, dx.max() ?? 0, dw.max() ?? 0)
    }

    var strides: [Int] { dataFormat == .nhwc ? [1, strideHeight, strideWidth, 1] : [1, 1, strideHeight, strideWidth] }
    var dilations: [Int] {
        dataFormat == .nhwc ? [1, dilationHeight, dilationWidth, 1] : [1, 1, dilationHeight, dilationWidth]
    }
}
