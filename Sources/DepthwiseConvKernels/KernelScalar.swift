/// A floating-point type the compute kernels run in: `Float` or `Double`.
///
/// The 16-bit storage types are widened to `Float` before a kernel runs and
/// rounded once afterwards, so kernels only ever see these two types.
public protocol KernelScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// The vector of this scalar that fills one 64-byte register (AVX-512).
    associatedtype Register512: SIMD where Register512.Scalar == Self
    /// The vector of this scalar that fills 32 bytes (one AVX2 register, two
    /// SSE or NEON registers).
    associatedtype Register256: SIMD where Register256.Scalar == Self
    /// The vector of this scalar that fills 16 bytes (one SSE or NEON
    /// register): the narrowest the kernels use before single lanes.
    associatedtype Register128: SIMD where Register128.Scalar == Self
}

extension Float: KernelScalar {
    public typealias Register512 = SIMD16<Float>
    public typealias Register256 = SIMD8<Float>
    public typealias Register128 = SIMD4<Float>
}

extension Double: KernelScalar {
    public typealias Register512 = SIMD8<Double>
    public typealias Register256 = SIMD4<Double>
    public typealias Register128 = SIMD2<Double>
}
