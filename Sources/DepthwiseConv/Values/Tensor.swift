/// A dense tensor in row-major (C) order: a shape and its scalars.
///
/// The operations take and return `Tensor`s; for memory you already own, use
/// their `UnsafeBufferPointer` forms instead (see <doc:ChoosingLayouts>).
/// A `Tensor` carries no data format: the operations' `dataFormat` argument
/// says how a 4-D activation's dimensions are ordered.
///
/// ```swift
/// let filter = try Tensor<Float>(shape: [3, 3, 32, 1], scalars: weights)   // weights.count == 288
/// ```
///
/// Both fields are mutable; the operations check again that `scalars.count`
/// matches `shape` and throw if it doesn't.
public struct Tensor<Scalar> {
    /// The size of each dimension; `[]` is a scalar (one element).
    public var shape: [Int]
    /// The elements, last dimension fastest: element `[i0, i1, ..., ik]` is at
    /// `((i0 * shape[1] + i1) * shape[2] + ...) * shape[k] + ik`.
    public var scalars: [Scalar]

    /// Creates a tensor.
    ///
    /// - Parameters:
    ///   - shape: the size of each dimension, each `>= 0`.
    ///   - scalars: the elements in row-major order; exactly the product of
    ///     `shape` of them.
    /// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` if a dimension is
    ///   negative, the element count overflows `Int`, or it differs from
    ///   `scalars.count`.
    /// - Complexity: O(`shape.count`); `scalars` is not copied.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let count = try elementCount(of: shape, name: "Tensor shape")
        guard count == scalars.count else {
            throw DepthwiseConvError.invalidArgument(
                "Tensor shape \(shape) holds \(count) elements, but \(scalars.count) scalars were given")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Creates a tensor without checking; `shape` must describe `scalars`.
    init(uncheckedShape shape: [Int], scalars: [Scalar]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of dimensions (4 for every operand of the operations).
    public var rank: Int { shape.count }
}

extension Tensor where Scalar: DepthwiseScalar {
    /// A tensor of zeros.
    ///
    /// - Parameter shape: the size of each dimension, each `>= 0`.
    /// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` for a negative
    ///   dimension or an element count that overflows `Int`.
    /// - Complexity: O(n) for n elements.
    public init(zeros shape: [Int]) throws {
        let count = try elementCount(of: shape, name: "Tensor shape")
        self.init(uncheckedShape: shape, scalars: Array(repeating: Scalar.zero, count: count))
    }
}

extension Tensor: Equatable where Scalar: Equatable {}
extension Tensor: Hashable where Scalar: Hashable {}
extension Tensor: Sendable where Scalar: Sendable {}

extension Tensor: CustomStringConvertible {
    /// The shape and, for small tensors, the scalars.
    public var description: String {
        let shown = scalars.count <= 16 ? "\(scalars)" : "[\(scalars.count) scalars]"
        return "Tensor(shape: \(shape), scalars: \(shown))"
    }
}
