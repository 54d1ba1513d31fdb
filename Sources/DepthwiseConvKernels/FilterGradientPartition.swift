/// How the filter-gradient kernel splits its work, and the small helper types
/// its inner loops are generic over.
///
/// The `(n, oh)` output rows (flattened to `n * outputHeight + oh`) are cut
/// into `chunks` contiguous ranges. The cut depends on the geometry only,
/// never on the thread count: each chunk's partial sums are computed from
/// zero and the partials are then added in chunk order, so every result
/// element has the same summation order whatever the threads.
@usableFromInline
struct FilterGradientPartition {
    /// Output rows in all: `batch * outputHeight`.
    @usableFromInline let rows: Int
    /// Row chunks, each with its own partial sums.
    @usableFromInline let chunks: Int
    /// Multiply-adds in all (saturating).
    @usableFromInline let work: Int
    /// Output rows a task stages and runs together (performance only: the
    /// summation order doesn't depend on it).
    @usableFromInline let rowsPerGroup: Int

    /// At most this many chunks: enough to balance many threads, few enough
    /// that re-reading the filter-height overlap at chunk edges and adding
    /// the partials stay cheap.
    @inlinable static var maxChunks: Int { 16 }
    /// A chunk does at least this many multiply-adds (below, one chunk).
    @inlinable static var minChunkWork: Int { 1 << 16 }
    /// A chunk covers at least this many output pixels, which bounds the cost
    /// of adding its partials (one add per filter element) by a small
    /// fraction of its multiply-adds.
    @inlinable static var minChunkPixels: Int { 64 }
    /// Bytes of one lane block's column of the input rows a row group reads
    /// that should stay in the first-level cache.
    @inlinable static var groupCacheBytes: Int { 32 * 1024 }
    /// At most this many output rows per group: a 14x14 image is one group,
    /// so its rows with the same taps share one pass (32x14x14x256, one
    /// thread: 0.456 ms with 8, 0.429 with 16).
    @inlinable static var maxRowsPerGroup: Int { 16 }

    @inlinable
    init(_ g: ConvGeometry) {
        rows = g.batch * g.outputHeight
        let pixels = rows * g.outputWidth
        let (perPixel, overflow1) = g.outputChannels.multipliedReportingOverflow(by: g.filterHeight * g.filterWidth)
        let (total, overflow2) = pixels.multipliedReportingOverflow(by: perPixel)
        work = overflow1 || overflow2 ? Int.max : total
        chunks = max(1, min(Self.maxChunks, rows, work / Self.minChunkWork, pixels / Self.minChunkPixels))
        // (Overflow-checked: an empty tensor may have a huge width.)
        let (stripBytes, wide) = max(1, g.inputWidth).multipliedReportingOverflow(by: 64)
        var r = 1
        while !wide, r < Self.maxRowsPerGroup {
            let slots = Self.inputRowSlots(g, rowsPerGroup: r + 1)
            let (bytes, overflow) = slots.multipliedReportingOverflow(by: stripBytes)
            guard !overflow, bytes <= Self.groupCacheBytes else { break }
            r += 1
        }
        rowsPerGroup = r
    }

    /// The rows of chunk `i`: `[rows * i / chunks, rows * (i + 1) / chunks)`.
    @inlinable
    func rowRange(_ i: Int) -> Range<Int> {
        (rows * i / chunks)..<(rows * (i + 1) / chunks)
    }

    /// The most distinct input rows `rowsPerGroup` consecutive output rows of
    /// one image read: each reads at most `KH`, and together they span at
    /// most `(rowsPerGroup - 1) * SH + (KH - 1) * DH + 1` rows.
    @inlinable
    static func inputRowSlots(_ g: ConvGeometry, rowsPerGroup r: Int) -> Int {
        let kh = max(1, g.filterHeight)
        // The span, unless it overflows (huge strides): then r * kh bounds it.
        let (strided, o1) = (r - 1).multipliedReportingOverflow(by: g.strideHeight)
        let (dilated, o2) = max(kh - 1, 0).multipliedReportingOverflow(by: g.dilationHeight)
        let (span, o3) = strided.addingReportingOverflow(dilated &+ 1)
        return max(1, o1 || o2 || o3 ? r * kh : min(r * kh, span))
    }
}

/// One filter tap as seen from one output row: where its input pixels start,
/// where its sums go, and which output columns it reads inside the input.
@usableFromInline
struct FilterGradientTap<S> {
    /// The staged input element of lane 0 that output column `lo` reads.
    @usableFromInline var x: UnsafePointer<S>
    /// Offset of the tap's `lanes` sums in the partial buffer.
    @usableFromInline var acc: Int
    /// Output columns `lo..<hi` read inside the input (`lo == hi`: none).
    @usableFromInline var lo: Int
    @usableFromInline var hi: Int

    @inlinable
    init(x: UnsafePointer<S>, acc: Int, lo: Int, hi: Int) {
        self.x = x
        self.acc = acc
        self.lo = lo
        self.hi = hi
    }
}

/// A group of lanes the inner loop works on: a SIMD vector or one scalar.
/// Each lane is summed on its own, so the width never changes a result.
@usableFromInline
protocol FilterGradientLanes {
    associatedtype Element: KernelScalar
    static var laneCount: Int { get }
    init()
    static func + (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    subscript(index: Int) -> Element { get set }
    /// Which lanes a wrapped block takes from its second load (see
    /// ``FilterGradientWrap``).
    associatedtype WrapMask
    /// Lanes `first...`.
    static func laneMask(fromLane first: Int) -> WrapMask
    /// `self` with the lanes of `mask` taken from `other`.
    func replacingLanes(with other: Self, where mask: WrapMask) -> Self
}

extension SIMD16: FilterGradientLanes where Scalar: KernelScalar {
    @usableFromInline typealias Element = Scalar
    @inlinable static var laneCount: Int { 16 }
}

extension SIMD8: FilterGradientLanes where Scalar: KernelScalar {
    @usableFromInline typealias Element = Scalar
    @inlinable static var laneCount: Int { 8 }
}

extension SIMD4: FilterGradientLanes where Scalar: KernelScalar {
    @usableFromInline typealias Element = Scalar
    @inlinable static var laneCount: Int { 4 }
}

extension SIMD2: FilterGradientLanes where Scalar: KernelScalar {
    @usableFromInline typealias Element = Scalar
    @inlinable static var laneCount: Int { 2 }
}

/// One lane on its own: the tail of a row whose lane count isn't a multiple
/// of the narrowest vector.
@usableFromInline
struct FilterGradientScalarLane<Element: KernelScalar>: FilterGradientLanes {
    @usableFromInline var value: Element
    @inlinable static var laneCount: Int { 1 }
    @inlinable init() { value = 0 }
    @inlinable init(_ value: Element) { self.value = value }
    @inlinable static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.value + rhs.value) }
    @inlinable static func * (lhs: Self, rhs: Self) -> Self { Self(lhs.value * rhs.value) }
    @inlinable subscript(index: Int) -> Element {
        get { value }
        set { value = newValue }
    }
    // A single lane is never wrapped.
    @inlinable static func laneMask(fromLane first: Int) -> Bool { false }
    @inlinable func replacingLanes(with other: Self, where mask: Bool) -> Self { mask ? other : self }
}

/// A tap count known at compile time once the inner loop is specialized, so
/// its accumulators live in registers.
@usableFromInline protocol FilterGradientTapCount { static var value: Int { get } }
@usableFromInline enum FilterGradientTaps1: FilterGradientTapCount { @inlinable static var value: Int { 1 } }
@usableFromInline enum FilterGradientTaps2: FilterGradientTapCount { @inlinable static var value: Int { 2 } }
@usableFromInline enum FilterGradientTaps3: FilterGradientTapCount { @inlinable static var value: Int { 3 } }
@usableFromInline enum FilterGradientTaps4: FilterGradientTapCount { @inlinable static var value: Int { 4 } }
@usableFromInline enum FilterGradientTaps5: FilterGradientTapCount { @inlinable static var value: Int { 5 } }
@usableFromInline enum FilterGradientTaps6: FilterGradientTapCount { @inlinable static var value: Int { 6 } }
@usableFromInline enum FilterGradientTaps7: FilterGradientTapCount { @inlinable static var value: Int { 7 } }
@usableFromInline enum FilterGradientTaps8: FilterGradientTapCount { @inlinable static var value: Int { 8 } }
@usableFromInline enum FilterGradientTaps9: FilterGradientTapCount { @inlinable static var value: Int { 9 } }

/// Whether a filter-gradient pass sums one output row or several; a type
/// parameter, so that each compiles to its own loop.
@usableFromInline protocol FilterGradientRowMode { static var multiple: Bool { get } }

/// One row per pass.
@usableFromInline enum FilterGradientSingleRow: FilterGradientRowMode {
    @inlinable static var multiple: Bool { false }
}

/// Several rows with the same taps per pass, the sums kept in registers.
@usableFromInline enum FilterGradientRows: FilterGradientRowMode {
    @inlinable static var multiple: Bool { true }
}
