/// Rows of a tensor copied into 64-byte-aligned task scratch with zero
/// pixels on both sides, so that every result pixel of a row can go through
/// the multi-pixel kernels: border pixels read zeros where the tensor has no
/// pixel, instead of needing tap lists of their own.
///
/// Reading a zero instead of skipping a tap gives the same bits when the
/// other factor is finite: the product is a zero, adding a zero leaves a
/// nonzero sum unchanged, and a zero sum stays `+0` (sums start at `+0`,
/// and `+0 + -0 == +0`). So a kernel uses padded rows only when every filter
/// value is finite (see ``allFinite(_:count:)``). The copy also puts every
/// row on a cache-line boundary, where Swift arrays are 32 or 48 bytes off.
///
/// Each slot holds one row, identified by a key (its global row index);
/// rows are loaded once and kept while the task's next rows still read them.
@usableFromInline
struct PaddedRows<S: KernelScalar> {
    /// Slot `s` starts at `base + s * rowStride`; its pixel `leftPad` is the
    /// row's first real pixel.
    @usableFromInline let base: UnsafeMutablePointer<S>
    @usableFromInline let rowStride: Int
    @usableFromInline let slots: Int
    @usableFromInline let leftPad: Int
    /// Elements from one pixel to the next: its lanes, or one line more where
    /// that spreads a block's reads over the L1 cache's sets (see
    /// ``setSpreadingPixelStride(_:elements:period:)``).
    @usableFromInline let pixelStride: Int
    /// The key of the row each slot holds (`-1`: none).
    @usableFromInline let keys: UnsafeMutablePointer<Int>
    /// The ``ScratchPool`` block holding the slots and keys.
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)

    /// Elements from one pixel of `lanes` lanes to the next: `lanes`, plus
    /// one line where pixels would crowd the L1 sets
    /// (``paddedRowsCrowdingPeriod``).
    @inlinable
    static func pixelStride(lanes: Int) -> Int {
        setSpreadingPixelStride(S.self, elements: lanes, period: paddedRowsCrowdingPeriod)
    }

    /// Elements of one slot for rows of `paddedPixels` pixels `pixelStride`
    /// elements apart, rounded up to whole 64-byte lines, or `nil` when that
    /// overflows.
    @inlinable
    static func slotElements(paddedPixels: Int, pixelStride: Int) -> Int? {
        let line = max(1, 64 / MemoryLayout<S>.stride)
        let (elements, overflow) = paddedPixels.multipliedReportingOverflow(by: pixelStride)
        guard !overflow, elements <= Int.max - line else { return nil }
        return (elements + line - 1) / line * line
    }

    /// Allocates `slots` slots for rows of `pixels` pixels `pixelStride`
    /// elements apart and zeroes their padding
    /// (``assign(_:count:offsets:fill:)`` writes the rest).
    @inlinable
    init(slots: Int, slotElements: Int, leftPad: Int, pixels: Int, pixelStride: Int) {
        self.slots = slots
        self.rowStride = slotElements
        self.leftPad = leftPad
        self.pixelStride = pixelStride
        let count = max(1, slots * slotElements)
        var layout = ScratchLayout()
        let baseAt = layout.reserve(S.self, count: count)
        let keysAt = layout.reserve(Int.self, count: slots)
        block = ScratchPool.shared.take(bytes: layout.bytes)
        base = ScratchPool.bind(block, at: baseAt, to: S.self, count: count)
        keys = ScratchPool.bind(block, at: keysAt, to: Int.self, count: slots)
        let end = (leftPad + pixels) * pixelStride
        for s in 0..<slots {
            let slot = base + s * slotElements
            slot.initialize(repeating: 0, count: leftPad * pixelStride)
            (slot + end).initialize(repeating: 0, count: slotElements - end)
        }
        keys.initialize(repeating: -1, count: max(1, slots))
    }

    /// Gives the storage back to the pool.
    @inlinable
    func deallocate() {
        ScratchPool.shared.give(block)
    }

    /// Makes the `count` distinct rows `wanted[0..<count]` resident and
    /// writes each one's offset from ``base`` (of its padded pixel 0) to
    /// `offsets`. A missing row goes to a slot no wanted row holds; `fill`
    /// writes its real pixels (`key`, destination of the first real pixel;
    /// pixels ``pixelStride`` apart).
    ///
    /// - Precondition: `count <= slots`.
    @inlinable @inline(__always)
    func assign(
        _ wanted: UnsafePointer<Int>, count: Int, offsets: UnsafeMutablePointer<Int>,
        fill: (Int, UnsafeMutablePointer<S>) -> Void
    ) {
        // `offsets` first holds slot numbers (-1: not resident yet).
        for r in 0..<count {
            offsets[r] = -1
            for s in 0..<slots where keys[s] == wanted[r] { offsets[r] = s }
        }
        for r in 0..<count where offsets[r] < 0 {
            var free = 0
            while (0..<count).contains(where: { offsets[$0] == free }) { free += 1 }
            keys[free] = wanted[r]
            fill(wanted[r], base + free * rowStride + leftPad * pixelStride)
            offsets[r] = free
        }
        for r in 0..<count { offsets[r] *= rowStride }
    }
}

/// Whether `values[0..<count]` are all finite (no infinity, no NaN).
@inlinable
func allFinite<S: KernelScalar>(_ values: UnsafePointer<S>, count: Int) -> Bool {
    var finite = true
    for i in 0..<count { finite = finite && values[i].isFinite }
    return finite
}

/// Whether a kernel whose result rows are `resultRowPixels` wide should
/// stage padded rows of `operand` (pixels of `lanes` elements, each element
/// read `operandReads` times) for `filter` (`filterCount` values).
///
/// The copy costs a pass over the operand; reading in place costs the few
/// border pixels of each row, whose taps differ from their neighbours' and
/// go one by one. Padding pays when a result pixel has at least 16 taps
/// (per stride phase: 4x4 and up at stride 1); when operand and result
/// together outgrow ``inPlaceFootprintLimit``, where the copy's streaming
/// reads fetch rows from memory much faster than the kernel's own; or when
/// the operand's vectors would straddle cache lines and each element is read
/// at least 4 times: its pixels all start at the same offset within a
/// 64-byte line (whole lines per pixel), and that offset isn't 0, as for most
/// Swift arrays, unless the kernel reads it in `skewed` blocks (aligned loads
/// without a copy, see ``laneSkew(_:lanes:filterTaps:_:)``), or, skewed
/// or not, when its pixels crowd the L1 cache's sets (padded rows space them
/// out, see ``paddedRowsCrowdingPeriod``; aligned, small ones such as
/// 1x7x7x1024 ran 12 % faster in place). Rows narrower than a block of 4
/// gain nothing but the copy; rows of 4 to 7 pixels go in
/// two overlapping blocks of 4 (8x7x7x1152 5x5 forward, one thread: 0.55 ms
/// in place, one pixel at a time; 0.29 padded).
///
/// Single thread, AVX-512, 1x56x56x144 3x3 forward: 0.082 ms in place when
/// aligned, 0.106 ms in place 32 bytes off, 0.097 ms staged. Aligned, 3x3
/// layers ran 4-23 % faster in place and 5x5 at stride 2 7-17 %; 5x5 and
/// 7x7 at stride 1 ran 10-37 % faster padded when a row has few pixels or
/// lanes. Off a line, the forward 3x3 at stride 2 (2 reads per element)
/// still ran 1.2x faster in place, and its input gradient (9 reads) 1.05-1.1x
/// faster padded. Forward 8x56x56x144 (29 MB in all): 1.44 ms in place, 1.08
/// padded; 4x112x112x96 at stride 2 (24 MB): 1.73 against 0.80.
@inlinable
func paddedRowsPayOff<S: KernelScalar>(
    _ g: ConvGeometry, resultRowPixels: Int, operand: UnsafePointer<S>, lanes: Int, operandReads: Int,
    skewed: Bool, filter: UnsafePointer<S>, filterCount: Int
) -> Bool {
    let line = 64
    let offLine = Int(bitPattern: operand) % line != 0
    let straddles = !skewed && (lanes &* MemoryLayout<S>.stride) % line == 0 && offLine
    let (elements, overflow) = g.inputCount.addingReportingOverflow(g.outputCount)
    let large = overflow || elements > inPlaceFootprintLimit / MemoryLayout<S>.stride
    let crowded = offLine && pixelsCrowdSets(S.self, elements: lanes, period: paddedRowsCrowdingPeriod)
    return resultRowPixels >= 4
        && (g.readsPerInputElement >= 16 || large || (operandReads >= 4 && (straddles || crowded)))
        && allFinite(filter, count: filterCount)
}

/// Bytes of input and output together up to which the forward and
/// input-gradient kernels may read their operand in place: half the 32 MB
/// last-level cache of the machines measured, where the operand is still
/// cached from the call before (as in a training loop's layers, or a
/// benchmark's repetitions). Up to 14 MB (4x56x56x144) reading in place ran
/// 5-12 % faster; from 18 MB on the copy did.
@inlinable
var inPlaceFootprintLimit: Int { 16 << 20 }

/// Scratch bytes one task may spend on padded rows; beyond that (huge rows,
/// paddings or dilations) the kernels read the tensor in place.
@inlinable
var paddedRowsByteLimit: Int { 4 << 20 }

/// Zero pixels before and after a row of `outputSize` gradient pixels such
/// that every input position's taps (with the right stride phase) land in
/// the padded row, for the input gradient; `nil` if that overflows.
@inlinable
func backwardColumnPadding(
    inputSize: Int, outputSize: Int, filterSize: Int, stride: Int, dilation: Int, padBefore: Int
) -> (left: Int, right: Int)? {
    // Lowest read: input 0 through the last tap; highest: the last input
    // through tap 0 (`t = i + padBefore - k * dilation`, position `t / stride`).
    let (reach, o1) = max(filterSize - 1, 0).multipliedReportingOverflow(by: dilation)
    let (lowest, o2) = padBefore.subtractingReportingOverflow(reach)
    let (highest, o3) = (inputSize - 1).addingReportingOverflow(padBefore)
    guard !o1, !o2, !o3, lowest > Int.min else { return nil }
    let left = lowest >= 0 ? 0 : (-lowest) / stride + ((-lowest) % stride == 0 ? 0 : 1)
    let right = max(0, highest / stride - (outputSize - 1))
    return (left, right)
}

/// Zero pixels before and after a row of `inputSize` input pixels such that
/// every output position's taps land in the padded row, for the forward
/// pass; `nil` if that overflows.
@inlinable
func forwardColumnPadding(
    inputSize: Int, outputSize: Int, filterSize: Int, stride: Int, dilation: Int, padBefore: Int
) -> (left: Int, right: Int)? {
    // Highest read: the last output through the last tap.
    let (span, o1) = max(outputSize - 1, 0).multipliedReportingOverflow(by: stride)
    let (reach, o2) = max(filterSize - 1, 0).multipliedReportingOverflow(by: dilation)
    let (end, o3) = span.addingReportingOverflow(reach)
    guard !o1, !o2, !o3 else { return nil }
    let (highest, o4) = end.subtractingReportingOverflow(padBefore)
    guard !o4 else { return nil }
    return (padBefore, max(0, highest - (inputSize - 1)))
}

/// The slot size, padding and pixel stride (see
/// ``setSpreadingPixelStride(_:elements:period:)``) for padded rows of `pixels`
/// pixels with `pad` zero pixels around them, `slots` per task, or `nil`
/// when they would exceed ``paddedRowsByteLimit``.
@inlinable
func paddedRowLayout<S: KernelScalar>(
    _: S.Type, pixels: Int, pad: (left: Int, right: Int)?, lanes: Int, slots: Int
) -> PaddedRowLayout? {
    guard let pad, slots > 0 else { return nil }
    let (partial, o1) = pixels.addingReportingOverflow(pad.left)
    let (padded, o2) = partial.addingReportingOverflow(pad.right)
    let pixelStride = PaddedRows<S>.pixelStride(lanes: lanes)
    guard !o1, !o2, let elements = PaddedRows<S>.slotElements(paddedPixels: padded, pixelStride: pixelStride)
    else { return nil }
    let (bytes, o3) = elements.multipliedReportingOverflow(by: slots * MemoryLayout<S>.stride)
    guard !o3, bytes <= paddedRowsByteLimit else { return nil }
    return PaddedRowLayout(slotElements: elements, leftPad: pad.left, paddedPixels: padded, pixelStride: pixelStride)
}

/// The shape of a task's ``PaddedRows``.
@usableFromInline
struct PaddedRowLayout {
    /// Elements per slot (row).
    @usableFromInline var slotElements: Int
    /// Zero pixels before a row's first real pixel.
    @usableFromInline var leftPad: Int
    /// Pixels per slot, zero ones included.
    @usableFromInline var paddedPixels: Int
    /// Elements from one pixel to the next.
    @usableFromInline var pixelStride: Int

    @inlinable
    init(slotElements: Int, leftPad: Int, paddedPixels: Int, pixelStride: Int) {
        self.slotElements = slotElements
        self.leftPad = leftPad
        self.paddedPixels = paddedPixels
        self.pixelStride = pixelStride
    }
}
