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
/// ```swift
/// let dw = try depthwiseConv2dNativeBackpropFilter(
///     input: x, filterSizes: [3, 3, 32, 1], outBackprop: dy,   // x [1, 112, 112, 32], dy [1, 56, 56, 32]
///     strides: [1, 2, 2, 1], padding: .same)
/// // dw.shape == [3, 3, 32, 1]
/// ```
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
///   argument (checked in TensorFlow's order, before anything is allocated),
///   for a tensor whose `scalars` don't match its `shape`, for invalid
///   `options`, or when the result and scratch would exceed
///   ``DepthwiseConvOptions/memoryLimit``;
///   ``DepthwiseConvError/unimplemented(_:)`` for a scalar type other than
///   the four supported ones.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the
///   threads; O(KH · KW · C · M) memory for the result, plus a staged copy of
///   each operand and of the result for `Float16`, ``BFloat16`` and NCHW
///   activations.
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
/// The buffers are only accessed during the call. Nothing is written to
/// `result` if the call throws.
///
/// - Parameters:
///   - input: the input's elements, `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - inputShape: the input's shape, 4 values in data-format order.
///   - filterSizes: the filter's shape, `[KH, KW, C, M]`.
///   - outBackprop: the output gradient's elements, `[N, OH, OW, C * M]` or `[N, C * M, OH, OW]`.
///   - outBackpropShape: the output gradient's shape, 4 values in data-format order.
///   - result: receives the filter's gradient, shaped `filterSizes`; its
///     count must be exactly that shape's element count, and it must not
///     overlap `input` or `outBackprop`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `input` and `outBackprop`.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Throws: as the `Tensor` version, and
///   ``DepthwiseConvError/invalidArgument(_:)`` if a buffer's count doesn't
///   match its shape or `result` overlaps an input. The memory limit counts
///   only the scratch here, since the caller owns the result.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the
///   threads; no staging copies for `Float` or `Double` in NHWC.
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

