/// Depthwise convolution, NHWC: `output[n, oh, ow, c * M + m]` is the sum over
/// the taps `(kh, kw)` that fall inside the input of
/// `input[n, ih, iw, c] * filter[kh, kw, c, m]`, in a fixed tap order.
///
/// Work is split over output rows; every output element is written once, by
/// one thread, so results are identical for any thread count.
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
    guard rows > 0, g.outputWidth > 0, lanes > 0 else { return }
    parallelFor(rows, threads: threads) { rowRange in
        for row in rowRange {
            let n = row / g.outputHeight
            let oh = row - n * g.outputHeight
            for ow in 0..<g.outputWidth {
                let acc = output + (row * g.outputWidth + ow) * lanes
                acc.update(repeating: 0, count: lanes)
                for kh in 0..<g.filterHeight {
                    let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                    guard ih >= 0, ih < g.inputHeight else { continue }
                    for kw in 0..<g.filterWidth {
                        let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                        guard iw >= 0, iw < g.inputWidth else { continue }
                        let x = input + ((n * g.inputHeight + ih) * g.inputWidth + iw) * g.channels
                        let w = filter + (kh * g.filterWidth + kw) * lanes
                        if g.depthMultiplier == 1 {
                            multiplyAccumulate(acc, x, w, count: lanes)
                        } else {
                            broadcastMultiplyAccumulate(
                                acc, x: x, w: w, channels: g.channels, multiplier: g.depthMultiplier)
                        }
                    }
                }
            }
        }
    }
}
