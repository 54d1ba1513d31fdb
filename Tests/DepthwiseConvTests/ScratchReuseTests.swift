import DepthwiseConv
import DepthwiseConvKernels
import Testing

/// The kernels' working memory (tap tables, padded rows, filter-gradient
/// workspaces) and the NCHW staging come from ``ScratchPool``: a call of a
/// shape seen before reuses blocks instead of allocating new ones.
///
/// Other tests use the pool concurrently: they may briefly hold a block
/// this one could have reused, and their takes add to the count. So the
/// test asks for one repetition out of ten that allocated nothing, and for
/// the fewest blocks a repetition took to be at least its own.
@Suite(.serialized) struct ScratchReuseTests {
    @Test(arguments: [DataFormat.nhwc, .nchw])
    func repeatedCallsTakeTheirScratchFromThePool(format: DataFormat) throws {
        let (n, h, w, c) = (2, 20, 19, 24)
        let inputShape = format == .nhwc ? [n, h, w, c] : [n, c, h, w]
        let strides = [1, 1, 1, 1]
        var rng = SplitMix64(seed: 11)
        let input = try Tensor<Float>(shape: inputShape, scalars: rng.values(n * h * w * c).map { Float($0) })
        // 5x5: large enough for padded rows (see `paddedRowsPayOff`).
        let filter = try Tensor<Float>(shape: [5, 5, c, 1], scalars: rng.values(25 * c).map { Float($0) })
        let options = DepthwiseConvOptions(threadCount: 1)
        let pool = ScratchPool.shared
        var fewestFresh = Int.max
        var fewestTaken = Int.max
        for _ in 0..<10 {
            let fresh = pool.allocationCount, taken = pool.takeCount
            let output = try depthwiseConv2dNative(
                input: input, filter: filter, strides: strides, padding: .same, dataFormat: format, options: options)
            _ = try depthwiseConv2dNativeBackpropInput(
                inputSizes: inputShape, filter: filter, outBackprop: output, strides: strides, padding: .same,
                dataFormat: format, options: options)
            _ = try depthwiseConv2dNativeBackpropFilter(
                input: input, filterSizes: [5, 5, c, 1], outBackprop: output, strides: strides, padding: .same,
                dataFormat: format, options: options)
            fewestFresh = min(fewestFresh, pool.allocationCount - fresh)
            fewestTaken = min(fewestTaken, pool.takeCount - taken)
        }
        // Forward and input gradient: two tap tables and padded rows each;
        // filter gradient: its column table and a workspace. NCHW adds the
        // staged (transposed) operands and results: six.
        #expect(fewestTaken >= (format == .nhwc ? 8 : 14))
        #expect(fewestFresh == 0)
    }
}
