/// A run of consecutive taps in a tap list whose second-operand offsets step
/// by exactly one pixel: tap `start + i` reads, for pixel `p`, what tap
/// `start` reads for pixel `p + i` (`ascending`) or `p - i` (descending).
/// Along a run, a block of pixels can keep the second operand's values in
/// registers and load one new pixel per tap instead of one per pixel.
@usableFromInline
struct TapRun {
    @usableFromInline var start: Int
    @usableFromInline var length: Int
    @usableFromInline var ascending: Bool

    @inlinable
    init(start: Int, length: Int, ascending: Bool) {
        self.start = start
        self.length = length
        self.ascending = ascending
    }
}

/// Splits `taps[0..<count]` into maximal ``TapRun``s for pixels
/// `pixelStride` elements apart, in tap order; returns how many.
///
/// Forward convolution, stride 1, dilation 1: each filter row is one
/// ascending run. Input gradient, dilation 1 (any stride, per stride phase):
/// each filter row's taps for a phase form one descending run.
@inlinable
func splitIntoTapRuns(
    _ taps: UnsafePointer<TapOffsets>, count: Int, pixelStride: Int, into runs: UnsafeMutablePointer<TapRun>
) -> Int {
    var runCount = 0
    var t = 0
    while t < count {
        var length = 1
        var ascending = true
        if t + 1 < count {
            let step = taps[t + 1].second &- taps[t].second
            if step == pixelStride || step == 0 &- pixelStride {
                ascending = step == pixelStride
                length = 2
                while t + length < count, taps[t + length].second &- taps[t + length - 1].second == step {
                    length += 1
                }
            }
        }
        runs[runCount] = TapRun(start: t, length: length, ascending: ascending)
        runCount += 1
        t += length
    }
    return runCount
}

/// `out[p * outPixelStride + j] = Σ_t a[taps[t].first + j] *
/// b[taps[t].second + p * pixelStride + j]` for the `pixels` (4 or 8)
/// pixels `p` of a block and the `V.scalarCount` lanes `j` from `lane`, with
/// the taps grouped into `runs` (see ``splitIntoTapRuns(_:count:pixelStride:into:)``).
///
/// Each pixel's sum starts at zero and adds the products in tap order, one
/// rounding per multiply and per add, exactly as
/// ``sumTapProducts(_:count:_:_:into:lanes:)`` does: a pixel gets the same
/// bits whichever kernel computes it. Within a run the block's second-operand
/// vectors slide by one pixel per tap, so a tap costs one filter load and
/// one new pixel load for the whole block.
///
/// `pixels` must be a constant at the call site (the branches on it then
/// vanish); with 8 pixels the block needs 17 vector registers.
@inlinable @inline(__always)
func sumTapRunsSliding<V: SIMD>(
    _: V.Type, pixels: Int, taps: UnsafePointer<TapOffsets>, runs: UnsafePointer<TapRun>, runCount: Int,
    _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, pixelStride ps: Int,
    into out: UnsafeMutablePointer<V.Scalar>, outPixelStride: Int, lane j: Int
) where V.Scalar: KernelScalar {
    @inline(__always) func load(_ p: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    let wide = pixels > 4
    var s0 = V(), s1 = V(), s2 = V(), s3 = V(), s4 = V(), s5 = V(), s6 = V(), s7 = V()
    for r in 0..<runCount {
        let run = runs[r]
        var t = run.start
        let end = t + run.length
        let first = b + taps[t].second + j
        var c0 = load(first), c1 = load(first + ps), c2 = load(first + 2 * ps), c3 = load(first + 3 * ps)
        var c4 = V(), c5 = V(), c6 = V(), c7 = V()
        if wide {
            c4 = load(first + 4 * ps)
            c5 = load(first + 5 * ps)
            c6 = load(first + 6 * ps)
            c7 = load(first + 7 * ps)
        }
        @inline(__always) func accumulate(_ w: V) {
            s0 = s0 + w * c0
            s1 = s1 + w * c1
            s2 = s2 + w * c2
            s3 = s3 + w * c3
            if wide {
                s4 = s4 + w * c4
                s5 = s5 + w * c5
                s6 = s6 + w * c6
                s7 = s7 + w * c7
            }
        }
        accumulate(load(a + taps[t].first + j))
        t += 1
        if run.ascending {
            // Pixel p now reads what pixel p + 1 read: a new last pixel.
            while t < end {
                let last = b + taps[t].second + j + (pixels - 1) * ps
                c0 = c1
                c1 = c2
                c2 = c3
                if wide {
                    c3 = c4
                    c4 = c5
                    c5 = c6
                    c6 = c7
                    c7 = load(last)
                } else {
                    c3 = load(last)
                }
                accumulate(load(a + taps[t].first + j))
                t += 1
            }
        } else {
            // Pixel p now reads what pixel p - 1 read: a new first pixel.
            while t < end {
                if wide {
                    c7 = c6
                    c6 = c5
                    c5 = c4
                    c4 = c3
                }
                c3 = c2
                c2 = c1
                c1 = c0
                c0 = load(b + taps[t].second + j)
                accumulate(load(a + taps[t].first + j))
                t += 1
            }
        }
    }
    @inline(__always) func store(_ v: V, _ p: Int) {
        UnsafeMutableRawPointer(out + p * outPixelStride + j).storeBytes(of: v, as: V.self)
    }
    store(s0, 0)
    store(s1, 1)
    store(s2, 2)
    store(s3, 3)
    if wide {
        store(s4, 4)
        store(s5, 5)
        store(s6, 6)
        store(s7, 7)
    }
}

/// ``sumTapRunsSliding(_:pixels:taps:runs:runCount:_:_:pixelStride:into:outPixelStride:lane:)``
/// over all `lanes` lanes of a block of `pixels` pixels (8 with a wide
/// register file, else 4): whole registers slide; the lanes left over go
/// through ``sumTapProductsFourPixels(_:count:_:_:secondPixelStride:into:outPixelStride:lanes:isa:)``,
/// which sums them in the same order.
@inlinable @inline(__always)
func sumTapProductsBlock<S: KernelScalar, ISA: InstructionSetTag>(
    pixels: Int, taps: UnsafePointer<TapOffsets>, count: Int, runs: UnsafePointer<TapRun>, runCount: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Int, isa: ISA.Type
) {
    var j = 0
    if ISA.hasWideRegisterFile {
        let width = S.Register512.scalarCount
        while j + width <= lanes {
            if pixels == 8 {
                sumTapRunsSliding(
                    S.Register512.self, pixels: 8, taps: taps, runs: runs, runCount: runCount, a, b,
                    pixelStride: pixelStride, into: out, outPixelStride: outPixelStride, lane: j)
            } else {
                sumTapRunsSliding(
                    S.Register512.self, pixels: 4, taps: taps, runs: runs, runCount: runCount, a, b,
                    pixelStride: pixelStride, into: out, outPixelStride: outPixelStride, lane: j)
            }
            j += width
        }
    } else {
        let width = S.Register256.scalarCount
        while j + width <= lanes {
            for p in stride(from: 0, to: pixels, by: 4) {
                sumTapRunsSliding(
                    S.Register256.self, pixels: 4, taps: taps, runs: runs, runCount: runCount, a, b + p * pixelStride,
                    pixelStride: pixelStride, into: out + p * outPixelStride, outPixelStride: outPixelStride, lane: j)
            }
            j += width
        }
    }
    guard j < lanes else { return }
    for p in stride(from: 0, to: pixels, by: 4) {
        sumTapProductsFourPixels(
            taps, count: count, a + j, b + p * pixelStride + j, secondPixelStride: pixelStride,
            into: out + p * outPixelStride + j, outPixelStride: outPixelStride, lanes: lanes - j, isa: ISA.self)
    }
}
