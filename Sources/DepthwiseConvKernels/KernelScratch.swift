/// Bytes of working memory the kernels allocate during one call beyond the
/// operands, the result and the tap tables, so that the caller can check a
/// memory limit before running them; `nil` when the figure overflows.
///
/// Not counted: zero-padded row copies capped at ``paddedRowsByteLimit``
/// per task, and small per-task lists (tap offsets, runs).
///
/// - forward with `M > 1`: one task per thread, each holding up to `KH`
///   input rows widened to `C * M` lanes;
/// - filter gradient: the partial sums of every chunk but the first, and one
///   workspace per thread (staged input and output-gradient rows).
@inlinable
public func kernelScratchBytes(
    forward: Bool, backpropFilter: Bool, _ g: ConvGeometry, threads: Int, scalarBytes: Int
) -> Int? {
    let line = max(1, 64 / scalarBytes)
    func product(_ factors: Int...) -> Int? {
        var total = 1
        for factor in factors {
            let (next, overflow) = total.multipliedReportingOverflow(by: max(factor, 0))
            if overflow { return nil }
            total = next
        }
        return total
    }
    func roundedToLine(_ count: Int?) -> Int? {
        guard let count, count <= Int.max - line else { return nil }
        return (count + line - 1) / line * line
    }
    let tasks = max(1, threads)
    if forward {
        guard g.depthMultiplier > 1, g.batch > 0, g.outputHeight > 0, g.outputWidth > 0, g.channels > 0
        else { return 0 }
        let slots = min(g.filterHeight, g.inputHeight)
        guard let row = roundedToLine(product(g.inputWidth, g.outputChannels)) else { return nil }
        return product(min(tasks, g.batch * g.outputHeight), slots, row, scalarBytes)
    }
    // The filter gradient of an empty output gradient is zeros: no scratch.
    guard backpropFilter, g.batch > 0, g.outputHeight > 0, g.outputWidth > 0 else { return 0 }
    let count = product(g.filterHeight, g.filterWidth, g.outputChannels)
    guard let count, count > 0 else { return count == nil ? nil : 0 }
    let part = FilterGradientPartition(g)
    guard part.rows > 0, g.outputWidth > 0 else { return 0 }
    guard let partials = product(part.chunks - 1, count, scalarBytes),
        let pixel = roundedToLine(g.outputChannels),
        let inputRows = product(FilterGradientPartition.inputRowSlots(g, rowsPerGroup: part.rowsPerGroup),
                                g.inputWidth, pixel),
        let outputRows = product(part.rowsPerGroup, g.outputWidth, pixel)
    else { return nil }
    let (elements, o1) = inputRows.addingReportingOverflow(outputRows)
    guard !o1, let workspaces = product(min(tasks, part.rows), elements, scalarBytes) else { return nil }
    let (total, o2) = partials.addingReportingOverflow(workspaces)
    return o2 ? nil : total
}
