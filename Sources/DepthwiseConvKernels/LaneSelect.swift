/// A lane-wise select for the kernels' vectors, in bits: the lanes a
/// skewed block takes from a second load (see ``FilterGradientWrap`` and
/// ``sumTapProductsSkewedRun(pixels:blockPixels:taps:count:runs:runCount:runShape:_:_:pixelStride:merging:mergeOffset:into:lanes:skew:isa:)``).
extension SIMD where Scalar: KernelScalar {
    /// All bits set in lanes `first...`, clear in the others.
    @inlinable
    static func laneMask(fromLane first: Int) -> MaskStorage {
        var mask = MaskStorage()
        for i in 0..<MaskStorage.scalarCount where i >= first { mask[i] = ~0 }
        return mask
    }

    /// `self` with the lanes set in `mask` taken from `other`, bit for bit.
    //
    // The kernels' vector types take a bitwise select on the same bits seen
    // as a `SIMDMask`, whose concrete operations are single instructions; the
    // generic `replacing(with:where:)` is a lane loop that compiles to split
    // half-vector moves in the hot loop.
    @inlinable @inline(__always)
    func replacingLanes(with other: Self, where mask: MaskStorage) -> Self {
        if Self.self == SIMD16<Float>.self {
            typealias M = SIMDMask<SIMD16<Int32>>
            let a = unsafeBitCast(self, to: M.self), b = unsafeBitCast(other, to: M.self)
            return unsafeBitCast(a .^ ((a .^ b) .& unsafeBitCast(mask, to: M.self)), to: Self.self)
        } else if Self.self == SIMD8<Float>.self {
            typealias M = SIMDMask<SIMD8<Int32>>
            let a = unsafeBitCast(self, to: M.self), b = unsafeBitCast(other, to: M.self)
            return unsafeBitCast(a .^ ((a .^ b) .& unsafeBitCast(mask, to: M.self)), to: Self.self)
        } else if Self.self == SIMD4<Float>.self {
            typealias M = SIMDMask<SIMD4<Int32>>
            let a = unsafeBitCast(self, to: M.self), b = unsafeBitCast(other, to: M.self)
            return unsafeBitCast(a .^ ((a .^ b) .& unsafeBitCast(mask, to: M.self)), to: Self.self)
        } else if Self.self == SIMD8<Double>.self {
            typealias M = SIMDMask<SIMD8<Int64>>
            let a = unsafeBitCast(self, to: M.self), b = unsafeBitCast(other, to: M.self)
            return unsafeBitCast(a .^ ((a .^ b) .& unsafeBitCast(mask, to: M.self)), to: Self.self)
        } else if Self.self == SIMD4<Double>.self {
            typealias M = SIMDMask<SIMD4<Int64>>
            let a = unsafeBitCast(self, to: M.self), b = unsafeBitCast(other, to: M.self)
            return unsafeBitCast(a .^ ((a .^ b) .& unsafeBitCast(mask, to: M.self)), to: Self.self)
        } else if Self.self == SIMD2<Double>.self {
            typealias M = SIMDMask<SIMD2<Int64>>
            let a = unsafeBitCast(self, to: M.self), b = unsafeBitCast(other, to: M.self)
            return unsafeBitCast(a .^ ((a .^ b) .& unsafeBitCast(mask, to: M.self)), to: Self.self)
        }
        var lanes = SIMDMask<MaskStorage>()
        for i in indices { lanes[i] = mask[i] != 0 }
        return replacing(with: other, where: lanes)
    }
}
