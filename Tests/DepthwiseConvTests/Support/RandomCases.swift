import DepthwiseConv

/// Random convolution configurations across the whole attribute space: both
/// data formats, the three paddings (asymmetric explicit pads), strides and
/// dilations 1 to 3 (row and column independent), rectangular filters, depth
/// multipliers 0 to 4, odd channel counts. Only configurations TensorFlow
/// accepts (non-negative output size) are returned.
func randomConfigurations(count: Int, seed: UInt64) -> [ReferenceConvolution] {
    var rng = SplitMix64(seed: seed)
    var result: [ReferenceConvolution] = []
    while result.count < count {
        let format: DataFormat = Bool.random(using: &rng) ? .nhwc : .nchw
        let padding: Padding
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: padding = .same
        case 1: padding = .valid
        default:
            let pads = (0..<4).map { _ in Int.random(in: 0...3, using: &rng) }
            padding = .explicit(format == .nhwc
                ? [0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0]
                : [0, 0, 0, 0, pads[0], pads[1], pads[2], pads[3]])
        }
        let multiplier = Int.random(in: 0..<12, using: &rng) == 0 ? 0 : Int.random(in: 1...4, using: &rng)
        let config = ReferenceConvolution(
            batch: Int.random(in: 1...2, using: &rng),
            height: Int.random(in: 1...9, using: &rng), width: Int.random(in: 1...9, using: &rng),
            channels: [1, 2, 3, 5, 7, 9, 17].randomElement(using: &rng) ?? 3, multiplier: multiplier,
            filterHeight: Int.random(in: 1...5, using: &rng), filterWidth: Int.random(in: 1...5, using: &rng),
            strideHeight: Int.random(in: 1...3, using: &rng), strideWidth: Int.random(in: 1...3, using: &rng),
            dilationHeight: Int.random(in: 1...3, using: &rng), dilationWidth: Int.random(in: 1...3, using: &rng),
            padding: padding, dataFormat: format)
        if config.outputShape != nil { result.append(config) }
    }
    return result
}
