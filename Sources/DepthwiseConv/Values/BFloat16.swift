/// A brain floating-point number: the upper 16 bits of an IEEE `Float`
/// (1 sign, 8 exponent and 7 significand bits), as TensorFlow's `bfloat16`.
///
/// This is a storage type: convert to `Float` to compute. Conversion from
/// `Float` rounds to nearest, ties to even, and keeps NaN a NaN.
///
/// The operations accept `Tensor<BFloat16>` operands and compute in `Float`,
/// rounding each result element once at the end.
///
/// ```swift
/// let x = BFloat16(1.00390625 as Float)   // halfway between 1 and 1.0078125: ties to even
/// x.floatValue                             // 1.0
/// ```
@frozen
public struct BFloat16: Sendable, Hashable, CustomStringConvertible,
    ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, DepthwiseScalar
{
    /// The raw bits: the upper half of the corresponding `Float`'s bits.
    public var bitPattern: UInt16

    /// Creates a value from its raw bits.
    @inlinable
    public init(bitPattern: UInt16) {
        self.bitPattern = bitPattern
    }

    /// Rounds a `Float` to the nearest `BFloat16` (ties to even).
    @inlinable
    public init(_ value: Float) {
        let bits = value.bitPattern
        if value.isNaN {
            // Keep the sign and the top payload bits; force a quiet NaN.
            self.bitPattern = UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
        } else {
            let roundingBias = UInt32(0x7FFF) &+ ((bits >> 16) & 1)
            self.bitPattern = UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
        }
    }

    /// Rounds a `Double` to `BFloat16` through `Float`: two roundings, so a
    /// value very close to a tie may round differently from a single one.
    @inlinable
    public init(_ value: Double) {
        self.init(Float(value))
    }

    /// Creates a value from a literal, rounded to nearest.
    public init(floatLiteral value: Float) {
        self.init(value)
    }

    /// Creates a value from an integer literal, rounded to nearest.
    public init(integerLiteral value: Int) {
        self.init(Float(value))
    }

    /// The exact `Float` value.
    @inlinable
    public var floatValue: Float {
        Float(bitPattern: UInt32(bitPattern) << 16)
    }

    /// `.bfloat16`.
    public static var scalarKind: DepthwiseScalarKind { .bfloat16 }

    /// Positive zero.
    public static var zero: BFloat16 { BFloat16(bitPattern: 0) }

    /// The value as a `Float` prints.
    public var description: String { floatValue.description }

    /// IEEE equality: `-0 == +0`, and NaN equals nothing.
    @inlinable
    public static func == (lhs: BFloat16, rhs: BFloat16) -> Bool {
        lhs.floatValue == rhs.floatValue
    }

    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(floatValue)
    }
}

extension Float {
    /// The exact value of a ``BFloat16``.
    @inlinable
    public init(_ value: BFloat16) {
        self = value.floatValue
    }
}
