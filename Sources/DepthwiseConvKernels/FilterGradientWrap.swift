// Lane-skewed filter-gradient passes: aligned loads from an input and an
// output gradient read in place whose pixels all start the same distance
// past a vector boundary, as a Swift array's do (16, 32 or 48 bytes into a
// 64-byte line).
//
// The lane blocks then start `skew` lanes into each pixel, where their
// loads are aligned. The lanes left over, the last `width - skew` and the
// first `skew` of each pixel, form one wrapped block, whose vectors start at
// lane `lanes - width + skew`, also aligned; their lanes past `keep =
// width - skew` are the next pixel's first ones.
// - At unit stride the input and the output gradient advance in lockstep,
//   so those lanes are simply the next column's: a tap's run of columns
//   adds only them one column early and leaves them out of its last column.
// - At other strides each vector is merged from that load and the aligned
//   load one pixel earlier, whose last `skew` lanes are this pixel's first.
// Every lane adds the same products in the same column order as in the
// unskewed blocks, so the bits are theirs.
//
// The wrapped loads reach up to a pixel before and after the ones a row
// reads, so a row that reads the first or last pixel of either operand is
// left to the unskewed blocks.

/// How a filter-gradient pass loads operand vectors; a type parameter, so
/// each kind compiles to its own loop.
@usableFromInline protocol FilterGradientLoading {
    /// Each vector is merged from two loads (see ``FilterGradientWrap``).
    static var merges: Bool { get }
    /// Each vector is one load whose lanes past `keep` belong to the next
    /// column (unit stride only).
    static var lockstep: Bool { get }
}

extension FilterGradientLoading {
    /// The pass sums a wrapped block, whose sums are gathered and scattered.
    @inlinable static var wraps: Bool { merges || lockstep }
}

/// Loads where the vector is.
@usableFromInline enum FilterGradientPlainLoads: FilterGradientLoading {
    @inlinable static var merges: Bool { false }
    @inlinable static var lockstep: Bool { false }
}

/// Merged loads for a wrapped block at any stride.
@usableFromInline enum FilterGradientMergedLoads: FilterGradientLoading {
    @inlinable static var merges: Bool { true }
    @inlinable static var lockstep: Bool { false }
}

/// Single loads for a wrapped block at unit stride.
@usableFromInline enum FilterGradientLockstepLoads: FilterGradientLoading {
    @inlinable static var merges: Bool { false }
    @inlinable static var lockstep: Bool { true }
}

/// The wrapped block's layout: vector lanes `keep...` come from the aligned
/// load `pixel` elements earlier, and the sums are gathered from and
/// scattered to their lanes `pixel` apart the same way.
@usableFromInline
struct FilterGradientWrap<V: FilterGradientLanes> {
    /// Elements per pixel of both operands (`C`, with `M == 1`).
    @usableFromInline let pixel: Int
    /// Vector lanes taken from the load itself (`width - skew`).
    @usableFromInline let keep: Int
    /// Lanes `keep...`.
    @usableFromInline let mask: V.WrapMask
    /// Elements of the sums buffer the wrapped block's sums lie in.
    @usableFromInline let sumCount: Int

    @inlinable
    init(pixel: Int, keep: Int, sumCount: Int) {
        self.pixel = pixel
        self.keep = keep
        self.sumCount = sumCount
        mask = V.laneMask(fromLane: keep)
    }

    /// For plain passes, which never merge.
    @inlinable static var none: Self { Self(pixel: 0, keep: V.laneCount, sumCount: 0) }

    /// Vector `p` merged with the one `pixel` elements before it.
    @inlinable @inline(__always)
    func merged(_ p: UnsafePointer<V.Element>) -> V {
        let own = UnsafeRawPointer(p).loadUnaligned(as: V.self)
        return own.replacingLanes(with: UnsafeRawPointer(p - pixel).loadUnaligned(as: V.self), where: mask)
    }

    /// Whether both vectors a wrapped block's sums at `offset` straddle lie
    /// inside the sums buffer (all but the first and last tap's do).
    @inlinable @inline(__always)
    func vectorsFit(at offset: Int) -> Bool {
        offset >= pixel && offset <= sumCount - V.laneCount
    }

    /// The sums of the wrapped lanes at `offset` in `sums`: lanes past `keep`
    /// lie `pixel` elements back.
    @inlinable @inline(__always)
    func gather(_ sums: UnsafePointer<V.Element>, at offset: Int) -> V {
        vectorsFit(at: offset) ? merged(sums + offset) : gatherLanes(sums + offset)
    }

    /// Stores sums gathered by ``gather(_:at:)`` back to their lanes. Each
    /// vector store writes back the lanes it doesn't own as it read them;
    /// those are other wrapped sums of the same task, never in flight.
    @inlinable @inline(__always)
    func scatter(_ v: V, to sums: UnsafeMutablePointer<V.Element>, at offset: Int) {
        guard vectorsFit(at: offset) else {
            scatterLanes(v, sums + offset)
            return
        }
        let own = UnsafeMutableRawPointer(sums + offset)
        own.storeBytes(of: v.replacingLanes(with: own.loadUnaligned(as: V.self), where: mask), as: V.self)
        let back = UnsafeMutableRawPointer(sums + offset - pixel)
        back.storeBytes(of: back.loadUnaligned(as: V.self).replacingLanes(with: v, where: mask), as: V.self)
    }

    /// ``gather(_:at:)`` element by element, where a vector would overrun.
    @inlinable @inline(never)
    func gatherLanes(_ p: UnsafePointer<V.Element>) -> V {
        var v = V()
        for i in 0..<V.laneCount { v[i] = i < keep ? p[i] : p[i - pixel] }
        return v
    }

    /// ``scatter(_:to:at:)`` element by element.
    @inlinable @inline(never)
    func scatterLanes(_ v: V, _ p: UnsafeMutablePointer<V.Element>) {
        for i in 0..<V.laneCount {
            if i < keep { p[i] = v[i] } else { p[i - pixel] = v[i] }
        }
    }
}

/// The lane skew for filter-gradient blocks of `width` lanes over an input
/// and output gradient of `lanes` elements per pixel, both read in place:
/// the lanes from each pixel's start to the next vector boundary, or 0 when
/// the pixels are already aligned, don't all share one offset, or the two
/// operands' offsets differ.
@inlinable
func filterGradientSkew<S: KernelScalar>(
    input: UnsafePointer<S>, outBackprop: UnsafePointer<S>, lanes: Int, width: Int
) -> Int {
    let stride = MemoryLayout<S>.stride
    let offset = Int(bitPattern: input) % (width * stride)
    guard width > 1, lanes >= width, lanes % width == 0, offset != 0, offset % stride == 0,
        Int(bitPattern: outBackprop) % (width * stride) == offset
    else { return 0 }
    return width - offset / stride
}
