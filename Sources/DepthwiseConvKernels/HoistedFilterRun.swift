// Unit stride, 3 filter columns, AVX-512 or AVX2: along a run of pixels
// with the same taps, the filter's vectors (up to 3 rows of 3) stay in
// registers for the whole run, one register of lanes at a time, instead of
// being loaded again for every block of pixels. The second operand's
// pixels of a filter row are streamed once per block, each going to the (up
// to 3) pixels that read it, in each pixel's tap order: 9 filter vectors,
// the block's sums (8 with AVX-512's 32 registers, 4 with AVX2's 16) and
// the streamed vector fit in the registers.

/// Whether `lanes` lanes suit
/// ``sumHoistedFilterRun(pixels:taps:runs:runCount:ascending:_:_:pixelStride:into:outPixelStride:lanes:isa:)``
/// with `ISA`: whole 64-byte registers with AVX-512, whole 32-byte ones
/// with AVX2. Not with SSE (16 registers of 16 bytes: no room), nor with
/// NEON, whose 32 registers of 16 bytes might hold a block of 4 but which
/// wasn't measured.
@inlinable @inline(__always)
func hoistedFilterLanesFit<S: KernelScalar, ISA: InstructionSetTag>(lanes: Int, _: S.Type, _: ISA.Type) -> Bool {
    ISA.hasWideRegisterFile
        ? lanes % S.Register512.scalarCount == 0
        : ISA.has32ByteRegisters && lanes % S.Register256.scalarCount == 0
}

/// Whether a run of `pixels` pixels with the same taps goes through
/// ``sumHoistedFilterRun(pixels:taps:runs:runCount:ascending:_:_:pixelStride:into:outPixelStride:lanes:isa:)``:
/// its taps are 1 to 3 filter rows, each one run of 3 taps
/// (``uniformRunShape(_:runCount:)`` gives 3 or -3), and it has 32 pixels
/// or more. (One thread, 3x3, against the blocks that load the filter each
/// time: 1x56x56x144 ran 8-10 % faster; 1x28x28x192 and 1x14x14x576, runs
/// of 26 and 12 pixels, 0-15 % slower, streaming each register of lanes
/// along rows that don't stay in the first-level cache.)
@inlinable @inline(__always)
func hoistedFilterRunFits(pixels: Int, runCount: Int, runShape: Int) -> Bool {
    pixels >= 32 && (1...3).contains(runCount) && abs(runShape) == 3
}

/// Sums a run of `pixels` pixels with the filter in registers
/// (``sumHoistedFilterRun(pixels:taps:runs:runCount:ascending:_:_:pixelStride:into:outPixelStride:lanes:isa:)``,
/// in the direction `runShape` gives) when
/// ``hoistedFilterRunFits(pixels:runCount:runShape:)`` holds; returns
/// whether it did (if not, nothing was written).
@inlinable @inline(__always)
func sumHoistedFilterRunIfItFits<S: KernelScalar, ISA: InstructionSetTag>(
    pixels: Int, taps: UnsafePointer<TapOffsets>, runs: UnsafePointer<TapRun>, runCount: Int, runShape: Int,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Range<Int>, isa: ISA.Type
) -> Bool {
    guard hoistedFilterRunFits(pixels: pixels, runCount: runCount, runShape: runShape) else { return false }
    sumHoistedFilterRun(
        pixels: pixels, taps: taps, runs: runs, runCount: runCount, ascending: runShape > 0, a, b,
        pixelStride: pixelStride, into: out, outPixelStride: outPixelStride, lanes: lanes, isa: ISA.self)
    return true
}

/// `out[p * outPixelStride + j] = Σ_t a[taps[t].first + j] *
/// b[taps[t].second + p * pixelStride + j]` for every pixel `p` of a run of
/// `pixels` pixels with the same taps, all `lanes` lanes: `runCount` filter
/// rows of 3 taps each (see ``hoistedFilterRunFits(pixels:runCount:runShape:)``),
/// whose second operand steps by one pixel per tap, up (`ascending`) or
/// down.
///
/// Each pixel's sum starts at zero and adds its products in tap order, as
/// ``sumTapProducts(_:count:_:_:into:lanes:)`` does, so the bits are those
/// of every other kernel. The run goes in blocks of 8 pixels (AVX-512) or
/// 4 (AVX2); the last one ends at the run's last pixel and may redo pixels
/// of the one before, with the same bits.
///
/// - Precondition: `pixels >= 8`;
///   ``hoistedFilterLanesFit(lanes:_:_:)`` holds for the width of `lanes`.
///   (`ISA` names the specialization, so each instruction set's build has
///   its own.)
@inlinable @inline(never)
func sumHoistedFilterRun<S: KernelScalar, ISA: InstructionSetTag>(
    pixels: Int, taps: UnsafePointer<TapOffsets>, runs: UnsafePointer<TapRun>, runCount: Int, ascending: Bool,
    _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride ps: Int,
    into out: UnsafeMutablePointer<S>, outPixelStride: Int, lanes: Range<Int>, isa: ISA.Type
) {
    // (`wide` a constant in each copy, so the blocks' sizes are too.)
    @inline(__always) func run<V: SIMD>(_: V.Type, wide: Bool) where V.Scalar == S {
        @inline(__always) func load(_ p: UnsafePointer<S>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        // Whole blocks, then the tail: a block of 8 overlapping done pixels
        // when it holds more than 4 new ones, else one of 4.
        let blockPixels = wide ? 8 : 4
        let whole = pixels / blockPixels, tail = pixels % blockPixels
        var j = lanes.lowerBound
        while j < lanes.upperBound {
            // Filter row r's taps in their order, and where the row's first tap
            // reads for the run's first pixel.
            @inline(__always) func filterRow(_ r: Int) -> (V, V, V, UnsafePointer<S>) {
                guard r < runCount else { return (V(), V(), V(), b) }
                let t = runs[r].start
                return (
                    load(a + taps[t].first + j), load(a + taps[t + 1].first + j), load(a + taps[t + 2].first + j),
                    b + taps[t].second + j
                )
            }
            let (f00, f01, f02, row0) = filterRow(0)
            let (f10, f11, f12, row1) = filterRow(1)
            let (f20, f21, f22, row2) = filterRow(2)
            // `count` pixels (8 or 4, a constant) from pixel `first`.
            @inline(__always) func block(_ first: Int, _ count: Int) {
                var sums = PixelVectors<V>()
                // Streams a row's pixels: the one `i` pixels from the block's
                // first is tap 0 of pixel i, tap 1 of pixel i -/+ 1 and tap 2 of
                // pixel i -/+ 2. Ascending, i goes up from 0, so each pixel gets
                // its taps in order; descending, down from the last.
                @inline(__always) func stream(
                    _ row: UnsafePointer<S>, _ f0: V, _ f1: V, _ f2: V, _ sums: inout PixelVectors<V>
                ) {
                    let base = row + first * ps
                    let step = ascending ? 1 : -1
                    @inline(__always) func visit(_ i: Int, _ sums: inout PixelVectors<V>) {
                        let x = load(base + i * ps)
                        if i >= 0, i < count { sums.accumulate(i, f0, x) }
                        if i - step >= 0, i - step < count { sums.accumulate(i - step, f1, x) }
                        if i - 2 * step >= 0, i - 2 * step < count { sums.accumulate(i - 2 * step, f2, x) }
                    }
                    // (Written out: loops here stay loops, and the sums then
                    // leave the registers.)
                    if ascending {
                        visit(0, &sums)
                        visit(1, &sums)
                        visit(2, &sums)
                        visit(3, &sums)
                        visit(4, &sums)
                        visit(5, &sums)
                        if count > 4 {
                            visit(6, &sums)
                            visit(7, &sums)
                            visit(8, &sums)
                            visit(9, &sums)
                        }
                    } else {
                        if count > 4 {
                            visit(7, &sums)
                            visit(6, &sums)
                            visit(5, &sums)
                            visit(4, &sums)
                        }
                        visit(3, &sums)
                        visit(2, &sums)
                        visit(1, &sums)
                        visit(0, &sums)
                        visit(-1, &sums)
                        visit(-2, &sums)
                    }
                }
                stream(row0, f00, f01, f02, &sums)
                if runCount > 1 { stream(row1, f10, f11, f12, &sums) }
                if runCount > 2 { stream(row2, f20, f21, f22, &sums) }
                sums.store(to: out + first * outPixelStride + j, pixelStride: outPixelStride, wide: count > 4)
            }
            if wide {
                for k in 0..<whole { block(8 * k, 8) }
            } else {
                for k in 0..<whole { block(4 * k, 4) }
            }
            if wide, tail > 4 {
                block(pixels - 8, 8)
            } else if tail > 0 {
                block(pixels - 4, 4)
            }
            j += V.scalarCount
        }
    }
    if ISA.hasWideRegisterFile {
        run(S.Register512.self, wide: true)
    } else {
        run(S.Register256.self, wide: false)
    }
}
