/// The gradient of a depthwise convolution with respect to its filter:
/// TensorFlow's `DepthwiseConv2dNativeBackpropFilter`
/// (`tf.nn.depthwise_conv2d_native_backprop_filter`).
///
/// `result[kh, kw, c, m]` is the sum over `n`, `oh`, `ow` of
/// `input[n, ih, iw, c] * outBackprop[n, oh, ow, c * M + m]` for the input
/// pixels the tap reads. The summation order is fixed, so the result is
/// bit-identical for any thread count; an empty `outBackprop` gives zeros
/// (TensorFlow 2.21 returns uninitialized memory there).
///
/// - Parameters:
///   - input: `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filterSizes: the filter's shape, `[KH, KW, C, M]`.
///   - outBackprop: the output's gradient, `[N, OH, OW, C * M]` or `[N, C * M, OH, OW]`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `input` and `outBackprop`.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Returns: the filter's gradient, shaped `filterSizes`.
/// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` for any inconsistent
///   argument, before anything is allocated.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the threads.
public func depthwiseConv2dNativeBackpropFilter<T: DepthwiseScalar>(
    input: Tensor<T>, filterSizes: [Int], outBackprop: Tensor<T>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
    dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
) throws -> Tensor<T> {
    try requireConsistent(input, "input")
    try requireConsistent(outBackprop, "out_backprop")
    let call = try PreparedCall(
        .backpropFilter, scalar: T.self, inputShape: input.shape, filterShape: filterSizes,
        outBackpropShape: outBackprop.shape, strides: strides, padding: padding, dataFormat: dataFormat,
        dilations: dilations, options: options, allocatesResult: true)
    return call.run(input, outBackprop, resultShape: filterSizes)
}

/// ``depthwiseConv2dNativeBackpropFilter(input:filterSizes:outBackprop:strides:padding:dataFormat:dilations:options:)``
/// over caller-owned memory, without copying: reads `input` and `outBackprop`
/// (row-major, shaped `inputShape` and `outBackpropShape`) and writes every
/// element of `result` (shaped `filterSizes`).
///
/// - Throws: as the `Tensor` version, and if a buffer's count doesn't match
///   its shape or `result` overlaps an input.
public func depthwiseConv2dNativeBackpropFilter<T: DepthwiseScalar>(
    input: UnsafeBufferPointer<T>, inputShape: [Int],
    filterSizes: [Int],
    outBackprop: UnsafeBufferPointer<T>, outBackpropShape: [Int],
    result: UnsafeMutableBufferPointer<T>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
    dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
) throws {
    let call = try PreparedCall(
        .backpropFilter, scalar: T.self, inputShape: inputShape, filterShape: filterSizes,
        outBackpropShape: outBackpropShape, strides: strides, padding: padding, dataFormat: dataFormat,
        dilations: dilations, options: options, allocatesResult: false)
    try call.run(input, "input", outBackprop, "out_backprop", result: result)
}

