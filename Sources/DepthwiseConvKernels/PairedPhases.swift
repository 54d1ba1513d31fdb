// Input gradient at column stride 2 (dilation 1, M = 1) with 3 filter
// columns: the two stride phases of a row read the same out_backprop
// pixels. Pixel `x` with taps `kw` 0 and 2 reads out_backprop pixels `o`
// and `o - 1`, pixel `x + 1` (tap 1) reads `o`. A block of 8 such pairs
// loads each out_backprop vector of a filter row once for both phases,
// where blocks of one phase at a time load them twice; on AVX-512 the 16
// sums fit in registers beside the filter row's vectors. (5 filter columns
// ran 0-3 % slower paired than one phase at a time, 7 columns 10 %: they
// keep the phases' own blocks.)

/// The columns `[start, end)` of a row (at least 8 pairs) whose pixel pairs
/// go through ``sumPairedPhaseSpan(_:taps:_:runs:_:rowCount:_:_:pixelStride:into:channels:isa:)``
/// or ``sumPairedNarrowSpan(_:taps:runs:rowCount:filterRowStride:pairFilter:_:into:channels:isa:)``.
@usableFromInline
struct PairedPhaseSpan {
    @usableFromInline let start: Int
    @usableFromInline let end: Int

    /// The longest span of `colTaps`' columns (stride 2, dilation 1) whose
    /// pixels all have every tap of their phase, starting at a phase-A
    /// column, or `nil` if it holds fewer than 8 pairs or the filter width
    /// isn't 3.
    @inlinable
    init?(colTaps: WindowTaps, width: Int, filterWidth: Int) {
        guard filterWidth == 3 else { return nil }
        // Whether column `x` starts a full pair: `x` has taps 0 and 2,
        // `x + 1` tap 1.
        func fullPair(_ x: Int) -> Bool {
            x + 1 < width && colTaps.counts[x] == 2 && colTaps.counts[x + 1] == 1
                && colTaps.pairs[x * filterWidth].tap == 0 && colTaps.pairs[(x + 1) * filterWidth].tap == 1
        }
        var best = (start: 0, pairs: 0)
        var x = 0
        while x < width {
            guard fullPair(x) else {
                x += 1
                continue
            }
            var pairs = 1
            while fullPair(x + 2 * pairs) { pairs += 1 }
            if pairs > best.pairs { best = (x, pairs) }
            x += 2 * pairs
        }
        guard best.pairs >= 8 else { return nil }
        (start, end) = (best.start, best.start + 2 * best.pairs)
    }

    @inlinable
    init(start: Int, end: Int) {
        (self.start, self.end) = (start, end)
    }

    /// The blocks of 8 pairs that cover the span.
    @inlinable
    var blocks: Int { ((end - start) / 2 + 7) / 8 }

    /// Block `k`'s first pair. The last block ends at the last pair, so it
    /// may redo pairs of the one before (with the same bits).
    @inlinable @inline(__always)
    func firstPair(ofBlock k: Int) -> Int { min(8 * k, (end - start) / 2 - 8) }

    /// The span without its last pairs whose first tap reads one of the
    /// last `count` operand pixels of `pixels` (`colTaps`' positions), or
    /// `nil` if fewer than 8 pairs remain.
    @inlinable
    func sparing(last count: Int, of pixels: Int, colTaps: WindowTaps, filterWidth: Int) -> PairedPhaseSpan? {
        var end = self.end
        while end - start >= 16, colTaps.pairs[(end - 2) * filterWidth].position > pixels - 1 - count { end -= 2 }
        return end - start >= 16 ? PairedPhaseSpan(start: start, end: end) : nil
    }
}

/// Whether the tap lists of a span's first pair suit the paired blocks:
/// row `r`'s taps are one run in each phase (`runsA[r]`: taps 0 and 2,
/// descending; `runsB[r]`: tap 1), and both runs' first taps read the same
/// out_backprop pixel.
@inlinable
func pairedPhaseTapsLineUp(
    tapsA: UnsafePointer<TapOffsets>, runsA: UnsafePointer<TapRun>, runCountA: Int,
    tapsB: UnsafePointer<TapOffsets>, runsB: UnsafePointer<TapRun>, runCountB: Int
) -> Bool {
    guard runCountA == runCountB else { return false }
    for r in 0..<runCountA {
        let a = runsA[r], b = runsB[r]
        guard a.length == 2, !a.ascending, b.length == 1, tapsA[a.start].second == tapsB[b.start].second
        else { return false }
    }
    return true
}

/// 8 pairs of result pixels (`x + 2q` in phase A, `x + 2q + 1` in phase B,
/// `q` in `0..<8`), all `channels` lanes: `tapsA`/`tapsB` hold pixel `x`'s
/// and `x + 1`'s taps (filter offsets into `a`, out_backprop offsets into
/// `b` at the block's first pair), one run per valid filter row (see
/// ``pairedPhaseTapsLineUp(tapsA:runsA:runCountA:tapsB:runsB:runCountB:)``).
/// Pair `q`'s out_backprop is `pixelStride` elements after pair `q - 1`'s;
/// `out` is pixel `x`'s result, and pixels are `channels` apart.
///
/// Each lane adds the products of its pixel's taps in tap order, as
/// ``sumTapProducts(_:count:_:_:into:lanes:)`` does: a filter row's
/// out_backprop vectors are streamed from the last pair's down, and each
/// goes to every pixel that reads it (a pixel's taps read ever lower
/// pixels).
///
/// - Precondition: `channels` is a whole number of 64-byte registers,
///   possibly plus half of one (a 32-byte register goes last; quarter ones
///   as well made the kernel slower than the phases' own blocks).
@inlinable @inline(__always)
func sumPairedPhaseBlock<S: KernelScalar>(
    taps tapsA: UnsafePointer<TapOffsets>, _ tapsB: UnsafePointer<TapOffsets>, runs runsA: UnsafePointer<TapRun>,
    _ runsB: UnsafePointer<TapRun>, rowCount: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>,
    pixelStride ps: Int, into out: UnsafeMutablePointer<S>, channels: Int
) {
    @inline(__always) func lanes<V: SIMD>(_: V.Type, from j: Int) where V.Scalar == S {
        @inline(__always) func load(_ p: UnsafePointer<S>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        var sumsA = PixelVectors<V>(), sumsB = PixelVectors<V>()
        for r in 0..<rowCount {
            let startA = runsA[r].start
            // Phase A's taps 0 and 2, phase B's tap 1.
            let a0 = load(a + tapsA[startA].first + j), a1 = load(a + tapsA[startA + 1].first + j)
            let b0 = load(a + tapsB[runsB[r].start].first + j)
            // Pair q's first tap reads register q, phase A's second tap
            // register q - 1 (each call's `i` a literal, so the pair indices
            // are constants and the sums stay in registers).
            let first = b + tapsA[startA].second + j
            @inline(__always) func visit(_ i: Int, _ sumsA: inout PixelVectors<V>, _ sumsB: inout PixelVectors<V>) {
                let x = load(first + i * ps)
                if i >= 0 {
                    sumsA.accumulate(i, a0, x)
                    sumsB.accumulate(i, b0, x)
                }
                if i + 1 < 8 { sumsA.accumulate(i + 1, a1, x) }
            }
            visit(7, &sumsA, &sumsB)
            visit(6, &sumsA, &sumsB)
            visit(5, &sumsA, &sumsB)
            visit(4, &sumsA, &sumsB)
            visit(3, &sumsA, &sumsB)
            visit(2, &sumsA, &sumsB)
            visit(1, &sumsA, &sumsB)
            visit(0, &sumsA, &sumsB)
            visit(-1, &sumsA, &sumsB)
        }
        // Phase A's pixels, then phase B's (one pixel later).
        sumsA.store(to: out + j, pixelStride: 2 * channels, wide: true)
        sumsB.store(to: out + channels + j, pixelStride: 2 * channels, wide: true)
    }
    var j = 0
    while j + S.Register512.scalarCount <= channels {
        lanes(S.Register512.self, from: j)
        j += S.Register512.scalarCount
    }
    if j < channels {
        lanes(S.Register256.self, from: j)
    }
}

/// ``sumPairedPhaseBlock(taps:_:runs:_:rowCount:_:_:pixelStride:into:channels:)``
/// over the blocks of a span (see ``PairedPhaseSpan/firstPair(ofBlock:)``).
/// (`ISA` names the specialization, so each instruction set's build has its
/// own.)
@inlinable @inline(never)
func sumPairedPhaseSpan<S: KernelScalar, ISA: InstructionSetTag>(
    _ span: PairedPhaseSpan, taps tapsA: UnsafePointer<TapOffsets>, _ tapsB: UnsafePointer<TapOffsets>,
    runs runsA: UnsafePointer<TapRun>, _ runsB: UnsafePointer<TapRun>, rowCount: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride ps: Int, into out: UnsafeMutablePointer<S>,
    channels: Int, isa: ISA.Type
) {
    for k in 0..<span.blocks {
        let first = span.firstPair(ofBlock: k)
        sumPairedPhaseBlock(
            taps: tapsA, tapsB, runs: runsA, runsB, rowCount: rowCount, a, b + first * ps, pixelStride: ps,
            into: out + 2 * first * channels, channels: channels)
    }
}

// Narrow pixels: when a pixel's channels fill half a 64-byte register, a
// pair's two pixels are one register (`x` in the low half, `x + 1` in the
// high half), and so are two adjacent out_backprop pixels. Loading at pixel
// `o - 1` gives `[o - 1 | o]`: the operands of `x`'s second tap (`kw = 2`)
// and of `x + 1`'s only one (`kw = 1`), against the filter pair
// `[kw 2 | kw 1]`; loading at `o` gives `x`'s first operand in the low
// half, whose product the high half leaves out.

/// The filter pairs of ``sumPairedNarrowSpan(_:taps:runs:rowCount:filterRowStride:pairFilter:_:into:channels:isa:)``
/// for a 3-column filter of `channels` lanes per tap (each filter row `kh`:
/// `[kw 0 | kw 0]`, then `[kw 2 | kw 1]`), in ``ScratchPool`` scratch.
@usableFromInline
struct PairedNarrowFilter<S: KernelScalar> {
    @usableFromInline let base: UnsafePointer<S>
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)

    @inlinable
    init(_ filter: UnsafePointer<S>, rows: Int, channels: Int) {
        let width = 2 * channels, count = max(1, rows * 2 * width)
        block = ScratchPool.shared.take(bytes: count * MemoryLayout<S>.stride)
        let copy = ScratchPool.bind(block, at: 0, to: S.self, count: count)
        for kh in 0..<rows {
            let tap = filter + kh * 3 * channels, pairs = copy + kh * 2 * width
            pairs.initialize(from: tap, count: channels)
            (pairs + channels).initialize(from: tap, count: channels)
            (pairs + width).initialize(from: tap + 2 * channels, count: channels)
            (pairs + width + channels).initialize(from: tap + channels, count: channels)
        }
        base = UnsafePointer(copy)
    }

    /// Gives the storage back to the pool.
    @inlinable
    func deallocate() {
        ScratchPool.shared.give(block)
    }
}

/// A span's pairs of narrow pixels (`2 * channels` lanes, one 64-byte
/// register), 3 filter columns, in blocks of 8 pairs: `tapsA`/`runsA` are
/// the span's first phase-A pixel's taps (one run per valid filter row,
/// `first` offsets `kh * filterRowStride` for its `kw = 0` tap, `second`
/// into `b`), out_backprop pixels `channels` elements apart; `out` is the
/// span's first pixel's result. Each lane adds its pixel's products in tap
/// order, as the per-pixel kernels do.
///
/// - Precondition: the span's last pair's first tap reads an out_backprop
///   pixel with one more after it (the register loaded there holds it).
///   (`ISA` names the specialization, so each instruction set's build has
///   its own.)
@inlinable @inline(never)
func sumPairedNarrowSpan<S: KernelScalar, ISA: InstructionSetTag>(
    _ span: PairedPhaseSpan, taps tapsA: UnsafePointer<TapOffsets>, runs runsA: UnsafePointer<TapRun>,
    rowCount: Int, filterRowStride: Int, pairFilter: UnsafePointer<S>, _ b: UnsafePointer<S>,
    into out: UnsafeMutablePointer<S>, channels: Int, isa: ISA.Type
) {
    typealias V = S.Register512
    let width = V.scalarCount
    @inline(__always) func load(_ p: UnsafePointer<S>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    // The high half: pixel x + 1, which the first tap doesn't reach.
    let high = V.laneMask(fromLane: channels)
    for k in 0..<span.blocks {
        let first = span.firstPair(ofBlock: k)
        var sums = PixelVectors<V>()
        for r in 0..<rowCount {
            let tap = tapsA[runsA[r].start]
            let pair = pairFilter + tap.first / filterRowStride * 2 * width
            let lowOnly = load(pair), both = load(pair + width)
            let base = b + tap.second + first * channels
            // Pair q: [kw 0 | -] at register q, then [kw 2 | kw 1] at q - 1.
            @inline(__always) func visit(_ i: Int, _ sums: inout PixelVectors<V>) {
                let x = load(base + i * channels)
                if i >= 0 {
                    let q = sums.get(i)
                    sums.set(i, (q + lowOnly * x).replacingLanes(with: q, where: high))
                }
                if i + 1 < 8 { sums.accumulate(i + 1, both, x) }
            }
            visit(7, &sums)
            visit(6, &sums)
            visit(5, &sums)
            visit(4, &sums)
            visit(3, &sums)
            visit(2, &sums)
            visit(1, &sums)
            visit(0, &sums)
            visit(-1, &sums)
        }
        sums.store(to: out + 2 * first * channels, pixelStride: 2 * channels, wide: true)
    }
}
