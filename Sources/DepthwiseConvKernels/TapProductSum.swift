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
/// differ only by a shift of the second operand: pixel `p` reads
/// `b[taps[t].second + p * secondPixelStride + j]` and writes
/// `out[p * outPixelStride + j]`. The first operand (the filter) is loaded
/// once per tap for all four pixels, and the pixels' sums are independent,
/// which hides the add latency. With a wide register file (AVX-512) tiles
/// are two vectors wide.
@inlinable @inline(__always)
func sumTapProductsFourPixels<S: KernelScalar, ISA: InstructionSetTag>(
    _ taps: UnsafePointer<TapOffsets>, count: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, secondPixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Int, isa: ISA.Type
) {
    typealias V = SIMD16<S>
    let width = V.scalarCount
    var j = 0
    @inline(__always) func load(_ p: UnsafePointer<S>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<S>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
    if ISA.hasWideRegisterFile {
        while j + 2 * width <= lanes {
            var a0 = V(), a1 = V(), a2 = V(), a3 = V(), b0 = V(), b1 = V(), b2 = V(), b3 = V()
            for t in 0..<count {
                let pw = a + taps[t].first + j
                let w0 = load(pw), w1 = load(pw + width)
                let pb = b + taps[t].second + j
                a0 = a0 + w0 * load(pb)
                b0 = b0 + w1 * load(pb + width)
                a1 = a1 + w0 * load(pb + secondPixelStride)
                b1 = b1 + w1 * load(pb + secondPixelStride + width)
                a2 = a2 + w0 * load(pb + 2 * secondPixelStride)
                b2 = b2 + w1 * load(pb + 2 * secondPixelStride + width)
                a3 = a3 + w0 * load(pb + 3 * secondPixelStride)
                b3 = b3 + w1 * load(pb + 3 * secondPixelStride + width)
            }
            let po = out + j
            store(a0, po)
            store(b0, po + width)
            store(a1, po + outPixelStride)
            store(b1, po + outPixelStride + width)
            store(a2, po + 2 * outPixelStride)
            store(b2, po + 2 * outPixelStride + width)
            store(a3, po + 3 * outPixelStride)
            store(b3, po + 3 * outPixelStride + width)
            j += 2 * width
        }
    }
    j = sumTapProductsFourPixelVectors(
        V.self, from: j, taps, count: count, a, b, secondPixelStride: secondPixelStride, into: out,
        outPixelStride: outPixelStride, lanes: lanes)
    j = sumTapProductsFourPixelVectors(
        S.Register256.self, from: j, taps, count: count, a, b, secondPixelStride: secondPixelStride, into: out,
        outPixelStride: outPixelStride, lanes: lanes)
    j = sumTapProductsFourPixelVectors(
        S.Register128.self, from: j, taps, count: count, a, b, secondPixelStride: secondPixelStride, into: out,
        outPixelStride: outPixelStride, lanes: lanes)
    while j < lanes {
        for p in 0..<4 {
            var acc: S = 0
            for t in 0..<count {
                acc = acc + a[taps[t].first + j] * b[taps[t].second + p * secondPixelStride + j]
            }
            out[p * outPixelStride + j] = acc
        }
        j += 1
    }
}

/// ``sumTapProductsFourPixels(_:count:_:_:secondPixelStride:into:outPixelStride:lanes:isa:)``
/// for the lanes from `j` in whole vectors of `V` while they end by
/// `lanes`; returns the first lane left.
@inlinable @inline(__always)
func sumTapProductsFourPixelVectors<V: SIMD>(
    _: V.Type, from j: Int, _ taps: UnsafePointer<TapOffsets>, count: Int,
    _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, secondPixelStride: Int,
    into out: UnsafeMutablePointer<V.Scalar>, outPixelStride: Int, lanes: Int
) -> Int where V.Scalar: KernelScalar {
    @inline(__always) func load(_ p: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<V.Scalar>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
    var j = j
    while j + V.scalarCount <= lanes {
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        for t in 0..<count {
            let w = load(a + taps[t].first + j)
            let pb = b + taps[t].second + j
            a0 = a0 + w * load(pb)
            a1 = a1 + w * load(pb + secondPixelStride)
            a2 = a2 + w * load(pb + 2 * secondPixelStride)
            a3 = a3 + w * load(pb + 3 * secondPixelStride)
        }
        store(a0, out + j)
        store(a1, out + outPixelStride + j)
        store(a2, out + 2 * outPixelStride + j)
        store(a3, out + 3 * outPixelStride + j)
        j += V.scalarCount
    }
    return j
}
