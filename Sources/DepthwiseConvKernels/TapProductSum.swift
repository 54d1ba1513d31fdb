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

/// `out[j] = Σ_t a[taps[t].first + j] * b[taps[t].second + j]` for `j` in
/// `0..<lanes`, with the sums kept in registers across all taps.
///
/// Summation order, the same for every lane whichever path handles it (four
/// vectors, one vector or the scalar tail): even taps and odd taps are summed
/// separately, left to right from zero, then `even + odd`. The two chains
/// halve the add latency a pixel waits on; the fixed association keeps
/// results independent of vector width and thread count, and no fused
/// multiply-add is used, so they are independent of the ISA too.
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
        var even = (V(), V(), V(), V())
        var odd = (V(), V(), V(), V())
        @inline(__always) func products(_ t: Int) -> (V, V, V, V) {
            let pa = UnsafeRawPointer(a + taps[t].first + j)
            let pb = UnsafeRawPointer(b + taps[t].second + j)
            return (pa.loadUnaligned(as: V.self) * pb.loadUnaligned(as: V.self),
                    pa.loadUnaligned(fromByteOffset: bytes, as: V.self)
                        * pb.loadUnaligned(fromByteOffset: bytes, as: V.self),
                    pa.loadUnaligned(fromByteOffset: 2 * bytes, as: V.self)
                        * pb.loadUnaligned(fromByteOffset: 2 * bytes, as: V.self),
                    pa.loadUnaligned(fromByteOffset: 3 * bytes, as: V.self)
                        * pb.loadUnaligned(fromByteOffset: 3 * bytes, as: V.self))
        }
        var t = 0
        while t + 1 < count {
            let e = products(t), o = products(t + 1)
            even = (even.0 + e.0, even.1 + e.1, even.2 + e.2, even.3 + e.3)
            odd = (odd.0 + o.0, odd.1 + o.1, odd.2 + o.2, odd.3 + o.3)
            t += 2
        }
        if t < count {
            let e = products(t)
            even = (even.0 + e.0, even.1 + e.1, even.2 + e.2, even.3 + e.3)
        }
        let po = UnsafeMutableRawPointer(out + j)
        po.storeBytes(of: even.0 + odd.0, as: V.self)
        po.storeBytes(of: even.1 + odd.1, toByteOffset: bytes, as: V.self)
        po.storeBytes(of: even.2 + odd.2, toByteOffset: 2 * bytes, as: V.self)
        po.storeBytes(of: even.3 + odd.3, toByteOffset: 3 * bytes, as: V.self)
        j += 4 * width
    }
    while j + width <= lanes {
        var even = V(), odd = V()
        var t = 0
        while t + 1 < count {
            even = even + UnsafeRawPointer(a + taps[t].first + j).loadUnaligned(as: V.self)
                * UnsafeRawPointer(b + taps[t].second + j).loadUnaligned(as: V.self)
            odd = odd + UnsafeRawPointer(a + taps[t + 1].first + j).loadUnaligned(as: V.self)
                * UnsafeRawPointer(b + taps[t + 1].second + j).loadUnaligned(as: V.self)
            t += 2
        }
        if t < count {
            even = even + UnsafeRawPointer(a + taps[t].first + j).loadUnaligned(as: V.self)
                * UnsafeRawPointer(b + taps[t].second + j).loadUnaligned(as: V.self)
        }
        UnsafeMutableRawPointer(out + j).storeBytes(of: even + odd, as: V.self)
        j += width
    }
    while j < lanes {
        var even: S = 0, odd: S = 0
        var t = 0
        while t < count {
            let product = a[taps[t].first + j] * b[taps[t].second + j]
            if t & 1 == 0 { even = even + product } else { odd = odd + product }
            t += 1
        }
        out[j] = even + odd
        j += 1
    }
}

/// ``sumTapProducts(_:count:_:_:into:lanes:)`` for four pixels whose taps
/// differ only by a shift of the second operand: pixel `p` reads
/// `b[taps[t].second + p * secondPixelStride + j]` and writes
/// `out[p * outPixelStride + j]`. The first operand (the filter) is loaded
/// once per tap for all four, and the eight independent sums per vector hide
/// the add latency. Same summation order as the single-pixel version.
@inlinable @inline(__always)
func sumTapProductsFourPixels<S: KernelScalar>(
    _ taps: UnsafePointer<TapOffsets>, count: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, secondPixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Int
) {
    typealias V = SIMD16<S>
    let width = V.scalarCount
    var j = 0
    while j + width <= lanes {
        var even = (V(), V(), V(), V())
        var odd = (V(), V(), V(), V())
        @inline(__always) func products(_ t: Int) -> (V, V, V, V) {
            let w = UnsafeRawPointer(a + taps[t].first + j).loadUnaligned(as: V.self)
            let pb = b + taps[t].second + j
            return (w * UnsafeRawPointer(pb).loadUnaligned(as: V.self),
                    w * UnsafeRawPointer(pb + secondPixelStride).loadUnaligned(as: V.self),
                    w * UnsafeRawPointer(pb + 2 * secondPixelStride).loadUnaligned(as: V.self),
                    w * UnsafeRawPointer(pb + 3 * secondPixelStride).loadUnaligned(as: V.self))
        }
        var t = 0
        while t + 1 < count {
            let e = products(t), o = products(t + 1)
            even = (even.0 + e.0, even.1 + e.1, even.2 + e.2, even.3 + e.3)
            odd = (odd.0 + o.0, odd.1 + o.1, odd.2 + o.2, odd.3 + o.3)
            t += 2
        }
        if t < count {
            let e = products(t)
            even = (even.0 + e.0, even.1 + e.1, even.2 + e.2, even.3 + e.3)
        }
        UnsafeMutableRawPointer(out + j).storeBytes(of: even.0 + odd.0, as: V.self)
        UnsafeMutableRawPointer(out + outPixelStride + j).storeBytes(of: even.1 + odd.1, as: V.self)
        UnsafeMutableRawPointer(out + 2 * outPixelStride + j).storeBytes(of: even.2 + odd.2, as: V.self)
        UnsafeMutableRawPointer(out + 3 * outPixelStride + j).storeBytes(of: even.3 + odd.3, as: V.self)
        j += width
    }
    while j < lanes {
        for p in 0..<4 {
            var even: S = 0, odd: S = 0
            var t = 0
            while t < count {
                let product = a[taps[t].first + j] * b[taps[t].second + p * secondPixelStride + j]
                if t & 1 == 0 { even = even + product } else { odd = odd + product }
                t += 1
            }
            out[p * outPixelStride + j] = even + odd
        }
        j += 1
    }
}
