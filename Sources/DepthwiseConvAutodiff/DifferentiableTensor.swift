#if canImport(_Differentiation)
import _Differentiation
import DepthwiseConv

/// A dense row-major tensor of `Float` or `Double` that Swift's automatic
/// differentiation can flow through. It is its own tangent vector.
///
/// ``zero`` is the shapeless zero (shape `[]`, no scalars): adding it to any
/// tensor gives that tensor, which is how tangents that were never touched
/// combine with real ones. Otherwise, adding or subtracting tensors of
/// different shapes is a programmer error and traps.
///
/// ```swift
/// var filter = DifferentiableTensor<Float>(shape: [3, 3, 2, 1], scalars: Array(repeating: 0.1, count: 18))
/// let step = gradient(at: filter) { filter in
///     depthwiseConv2D(input, filter: filter, strides: [1, 1, 1, 1], padding: .same).squared().sum()
/// }
/// filter.move(by: step.scaled(by: -0.01))   // one SGD step
/// ```
public struct DifferentiableTensor<Scalar>: Differentiable, AdditiveArithmetic, Sendable, Equatable
where Scalar: DepthwiseScalar & BinaryFloatingPoint & Differentiable, Scalar.TangentVector == Scalar {
    /// The tangent of a tensor is a tensor of the same shape.
    public typealias TangentVector = DifferentiableTensor

    /// The values.
    public var tensor: Tensor<Scalar>

    /// Wraps a tensor, without copying or checking it.
    ///
    /// - Parameter tensor: the values, any shape.
    public init(_ tensor: Tensor<Scalar>) {
        self.tensor = tensor
    }

    /// Creates a tensor; traps if `scalars` doesn't match `shape` (use
    /// `Tensor(shape:scalars:)`, which throws, to check untrusted sizes).
    ///
    /// - Parameters:
    ///   - shape: the size of each dimension, each `>= 0`.
    ///   - scalars: the elements in row-major order, exactly the product of
    ///     `shape` of them.
    /// - Precondition: `scalars.count` is the product of `shape`, and no
    ///   dimension is negative.
    public init(shape: [Int], scalars: [Scalar]) {
        do {
            tensor = try Tensor(shape: shape, scalars: scalars)
        } catch {
            preconditionFailure("\(error)")
        }
    }

    /// The size of each dimension.
    public var shape: [Int] { tensor.shape }
    /// The elements in row-major order.
    public var scalars: [Scalar] { tensor.scalars }

    /// The shapeless zero, identity of `+`: shape `[]`, one scalar `0`.
    public static var zero: DifferentiableTensor {
        DifferentiableTensor(shape: [], scalars: [0])
    }

    var isShapelessZero: Bool { tensor.shape.isEmpty && tensor.scalars == [0] }

    /// Elementwise sum; ``zero`` is the identity.
    ///
    /// - Precondition: both operands have the same shape, or one is ``zero``.
    /// - Complexity: O(n) for n elements.
    public static func + (lhs: DifferentiableTensor, rhs: DifferentiableTensor) -> DifferentiableTensor {
        if lhs.isShapelessZero { return rhs }
        if rhs.isShapelessZero { return lhs }
        return elementwise(lhs, rhs, +)
    }

    /// Elementwise difference; ``zero`` is the identity (on the left it
    /// negates).
    ///
    /// - Precondition: both operands have the same shape, or one is ``zero``.
    /// - Complexity: O(n) for n elements.
    public static func - (lhs: DifferentiableTensor, rhs: DifferentiableTensor) -> DifferentiableTensor {
        if rhs.isShapelessZero { return lhs }
        if lhs.isShapelessZero { return rhs.map { -$0 } }
        return elementwise(lhs, rhs, -)
    }

    /// Moves each element by the matching element of `offset` (`self += offset`).
    ///
    /// - Precondition: `offset` has this tensor's shape, or is ``zero``.
    public mutating func move(by offset: DifferentiableTensor) {
        self = self + offset
    }

    /// Every element multiplied by `factor` (not differentiable; for updates
    /// such as `weights.move(by: gradient.scaled(by: -learningRate))`).
    public func scaled(by factor: Scalar) -> DifferentiableTensor {
        map { $0 * factor }
    }

    func map(_ transform: (Scalar) -> Scalar) -> DifferentiableTensor {
        DifferentiableTensor(shape: shape, scalars: scalars.map(transform))
    }

    static func elementwise(
        _ lhs: DifferentiableTensor, _ rhs: DifferentiableTensor, _ operation: (Scalar, Scalar) -> Scalar
    ) -> DifferentiableTensor {
        precondition(lhs.shape == rhs.shape, "Shapes \(lhs.shape) and \(rhs.shape) differ")
        return DifferentiableTensor(shape: lhs.shape, scalars: zip(lhs.scalars, rhs.scalars).map(operation))
    }
}

extension DifferentiableTensor {
    /// The sum of all elements. Its gradient is a tensor of ones.
    ///
    /// - Complexity: O(n) for n elements, summed in order.
    @differentiable(reverse)
    public func sum() -> Scalar {
        scalars.reduce(0, +)
    }

    @usableFromInline @derivative(of: sum)
    func vjpSum() -> (value: Scalar, pullback: (Scalar) -> DifferentiableTensor) {
        let shape = self.shape, count = scalars.count
        return (sum(), { DifferentiableTensor(shape: shape, scalars: Array(repeating: $0, count: count)) })
    }

    /// Every element squared. Its pullback multiplies by `2 * self`.
    ///
    /// - Complexity: O(n) for n elements.
    @differentiable(reverse)
    public func squared() -> DifferentiableTensor {
        map { $0 * $0 }
    }

    @usableFromInline @derivative(of: squared)
    func vjpSquared() -> (value: DifferentiableTensor, pullback: (DifferentiableTensor) -> DifferentiableTensor) {
        let x = self
        return (squared(), { v in
            v.isShapelessZero ? .zero : Self.elementwise(x, v) { 2 * $0 * $1 }
        })
    }

    @usableFromInline @derivative(of: +)
    static func vjpAdd(_ lhs: DifferentiableTensor, _ rhs: DifferentiableTensor) -> (
        value: DifferentiableTensor, pullback: (DifferentiableTensor) -> (DifferentiableTensor, DifferentiableTensor)
    ) {
        (lhs + rhs, { v in (v, v) })
    }

    @usableFromInline @derivative(of: -)
    static func vjpSubtract(_ lhs: DifferentiableTensor, _ rhs: DifferentiableTensor) -> (
        value: DifferentiableTensor, pullback: (DifferentiableTensor) -> (DifferentiableTensor, DifferentiableTensor)
    ) {
        (lhs - rhs, { v in (v, .zero - v) })
    }
}
#endif
