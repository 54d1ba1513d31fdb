/// Gradient of a depthwise convolution with respect to its input, NHWC.
///
/// Gather formulation: every input-gradient pixel is computed once, by one
/// thread, as the sum over the filter taps that saw it during the forward
/// pass, in a fixed tap order (`kh`, then `kw`, ascending), with the sums
/// held in registers across taps. Which taps reach which pixel (strides,
/// dilations, padding) comes from tables built once per call, so the hot
/// loop does no division. Results are identical for any thread count.
///
/// Pixels of one stride phase with the same taps go in blocks of 8 (AVX-512)
/// or 4, sliding along filter rows. Where it pays (large filters or
/// tensors, with finite values) the out_backprop rows are staged zero-padded
/// (``PaddedRows``), so border pixels go in blocks too; otherwise they go
/// one by one, and at unit stride (M = 1) an out_backprop off a vector
/// boundary is read in lane-skewed blocks (``laneSkew(_:lanes:filterTaps:_:)``).
/// At column stride 2 with 3 filter columns (M = 1, AVX-512), the two
/// phases' pixels go in adjacent pairs that share their out_backprop loads
/// (``PairedPhaseSpan``).
///
/// For a depth multiplier `M > 1` the products are accumulated over the
/// flattened `C * M` lanes (filter and output gradient share that layout) and
/// each group of `M` adjacent lanes is reduced once per pixel.
///
/// - Precondition: `geometry` was validated; `filter` holds
///   `geometry.filterCount`, `outBackprop` `geometry.outputCount` and `result`
///   `geometry.inputCount` elements; `result` overlaps neither input.
@inlinable
public func depthwiseBackpropInputNHWC<S: KernelScalar, ISA: InstructionSetTag>(
    _ g: ConvGeometry,
    filter givenFilter: UnsafePointer<S>,
    outBackprop: UnsafePointer<S>,
    result: UnsafeMutablePointer<S>,
    threads: Int,
    isa: ISA.Type
) {
    let rows = g.batch * g.inputHeight
    let channels = g.channels
    let lanes = g.outputChannels
    let m = g.depthMultiplier
    guard rows > 0, g.inputWidth > 0, channels > 0 else { return }
    if lanes == 0 {
        result.update(repeating: 0, count: g.inputCount)
        return
    }
    // Interior pixels go in blocks of 8 (wide register file) or 4.
    let blockPixels = ISA.hasWideRegisterFile ? 8 : 4
    // Unit stride, M = 1, 3x3, lanes in whole registers (AVX-512, AVX2):
    // long runs of pixels keep the filter in registers (see
    // `sumHoistedFilterRun`).
    let hoisting = m == 1 && g.strideWidth == 1 && g.dilationWidth == 1
        && hoistedFilterLanesFit(lanes: lanes, S.self, ISA.self)
    let rowTaps = WindowTaps.backward(
        inputSize: g.inputHeight, outputSize: g.outputHeight, filterSize: g.filterHeight,
        stride: g.strideHeight, dilation: g.dilationHeight, padBefore: g.padTop)
    // Read in place at unit stride (M = 1), blocks may skew their lanes so
    // that the operand's loads are aligned without a copy (see `laneSkew`).
    let skewable = m == 1 && g.strideWidth == 1
        ? laneSkew(outBackprop, lanes: lanes, filterTaps: g.filterHeight * g.filterWidth, ISA.self) : 0
    // When it pays (see `paddedRowsPayOff`), out_backprop rows are staged
    // with zero pixels on both sides (`PaddedRows`): every input pixel of a
    // stride phase then has the same taps, and all go through the
    // multi-pixel kernels.
    let slotCount = rowTaps.maxCount
    // Pixels of fewer than half a 32-byte vector go in groups whose lanes
    // fill whole vectors (see `sumGroupedPixelRow`), on padded rows.
    let pixelGrouping = m == 1 && g.strideWidth == 1
        ? pixelGroup(channels: lanes, S.self).flatMap { $0 <= g.inputWidth ? $0 : nil } : nil
    let groupable = pixelGrouping != nil && allFinite(givenFilter, count: g.filterCount)
    let padded = groupable || paddedRowsPayOff(
        g, resultRowPixels: g.inputWidth, operand: outBackprop, lanes: lanes,
        operandReads: g.filterHeight &* g.filterWidth,
        skewed: skewable > 0
            && skewedReadsServe(
                g, resultRowPixels: g.inputWidth, minimum: blockPixels, operandCount: g.outputCount, S.self),
        filter: givenFilter,
        filterCount: g.filterCount)
        ? paddedRowLayout(
            S.self, pixels: g.outputWidth,
            pad: backwardColumnPadding(
                inputSize: g.inputWidth, outputSize: g.outputWidth, filterSize: g.filterWidth,
                stride: g.strideWidth, dilation: g.dilationWidth, padBefore: g.padLeft),
            lanes: lanes, slots: slotCount)
        : nil
    let (shiftedPad, shiftOverflow) = (padded?.leftPad ?? 0).multipliedReportingOverflow(by: g.strideWidth)
    let staging = shiftOverflow || shiftedPad > Int.max - g.padLeft ? nil : padded
    // Filter vectors are loaded for every tap of every block: on a cache
    // line, none of them straddles two (see `LineAlignedValues`), or skewed
    // with the blocks.
    let kernelFilter = KernelFilter(givenFilter, g, skew: staging == nil ? skewable : 0, ISA.self)
    defer { kernelFilter.deallocate() }
    let filter = kernelFilter.base
    let group = staging != nil && groupable ? pixelGrouping : nil
    let groupedFilter = group.map {
        GroupedFilter(givenFilter, taps: g.filterHeight * g.filterWidth, channels: lanes, group: $0)
    }
    defer { groupedFilter?.deallocate() }
    let colTaps = WindowTaps.backward(
        inputSize: g.inputWidth, outputSize: staging?.paddedPixels ?? g.outputWidth, filterSize: g.filterWidth,
        stride: g.strideWidth, dilation: g.dilationWidth, padBefore: g.padLeft + (staging == nil ? 0 : shiftedPad))
    colTaps.prepareBlocking(step: g.strideWidth, pairedStep: 1)
    defer {
        rowTaps.deallocate()
        colTaps.deallocate()
    }
    // A rough work estimate (wrapping: it only picks the thread count).
    let taps = max(1, (g.filterHeight &* g.filterWidth) / max(1, g.strideHeight &* g.strideWidth))
    let work = rows &* g.inputWidth &* lanes &* taps
    let rowElements = g.outputWidth * lanes
    // Elements from one pixel of the rows read to the next.
    let sourcePixel = staging?.pixelStride ?? lanes
    // At column stride 2 the two phases' pixels go in pairs where they
    // have all their taps (see `PairedPhaseSpan`): 16 sums need a wide
    // register file (lanes in whole registers and at most half of one
    // more). Pixels of half a register go one pair per register,
    // which loads the out_backprop pixel after the pair's (spared when
    // it is the row's last).
    let wholeRegisters = lanes % S.Register512.scalarCount == 0
        || (lanes > S.Register512.scalarCount && lanes % S.Register512.scalarCount == S.Register256.scalarCount)
    let narrowPairs = 2 * lanes == S.Register512.scalarCount && sourcePixel == lanes
    let pairedSpan = ISA.hasWideRegisterFile && m == 1 && g.strideWidth == 2 && g.dilationWidth == 1
        && (wholeRegisters || narrowPairs)
        ? PairedPhaseSpan(colTaps: colTaps, width: g.inputWidth, filterWidth: g.filterWidth).flatMap {
            narrowPairs
                ? $0.sparing(
                    last: 1, of: staging?.paddedPixels ?? g.outputWidth, colTaps: colTaps, filterWidth: g.filterWidth)
                : $0
        } : nil
    let narrowFilter = pairedSpan != nil && narrowPairs
        ? PairedNarrowFilter(givenFilter, rows: g.filterHeight, channels: lanes) : nil
    defer { narrowFilter?.deallocate() }
    let workers = work < 1 << 17 ? 1 : threads
    parallelFor(
        rows, threads: workers,
        chunksPerThread: rowChunksPerThread(rows: rows, threads: workers)
    ) { rowRange in
        let tapCapacity = max(1, g.filterHeight * g.filterWidth)
        let rowsInScratch = staging.map {
            PaddedRows<S>(
                slots: slotCount, slotElements: $0.slotElements, leftPad: $0.leftPad, pixels: g.outputWidth,
                pixelStride: $0.pixelStride)
        }
        defer { rowsInScratch?.deallocate() }
        let source = rowsInScratch.map { UnsafePointer($0.base) } ?? outBackprop
        // (Room for a second tap list, a pair's phase B.)
        withUnsafeTemporaryAllocation(of: TapOffsets.self, capacity: 2 * tapCapacity) { taps in
        withUnsafeTemporaryAllocation(of: TapRun.self, capacity: 2 * tapCapacity) { runs in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * max(1, g.filterHeight)) { rowInfo in
            withUnsafeTemporaryAllocation(of: S.self, capacity: m == 1 ? 1 : blockPixels * lanes) { scratch in
                guard let taps = taps.baseAddress, let runs = runs.baseAddress, let scratch = scratch.baseAddress,
                    let wanted = rowInfo.baseAddress
                else { return }
                let rowOffsets = wanted + max(1, g.filterHeight)
                for row in rowRange {
                    let n = row / g.inputHeight
                    let ih = row - n * g.inputHeight
                    // Where each of the row's valid filter rows reads.
                    let rowCount = rowTaps.counts[ih]
                    for r in 0..<rowCount {
                        wanted[r] = n * g.outputHeight + rowTaps.pairs[ih * g.filterHeight + r].position
                    }
                    if let rowsInScratch {
                        rowsInScratch.assign(wanted, count: rowCount, offsets: rowOffsets) { key, destination in
                            expandToMultiplierLanes(
                                outBackprop + key * rowElements, into: destination, pixels: g.outputWidth,
                                channels: lanes, channelRange: 0..<lanes, multiplier: 1, pixelStride: sourcePixel,
                                ISA.self)
                        }
                    } else {
                        for r in 0..<rowCount { rowOffsets[r] = wanted[r] * rowElements }
                    }
                    if let group, let groupedFilter {
                        // Pixel 0's taps (padded: every pixel has them all).
                        let count = backpropInputTaps(
                            g, ih: ih, iw: 0, rowOffsets: rowOffsets, rowTaps: rowTaps, colTaps: colTaps,
                            tapStride: group * lanes, pixelStride: sourcePixel, into: taps)
                        sumGroupedPixelRow(
                            taps: taps, count: count, runs: runs, filter: groupedFilter.base, source,
                            into: result + row * g.inputWidth * channels, pixels: g.inputWidth, channels: lanes,
                            group: group, blockPixels: blockPixels, isa: ISA.self)
                        continue
                    }
                    // Columns the paired phases computed (the phases skip them).
                    var paired = 0..<0
                    if let span = pairedSpan {
                        let tapsB = taps + tapCapacity, runsB = runs + tapCapacity
                        let countA = backpropInputTaps(
                            g, ih: ih, iw: span.start, rowOffsets: rowOffsets, rowTaps: rowTaps, colTaps: colTaps,
                            tapStride: kernelFilter.tapStride, pixelStride: sourcePixel, into: taps)
                        let countB = backpropInputTaps(
                            g, ih: ih, iw: span.start + 1, rowOffsets: rowOffsets, rowTaps: rowTaps,
                            colTaps: colTaps, tapStride: kernelFilter.tapStride, pixelStride: sourcePixel,
                            into: tapsB)
                        let runCountA = splitIntoTapRuns(taps, count: countA, pixelStride: sourcePixel, into: runs)
                        let runCountB = splitIntoTapRuns(tapsB, count: countB, pixelStride: sourcePixel, into: runsB)
                        if runCountA > 0,
                            pairedPhaseTapsLineUp(
                                tapsA: taps, runsA: runs, runCountA: runCountA, tapsB: tapsB, runsB: runsB,
                                runCountB: runCountB)
                        {
                            let into = result + (row * g.inputWidth + span.start) * channels
                            if let narrowFilter {
                                sumPairedNarrowSpan(
                                    span, taps: taps, runs: runs, rowCount: runCountA,
                                    filterRowStride: g.filterWidth * kernelFilter.tapStride,
                                    pairFilter: narrowFilter.base, source, into: into, channels: channels,
                                    isa: ISA.self)
                            } else {
                                sumPairedPhaseSpan(
                                    span, taps: taps, tapsB, runs: runs, runsB, rowCount: runCountA, filter, source,
                                    pixelStride: sourcePixel, into: into, channels: channels, isa: ISA.self)
                            }
                            paired = span.start..<span.end
                        }
                    }
                    // Pixels of one stride phase (iw, iw + SW, ...) go in
                    // blocks when their taps line up (the interior).
                    for phase in 0..<min(g.strideWidth, g.inputWidth) {
                        // Pixels of one pattern share their tap list, shifted
                        // by one out_backprop pixel per step: build it once.
                        var cachedPattern = -1
                        var count = 0
                        var runCount = 0
                        var runShape = 0
                        var shift = 0
                        var behind = 0
                        var iw = phase
                        while iw < g.inputWidth {
                            if colTaps.pattern[iw] != cachedPattern {
                                cachedPattern = colTaps.pattern[iw]
                                count = backpropInputTaps(
                                    g, ih: ih, iw: iw, rowOffsets: rowOffsets, rowTaps: rowTaps, colTaps: colTaps,
                                    tapStride: kernelFilter.tapStride, pixelStride: sourcePixel, into: taps)
                                runCount = splitIntoTapRuns(taps, count: count, pixelStride: sourcePixel, into: runs)
                                runShape = uniformRunShape(runs, runCount: runCount)
                                shift = 0
                                behind = 0
                                if kernelFilter.skew > 0, colTaps.patternRun[iw] > blockPixels {
                                    // (Unit stride, M = 1: result pixels are `lanes` apart.)
                                    let done = sumTapProductsSkewedRun(
                                        pixels: colTaps.patternRun[iw], blockPixels: blockPixels, taps: taps,
                                        count: count, runs: runs, runCount: runCount, runShape: runShape, filter,
                                        source, pixelStride: lanes, merging: LastVectorWhole.self, mergeOffset: 0,
                                        into: result + (row * g.inputWidth + iw) * channels,
                                        lanes: lanes, skew: kernelFilter.skew, isa: ISA.self)
                                    iw += done
                                    shift = done * lanes
                                    behind = done
                                    continue
                                }
                                // (At the pattern's first pixel: `shift` is 0.)
                                if hoisting,
                                    sumHoistedFilterRunIfItFits(
                                        pixels: colTaps.patternRun[iw], taps: taps, runs: runs, runCount: runCount,
                                        runShape: runShape, filter, source, pixelStride: sourcePixel,
                                        into: result + (row * g.inputWidth + iw) * channels, outPixelStride: channels,
                                        lanes: 0..<lanes, isa: ISA.self)
                                {
                                    let run = colTaps.patternRun[iw]
                                    iw += run
                                    shift = run * sourcePixel
                                    behind = run
                                    continue
                                }
                            }
                            if paired.contains(iw) {
                                // (Stride 2: the pixels of this phase up to the span's end.)
                                let skipped = (paired.upperBound - iw + 1) / 2
                                iw += 2 * skipped
                                shift += skipped * sourcePixel
                                behind += skipped
                                continue
                            }
                            // (Blocks stop at the paired columns.)
                            let remaining = iw < paired.lowerBound
                                ? min(colTaps.patternRun[iw], (paired.lowerBound - iw + 1) / 2) : colTaps.patternRun[iw]
                            let (pixels, back) = nextBlock(remaining: remaining, behind: behind, blockPixels: blockPixels)
                            let dy = source + (shift - back * sourcePixel)
                            let out = result + (row * g.inputWidth + iw - back * g.strideWidth) * channels
                            if pixels > 0 {
                                if m == 1 {
                                    sumTapProductsBlock(
                                        pixels: pixels, taps: taps, count: count, runs: runs, runCount: runCount,
                                        runShape: runShape,
                                        filter, dy, pixelStride: sourcePixel, into: out,
                                        outPixelStride: g.strideWidth * channels, lanes: lanes, isa: ISA.self)
                                } else {
                                    sumTapProductsBlock(
                                        pixels: pixels, taps: taps, count: count, runs: runs, runCount: runCount,
                                        runShape: runShape,
                                        filter, dy, pixelStride: sourcePixel, into: scratch, outPixelStride: lanes,
                                        lanes: lanes, isa: ISA.self)
                                    for p in 0..<pixels {
                                        reduceDepthMultiplierGroups(
                                            scratch + p * lanes, into: out + p * g.strideWidth * channels,
                                            channels: channels, multiplier: m)
                                    }
                                }
                                iw += (pixels - back) * g.strideWidth
                                shift += (pixels - back) * sourcePixel
                                behind += pixels - back
                            } else {
                                if m == 1 {
                                    sumTapProducts(taps, count: count, filter, dy, into: out, lanes: lanes)
                                } else {
                                    sumTapProducts(taps, count: count, filter, dy, into: scratch, lanes: lanes)
                                    reduceDepthMultiplierGroups(scratch, into: out, channels: channels, multiplier: m)
                                }
                                // (Strides may be huge: step without overflowing.)
                                iw = g.strideWidth >= g.inputWidth - iw ? g.inputWidth : iw + g.strideWidth
                                shift += sourcePixel
                                behind += 1
                            }
                        }
                    }
                }
            }
        }
        }
        }
    }
}

/// Fills `taps` with the (filter, out_backprop) offsets of every tap that
/// reaches input pixel `(ih, iw)`, in `kh`-then-`kw` order, and returns how
/// many there are. The `r`-th valid filter row of `ih` reads the
/// out_backprop row at element offset `rowOffsets[r]`, its pixels
/// `pixelStride` elements apart; filter tap `t`'s lanes start at
/// `t * tapStride`.
@inlinable @inline(__always)
func backpropInputTaps(
    _ g: ConvGeometry, ih: Int, iw: Int, rowOffsets: UnsafePointer<Int>, rowTaps: WindowTaps, colTaps: WindowTaps,
    tapStride: Int, pixelStride: Int, into taps: UnsafeMutablePointer<TapOffsets>
) -> Int {
    var count = 0
    for r in 0..<rowTaps.counts[ih] {
        let kh = rowTaps.pairs[ih * g.filterHeight + r].tap
        for c in 0..<colTaps.counts[iw] {
            let (kw, ow) = colTaps.pairs[iw * g.filterWidth + c]
            taps[count] = TapOffsets(
                first: (kh * g.filterWidth + kw) * tapStride, second: rowOffsets[r] + ow * pixelStride)
            count += 1
        }
    }
    return count
}
