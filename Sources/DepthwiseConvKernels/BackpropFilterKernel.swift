/// Gradient of a depthwise convolution with respect to its filter, NHWC:
/// `result[kh, kw, c, m]` is the sum over `n`, `oh`, `ow` (in that order,
/// ascending) of `input[n, ih, iw, c] * outBackprop[n, oh, ow, c * M + m]`
/// for the input pixels `(ih, iw)` the tap reads.
///
/// Work is split over (tap, block of lanes); each result element is owned by
/// one task and summed in the same order whatever the thread count, so the
/// result does not depend on it. Every element is written, so an empty batch
/// or output gives zeros.
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
    let lanes = g.outputChannels
    let taps = g.filterHeight * g.filterWidth
    guard taps > 0, lanes > 0 else { return }
    let m = g.depthMultiplier
    // Blocks are whole channels (all M lanes of a channel stay together).
    let channelsPerBlock = max(1, 256 / m)
    let blocks = (g.channels + channelsPerBlock - 1) / channelsPerBlock
    parallelFor(taps * blocks, threads: threads) { taskRange in
        for task in taskRange {
            let tap = task / blocks
            let block = task - tap * blocks
            let kh = tap / g.filterWidth
            let kw = tap - kh * g.filterWidth
            let c0 = block * channelsPerBlock
            let blockChannels = min(channelsPerBlock, g.channels - c0)
            let acc = result + tap * lanes + c0 * m
            acc.update(repeating: 0, count: blockChannels * m)
            for n in 0..<g.batch {
                for oh in 0..<g.outputHeight {
                    let ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight
                    guard ih >= 0, ih < g.inputHeight else { continue }
                    for ow in 0..<g.outputWidth {
                        let iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth
                        guard iw >= 0, iw < g.inputWidth else { continue }
                        let x = input + ((n * g.inputHeight + ih) * g.inputWidth + iw) * g.channels + c0
                        let dy = outBackprop + ((n * g.outputHeight + oh) * g.outputWidth + ow) * lanes + c0 * m
                        if m == 1 {
                            multiplyAccumulate(acc, x, dy, count: blockChannels)
                        } else {
                            broadcastMultiplyAccumulate(acc, x: x, w: dy, channels: blockChannels, multiplier: m)
                        }
                    }
                }
            }
        }
    }
}
