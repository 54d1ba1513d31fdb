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

/// The shape every one of `runs[0..<runCount]` shares, for the kernels'
/// unrolled paths: `L` when all are ascending runs of `L` taps, `-L` when all
/// are descending runs of `L` taps (`L >= 2`), `1` when all are single taps,
/// `0` when they differ.
@inlinable
func uniformRunShape(_ runs: UnsafePointer<TapRun>, runCount: Int) -> Int {
    guard runCount > 0 else { return 0 }
    let length = runs[0].length, ascending = runs[0].ascending
    for r in 1..<runCount where runs[r].length != length || (length > 1 && runs[r].ascending != ascending) {
        return 0
    }
    return length == 1 || ascending ? length : -length
}

/// Where the next multi-pixel block goes in a run of pixels that share a
/// pattern: `remaining` of them from the current pixel on (its
/// `patternRun`), `behind` already done before it.
///
/// Returns the block's size (`blockPixels`, 4, or 0: compute one pixel
/// alone) and how many done pixels it starts `back` from the current one.
/// A run's tail shorter than a block that fills most of one is covered by
/// a block that overlaps pixels already done: they are computed again by
/// the same kernel, in the same order, so they are rewritten with the same
/// bits.
@inlinable @inline(__always)
func nextBlock(remaining: Int, behind: Int, blockPixels: Int) -> (pixels: Int, back: Int) {
    // A block of 8 costs about what a block of 4 and two single pixels do,
    // a block of 4 about what three single pixels do: overlap only when
    // the new pixels fill at least that much of the block.
    if remaining >= blockPixels { return (blockPixels, 0) }
    if blockPixels > 4, remaining >= 6, behind >= blockPixels - remaining {
        return (blockPixels, blockPixels - remaining)
    }
    if remaining >= 4 { return (4, 0) }
    if remaining >= 3, behind >= 4 - remaining { return (4, 4 - remaining) }
    return (0, 0)
}

/// How a block kernel loads its second operand's vectors.
@usableFromInline protocol SecondOperandLoads {
    associatedtype Vector: SIMD where Vector.Scalar: KernelScalar
    /// The vector at `p`.
    func load(_ p: UnsafePointer<Vector.Scalar>) -> Vector
}

/// Each vector where it is.
@usableFromInline
struct WholeVectorLoads<Vector: SIMD>: SecondOperandLoads where Vector.Scalar: KernelScalar {
    @inlinable init() {}

    @inlinable @inline(__always)
    func load(_ p: UnsafePointer<Vector.Scalar>) -> Vector { UnsafeRawPointer(p).loadUnaligned(as: Vector.self) }
}

/// Each vector with its lanes from `keep` on taken from the vector `offset`
/// elements further (the last vector of a strided skewed block, see
/// ``sumTapProductsSkewedRun(pixels:blockPixels:taps:count:runs:runCount:runShape:_:_:pixelStride:merging:mergeOffset:into:lanes:skew:isa:)``).
@usableFromInline
struct MergedVectorLoads<Vector: SIMD>: SecondOperandLoads where Vector.Scalar: KernelScalar {
    @usableFromInline let offset: Int
    @usableFromInline let mask: Vector.MaskStorage

    @inlinable
    init(offset: Int, keep: Int) {
        self.offset = offset
        mask = Vector.laneMask(fromLane: keep)
    }

    @inlinable @inline(__always)
    func load(_ p: UnsafePointer<Vector.Scalar>) -> Vector {
        let own = UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
        return own.replacingLanes(with: UnsafeRawPointer(p + offset).loadUnaligned(as: Vector.self), where: mask)
    }
}

/// Whether a skewed block's last vector merges its second operand; a type
/// parameter, so each kind compiles to its own loop.
@usableFromInline protocol LastVectorLoading { static var merges: Bool { get } }

/// Unit stride: the last vector's lanes past the pixel are the next one's.
@usableFromInline enum LastVectorWhole: LastVectorLoading {
    @inlinable static var merges: Bool { false }
}

/// A stride: the last vector's lanes past the pixel are merged in.
@usableFromInline enum LastVectorMerged: LastVectorLoading {
    @inlinable static var merges: Bool { true }
}

/// One vector per pixel of a block of up to 8 pixels (4 use `v0...v3`): the
/// sums, or the second operand's window, of ``sumTapRunsSliding(_:pixels:runShape:taps:runs:runCount:_:_:pixelStride:into:outPixelStride:lane:)``.
/// A struct rather than captured locals, so the kernel keeps them in
/// registers however many unrolled copies it is inlined into.
@usableFromInline
struct PixelVectors<V: SIMD> where V.Scalar: FloatingPoint {
    @usableFromInline var v0 = V(), v1 = V(), v2 = V(), v3 = V(), v4 = V(), v5 = V(), v6 = V(), v7 = V()

    @inlinable @inline(__always)
    init() {}

    /// `v[p] = v[p] + w * window[p]` for each pixel `p` (8 if `wide`, else 4).
    @inlinable @inline(__always)
    mutating func accumulateProducts(_ w: V, _ window: PixelVectors<V>, wide: Bool) {
        v0 = v0 + w * window.v0
        v1 = v1 + w * window.v1
        v2 = v2 + w * window.v2
        v3 = v3 + w * window.v3
        if wide {
            v4 = v4 + w * window.v4
            v5 = v5 + w * window.v5
            v6 = v6 + w * window.v6
            v7 = v7 + w * window.v7
        }
    }

    /// `v[q]`; `q` (0 to 7) must be a constant once inlined.
    @inlinable @inline(__always)
    func get(_ q: Int) -> V {
        switch q {
        case 0: v0
        case 1: v1
        case 2: v2
        case 3: v3
        case 4: v4
        case 5: v5
        case 6: v6
        default: v7
        }
    }

    /// Sets `v[q]`; `q` (0 to 7) must be a constant once inlined.
    @inlinable @inline(__always)
    mutating func set(_ q: Int, _ x: V) {
        switch q {
        case 0: v0 = x
        case 1: v1 = x
        case 2: v2 = x
        case 3: v3 = x
        case 4: v4 = x
        case 5: v5 = x
        case 6: v6 = x
        default: v7 = x
        }
    }

    /// `v[q] = v[q] + w * x`; `q` (0 to 7) must be a constant once inlined.
    @inlinable @inline(__always)
    mutating func accumulate(_ q: Int, _ w: V, _ x: V) {
        switch q {
        case 0: v0 = v0 + w * x
        case 1: v1 = v1 + w * x
        case 2: v2 = v2 + w * x
        case 3: v3 = v3 + w * x
        case 4: v4 = v4 + w * x
        case 5: v5 = v5 + w * x
        case 6: v6 = v6 + w * x
        default: v7 = v7 + w * x
        }
    }

    /// Stores pixel `p`'s vector at `out + p * pixelStride`, for 8 pixels if
    /// `wide`, else 4.
    @inlinable @inline(__always)
    func store(to out: UnsafeMutablePointer<V.Scalar>, pixelStride: Int, wide: Bool) {
        @inline(__always) func put(_ v: V, _ p: Int) {
            UnsafeMutableRawPointer(out + p * pixelStride).storeBytes(of: v, as: V.self)
        }
        put(v0, 0)
        put(v1, 1)
        put(v2, 2)
        put(v3, 3)
        if wide {
            put(v4, 4)
            put(v5, 5)
            put(v6, 6)
            put(v7, 7)
        }
    }

    /// Moves every pixel's vector one pixel down (`v[p] = v[p + 1]`) and
    /// puts `last` in the last pixel.
    @inlinable @inline(__always)
    mutating func slideAscending(_ last: V, wide: Bool) {
        v0 = v1
        v1 = v2
        v2 = v3
        if wide {
            v3 = v4
            v4 = v5
            v5 = v6
            v6 = v7
            v7 = last
        } else {
            v3 = last
        }
    }

    /// Moves every pixel's vector one pixel up (`v[p] = v[p - 1]`) and puts
    /// `first` in pixel 0.
    @inlinable @inline(__always)
    mutating func slideDescending(_ first: V, wide: Bool) {
        if wide {
            v7 = v6
            v6 = v5
            v5 = v4
            v4 = v3
        }
        v3 = v2
        v2 = v1
        v1 = v0
        v0 = first
    }
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
/// vanish); with 8 pixels the block needs 17 vector registers. So must
/// `runShape`: nonzero, it is every run's shape (see
/// ``uniformRunShape(_:runCount:)``), and the loop over a run's taps
/// unrolls completely.
///
/// `loads` fetches the second operand's vectors (see ``SecondOperandLoads``).
@inlinable @inline(__always)
func sumTapRunsSliding<L: SecondOperandLoads>(
    _ loads: L, pixels: Int, runShape: Int, taps: UnsafePointer<TapOffsets>, runs: UnsafePointer<TapRun>,
    runCount: Int,
    _ a: UnsafePointer<L.Vector.Scalar>, _ b: UnsafePointer<L.Vector.Scalar>, pixelStride ps: Int,
    into out: UnsafeMutablePointer<L.Vector.Scalar>, outPixelStride: Int, lane j: Int
) {
    typealias V = L.Vector
    @inline(__always) func load(_ p: UnsafePointer<V.Scalar>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func input(_ p: UnsafePointer<V.Scalar>) -> V { loads.load(p) }
    let wide = pixels > 4
    var sums = PixelVectors<V>()
    for r in 0..<runCount {
        let run = runs[r]
        var t = run.start
        let end = t + (runShape == 0 ? run.length : abs(runShape))
        let ascending = runShape == 0 ? run.ascending : runShape > 0
        let first = b + taps[t].second + j
        var window = PixelVectors<V>()
        window.v0 = input(first)
        window.v1 = input(first + ps)
        window.v2 = input(first + 2 * ps)
        window.v3 = input(first + 3 * ps)
        if wide {
            window.v4 = input(first + 4 * ps)
            window.v5 = input(first + 5 * ps)
            window.v6 = input(first + 6 * ps)
            window.v7 = input(first + 7 * ps)
        }
        sums.accumulateProducts(load(a + taps[t].first + j), window, wide: wide)
        t += 1
        if ascending {
            // Pixel p now reads what pixel p + 1 read: a new last pixel.
            while t < end {
                window.slideAscending(input(b + taps[t].second + j + (pixels - 1) * ps), wide: wide)
                sums.accumulateProducts(load(a + taps[t].first + j), window, wide: wide)
                t += 1
            }
        } else {
            // Pixel p now reads what pixel p - 1 read: a new first pixel.
            while t < end {
                window.slideDescending(input(b + taps[t].second + j), wide: wide)
                sums.accumulateProducts(load(a + taps[t].first + j), window, wide: wide)
                t += 1
            }
        }
    }
    sums.store(to: out + j, pixelStride: outPixelStride, wide: wide)
}

/// ``sumTapRunsSliding(_:pixels:runShape:taps:runs:runCount:_:_:pixelStride:into:outPixelStride:lane:)``
/// for whole vectors from lane `j` while they end by lane `end`; returns the
/// first lane left. 8 pixels on a wide register file (fully unrolled for
/// common run shapes), else 4 at a time.
@inlinable @inline(__always)
func sumTapRunsSlidingVectors<S: KernelScalar, ISA: InstructionSetTag>(
    from j: Int, to end: Int, pixels: Int, taps: UnsafePointer<TapOffsets>, runs: UnsafePointer<TapRun>,
    runCount: Int, runShape: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, isa: ISA.Type
) -> Int {
    var j = j
    if ISA.hasWideRegisterFile {
        let width = S.Register512.scalarCount
        while j + width <= end {
            if pixels == 8 {
                // One fully unrolled kernel per shape (the argument must
                // be a constant for that).
                @inline(__always) func slide(_ shape: Int) {
                    sumTapRunsSliding(
                        WholeVectorLoads<S.Register512>(), pixels: 8, runShape: shape, taps: taps, runs: runs,
                        runCount: runCount, a, b, pixelStride: pixelStride, into: out, outPixelStride: outPixelStride,
                        lane: j)
                }
                switch runShape {
                case 1: slide(1)
                case 2: slide(2)
                case -2: slide(-2)
                case 3: slide(3)
                case -3: slide(-3)
                case 5: slide(5)
                case -5: slide(-5)
                case 7: slide(7)
                case -7: slide(-7)
                default: slide(0)
                }
            } else {
                sumTapRunsSliding(
                    WholeVectorLoads<S.Register512>(), pixels: 4, runShape: 0, taps: taps, runs: runs,
                    runCount: runCount, a, b, pixelStride: pixelStride, into: out, outPixelStride: outPixelStride,
                    lane: j)
            }
            j += width
        }
    } else {
        let width = S.Register256.scalarCount
        while j + width <= end {
            for p in stride(from: 0, to: pixels, by: 4) {
                sumTapRunsSliding(
                    WholeVectorLoads<S.Register256>(), pixels: 4, runShape: 0, taps: taps, runs: runs,
                    runCount: runCount, a, b + p * pixelStride, pixelStride: pixelStride,
                    into: out + p * outPixelStride, outPixelStride: outPixelStride, lane: j)
            }
            j += width
        }
    }
    return j
}

/// The lanes from `j` to `end` that whole registers leave (fewer than one
/// register's worth), in sliding blocks of narrower vectors: a half
/// register with a wide register file, then quarter ones (SSE's and NEON's
/// width); returns the first lane left. Channel counts such as 24, 72 or
/// 120 end in such lanes.
@inlinable @inline(__always)
func sumTapRunsSlidingNarrowVectors<S: KernelScalar, ISA: InstructionSetTag>(
    from j: Int, to end: Int, pixels: Int, taps: UnsafePointer<TapOffsets>, runs: UnsafePointer<TapRun>,
    runCount: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, isa: ISA.Type
) -> Int {
    var j = j
    // (`pixels` as a constant, so the kernel unrolls.)
    @inline(__always) func slide<V: SIMD>(_: V.Type) where V.Scalar == S {
        if ISA.hasWideRegisterFile, pixels == 8 {
            sumTapRunsSliding(
                WholeVectorLoads<V>(), pixels: 8, runShape: 0, taps: taps, runs: runs, runCount: runCount, a, b,
                pixelStride: pixelStride, into: out, outPixelStride: outPixelStride, lane: j)
        } else {
            for p in stride(from: 0, to: pixels, by: 4) {
                sumTapRunsSliding(
                    WholeVectorLoads<V>(), pixels: 4, runShape: 0, taps: taps, runs: runs, runCount: runCount, a,
                    b + p * pixelStride, pixelStride: pixelStride, into: out + p * outPixelStride,
                    outPixelStride: outPixelStride, lane: j)
            }
        }
        j += V.scalarCount
    }
    if ISA.hasWideRegisterFile, j + S.Register256.scalarCount <= end { slide(S.Register256.self) }
    while j + S.Register128.scalarCount <= end { slide(S.Register128.self) }
    return j
}

/// ``sumTapRunsSliding(_:pixels:runShape:taps:runs:runCount:_:_:pixelStride:into:outPixelStride:lane:)``
/// over all `lanes` lanes of a block of `pixels` pixels (8 with a wide
/// register file, else 4): whole registers slide, then the narrower
/// vectors of ``sumTapRunsSlidingNarrowVectors(from:to:pixels:taps:runs:runCount:_:_:pixelStride:into:outPixelStride:isa:)``;
/// the few lanes left over go through
/// ``sumTapProductsFourPixels(_:count:_:_:secondPixelStride:into:outPixelStride:lanes:)``,
/// which sums them in the same order.
@inlinable @inline(__always)
func sumTapProductsBlock<S: KernelScalar, ISA: InstructionSetTag>(
    pixels: Int, taps: UnsafePointer<TapOffsets>, count: Int, runs: UnsafePointer<TapRun>, runCount: Int,
    runShape: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Int, isa: ISA.Type
) {
    var j = sumTapRunsSlidingVectors(
        from: 0, to: lanes, pixels: pixels, taps: taps, runs: runs, runCount: runCount, runShape: runShape, a, b,
        pixelStride: pixelStride, into: out, outPixelStride: outPixelStride, isa: ISA.self)
    guard j < lanes else { return }
    j = sumTapRunsSlidingNarrowVectors(
        from: j, to: lanes, pixels: pixels, taps: taps, runs: runs, runCount: runCount, a, b,
        pixelStride: pixelStride, into: out, outPixelStride: outPixelStride, isa: ISA.self)
    guard j < lanes else { return }
    for p in stride(from: 0, to: pixels, by: 4) {
        sumTapProductsFourPixels(
            taps, count: count, a + j, b + p * pixelStride + j, secondPixelStride: pixelStride,
            into: out + p * outPixelStride + j, outPixelStride: outPixelStride, lanes: lanes - j)
    }
}
