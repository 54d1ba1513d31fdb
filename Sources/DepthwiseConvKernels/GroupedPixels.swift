// Channel counts narrower than a vector (C = 1 to 7 in Float): a row's
// result pixels go in groups of `group` adjacent pixels, whose `group * C`
// lanes fill whole 64-byte vectors.
//
// At unit column stride, adjacent result pixels read adjacent operand
// pixels, so a group's operand for one tap is `group * C` contiguous
// elements, the group's result too, and the filter vector is the tap's `C`
// values repeated `group` times. Every lane of a group is still one pixel's
// channel summed over its own taps in tap order: the bits are the ones the
// per-pixel kernels give. Rows are staged zero-padded (`PaddedRows`) so
// every pixel has every tap.

/// Pixels per group for `channels`-lane pixels of `S`: the fewest whose
/// lanes fill whole 64-byte vectors, or `nil` when a pixel fills half a
/// 32-byte vector or more (whole and narrower vectors serve it directly).
@inlinable
func pixelGroup<S: KernelScalar>(channels: Int, _: S.Type) -> Int? {
    let width = 64 / MemoryLayout<S>.stride
    guard channels > 0, channels * MemoryLayout<S>.stride < 32 else { return nil }
    var group = 1
    while group * channels % width != 0 { group += 1 }
    return group
}

/// `filter` (`taps` taps of `channels` values) with each tap's values
/// repeated `group` times, on a 64-byte boundary in ``ScratchPool`` scratch:
/// tap `t`'s `group * channels` lanes start at `base + t * group * channels`.
@usableFromInline
struct GroupedFilter<S: KernelScalar> {
    @usableFromInline let base: UnsafePointer<S>
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)

    @inlinable
    init(_ filter: UnsafePointer<S>, taps: Int, channels: Int, group: Int) {
        let lanes = group * channels
        block = ScratchPool.shared.take(bytes: max(1, taps * lanes) * MemoryLayout<S>.stride)
        let copy = ScratchPool.bind(block, at: 0, to: S.self, count: max(1, taps * lanes))
        for t in 0..<taps {
            for p in 0..<group {
                (copy + t * lanes + p * channels).initialize(from: filter + t * channels, count: channels)
            }
        }
        base = UnsafePointer(copy)
    }

    /// Gives the storage back to the pool.
    @inlinable
    func deallocate() {
        ScratchPool.shared.give(block)
    }
}

/// One result row of `pixels` pixels of `channels` lanes, in groups of
/// `group` pixels: `taps[0..<count]` are result pixel 0's taps with their
/// first offsets into the ``GroupedFilter`` (tap stride `group * channels`)
/// and their second offsets into `source`, where the next pixel's operand is
/// `channels` elements further. Groups go in blocks of `blockPixels` (8 or
/// 4) groups, then one by one; the last `pixels % group` pixels go in a
/// group that overlaps the one before (its pixels get the same bits again).
///
/// - Precondition: `pixels >= group`; `runs` has room for `count` runs.
@inlinable
func sumGroupedPixelRow<S: KernelScalar, ISA: InstructionSetTag>(
    taps: UnsafePointer<TapOffsets>, count: Int, runs: UnsafeMutablePointer<TapRun>, filter: UnsafePointer<S>,
    _ source: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, pixels: Int, channels: Int, group: Int,
    blockPixels: Int, isa: ISA.Type
) {
    let lanes = group * channels
    let runCount = splitIntoTapRuns(taps, count: count, pixelStride: lanes, into: runs)
    let runShape = uniformRunShape(runs, runCount: runCount)
    let groups = pixels / group
    var done = 0
    while done < groups {
        let (size, back) = nextBlock(remaining: groups - done, behind: done, blockPixels: blockPixels)
        let start = (done - back) * lanes
        if size > 0 {
            sumTapProductsBlock(
                pixels: size, taps: taps, count: count, runs: runs, runCount: runCount, runShape: runShape, filter,
                source + start, pixelStride: lanes, into: out + start, outPixelStride: lanes, lanes: lanes,
                isa: ISA.self)
            done += size - back
        } else {
            sumTapProducts(taps, count: count, filter, source + start, into: out + start, lanes: lanes)
            done += 1
        }
    }
    if pixels % group != 0 {
        let start = (pixels - group) * channels
        sumTapProducts(taps, count: count, filter, source + start, into: out + start, lanes: lanes)
    }
}
