/// Gradient of a depthwise convolution with respect to its input, NHWC.
///
/// Gather formulation: every input-gradient pixel is computed once, by one
/// thread, as the sum over the filter taps that saw it during the forward
/// pass, in a fixed tap order (`kh`, then `kw`, ascending). Results are
/// therefore identical for any thread count.
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
    filter: UnsafePointer<S>,
    outBackprop: UnsafePointer<S>,
    result: UnsafeMutablePointer<S>,
    threads: Int,
    isa: ISA.Type
) {
    let rows = g.batch * g.inputHeight
    let pixelsPerRow = g.inputWidth
    let channels = g.channels
    let lanes = g.outputChannels
    guard rows > 0, pixelsPerRow > 0, channels > 0 else { return }
    if lanes == 0 {
        result.update(repeating: 0, count: g.inputCount)
        return
    }
    parallelFor(rows, threads: threads) { rowRange in
        withUnsafeTemporaryAllocation(of: S.self, capacity: g.depthMultiplier == 1 ? 0 : lanes) { scratch in
            for row in rowRange {
                let n = row / g.inputHeight
                let ih = row - n * g.inputHeight
                for iw in 0..<pixelsPerRow {
                    let out = result + (row * pixelsPerRow + iw) * channels
                    let acc = g.depthMultiplier == 1 ? out : scratch.baseAddress!
                    acc.update(repeating: 0, count: lanes)
                    backpropInputAccumulatePixel(
                        g, n: n, ih: ih, iw: iw, filter: filter, outBackprop: outBackprop, acc: acc)
                    if g.depthMultiplier != 1 {
                        reduceDepthMultiplierGroups(acc, into: out, channels: channels, multiplier: g.depthMultiplier)
                    }
                }
            }
        }
    }
}

/// Adds, for one input pixel, `filter[kh, kw, :] * outBackprop[n, oh, ow, :]`
/// over every tap `(kh, kw)` whose output position `(oh, ow)` exists, into
/// the `C * M` lanes at `acc`.
@inlinable @inline(__always)
func backpropInputAccumulatePixel<S: KernelScalar>(
    _ g: ConvGeometry, n: Int, ih: Int, iw: Int,
    filter: UnsafePointer<S>, outBackprop: UnsafePointer<S>, acc: UnsafeMutablePointer<S>
) {
    let lanes = g.outputChannels
    for kh in 0..<g.filterHeight {
        let t = ih + g.padTop - kh * g.dilationHeight
        guard t >= 0, t % g.strideHeight == 0 else { continue }
        let oh = t / g.strideHeight
        guard oh < g.outputHeight else { continue }
        for kw in 0..<g.filterWidth {
            let u = iw + g.padLeft - kw * g.dilationWidth
            guard u >= 0, u % g.strideWidth == 0 else { continue }
            let ow = u / g.strideWidth
            guard ow < g.outputWidth else { continue }
            let w = filter + (kh * g.filterWidth + kw) * lanes
            let dy = outBackprop + ((n * g.outputHeight + oh) * g.outputWidth + ow) * lanes
            multiplyAccumulate(acc, w, dy, count: lanes)
        }
    }
}
