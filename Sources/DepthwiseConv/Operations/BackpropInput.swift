/// The gradient of a depthwise convolution with respect to its input:
/// TensorFlow's `DepthwiseConv2dNativeBackpropInput`
/// (`tf.nn.depthwise_conv2d_native_backprop_input`).
///
/// `result[n, ih, iw, c]` is the sum of `filter[kh, kw, c, m] *
/// outBackprop[n, oh, ow, c * M + m]` over the taps and output positions that
/// read input pixel `(ih, iw)` in the forward pass. Unlike TensorFlow 2.21 on
/// CPU, `dilations` are honored, unequal row and column strides and NCHW are
/// accepted, and a depth multiplier of 0 gives zeros.
///
/// `outBackprop`'s spatial size must be the forward output size that
/// `inputSizes`, the filter and the attributes give (see
/// <doc:TensorFlowSemantics>): several input sizes can share one output size
/// (with stride 2, `H` = 111 and 112 both give `OH` = 56 under `.same`), which
/// is why the input's shape is an argument.
///
/// ```swift
/// let dx = try depthwiseConv2dNativeBackpropInput(
///     inputSizes: [1, 112, 112, 32], filter: w, outBackprop: dy,   // w [3, 3, 32, 1], dy [1, 56, 56, 32]
///     strides: [1, 2, 2, 1], padding: .same)
/// // dx.shape == [1, 112, 112, 32]
/// ```
///
/// - Parameters:
///   - inputSizes: the input's shape, `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filter: `[KH, KW, C, M]`.
///   - outBackprop: the output's gradient, `[N, OH, OW, C * M]` or `[N, C * M, OH, OW]`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `inputSizes`, `outBackprop` and the result.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Returns: the input's gradient, shaped `inputSizes`.
/// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` for any inconsistent
///   argument (checked in TensorFlow's order, before anything is allocated),
///   for a tensor whose `scalars` don't match its `shape`, for invalid
///   `options`, or when the result and scratch would exceed
///   ``DepthwiseConvOptions/memoryLimit``;
///   ``DepthwiseConvError/unimplemented(_:)`` for a scalar type other than
///   the four supported ones.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the
///   threads; O(N · H · W · C) memory for the result, plus a staged copy of
///   each operand and of the result for `Float16`, ``BFloat16`` and NCHW
///   activations.
public func depthwiseConv2dNativeBackpropInput<T: DepthwiseScalar>(
    inputSizes: [Int], filter: Tensor<T>, outBackprop: Tensor<T>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
    dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
) throws -> Tensor<T> {
    try requireConsistent(filter, "filter")
    try requireConsistent(outBackprop, "out_backprop")
    let call = try PreparedCall(
        .backpropInput, scalar: T.self, inputShape: inputSizes, filterShape: filter.shape,
        outBackpropShape: outBackprop.shape, strides: strides, padding: padding, dataFormat: dataFormat,
        dilations: dilations, options: options, allocatesResult: true)
    return call.run(filter, outBackprop, resultShape: inputSizes)
}

/// ``depthwiseConv2dNativeBackpropInput(inputSizes:filter:outBackprop:strides:padding:dataFormat:dilations:options:)``
/// over caller-owned memory, without copying: reads `filter` and
/// `outBackprop` (row-major, shaped `filterShape` and `outBackpropShape`) and
/// writes every element of `result` (shaped `inputSizes`).
///
/// The buffers are only accessed during the call. Nothing is written to
/// `result` if the call throws.
///
/// - Parameters:
///   - inputSizes: the input's shape, `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filter: the filter's elements, `[KH, KW, C, M]`.
///   - filterShape: the filter's shape, `[KH, KW, C, M]`.
///   - outBackprop: the output gradient's elements, `[N, OH, OW, C * M]` or `[N, C * M, OH, OW]`.
///   - outBackpropShape: the output gradient's shape, 4 values in data-format order.
///   - result: receives the input's gradient, shaped `inputSizes`; its count
///     must be exactly that shape's element count, and it must not overlap
///     `filter` or `outBackprop`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `inputSizes`, `outBackprop` and `result`.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Throws: as the `Tensor` version, and
///   ``DepthwiseConvError/invalidArgument(_:)`` if a buffer's count doesn't
///   match its shape or `result` overlaps an input. The memory limit counts
///   only the scratch here, since the caller owns the result.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the
///   threads; no staging copies for `Float` or `Double` in NHWC.
public func depthwiseConv2dNativeBackpropInput<T: DepthwiseScalar>(
    inputSizes: [Int],
    filter: UnsafeBufferPointer<T>, filterShape: [Int],
    outBackprop: UnsafeBufferPointer<T>, outBackpropShape: [Int],
    result: UnsafeMutableBufferPointer<T>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
    dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
) throws {
    let call = try PreparedCall(
        .backpropInput, scalar: T.self, inputShape: inputSizes, filterShape: filterShape,
        outBackpropShape: outBackpropShape, strides: strides, padding: padding, dataFormat: dataFormat,
        dilations: dilations, options: options, allocatesResult: false)
    try call.run(filter, "filter", outBackprop, "out_backprop", result: result)
}

