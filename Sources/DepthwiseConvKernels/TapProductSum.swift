/// The two offsets one filter tap reads: into the first and second operand.
public struct TapOffsets: Sendable {
    /// Element offset into the first operand.
    public var first: Int
    /// Element offset into the second operand.
    public var second: Int

    @inlinable
    public init(first: Int, second: Int) {
        self.first = first
        self.second = second
    }
}

// Summation order, shared by every function here and every path inside
// them (register tiles of any width, scalar tails): each lane's sum starts
// at zero and adds the taps' products left to right, one rounding per
// multiply and per add, never fused. Which path handles a lane therefore
// never changes its value, so results don't depend on the vector width,
// the instruction set or the thread count.

/// `out[j] = Σ_t a[taps[t].first + j] * b[taps[t].second + j]` for `j` in
/// `0..<lanes`, with the sums kept in registers across all taps (four
/// vectors at a time, then one, then half and quarter vectors, then
/// scalars).
@inlinable @inline(__always)
func sumTapProducts<S: KernelScalar>(
    _ taps: UnsafePointer<TapOffsets>, count: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, lanes: Int
) {
    typealias V = SIMD16<S>
    let width = V.scalarCount
    let bytes = width * MemoryLayout<S>.stride
    var j = 0
    while j + 4 * width <= lanes {
        var acc0 = V(), acc1 = V(), acc2 = V(), acc3 = V()
        for t in 0..<count {
            let pa = UnsafeRawPointer(a + taps[t].first + j)
            let pb = UnsafeRawPointer(b + taps[t].second + j)
            acc0 = acc0 + pa.loadUnaligned(as: V.self) * pb.loadUnaligned(as: V.self)
            acc1 = acc1 + pa.loadUnaligned(fromByteOffset: bytes, as: V.self)
                * pb.loadUnaligned(fromByteOffset: bytes, as: V.self)
            acc2 = acc2 + pa.loadUnaligned(fromByteOffset: 2 * bytes, as: V.self)
                * pb.loadUnaligned(fromByteOffset: 2 * bytes, as: V.self)
            acc3 = acc3 + pa.loadUnaligned(fromByteOffset: 3 * bytes, as: V.self)
                * pb.loadUnaligned(fromByteOffset: 3 * bytes, as: V.self)
        }
        let po = UnsafeMutableRawPointer(out + j)
        po.storeBytes(of: acc0, as: V.self)
        po.storeBytes(of: acc1, toByteOffset: bytes, as: V.self)
        po.storeBytes(of: acc2, toByteOffset: 2 * bytes, as: V.self)
        po.storeBytes(of: acc3, toByteOffset: 3 * bytes, as: V.self)
        j += 4 * width
    }
    j = sumTapProductsVectors(V.self, from: j, taps, count: count, a, b, into: out, lanes: lanes)
    // The last lanes in narrower vectors (channel counts such as 24, 72
    // or 120), then one by one.
    j = sumTapProductsVectors(S.Register256.self, from: j, taps, count: count, a, b, into: out, lanes: lanes)
    j = sumTapProductsVectors(S.Register128.self, from: j, taps, count: count, a, b, into: out, lanes: lanes)
    while j < lanes {
        var acc: S = 0
        for t in 0..<count {
            acc = acc + a[taps[t].first + j] * b[taps[t].second + j]
        }
        out[j] = acc
        j += 1
    }
}

/// ``sumTapProducts(_:count:_:_:into:lanes:)`` for the lanes from `j` in
/// whole vectors of `V` while they end by `lanes`; returns the first lane
/// left.
@inlinable @inline(__always)
func sumTapProductsVectors<V: SIMD>(
    _: V.Type, from j: Int, _ taps: UnsafePointer<TapOffsets>, count: Int,
    _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, into out: UnsafeMutablePointer<V.Scalar>, lanes: Int
) -> Int where V.Scalar: KernelScalar {
    var j = j
    while j + V.scalarCount <= lanes {
        var acc = V()
        for t in 0..<count {
            acc = acc + UnsafeRawPointer(a + taps[t].first + j).loadUnaligned(as: V.self)
                * UnsafeRawPointer(b + taps[t].second + j).loadUnaligned(as: V.self)
        }
        UnsafeMutableRawPointer(out + j).storeBytes(of: acc, as: V.self)
        j += V.scalarCount
    }
    return j
}

/// ``sumTapProducts(_:count:_:_:into:lanes:)`` for four pixels whose taps
/// differ only by a shift of the second operand, one lane at a time: pixel
/// `p` reads `b[taps[t].second + p * secondPixelStride + j]` and writes
/// `out[p * outPixelStride + j]`. These are the last lanes of a block,
/// fewer than a quarter register, that
/// ``sumTapProductsBlock(pixels:taps:count:runs:runCount:runShape:_:_:pixelStride:into:outPixelStride:lanes:isa:)``
/// leaves after its vectors.
@inlinable @inline(__always)
func sumTapProductsFourPixels<S: KernelScalar>(
    _ taps: UnsafePointer<TapOffsets>, count: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, secondPixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Int
) {
    for j in 0..<lanes {
        for p in 0..<4 {
            var acc: S = 0
            for t in 0..<count {
                acc = acc + a[taps[t].first + j] * b[taps[t].second + p * secondPixelStride + j]
            }
            out[p * outPixelStride + j] = acc
        }
    }
}
