/// Depthwise convolution, NHWC: `output[n, oh, ow, c * M + m]` is the sum over
/// the taps `(kh, kw)` that fall inside the input of
/// `input[n, ih, iw, c] * filter[kh, kw, c, m]`, in a fixed order (see
/// ``sumTapProducts(_:count:_:_:into:lanes:)``), held in registers across taps.
///
/// Work is split over output rows; every output element is written once, by
/// one thread, so results are identical for any thread count. Pixels with
/// the same taps go in blocks of 8 (AVX-512) or 4, sliding along filter rows
/// (``sumTapProductsBlock(pixels:taps:count:runs:runCount:runShape:_:_:pixelStride:into:outPixelStride:lanes:isa:)``);
/// where it pays (``paddedRowsPayOff(_:resultRowPixels:operand:lanes:operandReads:skewed:filter:filterCount:)``:
/// large filters or tensors, with finite values) the input rows are staged
/// zero-padded (``PaddedRows``), so border pixels go in blocks too. Read in
/// place off a vector boundary, blocks skew their lanes
/// (``laneSkew(_:lanes:filterTaps:_:)``). For a depth multiplier `M > 1` the
/// staged rows are widened to the `C * M` output lanes, so the same
/// lane-wise kernel applies.
///
/// - Precondition: `geometry` was validated; buffers hold the geometry's
///   element counts; `output` overlaps neither input.
@inlinable
public func depthwiseForwardNHWC<S: KernelScalar, ISA: InstructionSetTag>(
    _ g: ConvGeometry,
    input: UnsafePointer<S>,
    filter givenFilter: UnsafePointer<S>,
    output: UnsafeMutablePointer<S>,
    threads: Int,
    isa: ISA.Type
) {
    let rows = g.batch * g.outputHeight
    let lanes = g.outputChannels
    let m = g.depthMultiplier
    guard rows > 0, g.outputWidth > 0, lanes > 0 else { return }
    let rowTaps = WindowTaps.forward(
        inputSize: g.inputHeight, outputSize: g.outputHeight, filterSize: g.filterHeight,
        stride: g.strideHeight, dilation: g.dilationHeight, padBefore: g.padTop)
    // Interior pixels go in blocks of 8 (wide register file) or 4.
    let blockPixels = ISA.hasWideRegisterFile ? 8 : 4
    // Skewed runs compute their first and last pixel alone, and at a stride
    // their wrapped vector costs two loads: only runs long enough gain, or,
    // with a wide register file, pixels of at least 4 registers, where one
    // wrapped vector in 4 or more weighs less. (One thread, AVX-512, 48
    // bytes off a line: 1x56x56x240 5x5 stride 2 ran 0.207 ms padded,
    // 0.185 skewed; 1x112x112x96 5x5 0.33 and 0.28, 1x56x56x144 3x3 0.067
    // in place and 0.055 skewed; 48 lanes ran as fast either way, 16 and 32
    // 3-10 % slower skewed.)
    let wideSkew = ISA.hasWideRegisterFile && g.strideWidth > 1
        && lanes >= 4 * skewVectorWidth(S.self, ISA.self)
    let skewedRunMinimum = g.strideWidth == 1 ? blockPixels : wideSkew ? 5 * blockPixels / 2 : 3 * blockPixels
    // Read in place (M = 1), blocks may skew their lanes so that the
    // operand's loads are aligned without a copy (see `laneSkew`). The
    // filter is then skewed too, which the unskewed blocks pay for: at a
    // stride, only rows made mostly of long runs skew.
    let skewable = m == 1 && (g.strideWidth == 1 || g.outputWidth > (wideSkew ? skewedRunMinimum : 4 * blockPixels))
        ? laneSkew(input, lanes: lanes, filterTaps: g.filterHeight * g.filterWidth, ISA.self) : 0
    // When it pays (see `paddedRowsPayOff`), input rows are staged with zero
    // pixels on both sides (`PaddedRows`): every output pixel then has the
    // same taps, and all go through the multi-pixel kernels. With M > 1 the
    // staged rows are also widened to the C * M output lanes (padded or
    // not), so the same lane-wise kernels apply.
    let slotCount = rowTaps.maxCount
    // Pixels of fewer than half a 32-byte vector go in groups whose lanes
    // fill whole vectors (see `sumGroupedPixelRow`), on padded rows.
    let pixelGrouping = m == 1 && g.strideWidth == 1
        ? pixelGroup(channels: lanes, S.self).flatMap { $0 <= g.outputWidth ? $0 : nil } : nil
    let groupable = pixelGrouping != nil && allFinite(givenFilter, count: g.filterCount)
    let padded = groupable || paddedRowsPayOff(
        g, resultRowPixels: g.outputWidth, operand: input, lanes: g.channels,
        operandReads: g.readsPerInputElement,
        skewed: skewable > 0 && (g.strideWidth == 1 || wideSkew)
            && skewedReadsServe(
                g, resultRowPixels: g.outputWidth, minimum: skewedRunMinimum, operandCount: g.inputCount, S.self),
        filter: givenFilter,
        filterCount: g.filterCount)
        ? paddedRowLayout(
            S.self, pixels: g.inputWidth,
            pad: forwardColumnPadding(
                inputSize: g.inputWidth, outputSize: g.outputWidth, filterSize: g.filterWidth,
                stride: g.strideWidth, dilation: g.dilationWidth, padBefore: g.padLeft),
            lanes: lanes, slots: slotCount)
        : nil
    let staging = padded ?? (m == 1 ? nil : {
        let pixelStride = PaddedRows<S>.pixelStride(lanes: lanes)
        return PaddedRowLayout(
            slotElements: PaddedRows<S>.slotElements(paddedPixels: g.inputWidth, pixelStride: pixelStride) ?? 0,
            leftPad: 0, paddedPixels: g.inputWidth, pixelStride: pixelStride)
    }())
    // Elements from one pixel of the rows read to the next.
    let sourcePixel = staging?.pixelStride ?? lanes
    // Filter vectors are loaded for every tap of every block: on a cache
    // line, none of them straddles two (see `LineAlignedValues`), or skewed
    // with the blocks.
    let kernelFilter = KernelFilter(givenFilter, g, skew: staging == nil ? skewable : 0, ISA.self)
    defer { kernelFilter.deallocate() }
    let filter = kernelFilter.base
    let group = padded != nil && groupable ? pixelGrouping : nil
    let groupedFilter = group.map {
        GroupedFilter(givenFilter, taps: g.filterHeight * g.filterWidth, channels: lanes, group: $0)
    }
    defer { groupedFilter?.deallocate() }
    let colTaps = WindowTaps.forward(
        inputSize: staging?.paddedPixels ?? g.inputWidth, outputSize: g.outputWidth, filterSize: g.filterWidth,
        stride: g.strideWidth, dilation: g.dilationWidth, padBefore: g.padLeft - (staging?.leftPad ?? 0))
    colTaps.prepareBlocking(step: 1, pairedStep: g.strideWidth)
    defer {
        rowTaps.deallocate()
        colTaps.deallocate()
    }
    let rowElements = g.inputWidth * g.channels
    // With a stride (and no dilation), a filter row's taps are summed one
    // stride phase after the other: taps `kw` and `kw + SW` then read a
    // block's pixels shifted by one, and slide (see `sumTapProductsBlock`).
    // The order is the same for every pixel, kernel and thread count.
    let phases = g.dilationWidth == 1 && g.strideWidth > 1 && g.strideWidth < g.filterWidth
        && g.filterWidth <= 16 ? g.strideWidth : 1
    // Unit stride, 3x3, lanes in whole registers (AVX-512, AVX2): long
    // runs of pixels keep the filter in registers (see `sumHoistedFilterRun`).
    let hoisting = g.strideWidth == 1 && g.dilationWidth == 1
        && hoistedFilterLanesFit(lanes: lanes, S.self, ISA.self)
    // A rough work estimate (wrapping: it only picks the thread count).
    let work = rows &* g.outputWidth &* lanes &* g.filterHeight &* g.filterWidth
    let workers = work < 1 << 17 ? 1 : threads
    parallelFor(
        rows, threads: workers,
        chunksPerThread: rowChunksPerThread(rows: rows, threads: workers)
    ) { rowRange in
        let tapCapacity = max(1, g.filterHeight * g.filterWidth)
        let rowsInScratch = staging.map {
            PaddedRows<S>(
                slots: slotCount, slotElements: $0.slotElements, leftPad: $0.leftPad, pixels: g.inputWidth,
                pixelStride: $0.pixelStride)
        }
        defer { rowsInScratch?.deallocate() }
        let source = rowsInScratch.map { UnsafePointer($0.base) } ?? input
        withUnsafeTemporaryAllocation(of: TapOffsets.self, capacity: tapCapacity) { taps in
        withUnsafeTemporaryAllocation(of: TapRun.self, capacity: tapCapacity) { runs in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * max(1, g.filterHeight)) { rowInfo in
                guard let taps = taps.baseAddress, let runs = runs.baseAddress, let wanted = rowInfo.baseAddress
                else { return }
                let rowOffsets = wanted + max(1, g.filterHeight)
                for row in rowRange {
                    let n = row / g.outputHeight
                    let oh = row - n * g.outputHeight
                    // Where each of the row's valid filter rows reads.
                    let hCount = rowTaps.counts[oh]
                    for r in 0..<hCount {
                        wanted[r] = n * g.inputHeight + rowTaps.pairs[oh * g.filterHeight + r].position
                    }
                    if let rowsInScratch {
                        rowsInScratch.assign(wanted, count: hCount, offsets: rowOffsets) { key, destination in
                            expandToMultiplierLanes(
                                input + key * rowElements, into: destination, pixels: g.inputWidth,
                                channels: g.channels, channelRange: 0..<g.channels, multiplier: m,
                                pixelStride: sourcePixel, ISA.self)
                        }
                    } else {
                        for r in 0..<hCount { rowOffsets[r] = wanted[r] * rowElements }
                    }
                    if let group, let groupedFilter {
                        // Output pixel 0's taps (padded: every pixel has them all).
                        let count = forwardTaps(
                            g, oh: oh, ow: 0, rowOffsets: rowOffsets, rowCount: hCount, rowTaps: rowTaps,
                            colTaps: colTaps, phases: 1, tapStride: group * lanes, pixelStride: sourcePixel,
                            into: taps)
                        sumGroupedPixelRow(
                            taps: taps, count: count, runs: runs, filter: groupedFilter.base, source,
                            into: output + row * g.outputWidth * lanes, pixels: g.outputWidth, channels: lanes,
                            group: group, blockPixels: blockPixels, isa: ISA.self)
                        continue
                    }
                    // Output pixels of one pattern share their tap list,
                    // shifted by `strideWidth` input pixels per step.
                    var cachedPattern = -1
                    var count = 0
                    var runCount = 0
                    var runShape = 0
                    var shift = 0
                    var behind = 0
                    var ow = 0
                    while ow < g.outputWidth {
                        if colTaps.pattern[ow] != cachedPattern {
                            cachedPattern = colTaps.pattern[ow]
                            count = forwardTaps(
                                g, oh: oh, ow: ow, rowOffsets: rowOffsets, rowCount: hCount, rowTaps: rowTaps,
                                colTaps: colTaps, phases: phases, tapStride: kernelFilter.tapStride,
                                pixelStride: sourcePixel, into: taps)
                            runCount = splitIntoTapRuns(
                                taps, count: count, pixelStride: g.strideWidth &* sourcePixel, into: runs)
                            runShape = uniformRunShape(runs, runCount: runCount)
                            shift = 0
                            behind = 0
                            if kernelFilter.skew > 0, colTaps.patternRun[ow] > skewedRunMinimum {
                                let run = colTaps.patternRun[ow]
                                let into = output + (row * g.outputWidth + ow) * lanes
                                let (stride, skew) = (g.strideWidth, kernelFilter.skew)
                                let done = stride == 1
                                    ? sumTapProductsSkewedRun(
                                        pixels: run, blockPixels: blockPixels, taps: taps, count: count, runs: runs,
                                        runCount: runCount, runShape: runShape, filter, source, pixelStride: lanes,
                                        merging: LastVectorWhole.self, mergeOffset: 0, into: into, lanes: lanes,
                                        skew: skew, isa: ISA.self)
                                    : sumTapProductsSkewedRun(
                                        pixels: run, blockPixels: blockPixels, taps: taps, count: count, runs: runs,
                                        runCount: runCount, runShape: runShape, filter, source,
                                        pixelStride: stride &* lanes, merging: LastVectorMerged.self,
                                        mergeOffset: (stride &- 1) &* lanes, into: into, lanes: lanes, skew: skew,
                                        isa: ISA.self)
                                ow += done
                                behind = done
                                shift = done &* g.strideWidth &* lanes
                                continue
                            }
                            // (At the pattern's first pixel: `shift` is 0.)
                            if hoisting,
                                sumHoistedFilterRunIfItFits(
                                    pixels: colTaps.patternRun[ow], taps: taps, runs: runs, runCount: runCount,
                                    runShape: runShape, filter, source, pixelStride: sourcePixel,
                                    into: output + (row * g.outputWidth + ow) * lanes, outPixelStride: lanes,
                                    lanes: 0..<lanes, isa: ISA.self)
                            {
                                let run = colTaps.patternRun[ow]
                                ow += run
                                behind = run
                                shift = run &* sourcePixel
                                continue
                            }
                        }
                        let out = output + (row * g.outputWidth + ow) * lanes
                        let (pixels, back) = nextBlock(
                            remaining: colTaps.patternRun[ow], behind: behind, blockPixels: blockPixels)
                        if pixels > 0 {
                            sumTapProductsBlock(
                                pixels: pixels, taps: taps, count: count, runs: runs, runCount: runCount,
                                runShape: runShape,
                                filter, source + (shift - back * g.strideWidth * sourcePixel),
                                pixelStride: g.strideWidth * sourcePixel,
                                into: out - back * lanes, outPixelStride: lanes, lanes: lanes, isa: ISA.self)
                            ow += pixels - back
                            behind += pixels - back
                            shift &+= (pixels - back) &* g.strideWidth &* sourcePixel
                        } else {
                            sumTapProducts(taps, count: count, filter, source + shift, into: out, lanes: lanes)
                            ow += 1
                            behind += 1
                            // Wrapping: it is only used again when the next
                            // pixel continues the pattern, i.e. really exists.
                            shift &+= g.strideWidth &* sourcePixel
                        }
                    }
                }
            }
        }
        }
    }
}

/// Fills `taps` with the (filter, input) offsets of every tap that reaches
/// output pixel `(oh, ow)` and returns how many there are: filter row by
/// filter row (the `r`-th valid one reads the input row at element offset
/// `rowOffsets[r]`), each row's taps of one stride phase first (`kw`,
/// `kw + phases`, ...: they read a block's pixels shifted by one). Filter
/// tap `t`'s lanes start at `t * tapStride`; input pixels are `pixelStride`
/// elements apart.
@inlinable @inline(__always)
func forwardTaps(
    _ g: ConvGeometry, oh: Int, ow: Int, rowOffsets: UnsafePointer<Int>, rowCount: Int, rowTaps: WindowTaps,
    colTaps: WindowTaps, phases: Int, tapStride: Int, pixelStride: Int, into taps: UnsafeMutablePointer<TapOffsets>
) -> Int {
    var count = 0
    for r in 0..<rowCount {
        let kh = rowTaps.pairs[oh * g.filterHeight + r].tap
        for phase in 0..<phases {
            for c in 0..<colTaps.counts[ow] {
                let (kw, iw) = colTaps.pairs[ow * g.filterWidth + c]
                guard phases == 1 || kw % phases == phase else { continue }
                taps[count] = TapOffsets(
                    first: (kh * g.filterWidth + kw) * tapStride, second: rowOffsets[r] + iw * pixelStride)
                count += 1
            }
        }
    }
    return count
}
