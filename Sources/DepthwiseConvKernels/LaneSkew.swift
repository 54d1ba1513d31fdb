/// Lane-skewed blocks: aligned loads from a tensor read in place whose
/// pixels all start the same distance past a vector boundary, as a Swift
/// array's do (16, 32 or 48 bytes into a 64-byte line).
///
/// A block then starts its vectors `skew` lanes into each pixel, where they
/// are aligned; a pixel's last vector runs `skew` lanes into the next
/// pixel's first lanes, and the first `skew` lanes of the block's first
/// pixel are left to whoever computed the pixel before. That is right when
/// the next pixel has the same taps (it is in the same run) and the operand
/// and the result both advance by exactly `lanes` elements per result pixel
/// (unit stride, no depth-multiplier staging): the lanes past a pixel are
/// then the next pixel's, for operand and result alike. Each lane's sum keeps
/// its tap order, so a lane gets the same bits whichever vector holds it.
///
/// The filter vectors must be skewed too, so this is 0 unless the filter
/// (`taps` taps of `lanes` lanes) fits a ``SkewedFilter`` copy.
@inlinable
func laneSkew<S: KernelScalar, ISA: InstructionSetTag>(
    _ operand: UnsafePointer<S>, lanes: Int, filterTaps taps: Int, _: ISA.Type
) -> Int {
    let width = skewVectorWidth(S.self, ISA.self)
    let stride = MemoryLayout<S>.stride
    let offset = Int(bitPattern: operand) % (width * stride)
    guard lanes > 0, lanes % width == 0, offset != 0, offset % stride == 0,
        SkewedFilter<S>.elements(taps: taps, lanes: lanes, width: width) != nil
    else { return 0 }
    return width - offset / stride
}

/// The first pixels of a run of `pixels` pixels with the same taps, in
/// lane-skewed blocks of `blockPixels` (see ``laneSkew(_:lanes:filterTaps:_:)``);
/// operand `b` and result `out` at the run's first pixel, the result `lanes`
/// elements per pixel and the operand `pixelStride` per result pixel.
/// Returns how many pixels it wrote in full (the rest go through the usual
/// blocks).
///
/// The first pixel's first `skew` lanes are computed first (the blocks
/// leave them); then blocks while their spill lanes stay in the run. When
/// at least half a block is left, one more block overlaps done pixels (their
/// lanes get the same bits again) and the last pixel's other lanes follow.
///
/// At unit stride the operand's lanes past a pixel are the next result
/// pixel's, as the result's are. At a stride they are not: with `K`
/// merging, the last vector of each pixel takes them from the load
/// `mergeOffset` elements further (`(stride - 1) * lanes`), where the next
/// result pixel's are.
///
/// Kept out of line, so that the kernels' usual path compiles as without it.
///
/// - Precondition: `pixels > blockPixels`; `lanes` is a whole number of the
///   blocks' vectors.
@inlinable @inline(never)
func sumTapProductsSkewedRun<S: KernelScalar, ISA: InstructionSetTag, K: LastVectorLoading>(
    pixels run: Int, blockPixels: Int, taps: UnsafePointer<TapOffsets>, count: Int, runs: UnsafePointer<TapRun>,
    runCount: Int, runShape: Int, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, pixelStride: Int,
    merging: K.Type, mergeOffset: Int, into out: UnsafeMutablePointer<S>, lanes: Int, skew: Int, isa: ISA.Type
) -> Int {
    // Unit stride (no merging): the operand's pixels are `lanes` apart, which
    // the compiler then knows (one register less in the block kernel).
    let pixelStride = K.merges ? pixelStride : lanes
    let width = skewVectorWidth(S.self, ISA.self)
    // The merged vector's loads, built once (one per register width).
    let wideLoads = K.merges && ISA.hasWideRegisterFile
        ? MergedVectorLoads<S.Register512>(offset: mergeOffset, keep: width - skew) : nil
    let narrowLoads = K.merges && !ISA.hasWideRegisterFile
        ? MergedVectorLoads<S.Register256>(offset: mergeOffset, keep: width - skew) : nil
    // The first pixel's first `skew` lanes (the blocks do the rest).
    sumTapProducts(taps, count: count, a, b, into: out, lanes: skew)
    // The filter in registers along the run (all but the last pixel).
    if !K.merges, hoistedFilterLanesFit(lanes: lanes, S.self, ISA.self),
        sumHoistedFilterRunIfItFits(
            pixels: run - 1, taps: taps, runs: runs, runCount: runCount, runShape: runShape, a, b,
            pixelStride: lanes, into: out, outPixelStride: lanes, lanes: skew..<lanes + skew, isa: ISA.self)
    {
        sumTapProducts(
            taps, count: count, a + skew, b + (run - 1) * lanes + skew, into: out + (run - 1) * lanes + skew,
            lanes: lanes - skew)
        return run
    }
    let overlapLast = (run - 1) % blockPixels >= blockPixels / 2
    let blocks = (run - 1) / blockPixels + (overlapLast ? 1 : 0)
    for block in 0..<blocks {
        let start = min(block * blockPixels, run - 1 - blockPixels)
        // Vectors from lane `skew`, the last running into the next pixel.
        let last = sumTapRunsSlidingVectors(
            from: skew, to: K.merges ? lanes + skew - width : lanes + skew, pixels: blockPixels, taps: taps,
            runs: runs, runCount: runCount, runShape: runShape, a, b + start * pixelStride,
            pixelStride: pixelStride, into: out + start * lanes, outPixelStride: lanes, isa: ISA.self)
        // (`blockPixels` is 8 with a wide register file, else 4; as a
        // constant, the kernel unrolls.)
        if let wideLoads {
            sumTapRunsSliding(
                wideLoads, pixels: 8, runShape: 0, taps: taps, runs: runs, runCount: runCount, a,
                b + start * pixelStride, pixelStride: pixelStride, into: out + start * lanes, outPixelStride: lanes,
                lane: last)
        } else if let narrowLoads {
            sumTapRunsSliding(
                narrowLoads, pixels: 4, runShape: 0, taps: taps, runs: runs, runCount: runCount, a,
                b + start * pixelStride, pixelStride: pixelStride, into: out + start * lanes, outPixelStride: lanes,
                lane: last)
        }
    }
    guard overlapLast else { return (run - 1) / blockPixels * blockPixels }
    // The last pixel's lanes from `skew` on (the last block wrote the
    // first ones), in vectors as aligned as the blocks'.
    sumTapProducts(
        taps, count: count, a + skew, b + (run - 1) * pixelStride + skew, into: out + (run - 1) * lanes + skew,
        lanes: lanes - skew)
    return run
}

/// Whether a lane-skewed kernel reads an operand of `operandCount` elements
/// off a cache line well enough that copying it to padded rows wouldn't
/// pay: when a row of `resultRowPixels` result pixels has runs of pixels
/// with the same taps longer than `minimum`, as skewed runs need (the
/// interior between the pixels whose taps the border cuts: a filter row's
/// reach minus one, at most, on both sides together), or when the operand
/// is small enough (1 MiB) to stay in the second-level cache. Otherwise
/// nothing is read skewed, and the copy saves the split loads: 16x7x7x1024
/// 3x3 forward, one thread, 0.376 ms in place, 0.318 copied; 1x7x7x960 ran
/// 0.0172 in place, 0.018 copied (0.013 and 0.0176 on 2 threads).
@inlinable
func skewedReadsServe<S: KernelScalar>(
    _ g: ConvGeometry, resultRowPixels: Int, minimum: Int, operandCount: Int, _: S.Type
) -> Bool {
    let (reach, overflow) = (g.filterWidth - 1).multipliedReportingOverflow(by: g.dilationWidth)
    return (!overflow && resultRowPixels - reach > minimum) || operandCount <= (1 << 20) / MemoryLayout<S>.stride
}

/// Lanes of the widest vector the blocks use with `ISA`.
@inlinable
func skewVectorWidth<S: KernelScalar, ISA: InstructionSetTag>(_: S.Type, _: ISA.Type) -> Int {
    ISA.hasWideRegisterFile ? S.Register512.scalarCount : S.Register256.scalarCount
}

/// The filter copied for lane-skewed blocks: tap `t`'s `lanes` values start at
/// `base + t * tapStride`, followed by its first `width` values again (a
/// vector that runs into the next pixel reads them), and lane `skew` of every
/// tap is on a 64-byte boundary. ``KernelFilter`` owns and returns its block.
@usableFromInline
struct SkewedFilter<S: KernelScalar> {
    @usableFromInline let base: UnsafePointer<S>
    @usableFromInline let tapStride: Int
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)

    /// Whole lines per tap: every tap's lane `skew` is then on a line.
    @inlinable
    static func tapStride(lanes: Int, width: Int) -> Int {
        let line = max(1, 64 / MemoryLayout<S>.stride)
        return (lanes + width + line - 1) / line * line
    }

    /// The elements of a copy of `taps` taps, or `nil` when they would
    /// exceed ``LineAlignedValues/copyByteLimit``.
    @inlinable
    static func elements(taps: Int, lanes: Int, width: Int) -> Int? {
        let (elements, overflow) = taps.multipliedReportingOverflow(by: tapStride(lanes: lanes, width: width))
        guard !overflow, taps > 0, elements <= LineAlignedValues<S>.copyByteLimit / MemoryLayout<S>.stride
        else { return nil }
        return elements
    }

    /// A copy of `filter` (`taps` taps of `lanes` values), or `nil` when it
    /// would exceed ``LineAlignedValues/copyByteLimit``.
    @inlinable
    init?(_ filter: UnsafePointer<S>, taps: Int, lanes: Int, skew: Int, width: Int) {
        let stride = MemoryLayout<S>.stride
        let line = max(1, 64 / stride)
        let tapStride = Self.tapStride(lanes: lanes, width: width)
        guard skew > 0, skew < line, let elements = Self.elements(taps: taps, lanes: lanes, width: width)
        else { return nil }
        let block = ScratchPool.shared.take(bytes: (elements + line) * stride)
        let copy = ScratchPool.bind(block, at: 0, to: S.self, count: elements + line) + (line - skew)
        for t in 0..<taps {
            let source = filter + t * lanes, row = copy + t * tapStride
            row.initialize(from: source, count: lanes)
            (row + lanes).initialize(from: source, count: min(width, lanes))
        }
        self.base = UnsafePointer(copy)
        self.tapStride = tapStride
        self.block = block
    }
}

/// The filter as a forward or input-gradient kernel reads it: tap `t`'s lanes
/// at `base + t * tapStride`. A ``SkewedFilter`` when the blocks skew their
/// lanes, else the values on a cache line (``LineAlignedValues``).
@usableFromInline
struct KernelFilter<S: KernelScalar> {
    @usableFromInline let base: UnsafePointer<S>
    @usableFromInline let tapStride: Int
    /// The blocks' lane skew: the one asked for, or 0 when the filter was too
    /// large to copy skewed.
    @usableFromInline let skew: Int
    /// The ``ScratchPool`` block holding the copy, if one was made.
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)?

    /// The filter of `g` (`KH * KW` taps of `C * M` lanes), skewed by `skew`
    /// lanes if it can be.
    @inlinable
    init<ISA: InstructionSetTag>(_ filter: UnsafePointer<S>, _ g: ConvGeometry, skew: Int, _: ISA.Type) {
        let taps = g.filterHeight * g.filterWidth, lanes = g.outputChannels
        if skew > 0, let copy = SkewedFilter(
            filter, taps: taps, lanes: lanes, skew: skew, width: skewVectorWidth(S.self, ISA.self))
        {
            (base, tapStride, self.skew, block) = (copy.base, copy.tapStride, skew, copy.block)
        } else {
            let copy = LineAlignedValues(filter, count: taps * lanes)
            (base, tapStride, self.skew, block) = (copy.base, lanes, 0, copy.block)
        }
    }

    /// Gives any copy's storage back to the pool.
    @inlinable
    func deallocate() {
        if let block { ScratchPool.shared.give(block) }
    }
}
