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

/// Shapes that reach every path of the kernels' pixel blocking: rows wide
/// enough for blocks of 8 and of 4 plus single pixels, sliding tap runs
/// (dilation 1; ascending for the forward pass at stride 1, descending for
/// the input gradient at any stride), runs broken by dilation, and lane
/// counts with whole 64- and 32-byte registers plus a remainder; wide
/// NCHW rows; and filters large enough for zero-padded staged rows (16 taps
/// or more per stride phase), where small filters read in place; and pixels
/// 2 KiB apart, which the filter gradient stages with a padded stride, and
/// 4 KiB apart, which padded rows space out too; and column stride 2 with
/// the two phases' pixels paired.
let kernelShapeConfigurations: [ReferenceConvolution] = [
    ReferenceConvolution(
        batch: 1, height: 6, width: 27, channels: 37, multiplier: 1, filterHeight: 5, filterWidth: 5,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 9, width: 35, channels: 20, multiplier: 2, filterHeight: 7, filterWidth: 5,
        strideHeight: 1, strideWidth: 2, dilationHeight: 1, dilationWidth: 1,
        padding: .explicit([0, 0, 2, 3, 1, 2, 0, 0]), dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 5, width: 29, channels: 37, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 2, height: 4, width: 31, channels: 16, multiplier: 2, filterHeight: 2, filterWidth: 5,
        strideHeight: 1, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .valid, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 3, width: 40, channels: 24, multiplier: 1, filterHeight: 3, filterWidth: 7,
        strideHeight: 2, strideWidth: 3, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nchw),
    ReferenceConvolution(
        batch: 1, height: 4, width: 26, channels: 33, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 2, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 3, width: 23, channels: 8, multiplier: 3, filterHeight: 1, filterWidth: 4,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
        padding: .explicit([0, 0, 1, 2, 3, 1, 0, 0]), dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 3, width: 77, channels: 3, multiplier: 2, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nchw),
    ReferenceConvolution(
        batch: 2, height: 4, width: 93, channels: 2, multiplier: 1, filterHeight: 2, filterWidth: 5,
        strideHeight: 2, strideWidth: 1, dilationHeight: 2, dilationWidth: 3, padding: .valid, dataFormat: .nchw),
    // Rows of 7 pixels and 25 taps: padded, in two overlapping blocks of 4.
    ReferenceConvolution(
        batch: 2, height: 6, width: 7, channels: 33, multiplier: 1, filterHeight: 5, filterWidth: 5,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    // Depth multipliers with their own lane expansion (8, 16).
    ReferenceConvolution(
        batch: 1, height: 5, width: 21, channels: 3, multiplier: 8, filterHeight: 3, filterWidth: 3,
        strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 2, height: 4, width: 11, channels: 2, multiplier: 16, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .valid, dataFormat: .nhwc),
    // 7x7 at unit stride: runs of 7 taps, ascending (forward) and
    // descending (input gradient).
    ReferenceConvolution(
        batch: 1, height: 9, width: 30, channels: 19, multiplier: 1, filterHeight: 7, filterWidth: 7,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    // Pixels a multiple of 2 KiB apart (in Float; 4 KiB in Double): the
    // filter gradient stages them with a padded stride.
    ReferenceConvolution(
        batch: 2, height: 4, width: 6, channels: 512, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 5, width: 7, channels: 128, multiplier: 4, filterHeight: 3, filterWidth: 3,
        strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    // 4 KiB apart (C * M = 1024 in Float, 8 KiB in Double), 25 taps: padded
    // rows one line wider per pixel, with and without lanes to widen.
    ReferenceConvolution(
        batch: 1, height: 5, width: 9, channels: 1024, multiplier: 1, filterHeight: 5, filterWidth: 5,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 4, width: 11, channels: 256, multiplier: 4, filterHeight: 5, filterWidth: 5,
        strideHeight: 1, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    // Column stride 2, 3x3 and 5x5, whole 64-byte registers of lanes: the
    // input gradient's paired phases, with both parities of the left
    // padding, a last block that redoes pairs, and border pixels on their own.
    ReferenceConvolution(
        batch: 1, height: 5, width: 37, channels: 32, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 2, height: 4, width: 40, channels: 16, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .valid, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 6, width: 45, channels: 48, multiplier: 1, filterHeight: 5, filterWidth: 5,
        strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1,
        padding: .explicit([0, 0, 1, 2, 2, 1, 0, 0]), dataFormat: .nhwc),
    // Pixels of half a 64-byte register (8 in Float, 4 in Double): a pair
    // in one register; at an even width the last pair's out_backprop pixel
    // is the row's last, which read in place leaves it to its phases.
    ReferenceConvolution(
        batch: 1, height: 4, width: 38, channels: 8, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 2, height: 3, width: 41, channels: 4, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .valid, dataFormat: .nhwc),
    // Whole registers and half of one left (24 in Float, 12 in Double).
    ReferenceConvolution(
        batch: 1, height: 3, width: 35, channels: 24, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 1, height: 3, width: 33, channels: 12, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 2, dilationHeight: 1, dilationWidth: 1,
        padding: .explicit([0, 0, 1, 1, 1, 1, 0, 0]), dataFormat: .nhwc),
    // Unit stride, 3x3, runs of 32 pixels or more in whole 64-byte
    // registers: the filter stays in registers along the run, ending in a
    // block of 4 or in one of 8 that redoes pixels; border rows with 2
    // filter rows.
    ReferenceConvolution(
        batch: 1, height: 4, width: 45, channels: 32, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc),
    ReferenceConvolution(
        batch: 2, height: 5, width: 42, channels: 16, multiplier: 1, filterHeight: 3, filterWidth: 3,
        strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .valid, dataFormat: .nhwc),
]
