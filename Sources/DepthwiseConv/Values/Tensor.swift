/// A dense tensor in row-major (C) order: a shape and its scalars.
public struct Tensor<Scalar> {
    /// The size of each dimension.
    public var shape: [Int]
    /// The elements, last dimension fastest.
    public var scalars: [Scalar]

    /// Creates a tensor.
    ///
    /// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` if a dimension is
    ///   negative, the element count overflows `Int`, or it differs from
    ///   `scalars.count`.
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

    /// The number of dimensions.
    public var rank: Int { shape.count }
}

extension Tensor where Scalar: DepthwiseScalar {
    /// A tensor of zeros.
    ///
    /// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` for a negative
    ///   dimension or an element count that overflows `Int`.
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
