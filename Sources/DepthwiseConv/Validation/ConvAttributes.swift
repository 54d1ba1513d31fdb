/// The attributes every depthwise operation takes, checked in TensorFlow's
/// order (its kernels' constructors), plus the dilation checks TensorFlow's
/// depthwise kernels omit.
struct ConvAttributes {
    var strides: [Int]
    var padding: Padding
    var dataFormat: DataFormat
    var dilations: [Int]

    /// Throws the first problem found, in TensorFlow's order.
    func validate() throws {
        guard strides.count == 4 else {
            throw DepthwiseConvError.invalidArgument(
                "Sliding window strides field must specify 4 dimensions, but got \(strides.count): \(strides)")
        }
        let strideN = strides[dataFormat.batchIndex]
        let strideC = strides[dataFormat.channelIndex]
        guard strideN == 1, strideC == 1 else {
            throw DepthwiseConvError.invalidArgument(
                "Current implementation does not yet support strides in the batch and depth dimensions. "
                    + "Got strides = \(strides) with data_format \(dataFormat.rawValue)")
        }
        if case .explicit(let pads) = padding {
            guard pads.count == 8 else {
                throw DepthwiseConvError.invalidArgument(
                    "explicit_paddings attribute must contain 8 values, but got: \(pads.count)")
            }
            guard pads.allSatisfy({ $0 >= 0 }) else {
                throw DepthwiseConvError.invalidArgument(
                    "All elements of explicit_paddings must be nonnegative, but got \(pads)")
            }
            let b = dataFormat.batchIndex, c = dataFormat.channelIndex
            guard pads[2 * b] == 0, pads[2 * b + 1] == 0, pads[2 * c] == 0, pads[2 * c + 1] == 0 else {
                throw DepthwiseConvError.invalidArgument(
                    "Nonzero explicit padding in the batch or depth dimensions is not supported. "
                        + "Got explicit_paddings = \(pads) with data_format \(dataFormat.rawValue)")
            }
        }
        guard dilations.count == 4 else {
            throw DepthwiseConvError.invalidArgument(
                "Sliding window dilations field must specify 4 dimensions, but got \(dilations.count): \(dilations)")
        }
        guard dilations[dataFormat.batchIndex] == 1, dilations[dataFormat.channelIndex] == 1 else {
            throw DepthwiseConvError.invalidArgument(
                "Current implementation does not yet support dilations in the batch and depth dimensions. "
                    + "Got dilations = \(dilations) with data_format \(dataFormat.rawValue)")
        }
        guard dilations.allSatisfy({ $0 > 0 }) else {
            throw DepthwiseConvError.invalidArgument("Dilated rates should be larger than 0, but got \(dilations)")
        }
    }

    /// Row and column stride.
    var spatialStrides: (height: Int, width: Int) {
        (strides[dataFormat.heightIndex], strides[dataFormat.widthIndex])
    }

    /// Row and column dilation.
    var spatialDilations: (height: Int, width: Int) {
        (dilations[dataFormat.heightIndex], dilations[dataFormat.widthIndex])
    }

    /// Explicit `(before, after)` padding of rows and columns, zeros unless
    /// the padding is `.explicit`.
    var explicitSpatialPadding: (top: Int, bottom: Int, left: Int, right: Int) {
        guard case .explicit(let pads) = padding else { return (0, 0, 0, 0) }
        let h = dataFormat.heightIndex, w = dataFormat.widthIndex
        return (pads[2 * h], pads[2 * h + 1], pads[2 * w], pads[2 * w + 1])
    }
}
