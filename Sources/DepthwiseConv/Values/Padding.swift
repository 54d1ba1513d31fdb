/// The padding scheme of a convolution, as TensorFlow's `padding` attribute.
public enum Padding: Sendable, Hashable {
    /// Output size `ceil(input / stride)`; the padding that needs is split
    /// evenly, the odd pixel going after.
    case same
    /// No padding: only windows that fit entirely inside the input.
    case valid
    /// Given padding: 8 non-negative values, a `(before, after)` pair per
    /// dimension in data-format order, zero for batch and channels (TensorFlow's
    /// `explicit_paddings`).
    case explicit([Int])
}
