/// Gradient of a depthwise convolution with respect to its filter, NHWC:
/// `result[kh, kw, c, m]` is the sum over `n`, `oh`, `ow` of
/// `input[n, ih, iw, c] * outBackprop[n, oh, ow, c * M + m]` for the input
/// pixels `(ih, iw)` the tap reads.
///
/// Summation order, a function of the geometry only: ``FilterGradientPartition``
/// cuts the `(n, oh)` rows into chunks; within a chunk every element is
/// summed from zero over the chunk's rows, then `ow`, ascending; the chunks'
/// partial sums are then added to the first chunk's in chunk order. No fused
/// multiply-add is used and lanes never mix, so the result is the same for
/// every thread count, vector width and instruction set.
///
/// Work: tasks are (chunk, lane range) pairs; a task walks its chunk in small
/// groups of rows. For a group it first copies the input rows and output
/// gradient rows it reads to 64-byte aligned scratch in the `C * M` lane
/// layout (the input channel value repeated over its `M` lanes), so a depth
/// multiplier needs no special case and the strided reads below hit cache;
/// operands that stay in the caches are read in place instead (see
/// ``FilterGradientWorkspace``), in lane-skewed blocks when they start off a
/// vector boundary (see ``FilterGradientWrap``). Then, for each block of
/// lanes (one SIMD vector) and each row of the group, up to nine filter taps keep their sums in registers over one pass
/// along the row: each output-gradient vector is loaded once and multiplied
/// by the input vector of every tap. Output columns where all taps of the
/// pass are inside the input run without bounds checks; the valid columns of
/// each tap are computed once per call. Every element of `result` is
/// written; an empty batch or output gives zeros.
///
/// - Precondition: `geometry` was validated; buffers hold the geometry's
///   element counts; `result` overlaps neither input.
@inlinable
public func depthwiseBackpropFilterNHWC<S: KernelScalar, ISA: InstructionSetTag>(
    _ g: ConvGeometry,
    input: UnsafePointer<S>,
    outBackprop: UnsafePointer<S>,
    result: UnsafeMutablePointer<S>,
    threads: Int,
    isa: ISA.Type
) {
    // Blocks of 64 bytes with AVX-512's 32 registers, 32 bytes with AVX2's 16
    // and 16 on the baseline, so the nine sums of a pass stay in registers.
    if ISA.hasWideRegisterFile {
        if S.self == Float.self {
            filterGradientNHWC(g, input, outBackprop, result, threads, SIMD16<S>.self, ISA.self)
        } else {
            filterGradientNHWC(g, input, outBackprop, result, threads, SIMD8<S>.self, ISA.self)
        }
    } else if ISA.self == BaselineISA.self {
        if S.self == Float.self {
            filterGradientNHWC(g, input, outBackprop, result, threads, SIMD4<S>.self, ISA.self)
        } else {
            filterGradientNHWC(g, input, outBackprop, result, threads, SIMD2<S>.self, ISA.self)
        }
    } else {
        if S.self == Float.self {
            filterGradientNHWC(g, input, outBackprop, result, threads, SIMD8<S>.self, ISA.self)
        } else {
            filterGradientNHWC(g, input, outBackprop, result, threads, SIMD4<S>.self, ISA.self)
        }
    }
}

/// The kernel with lane blocks of type `V` (narrower ones for the tail).
///
/// Every helper is generic over `ISA` as well: their specializations are then
/// distinct symbols in each instruction-set module, which the linker can't
/// merge into a single variant for all of them.
@inlinable
func filterGradientNHWC<S: KernelScalar, V: FilterGradientLanes, ISA: InstructionSetTag>(
    _ g: ConvGeometry, _ input: UnsafePointer<S>, _ outBackprop: UnsafePointer<S>,
    _ result: UnsafeMutablePointer<S>, _ threads: Int, _: V.Type, _: ISA.Type
) where V.Element == S {
    let lanes = g.outputChannels
    let taps = g.filterHeight * g.filterWidth
    let count = taps * lanes
    guard count > 0 else { return }
    let part = FilterGradientPartition(g)
    guard part.rows > 0, g.outputWidth > 0 else {
        result.update(repeating: 0, count: count)
        return
    }
    let width = V.laneCount
    // Lane ranges split the tasks further only when the chunks alone can't
    // keep the threads busy. They change no sum, so they may depend on
    // `threads`; each range copies only its own lanes.
    let blocks = lanes / width
    let splits = threads > 1 && part.chunks < 2 * threads && part.work >= 1 << 17
        ? max(1, min(blocks, (2 * threads + part.chunks - 1) / part.chunks)) : 1
    // Output columns each filter column reads inside the input.
    var layout = ScratchLayout()
    let columnsAt = layout.reserve(Int.self, count: 2 * g.filterWidth)
    let partialsAt = layout.reserve(S.self, count: part.chunks > 1 ? (part.chunks - 1) * count : 0)
    let block = ScratchPool.shared.take(bytes: layout.bytes)
    defer { ScratchPool.shared.give(block) }
    let columns = ScratchPool.bind(block, at: columnsAt, to: Int.self, count: 2 * g.filterWidth)
    for kw in 0..<g.filterWidth {
        let shift = kw * g.dilationWidth - g.padLeft
        // 0 <= ow * SW + shift < W  <=>  ceil(-shift / SW) <= ow < ceil((W - shift) / SW)
        let lo = min(max(filterGradientCeilDiv(-shift, g.strideWidth), 0), g.outputWidth)
        let hi = filterGradientCeilDiv(g.inputWidth - shift, g.strideWidth)
        columns[2 * kw] = lo
        columns[2 * kw + 1] = min(max(hi, lo), g.outputWidth)
    }
    let columnRanges = UnsafePointer(columns)
    let partials: UnsafeMutablePointer<S>? = part.chunks > 1
        ? ScratchPool.bind(block, at: partialsAt, to: S.self, count: (part.chunks - 1) * count) : nil
    parallelFor(part.chunks * splits, threads: threads) { taskRange in
        let space = FilterGradientWorkspace<S, ISA>(g, rowsPerGroup: part.rowsPerGroup)
        defer { space.deallocate() }
        // Skewed blocks need every lane in one task and both operands in place.
        let skew = splits == 1 && space.readsInputInPlace && space.readsOutputGradientInPlace
            ? filterGradientSkew(input: input, outBackprop: outBackprop, lanes: lanes, width: width) : 0
        for task in taskRange {
            let chunk = task / splits
            let split = task - chunk * splits
            let laneStart = blocks * split / splits * width
            let laneEnd = split == splits - 1 ? lanes : blocks * (split + 1) / splits * width
            // Rows cached for other lanes lack these ones; consecutive chunks
            // of one lane range share the rows at their boundary.
            space.setLanes(laneStart..<laneEnd)
            let partial = chunk == 0 ? result : partials.unsafelyUnwrapped + (chunk - 1) * count
            for t in 0..<taps {
                (partial + t * lanes + laneStart).update(repeating: 0, count: laneEnd - laneStart)
            }
            let rowRange = part.rowRange(chunk)
            var row = rowRange.lowerBound
            while row < rowRange.upperBound {
                // Groups stay within one image.
                let n = row / g.outputHeight
                let oh = row - n * g.outputHeight
                let end = min(row + part.rowsPerGroup, rowRange.upperBound, (n + 1) * g.outputHeight)
                filterGradientRowGroup(
                    g, n: n, oh: oh, rows: end - row, input: input,
                    outBackprop: outBackprop + row * g.outputWidth * lanes, columns: columnRanges,
                    space: space, skew: skew, partial: partial, V.self, ISA.self)
                row = end
            }
        }
    }
    // Add the other chunks' partials to the first chunk's, in chunk order.
    guard let partials else { return }
    let piece = 4096
    let pieces = (count + piece - 1) / piece
    parallelFor(pieces, threads: count * (part.chunks - 1) < 1 << 16 ? 1 : threads) { pieceRange in
        for p in pieceRange {
            let start = p * piece
            let end = min(start + piece, count)
            for chunk in 1..<part.chunks {
                let source = partials + (chunk - 1) * count
                for e in start..<end {
                    result[e] = result[e] + source[e]
                }
            }
        }
    }
}

/// The nine taps of a 3x3 filter's pass (see
/// ``filterGradientPass(_:_:_:_:_:taps:lane:dy:dyStep:xStep:width:rows:xRowStep:dyRowStep:partial:wrap:)``)
/// over two adjacent lane blocks at once, `lane` and `lane + V.laneCount`,
/// with plain loads: 18 sums in registers. Each lane adds the same products
/// in the same order (per tap: rows in order, valid columns ascending), so
/// the bits are those of two single-block passes.
///
/// A block reads one cache line per pixel; pixels are `C * M` lanes apart,
/// so with hundreds of channels every read is a line of its own, and a
/// pass over one block costs far more than its arithmetic. Two blocks per
/// pass read two adjacent lines per pixel. One thread, AVX-512, public API:
/// 32x14x14x256 0.47-0.51 -> 0.35-0.39 ms, 16x7x7x1024 0.39 -> 0.28,
/// 8x28x28x192 at stride 2 0.127 -> 0.100, 1x112x112x32 0.108 -> 0.089.
@inlinable @inline(never)
func filterGradientPairPass9<V: FilterGradientLanes, R: FilterGradientRowMode, ISA: InstructionSetTag>(
    _: V.Type, _: R.Type, _: ISA.Type, taps: UnsafePointer<FilterGradientTap<V.Element>>, lane: Int,
    dy: UnsafePointer<V.Element>, dyStep: Int, xStep: Int, width: Int, rows: Int, xRowStep: Int, dyRowStep: Int,
    partial: UnsafeMutablePointer<V.Element>
) {
    typealias S = V.Element
    let h = V.laneCount
    @inline(__always) func ld(_ p: UnsafePointer<S>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func st(_ v: V, _ p: UnsafeMutablePointer<S>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }
    let t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3], t4 = taps[4], t5 = taps[5], t6 = taps[6]
    let t7 = taps[7], t8 = taps[8]
    var a0 = ld(partial + t0.acc + lane), b0 = ld(partial + t0.acc + lane + h)
    var a1 = ld(partial + t1.acc + lane), b1 = ld(partial + t1.acc + lane + h)
    var a2 = ld(partial + t2.acc + lane), b2 = ld(partial + t2.acc + lane + h)
    var a3 = ld(partial + t3.acc + lane), b3 = ld(partial + t3.acc + lane + h)
    var a4 = ld(partial + t4.acc + lane), b4 = ld(partial + t4.acc + lane + h)
    var a5 = ld(partial + t5.acc + lane), b5 = ld(partial + t5.acc + lane + h)
    var a6 = ld(partial + t6.acc + lane), b6 = ld(partial + t6.acc + lane + h)
    var a7 = ld(partial + t7.acc + lane), b7 = ld(partial + t7.acc + lane + h)
    var a8 = ld(partial + t8.acc + lane), b8 = ld(partial + t8.acc + lane + h)
    let lo = max(t0.lo, t1.lo, t2.lo, t3.lo, t4.lo, t5.lo, t6.lo, t7.lo, t8.lo)
    let hi = max(lo, min(t0.hi, t1.hi, t2.hi, t3.hi, t4.hi, t5.hi, t6.hi, t7.hi, t8.hi))
    let rowCount = R.multiple ? rows : 1
    var rowX = 0, rowDy = 0, row = 0
    repeat {
        let d = dy + lane + rowDy
        let x0 = t0.x + lane + rowX, x1 = t1.x + lane + rowX, x2 = t2.x + lane + rowX
        let x3 = t3.x + lane + rowX, x4 = t4.x + lane + rowX, x5 = t5.x + lane + rowX
        let x6 = t6.x + lane + rowX, x7 = t7.x + lane + rowX, x8 = t8.x + lane + rowX
        // The nine taps are written out, as `filterGradientPass` writes out
        // its own (a local function over `inout` sums measured 1x14x14x576
        // at 0.033 ms against 0.025 once, within this host's run-to-run
        // spread for that layer, 0.023 to 0.032: not confirmed either way).
        var ow = 0
        while ow < width {
            let checked = ow < lo || ow >= hi
            let dv = ld(d + ow &* dyStep), ev = ld(d + ow &* dyStep + h)
            if !checked || (ow >= t0.lo && ow < t0.hi) {
                let p = x0 + (ow &- t0.lo) &* xStep
                a0 = a0 + ld(p) * dv
                b0 = b0 + ld(p + h) * ev
            }
            if !checked || (ow >= t1.lo && ow < t1.hi) {
                let p = x1 + (ow &- t1.lo) &* xStep
                a1 = a1 + ld(p) * dv
                b1 = b1 + ld(p + h) * ev
            }
            if !checked || (ow >= t2.lo && ow < t2.hi) {
                let p = x2 + (ow &- t2.lo) &* xStep
                a2 = a2 + ld(p) * dv
                b2 = b2 + ld(p + h) * ev
            }
            if !checked || (ow >= t3.lo && ow < t3.hi) {
                let p = x3 + (ow &- t3.lo) &* xStep
                a3 = a3 + ld(p) * dv
                b3 = b3 + ld(p + h) * ev
            }
            if !checked || (ow >= t4.lo && ow < t4.hi) {
                let p = x4 + (ow &- t4.lo) &* xStep
                a4 = a4 + ld(p) * dv
                b4 = b4 + ld(p + h) * ev
            }
            if !checked || (ow >= t5.lo && ow < t5.hi) {
                let p = x5 + (ow &- t5.lo) &* xStep
                a5 = a5 + ld(p) * dv
                b5 = b5 + ld(p + h) * ev
            }
            if !checked || (ow >= t6.lo && ow < t6.hi) {
                let p = x6 + (ow &- t6.lo) &* xStep
                a6 = a6 + ld(p) * dv
                b6 = b6 + ld(p + h) * ev
            }
            if !checked || (ow >= t7.lo && ow < t7.hi) {
                let p = x7 + (ow &- t7.lo) &* xStep
                a7 = a7 + ld(p) * dv
                b7 = b7 + ld(p + h) * ev
            }
            if !checked || (ow >= t8.lo && ow < t8.hi) {
                let p = x8 + (ow &- t8.lo) &* xStep
                a8 = a8 + ld(p) * dv
                b8 = b8 + ld(p + h) * ev
            }
            ow &+= 1
        }
        rowX = rowX &+ xRowStep
        rowDy = rowDy &+ dyRowStep
        row &+= 1
    } while row < rowCount
    st(a0, partial + t0.acc + lane); st(b0, partial + t0.acc + lane + h)
    st(a1, partial + t1.acc + lane); st(b1, partial + t1.acc + lane + h)
    st(a2, partial + t2.acc + lane); st(b2, partial + t2.acc + lane + h)
    st(a3, partial + t3.acc + lane); st(b3, partial + t3.acc + lane + h)
    st(a4, partial + t4.acc + lane); st(b4, partial + t4.acc + lane + h)
    st(a5, partial + t5.acc + lane); st(b5, partial + t5.acc + lane + h)
    st(a6, partial + t6.acc + lane); st(b6, partial + t6.acc + lane + h)
    st(a7, partial + t7.acc + lane); st(b7, partial + t7.acc + lane + h)
    st(a8, partial + t8.acc + lane); st(b8, partial + t8.acc + lane + h)
}

/// `ceil(a / b)` for `b > 0`, without overflow for any `a` and `b`
/// (truncating division already rounds a negative quotient up).
@inlinable @inline(__always)
func filterGradientCeilDiv(_ a: Int, _ b: Int) -> Int {
    let quotient = a / b
    return a > 0 && quotient * b != a ? quotient + 1 : quotient
}

/// Output rows `oh..<oh + rows` of image `n`, for the workspace's lanes:
/// stages their operands (the output gradient only when it is large), then
/// runs every lane block over every row, up to
/// nine taps per pass.
@inlinable
func filterGradientRowGroup<S: KernelScalar, V: FilterGradientLanes, ISA: InstructionSetTag>(
    _ g: ConvGeometry, n: Int, oh firstRow: Int, rows: Int, input: UnsafePointer<S>,
    outBackprop: UnsafePointer<S>, columns: UnsafePointer<Int>, space: FilterGradientWorkspace<S, ISA>,
    skew: Int, partial: UnsafeMutablePointer<S>, _: V.Type, _: ISA.Type
) where V.Element == S {
    let lanes = g.outputChannels
    let taps = g.filterHeight * g.filterWidth
    let stride = space.pixelStride
    // Input pixels are `xStride` elements apart where the taps read them.
    let xStride = space.readsInputInPlace ? lanes : stride
    let ow = g.outputWidth
    if !space.readsInputInPlace {
        space.loadInputRows(g, input: input, n: n, firstRow: firstRow, rows: rows)
    }
    // With a skew, the rows whose reads stay clear of both operands' first
    // and last pixels (the wrapped loads reach one pixel beyond): one run
    // between any that don't (only the tensors' first and last rows).
    let lastOutputRow = g.batch * g.outputHeight - 1
    let lastInputRow = g.batch * g.inputHeight - 1
    var skewedLower = rows, skewedUpper = 0
    for i in 0..<rows {
        let rowShift = (firstRow + i) * g.strideHeight - g.padTop
        let (khLo, khHi) = space.filterRows(g, rowShift: rowShift)
        let descriptors = space.descriptors + i * taps
        let outputRow = n * g.outputHeight + firstRow + i
        var clear = skew > 0 && outputRow > 0 && outputRow < lastOutputRow
        var count = 0
        for kh in khLo..<khHi {
            let key = n * g.inputHeight + rowShift + kh * g.dilationHeight
            clear = clear && key > 0 && key < lastInputRow
            let row = space.readsInputInPlace
                ? input + key * g.inputWidth * lanes : UnsafePointer(space.inputRow(key))
            for kw in 0..<g.filterWidth {
                // A filter column that never reads inside the input adds
                // nothing; leaving it out keeps the others' fast path.
                let lo = columns[2 * kw], hi = columns[2 * kw + 1]
                guard lo < hi else { continue }
                let x = row + (lo * g.strideWidth - g.padLeft + kw * g.dilationWidth) * xStride
                descriptors[count] = FilterGradientTap(
                    x: x, acc: (kh * g.filterWidth + kw) * lanes, lo: lo, hi: hi)
                count += 1
            }
        }
        if count > 0, !space.readsOutputGradientInPlace {
            space.stageOutputGradient(g, outBackprop + i * ow * lanes, row: i)
        }
        space.tapCounts[i] = count
        space.rowSteps[i] = i > 0
            ? filterGradientRowStep(descriptors - taps, count: space.tapCounts[i - 1], descriptors, count: count)
            : nil
        // Only a prefix or a suffix may be left out of the run.
        if clear, skewedUpper == 0 || skewedUpper == i {
            skewedLower = min(skewedLower, i)
            skewedUpper = i + 1
        }
    }
    // A column stride too large to form an offset means every tap reads at
    // most one output column, so the step is never taken.
    let (product, overflow) = g.strideWidth.multipliedReportingOverflow(by: xStride)
    let xStep = overflow ? 0 : product
    let (dy, dyStep) = space.readsOutputGradientInPlace
        ? (outBackprop, lanes) : (UnsafePointer(space.outputGradient), stride)
    // Rows `rowRange` for the lane block starting at `lane`, each pass of up
    // to nine taps; `paired`: for that block and the next, in one pass where
    // a row has a 3x3 filter's nine taps (`filterGradientPairPass9`), else
    // one after the other.
    @inline(__always) func passes<W: FilterGradientLanes, L: FilterGradientLoading>(
        _: W.Type, _: L.Type, lane: Int, rows rowRange: Range<Int>, wrap: FilterGradientWrap<W>, paired: Bool = false
    ) where W.Element == S {
        var i = rowRange.lowerBound
        while i < rowRange.upperBound {
            let count = space.tapCounts[i]
            // The rows after `i` whose taps are row i's moved by one offset
            // keep the sums in registers: one pass over all of them.
            var rows = 1
            let rowStep = i + 1 < rowRange.upperBound ? space.rowSteps[i + 1] ?? 0 : 0
            while i + rows < rowRange.upperBound, let step = space.rowSteps[i + rows], step == rowStep {
                rows += 1
            }
            defer { i += rows }
            guard count > 0 else { continue }
            let groups = (count + 8) / 9
            for group in 0..<groups {
                let first = count * group / groups
                let size = count * (group + 1) / groups - first
                let rowTaps = space.descriptors + i * taps + first
                if paired, count == 9 {
                    @inline(__always) func pairPass<R: FilterGradientRowMode>(_: R.Type) {
                        filterGradientPairPass9(
                            W.self, R.self, ISA.self, taps: rowTaps, lane: lane, dy: dy + i * ow * dyStep,
                            dyStep: dyStep, xStep: xStep, width: ow, rows: rows, xRowStep: rowStep,
                            dyRowStep: ow * dyStep, partial: partial)
                    }
                    if rows > 1 { pairPass(FilterGradientRows.self) } else { pairPass(FilterGradientSingleRow.self) }
                    continue
                }
                @inline(__always) func pass<R: FilterGradientRowMode>(_: R.Type, lane: Int) {
                    filterGradientPass(
                        W.self, L.self, R.self, ISA.self, size: size, taps: rowTaps, lane: lane,
                        dy: dy + i * ow * dyStep, dyStep: dyStep, xStep: xStep, width: ow, rows: rows,
                        xRowStep: rowStep, dyRowStep: ow * dyStep, partial: partial, wrap: wrap)
                }
                for block in 0..<(paired ? 2 : 1) {
                    let blockLane = lane + block * W.laneCount
                    if rows > 1 {
                        pass(FilterGradientRows.self, lane: blockLane)
                    } else {
                        pass(FilterGradientSingleRow.self, lane: blockLane)
                    }
                }
            }
        }
    }
    // Whole vectors from `start` while they end by `end`, in pairs with a
    // wide register file (see `filterGradientPairPass9`); returns the first
    // lane left.
    @inline(__always) func wholeVectorPasses(from start: Int, to end: Int, rows rowRange: Range<Int>) -> Int {
        let plain = FilterGradientPlainLoads.self
        var lane = start
        if ISA.hasWideRegisterFile {
            while lane + 2 * V.laneCount <= end {
                passes(V.self, plain, lane: lane, rows: rowRange, wrap: .none, paired: true)
                lane += 2 * V.laneCount
            }
        }
        while lane + V.laneCount <= end {
            passes(V.self, plain, lane: lane, rows: rowRange, wrap: .none)
            lane += V.laneCount
        }
        return lane
    }
    // Whole vectors, then at most one half and one quarter, then single lanes.
    @inline(__always) func unskewedPasses(rows rowRange: Range<Int>) {
        guard !rowRange.isEmpty else { return }
        let plain = FilterGradientPlainLoads.self
        let laneEnd = space.lanes.upperBound
        var lane = wholeVectorPasses(from: space.lanes.lowerBound, to: laneEnd, rows: rowRange)
        if V.laneCount > 8, lane + 8 <= laneEnd {
            passes(SIMD8<S>.self, plain, lane: lane, rows: rowRange, wrap: .none)
            lane += 8
        }
        if V.laneCount > 4, lane + 4 <= laneEnd {
            passes(SIMD4<S>.self, plain, lane: lane, rows: rowRange, wrap: .none)
            lane += 4
        }
        while lane < laneEnd {
            passes(FilterGradientScalarLane<S>.self, plain, lane: lane, rows: rowRange, wrap: .none)
            lane += 1
        }
    }
    // Unskewed rows before and after the skewed run: each lane still sees
    // the rows in order.
    let skewed = skewedLower < skewedUpper ? skewedLower..<skewedUpper : 0..<0
    guard !skewed.isEmpty else {
        unskewedPasses(rows: 0..<rows)
        return
    }
    unskewedPasses(rows: 0..<skewed.lowerBound)
    let lane = wholeVectorPasses(from: skew, to: lanes, rows: skewed)
    let wrap = FilterGradientWrap<V>(pixel: lanes, keep: lanes - lane, sumCount: taps * lanes)
    if g.strideWidth == 1 {
        passes(V.self, FilterGradientLockstepLoads.self, lane: lane, rows: skewed, wrap: wrap)
    } else {
        passes(V.self, FilterGradientMergedLoads.self, lane: lane, rows: skewed, wrap: wrap)
    }
    unskewedPasses(rows: skewed.upperBound..<rows)
}

/// The element offset by which `current`'s taps read past `previous`'s,
/// when the two rows have the same taps and every input moves by that one
/// offset; else `nil`. Such rows can share one pass, their sums kept in
/// registers. (A tap's valid columns depend on its filter column only, so
/// equal sums mean equal columns.)
@inlinable
func filterGradientRowStep<S>(
    _ previous: UnsafePointer<FilterGradientTap<S>>, count previousCount: Int,
    _ current: UnsafePointer<FilterGradientTap<S>>, count: Int
) -> Int? {
    guard count > 0, count == previousCount else { return nil }
    let step = previous[0].x.distance(to: current[0].x)
    for t in 0..<count {
        let a = previous[t], b = current[t]
        guard a.acc == b.acc, a.x.distance(to: b.x) == step else { return nil }
    }
    return step
}

/// ``filterGradientPass(_:_:_:_:_:taps:lane:dy:dyStep:xStep:width:rows:xRowStep:dyRowStep:partial:wrap:)``
/// for a run-time tap count of 1 to 9.
@inlinable @inline(__always)
func filterGradientPass<
    V: FilterGradientLanes, L: FilterGradientLoading, R: FilterGradientRowMode, ISA: InstructionSetTag
>(
    _: V.Type, _: L.Type, _: R.Type, _: ISA.Type, size: Int, taps: UnsafePointer<FilterGradientTap<V.Element>>,
    lane: Int, dy: UnsafePointer<V.Element>, dyStep: Int, xStep: Int, width: Int, rows: Int, xRowStep: Int,
    dyRowStep: Int, partial: UnsafeMutablePointer<V.Element>, wrap: FilterGradientWrap<V>
) {
    switch size {
    case 1:
        filterGradientPass(
            V.self, FilterGradientTaps1.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 2:
        filterGradientPass(
            V.self, FilterGradientTaps2.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 3:
        filterGradientPass(
            V.self, FilterGradientTaps3.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 4:
        filterGradientPass(
            V.self, FilterGradientTaps4.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 5:
        filterGradientPass(
            V.self, FilterGradientTaps5.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 6:
        filterGradientPass(
            V.self, FilterGradientTaps6.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 7:
        filterGradientPass(
            V.self, FilterGradientTaps7.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 8:
        filterGradientPass(
            V.self, FilterGradientTaps8.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    case 9:
        filterGradientPass(
            V.self, FilterGradientTaps9.self, L.self, R.self, ISA.self, taps: taps, lane: lane, dy: dy,
            dyStep: dyStep, xStep: xStep, width: width, rows: rows, xRowStep: xRowStep, dyRowStep: dyRowStep,
            partial: partial, wrap: wrap)
    default: break
    }
}

/// One pass along `rows` output rows for one lane block and `N.value` taps
/// (1 to 9): adds `x[tap, ow] * dy[ow]` to each tap's sums, row by row, `ow`
/// ascending. Row `r` reads its inputs `r * xRowStep` elements and its
/// output gradient `r * dyRowStep` elements past the first row's. The sums
/// are loaded from `partial` first and stored back after the last row, so
/// rows with the same taps (small images) keep them in registers. `L` says how
/// the vectors are loaded: where they are, or for the wrapped block of
/// lane-skewed passes (``FilterGradientWrap``). Not inlined: one function per
/// tap count and lane type keeps the callers small.
@inlinable @inline(never)
func filterGradientPass<
    V: FilterGradientLanes, N: FilterGradientTapCount, L: FilterGradientLoading, R: FilterGradientRowMode,
    ISA: InstructionSetTag
>(
    _: V.Type, _: N.Type, _: L.Type, _: R.Type, _: ISA.Type, taps: UnsafePointer<FilterGradientTap<V.Element>>,
    lane: Int, dy: UnsafePointer<V.Element>, dyStep: Int, xStep: Int, width: Int, rows: Int, xRowStep: Int,
    dyRowStep: Int, partial: UnsafeMutablePointer<V.Element>, wrap: FilterGradientWrap<V>
) {
    typealias S = V.Element
    let k = N.value
    @inline(__always) func vector(_ p: UnsafePointer<S>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }
    // An operand vector: merged with the previous pixel's in a wrapped block.
    @inline(__always) func load(_ p: UnsafePointer<S>) -> V {
        L.merges ? wrap.merged(p) : vector(p)
    }
    @inline(__always) func sum(_ t: FilterGradientTap<S>) -> V {
        L.wraps ? wrap.gather(partial, at: t.acc + lane) : vector(partial + t.acc + lane)
    }
    // Taps past `k` alias tap 0 and are never used.
    let t0 = taps[0]
    let t1 = taps[k > 1 ? 1 : 0]
    let t2 = taps[k > 2 ? 2 : 0]
    let t3 = taps[k > 3 ? 3 : 0]
    let t4 = taps[k > 4 ? 4 : 0]
    let t5 = taps[k > 5 ? 5 : 0]
    let t6 = taps[k > 6 ? 6 : 0]
    let t7 = taps[k > 7 ? 7 : 0]
    let t8 = taps[k > 8 ? 8 : 0]
    var a0 = sum(t0)
    var a1 = k > 1 ? sum(t1) : V()
    var a2 = k > 2 ? sum(t2) : V()
    var a3 = k > 3 ? sum(t3) : V()
    var a4 = k > 4 ? sum(t4) : V()
    var a5 = k > 5 ? sum(t5) : V()
    var a6 = k > 6 ? sum(t6) : V()
    var a7 = k > 7 ? sum(t7) : V()
    var a8 = k > 8 ? sum(t8) : V()
    // Columns where every tap of the pass reads inside the input.
    var lo = t0.lo, hi = t0.hi
    if k > 1 { lo = max(lo, t1.lo); hi = min(hi, t1.hi) }
    if k > 2 { lo = max(lo, t2.lo); hi = min(hi, t2.hi) }
    if k > 3 { lo = max(lo, t3.lo); hi = min(hi, t3.hi) }
    if k > 4 { lo = max(lo, t4.lo); hi = min(hi, t4.hi) }
    if k > 5 { lo = max(lo, t5.lo); hi = min(hi, t5.hi) }
    if k > 6 { lo = max(lo, t6.lo); hi = min(hi, t6.hi) }
    if k > 7 { lo = max(lo, t7.lo); hi = min(hi, t7.hi) }
    if k > 8 { lo = max(lo, t8.lo); hi = min(hi, t8.hi) }
    hi = max(hi, lo)
    // One row unless `R` sums several (a separate specialization, so that
    // single-row passes compile as without the loop: at stride 2 they ran
    // 13 % slower with it, 1x112x112x96 0.101 -> 0.114 ms).
    let rowCount = R.multiple ? rows : 1
    var rowX = 0, rowDy = 0, row = 0
    repeat {
        let x0 = t0.x + lane + rowX
        let x1 = t1.x + lane + rowX
        let x2 = t2.x + lane + rowX
        let x3 = t3.x + lane + rowX
        let x4 = t4.x + lane + rowX
        let x5 = t5.x + lane + rowX
        let x6 = t6.x + lane + rowX
        let x7 = t7.x + lane + rowX
        let x8 = t8.x + lane + rowX
        let d = dy + lane + rowDy
        // In lockstep the wrapped lanes past `keep` are the next column's: a
        // tap's first column adds only those one column early, and its last
        // column adds only the others.
        @inline(__always) func add(_ a: inout V, _ t: FilterGradientTap<S>, _ x: UnsafePointer<S>, _ ow: Int, _ dv: V) {
            if L.lockstep {
                guard ow >= t.lo &- 1, ow < t.hi else { return }
                let sum = a + load(x + (ow &- t.lo) &* xStep) * dv
                if ow == t.lo &- 1 {
                    a = a.replacingLanes(with: sum, where: wrap.mask)
                } else if ow == t.hi &- 1 {
                    a = sum.replacingLanes(with: a, where: wrap.mask)
                } else {
                    a = sum
                }
            } else if ow >= t.lo, ow < t.hi {
                a = a + load(x + (ow &- t.lo) &* xStep) * dv
            }
        }
        // The sums are parameters, not captures: a captured `var` in a function
        // the optimizer leaves out of line is boxed and checked at run time.
        @inline(__always) func border(
            _ ow: Int, _ a0: inout V, _ a1: inout V, _ a2: inout V, _ a3: inout V, _ a4: inout V, _ a5: inout V,
            _ a6: inout V, _ a7: inout V, _ a8: inout V
        ) {
            let dv = load(d + ow &* dyStep)
            add(&a0, t0, x0, ow, dv)
            if k > 1 { add(&a1, t1, x1, ow, dv) }
            if k > 2 { add(&a2, t2, x2, ow, dv) }
            if k > 3 { add(&a3, t3, x3, ow, dv) }
            if k > 4 { add(&a4, t4, x4, ow, dv) }
            if k > 5 { add(&a5, t5, x5, ow, dv) }
            if k > 6 { add(&a6, t6, x6, ow, dv) }
            if k > 7 { add(&a7, t7, x7, ow, dv) }
            if k > 8 { add(&a8, t8, x8, ow, dv) }
        }
        // Columns `lo..<end` add whole vectors for every tap.
        let end = L.lockstep ? max(lo, hi &- 1) : hi
        var ow = L.lockstep ? -1 : 0
        while ow < lo {
            border(ow, &a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8)
            ow += 1
        }
        if lo < end {
            let b0 = x0 + (lo - t0.lo) * xStep
            let b1 = k > 1 ? x1 + (lo - t1.lo) * xStep : x0
            let b2 = k > 2 ? x2 + (lo - t2.lo) * xStep : x0
            let b3 = k > 3 ? x3 + (lo - t3.lo) * xStep : x0
            let b4 = k > 4 ? x4 + (lo - t4.lo) * xStep : x0
            let b5 = k > 5 ? x5 + (lo - t5.lo) * xStep : x0
            let b6 = k > 6 ? x6 + (lo - t6.lo) * xStep : x0
            let b7 = k > 7 ? x7 + (lo - t7.lo) * xStep : x0
            let b8 = k > 8 ? x8 + (lo - t8.lo) * xStep : x0
            var e = 0
            var f = lo * dyStep
            var column = lo
            // 3x3 at unit stride and dilation: each filter row's three taps read
            // adjacent pixels, so four columns at a time need six input vectors
            // per row instead of twelve. Each sum still adds its columns in
            // ascending order.
            if ISA.hasWideRegisterFile, k % 3 == 0, b1 == b0 + xStep, b2 == b1 + xStep,
                k < 6 || (b4 == b3 + xStep && b5 == b4 + xStep), k < 9 || (b7 == b6 + xStep && b8 == b7 + xStep)
            {
                @inline(__always) func row(
                    _ b: UnsafePointer<S>, _ s0: inout V, _ s1: inout V, _ s2: inout V, _ dv0: V, _ dv1: V, _ dv2: V,
                    _ dv3: V
                ) {
                    let x0 = load(b + e), x1 = load(b + (e &+ xStep)), x2 = load(b + (e &+ 2 &* xStep))
                    let x3 = load(b + (e &+ 3 &* xStep)), x4 = load(b + (e &+ 4 &* xStep))
                    let x5 = load(b + (e &+ 5 &* xStep))
                    // Tap `kw` reads columns `kw...kw + 3` of the window.
                    @inline(__always) func add(_ s: inout V, _ c0: V, _ c1: V, _ c2: V, _ c3: V) {
                        s = s + c0 * dv0
                        s = s + c1 * dv1
                        s = s + c2 * dv2
                        s = s + c3 * dv3
                    }
                    add(&s0, x0, x1, x2, x3)
                    add(&s1, x1, x2, x3, x4)
                    add(&s2, x2, x3, x4, x5)
                }
                while end - column >= 4 {
                    let dv0 = load(d + f), dv1 = load(d + (f &+ dyStep))
                    let dv2 = load(d + (f &+ 2 &* dyStep)), dv3 = load(d + (f &+ 3 &* dyStep))
                    row(b0, &a0, &a1, &a2, dv0, dv1, dv2, dv3)
                    if k > 3 { row(b3, &a3, &a4, &a5, dv0, dv1, dv2, dv3) }
                    if k > 6 { row(b6, &a6, &a7, &a8, dv0, dv1, dv2, dv3) }
                    e = e &+ 4 &* xStep
                    f = f &+ 4 &* dyStep
                    column += 4
                }
            }
            for _ in column..<end {
                let dv = load(d + f)
                a0 = a0 + load(b0 + e) * dv
                if k > 1 { a1 = a1 + load(b1 + e) * dv }
                if k > 2 { a2 = a2 + load(b2 + e) * dv }
                if k > 3 { a3 = a3 + load(b3 + e) * dv }
                if k > 4 { a4 = a4 + load(b4 + e) * dv }
                if k > 5 { a5 = a5 + load(b5 + e) * dv }
                if k > 6 { a6 = a6 + load(b6 + e) * dv }
                if k > 7 { a7 = a7 + load(b7 + e) * dv }
                if k > 8 { a8 = a8 + load(b8 + e) * dv }
                e = e &+ xStep
                f = f &+ dyStep
            }
        }
        ow = end
        while ow < width {
            border(ow, &a0, &a1, &a2, &a3, &a4, &a5, &a6, &a7, &a8)
            ow += 1
        }
        rowX = rowX &+ xRowStep
        rowDy = rowDy &+ dyRowStep
        row &+= 1
    } while row < rowCount
    @inline(__always) func store(_ v: V, _ t: FilterGradientTap<S>) {
        if L.wraps {
            wrap.scatter(v, to: partial, at: t.acc + lane)
        } else {
            UnsafeMutableRawPointer(partial + t.acc + lane).storeBytes(of: v, as: V.self)
        }
    }
    store(a0, t0)
    if k > 1 { store(a1, t1) }
    if k > 2 { store(a2, t2) }
    if k > 3 { store(a3, t3) }
    if k > 4 { store(a4, t4) }
    if k > 5 { store(a5, t5) }
    if k > 6 { store(a6, t6) }
    if k > 7 { store(a7, t7) }
    if k > 8 { store(a8, t8) }
}

/// Per-task scratch: the input rows a group of output rows reads and the
/// group's output-gradient rows, copied to 64-byte aligned rows of
/// `pixelStride` elements per pixel in the `C * M` lane layout
/// (`row[iw * pixelStride + c * M + m] = input[n, ih, iw, c]`), so every
/// lane block is one aligned load. Input rows stay cached while later groups
/// still read them. Only the current lane range is copied.
@usableFromInline
struct FilterGradientWorkspace<S: KernelScalar, ISA: InstructionSetTag> {
    /// `slots` input rows of `inputWidth * pixelStride` elements.
    @usableFromInline let inputRows: UnsafeMutablePointer<S>
    /// The flattened input row (`n * H + ih`) each slot holds, or -1.
    @usableFromInline let keys: UnsafeMutablePointer<Int>
    @usableFromInline let slots: Int
    @usableFromInline let rowSize: Int
    /// `rowsPerGroup` output-gradient rows of `outputWidth * pixelStride`
    /// (empty when they are read in place).
    @usableFromInline let outputGradient: UnsafeMutablePointer<S>
    /// Whether the output gradient is read where it is rather than staged:
    /// when it is small enough to stay in the caches (4 MiB), or input and
    /// output gradient together stay in the last-level cache between calls
    /// (``inPlaceFootprintLimit``, as for the other kernels). Where its
    /// pixels crowd the L1 sets (see ``pixelStride``) only when it is within
    /// those 4 MiB and they fall in two sets (C = 512 in Float), not one: a
    /// pass uses each of its vectors once, for all its taps, so only the
    /// input's lines are read again and need to stay. Through the public API,
    /// one thread: 8x14x14x512 0.31 -> 0.28 ms, 1x14x14x512 0.041 -> 0.037;
    /// in place, 1x14x14x1024 ran 0.080 -> 0.087 and 4x28x28x512 (6.4 MB)
    /// 1.0 -> 1.2, so those stay staged. Staging costs
    /// a copy; reading a gradient from memory in place, one lane block at a
    /// time, strides through it in a way the hardware prefetches badly.
    /// Measured, 1 thread: in place 32x14x14x256 0.65 -> 0.51 ms,
    /// 32x28x28x64 0.61 -> 0.41, 16x14x14x384 0.44 -> 0.32; staged (24 MB
    /// and more) 64x7x7x960 1.74 against 4.89 in place, 4x112x112x96 1.99
    /// against 2.14.
    @usableFromInline let readsOutputGradientInPlace: Bool
    /// Whether input rows are read where they are rather than staged: with
    /// no depth multiplier to widen for, when the output gradient is (see
    /// ``readsOutputGradientInPlace``), the input alone stays in the caches
    /// (4 MiB), or each input element is read fewer than 4 times (3x3 at
    /// stride 2). Then the copy costs more than its aligned loads save: 1
    /// thread, 3x3 layers ran 8-20 % faster in place, 8x28x28x192 at stride
    /// 2 1.3x.
    @usableFromInline let readsInputInPlace: Bool
    /// `rowsPerGroup * taps` tap descriptors and per row their count.
    @usableFromInline let descriptors: UnsafeMutablePointer<FilterGradientTap<S>>
    @usableFromInline let tapCounts: UnsafeMutablePointer<Int>
    /// Per row of a group, `rowsPerGroup` entries: the element offset from
    /// the previous row's tap inputs to this row's, when this row's taps are
    /// the previous row's with every input moved by that one offset; else
    /// `nil` (see ``filterGradientRowStep(_:count:_:count:)``).
    @usableFromInline let rowSteps: UnsafeMutablePointer<Int?>
    /// Elements from one pixel to the next: `C * M` rounded up to 64 bytes,
    /// plus 64 bytes when that is a multiple of 2 KiB
    /// (``filterGradientCrowdingPeriod``). A lane block's pass reads the same
    /// lanes of many pixels; 2 KiB apart (C = 512 or 1024 in Float) they all
    /// fall in a few sets of the L1 cache and evict each other before the
    /// next rows read them again, so such inputs are staged, never read in
    /// place.
    @usableFromInline let pixelStride: Int
    /// The lanes being computed (and copied); heap-held so the struct can be
    /// shared by value.
    @usableFromInline let laneBounds: UnsafeMutablePointer<Int>
    /// The ``ScratchPool`` block holding all of the above.
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)

    @inlinable
    init(_ g: ConvGeometry, rowsPerGroup: Int) {
        let align = 64 / MemoryLayout<S>.stride
        let rounded = (g.outputChannels + align - 1) / align * align
        // (See `pixelStride`.)
        pixelStride = setSpreadingPixelStride(S.self, elements: rounded, period: filterGradientCrowdingPeriod)
        let aliased = pixelStride != rounded
        slots = FilterGradientPartition.inputRowSlots(g, rowsPerGroup: rowsPerGroup)
        rowSize = g.inputWidth * pixelStride
        let cacheResidentElements = (4 << 20) / MemoryLayout<S>.stride
        let (elements, overflow) = g.inputCount.addingReportingOverflow(g.outputCount)
        let staysCached = !overflow && elements <= inPlaceFootprintLimit / MemoryLayout<S>.stride
        readsInputInPlace = !aliased && g.depthMultiplier == 1
            && (g.readsPerInputElement < 4 || g.inputCount <= cacheResidentElements || staysCached)
        // (See `readsOutputGradientInPlace`.)
        let oneSet = pixelsCrowdSets(S.self, elements: rounded, period: l1WayBytes)
        readsOutputGradientInPlace = aliased
            ? !oneSet && g.outputCount <= cacheResidentElements
            : g.outputCount <= cacheResidentElements || staysCached
        let inputRowsCount = readsInputInPlace ? 1 : slots * rowSize
        let outputGradientCount = readsOutputGradientInPlace ? 1 : rowsPerGroup * g.outputWidth * pixelStride
        let descriptorCount = rowsPerGroup * g.filterHeight * g.filterWidth
        var layout = ScratchLayout()
        let inputRowsAt = layout.reserve(S.self, count: inputRowsCount)
        let outputGradientAt = layout.reserve(S.self, count: outputGradientCount)
        let keysAt = layout.reserve(Int.self, count: slots)
        let descriptorsAt = layout.reserve(FilterGradientTap<S>.self, count: descriptorCount)
        let tapCountsAt = layout.reserve(Int.self, count: rowsPerGroup)
        let rowStepsAt = layout.reserve(Int?.self, count: rowsPerGroup)
        let laneBoundsAt = layout.reserve(Int.self, count: 2)
        block = ScratchPool.shared.take(bytes: layout.bytes)
        inputRows = ScratchPool.bind(block, at: inputRowsAt, to: S.self, count: inputRowsCount)
        outputGradient = ScratchPool.bind(block, at: outputGradientAt, to: S.self, count: outputGradientCount)
        keys = ScratchPool.bind(block, at: keysAt, to: Int.self, count: slots)
        keys.initialize(repeating: -1, count: slots)
        descriptors = ScratchPool.bind(
            block, at: descriptorsAt, to: FilterGradientTap<S>.self, count: descriptorCount)
        tapCounts = ScratchPool.bind(block, at: tapCountsAt, to: Int.self, count: rowsPerGroup)
        rowSteps = ScratchPool.bind(block, at: rowStepsAt, to: Int?.self, count: rowsPerGroup)
        laneBounds = ScratchPool.bind(block, at: laneBoundsAt, to: Int.self, count: 2)
        laneBounds.initialize(repeating: 0, count: 2)
    }

    /// Gives the storage back to the pool.
    @inlinable
    func deallocate() {
        ScratchPool.shared.give(block)
    }

    @inlinable
    var lanes: Range<Int> { laneBounds[0]..<laneBounds[1] }

    /// Switches to `lanes`, forgetting the cached rows if they change.
    @inlinable
    func setLanes(_ lanes: Range<Int>) {
        guard lanes != self.lanes else { return }
        laneBounds[0] = lanes.lowerBound
        laneBounds[1] = lanes.upperBound
        keys.update(repeating: -1, count: slots)
    }

    /// The filter rows `khLo..<khHi` that read inside the input for an output
    /// row whose filter row 0 reads input row `rowShift`.
    @inlinable
    func filterRows(_ g: ConvGeometry, rowShift: Int) -> (Int, Int) {
        // 0 <= rowShift + kh * DH < H
        let lo = min(max(filterGradientCeilDiv(-rowShift, g.dilationHeight), 0), g.filterHeight)
        let hi = min(max(filterGradientCeilDiv(g.inputHeight - rowShift, g.dilationHeight), lo), g.filterHeight)
        return (lo, hi)
    }

    /// The slot holding flattened input row `key` (loaded by ``loadInputRows``).
    @inlinable
    func inputRow(_ key: Int) -> UnsafeMutablePointer<S> {
        var s = 0
        while s < slots - 1, keys[s] != key { s += 1 }
        return inputRows + s * rowSize
    }

    /// Makes every input row that output rows `firstRow..<firstRow + rows`
    /// of image `n` read resident, evicting only rows they don't read.
    @inlinable
    func loadInputRows(_ g: ConvGeometry, input: UnsafePointer<S>, n: Int, firstRow: Int, rows: Int) {
        let imageBase = n * g.inputHeight
        @inline(__always) func isRead(_ key: Int) -> Bool {
            let ih = key - imageBase
            for i in 0..<rows {
                let rowShift = (firstRow + i) * g.strideHeight - g.padTop
                let (khLo, khHi) = filterRows(g, rowShift: rowShift)
                var kh = khLo
                while kh < khHi {
                    if rowShift + kh * g.dilationHeight == ih { return true }
                    kh += 1
                }
            }
            return false
        }
        let m = g.depthMultiplier
        let lanes = self.lanes
        let channelStart = lanes.lowerBound / m
        let channelEnd = (lanes.upperBound + m - 1) / m
        for i in 0..<rows {
            let rowShift = (firstRow + i) * g.strideHeight - g.padTop
            let (khLo, khHi) = filterRows(g, rowShift: rowShift)
            guard khLo < khHi else { continue }
            for kh in khLo..<khHi {
                let key = imageBase + rowShift + kh * g.dilationHeight
                var s = 0
                while s < slots, keys[s] != key { s += 1 }
                guard s == slots else { continue }
                // A free slot exists: the group reads at most `slots`
                // distinct rows (``FilterGradientPartition/inputRowSlots``).
                s = 0
                while s < slots - 1, keys[s] >= 0, isRead(keys[s]) { s += 1 }
                keys[s] = key
                expandToMultiplierLanes(
                    input + key * g.inputWidth * g.channels, into: inputRows + s * rowSize,
                    pixels: g.inputWidth, channels: g.channels, channelRange: channelStart..<channelEnd,
                    multiplier: m, pixelStride: pixelStride, ISA.self)
            }
        }
    }

    /// Copies the current lanes of output-gradient row `dy` (`outputWidth`
    /// pixels of `C * M`) to staged row `row`: one sequential read the
    /// hardware prefetches well, where the lane blocks would read it strided.
    @inlinable
    func stageOutputGradient(_ g: ConvGeometry, _ dy: UnsafePointer<S>, row: Int) {
        let lanes = g.outputChannels
        let target = outputGradient + row * g.outputWidth * pixelStride
        let range = self.lanes
        if pixelStride == lanes, range.count == lanes {
            target.update(from: dy, count: g.outputWidth * lanes)
        } else {
            for p in 0..<g.outputWidth {
                (target + p * pixelStride + range.lowerBound)
                    .update(from: dy + p * lanes + range.lowerBound, count: range.count)
            }
        }
    }
}
