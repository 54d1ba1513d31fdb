/// Depthwise convolution, NHWC: `output[n, oh, ow, c * M + m]` is the sum over
/// the taps `(kh, kw)` that fall inside the input of
/// `input[n, ih, iw, c] * filter[kh, kw, c, m]`, in a fixed order (see
/// ``sumTapProducts(_:count:_:_:into:lanes:)``), held in registers across taps.
///
/// Work is split over output rows; every output element is written once, by
/// one thread, so results are identical for any thread count. Interior pixels
/// go four at a time. For a depth multiplier `M > 1` the input rows a task
/// needs are first widened to the `C * M` output lanes in task scratch, so the
/// same lane-wise kernel applies.
///
/// - Precondition: `geometry` was validated; buffers hold the geometry's
///   element counts; `output` overlaps neither input.
@inlinable
public func depthwiseForwardNHWC<S: KernelScalar, ISA: InstructionSetTag>(
    _ g: ConvGeometry,
    input: UnsafePointer<S>,
    filter: UnsafePointer<S>,
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
    let colTaps = WindowTaps.forward(
        inputSize: g.inputWidth, outputSize: g.outputWidth, filterSize: g.filterWidth,
        stride: g.strideWidth, dilation: g.dilationWidth, padBefore: g.padLeft)
    colTaps.prepareBlocking(step: 1, pairedStep: g.strideWidth)
    defer {
        rowTaps.deallocate()
        colTaps.deallocate()
    }
    let rowLanes = g.inputWidth * lanes
    // Interior pixels go in blocks of 8 (wide register file) or 4.
    let blockPixels = ISA.hasWideRegisterFile ? 8 : 4
    // A rough work estimate (wrapping: it only picks the thread count).
    let work = rows &* g.outputWidth &* lanes &* g.filterHeight &* g.filterWidth
    parallelFor(rows, threads: work < 1 << 17 ? 1 : threads) { rowRange in
        let tapCapacity = max(1, g.filterHeight * g.filterWidth)
        withUnsafeTemporaryAllocation(of: TapOffsets.self, capacity: tapCapacity) { taps in
        withUnsafeTemporaryAllocation(of: TapRun.self, capacity: tapCapacity) { runs in
            withUnsafeTemporaryAllocation(of: S.self, capacity: m == 1 ? 1 : g.filterHeight * rowLanes) { widened in
            // With M > 1: which global input row (n * H + ih) each widened
            // slot holds, and which slot each of this row's taps reads.
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * max(1, g.filterHeight)) { slots in
                guard let taps = taps.baseAddress, let runs = runs.baseAddress, let widened = widened.baseAddress,
                    let slotRow = slots.baseAddress
                else { return }
                let tapSlot = slotRow + max(1, g.filterHeight)
                slotRow.update(repeating: -1, count: g.filterHeight)
                for row in rowRange {
                    let n = row / g.outputHeight
                    let oh = row - n * g.outputHeight
                    let hCount = rowTaps.counts[oh]
                    if m > 1 {
                        assignWidenedRows(
                            g, n: n, oh: oh, rowTaps: rowTaps, slotRow: slotRow, tapSlot: tapSlot,
                            input: input, widened: widened)
                    }
                    let source = m == 1 ? input : UnsafePointer(widened)
                    // Output pixels of one pattern share their tap list,
                    // shifted by `strideWidth` input pixels per step.
                    var cachedPattern = -1
                    var count = 0
                    var runCount = 0
                    var shift = 0
                    var ow = 0
                    while ow < g.outputWidth {
                        if colTaps.pattern[ow] != cachedPattern {
                            cachedPattern = colTaps.pattern[ow]
                            count = 0
                            for r in 0..<hCount {
                                let (kh, ih) = rowTaps.pairs[oh * g.filterHeight + r]
                                let rowBase = m == 1 ? (n * g.inputHeight + ih) * g.inputWidth : tapSlot[r] * g.inputWidth
                                for c in 0..<colTaps.counts[ow] {
                                    let (kw, iw) = colTaps.pairs[ow * g.filterWidth + c]
                                    taps[count] = TapOffsets(
                                        first: (kh * g.filterWidth + kw) * lanes, second: (rowBase + iw) * lanes)
                                    count += 1
                                }
                            }
                            runCount = splitIntoTapRuns(
                                taps, count: count, pixelStride: g.strideWidth &* lanes, into: runs)
                            shift = 0
                        }
                        let out = output + (row * g.outputWidth + ow) * lanes
                        let patternRun = colTaps.patternRun[ow]
                        if patternRun >= 4 {
                            let pixels = patternRun >= blockPixels ? blockPixels : 4
                            sumTapProductsBlock(
                                pixels: pixels, taps: taps, count: count, runs: runs, runCount: runCount,
                                filter, source + shift, pixelStride: g.strideWidth * lanes,
                                into: out, outPixelStride: lanes, lanes: lanes, isa: ISA.self)
                            ow += pixels
                            shift &+= pixels &* g.strideWidth &* lanes
                        } else {
                            sumTapProducts(taps, count: count, filter, source + shift, into: out, lanes: lanes)
                            ow += 1
                            // Wrapping: it is only used again when the next
                            // pixel continues the pattern, i.e. really exists.
                            shift &+= g.strideWidth &* lanes
                        }
                    }
                }
            }
            }
        }
        }
    }
}

/// Makes the input rows output row `oh` reads available widened to `C * M`
/// lanes, reusing rows earlier output rows widened (consecutive output rows
/// share most of their input rows), and records in `tapSlot[r]` the slot of
/// the row of its `r`-th valid tap.
@inlinable @inline(__always)
func assignWidenedRows<S>(
    _ g: ConvGeometry, n: Int, oh: Int, rowTaps: WindowTaps,
    slotRow: UnsafeMutablePointer<Int>, tapSlot: UnsafeMutablePointer<Int>,
    input: UnsafePointer<S>, widened: UnsafeMutablePointer<S>
) {
    let count = rowTaps.counts[oh]
    let rowLanes = g.inputWidth * g.outputChannels
    func key(_ r: Int) -> Int { n * g.inputHeight + rowTaps.pairs[oh * g.filterHeight + r].position }
    for r in 0..<count {
        tapSlot[r] = -1
        for slot in 0..<g.filterHeight where slotRow[slot] == key(r) { tapSlot[r] = slot }
    }
    for r in 0..<count where tapSlot[r] < 0 {
        // A slot no tap of this row uses (there are filterHeight >= count).
        var free = 0
        while (0..<count).contains(where: { tapSlot[$0] == free }) { free += 1 }
        let ih = rowTaps.pairs[oh * g.filterHeight + r].position
        widenChannels(
            input + (n * g.inputHeight + ih) * g.inputWidth * g.channels, into: widened + free * rowLanes,
            pixels: g.inputWidth, channels: g.channels, multiplier: g.depthMultiplier)
        slotRow[free] = key(r)
        tapSlot[r] = free
    }
}

/// Copies `pixels` pixels of `channels` values to `channels * multiplier`
/// lanes each, repeating every value `multiplier` times (lane `c * M + m`
/// holds channel `c`).
@inlinable @inline(__always)
func widenChannels<S>(
    _ source: UnsafePointer<S>, into destination: UnsafeMutablePointer<S>, pixels: Int, channels: Int, multiplier: Int
) {
    var d = destination
    for i in 0..<pixels * channels {
        let value = source[i]
        for k in 0..<multiplier { d[k] = value }
        d += multiplier
    }
}
