/// The memory layout of the 4-D activation tensors (input, output and their
/// gradients). The filter is always `[filterHeight, filterWidth, channels,
/// depthMultiplier]`.
///
/// The data format also orders the `strides`, `dilations` and `.explicit`
/// padding arguments: with ``nchw``, a stride of 2 is `[1, 1, 2, 2]`. The
/// kernels work in NHWC; NCHW activations are transposed on the way in and
/// out (see <doc:ChoosingLayouts>).
public enum DataFormat: String, Sendable, Hashable, CaseIterable {
    /// `[batch, height, width, channels]`, TensorFlow's default.
    case nhwc = "NHWC"
    /// `[batch, channels, height, width]`.
    case nchw = "NCHW"

    /// Position of the batch dimension.
    var batchIndex: Int { 0 }
    /// Position of the height dimension.
    var heightIndex: Int { self == .nhwc ? 1 : 2 }
    /// Position of the width dimension.
    var widthIndex: Int { self == .nhwc ? 2 : 3 }
    /// Position of the channel dimension.
    var channelIndex: Int { self == .nhwc ? 3 : 1 }

    /// A 4-D shape in this format from its four sizes.
    func shape(batch: Int, height: Int, width: Int, channels: Int) -> [Int] {
        switch self {
        case .nhwc: [batch, height, width, channels]
        case .nchw: [batch, channels, height, width]
        }
    }
}
