import DepthwiseConvKernels

/// A storage type together with the kernel type it is computed in, and the
/// conversions between them (widening is exact; narrowing rounds to nearest).
protocol StagedScalar {
    /// The type the kernels accumulate in.
    associatedtype Wide: KernelDispatching
    /// The exact value in the kernel type.
    static func widen(_ value: Self) -> Wide
    /// The kernel value rounded to this type.
    static func narrow(_ value: Wide) -> Self
}

extension StagedScalar {
    /// Whether values must be converted to reach the kernel type.
    static var convertsType: Bool { Self.self != Wide.self }
}

extension DepthwiseScalarKind {
    /// Whether values of this kind are converted to `Float` for the kernels.
    var convertsType: Bool { self == .float16 || self == .bfloat16 }
}

extension Float: StagedScalar {
    @inline(__always) static func widen(_ value: Float) -> Float { value }
    @inline(__always) static func narrow(_ value: Float) -> Float { value }
}

extension Double: StagedScalar {
    @inline(__always) static func widen(_ value: Double) -> Double { value }
    @inline(__always) static func narrow(_ value: Double) -> Double { value }
}

#if !(os(macOS) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension Float16: StagedScalar {
    @inline(__always) static func widen(_ value: Float16) -> Float { Float(value) }
    @inline(__always) static func narrow(_ value: Float) -> Float16 { Float16(value) }
}
#endif

extension BFloat16: StagedScalar {
    @inline(__always) static func widen(_ value: BFloat16) -> Float { value.floatValue }
    @inline(__always) static func narrow(_ value: Float) -> BFloat16 { BFloat16(value) }
}
