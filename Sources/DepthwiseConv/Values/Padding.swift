/// The padding scheme of a convolution, as TensorFlow's `padding` attribute.
///
/// For one spatial dimension of input size `I`, filter size `K`, dilation `D`
/// and stride `S`, with the effective filter size `E = (K - 1) * D + 1`, the
/// output size `O` is:
///
/// | Padding | `O` | Padding before / after |
/// |---|---|---|
/// | ``same`` | `ceil(I / S)` | `P = max(0, (O - 1) * S + E - I)`; `P / 2` before, the rest after |
/// | ``valid`` | `(I - E + S) / S`, truncated toward zero | none |
/// | ``explicit(_:)`` | `(I + before + after - E + S) / S`, truncated toward zero | as given |
///
/// See <doc:TensorFlowSemantics>.
public enum Padding: Sendable, Hashable {
    /// Output size `ceil(input / stride)`; the padding that needs is split
    /// evenly, the odd pixel going after.
    case same
    /// No padding: only windows that fit entirely inside the input. A filter
    /// larger than the input gives an output size of 0 (or an error if the
    /// truncated size would be negative, as in TensorFlow).
    case valid
    /// Given padding: 8 non-negative values, a `(before, after)` pair per
    /// dimension in data-format order, zero for batch and channels (TensorFlow's
    /// `explicit_paddings`). For NHWC, `[0, 0, top, bottom, left, right, 0, 0]`;
    /// for NCHW, `[0, 0, 0, 0, top, bottom, left, right]`.
    case explicit([Int])
}
