/// A depthwise 2-D convolution: TensorFlow's `DepthwiseConv2dNative`
/// (`tf.nn.depthwise_conv2d_native`, and `tf.nn.depthwise_conv2d` for dilations).
///
/// `output[n, oh, ow, c * M + m]` is the sum over the taps `(kh, kw)` that fall
/// inside the input of `input[n, oh * SH - padTop + kh * DH,
/// ow * SW - padLeft + kw * DW, c] * filter[kh, kw, c, m]`.
///
/// `OH` and `OW` follow TensorFlow's rules (see <doc:TensorFlowSemantics>):
/// `ceil(H / SH)` for `.same`, `floor((H - (KH - 1) * DH - 1) / SH) + 1` for
/// `.valid`, the same with the explicit padding added to `H` for
/// `.explicit`; likewise for the columns. A depth multiplier `M` of 0 gives
/// an empty result.
///
/// ```swift
/// let y = try depthwiseConv2dNative(
///     input: x, filter: w, strides: [1, 2, 2, 1], padding: .same)   // x [1, 112, 112, 32], w [3, 3, 32, 1]
/// // y.shape == [1, 56, 56, 32]
/// ```
///
/// - Parameters:
///   - input: `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filter: `[KH, KW, C, M]`, in either data format.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `input` and the result.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Returns: `[N, OH, OW, C * M]` (NHWC) or `[N, C * M, OH, OW]` (NCHW).
/// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` for any inconsistent
///   argument (checked in TensorFlow's order, before anything is allocated),
///   for a tensor whose `scalars` don't match its `shape`, for invalid
///   `options`, or when the result and scratch would exceed
///   ``DepthwiseConvOptions/memoryLimit``;
///   ``DepthwiseConvError/unimplemented(_:)`` for a scalar type other than
///   the four supported ones.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the
///   threads; O(N · OH · OW · C · M) memory for the result, plus a staged
///   copy of each operand and of the result for `Float16`, ``BFloat16`` and
///   NCHW activations.
public func depthwiseConv2dNative<T: DepthwiseScalar>(
    input: Tensor<T>, filter: Tensor<T>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
    dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
) throws -> Tensor<T> {
    try requireConsistent(input, "input")
    try requireConsistent(filter, "filter")
    let call = try PreparedCall(
        .forward, scalar: T.self, inputShape: input.shape, filterShape: filter.shape, outBackpropShape: nil,
        strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations, options: options,
        allocatesResult: true)
    return call.run(input, filter, resultShape: forwardOutputShape(call.plan))
}

/// ``depthwiseConv2dNative(input:filter:strides:padding:dataFormat:dilations:options:)``
/// over caller-owned memory, without copying: reads `input` and `filter`
/// (row-major, shaped `inputShape` and `filterShape`) and writes every
/// element of `result`, whose shape ``depthwiseConv2dNativeOutputShape(inputShape:filterShape:strides:padding:dataFormat:dilations:)``
/// gives.
///
/// The buffers are only accessed during the call. Nothing is written to
/// `result` if the call throws.
///
/// - Parameters:
///   - input: the input's elements, `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - inputShape: the input's shape, 4 values in data-format order.
///   - filter: the filter's elements, `[KH, KW, C, M]`.
///   - filterShape: the filter's shape, `[KH, KW, C, M]`.
///   - result: receives the output, `[N, OH, OW, C * M]` (NHWC) or
///     `[N, C * M, OH, OW]` (NCHW); its count must be exactly that shape's
///     element count, and it must not overlap `input` or `filter`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `input` and `result`.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Throws: as the `Tensor` version, and
///   ``DepthwiseConvError/invalidArgument(_:)`` if a buffer's count doesn't
///   match its shape or `result` overlaps an input. The memory limit counts
///   only the scratch here, since the caller owns the result.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the
///   threads; no staging copies for `Float` or `Double` in NHWC.
public func depthwiseConv2dNative<T: DepthwiseScalar>(
    input: UnsafeBufferPointer<T>, inputShape: [Int],
    filter: UnsafeBufferPointer<T>, filterShape: [Int],
    result: UnsafeMutableBufferPointer<T>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc,
    dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
) throws {
    let call = try PreparedCall(
        .forward, scalar: T.self, inputShape: inputShape, filterShape: filterShape, outBackpropShape: nil,
        strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations, options: options,
        allocatesResult: false)
    try call.run(input, "input", filter, "filter", result: result)
}

/// The output shape of a depthwise convolution, after the same validation
/// the convolution does.
///
/// Use it to size the `result` buffer of
/// ``depthwiseConv2dNative(input:inputShape:filter:filterShape:result:strides:padding:dataFormat:dilations:options:)``.
///
/// - Parameters:
///   - inputShape: `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filterShape: `[KH, KW, C, M]`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `inputShape` and of the returned shape.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
/// - Returns: `[N, OH, OW, C * M]` (NHWC) or `[N, C * M, OH, OW]` (NCHW).
/// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` as
///   ``depthwiseConv2dNative(input:filter:strides:padding:dataFormat:dilations:options:)``,
///   including when the output's element count would overflow `Int`.
/// - Complexity: O(1).
public func depthwiseConv2dNativeOutputShape(
    inputShape: [Int], filterShape: [Int],
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc, dilations: [Int] = [1, 1, 1, 1]
) throws -> [Int] {
    let attributes = ConvAttributes(strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations)
    let g = try resolveGeometry(
        .forward, inputShape: inputShape, filterShape: filterShape, outBackpropShape: nil, attributes: attributes)
    return dataFormat.shape(batch: g.batch, height: g.outputHeight, width: g.outputWidth, channels: g.outputChannels)
}

private func forwardOutputShape(_ plan: OperationPlan) -> [Int] {
    let g = plan.geometry
    return plan.dataFormat.shape(
        batch: g.batch, height: g.outputHeight, width: g.outputWidth, channels: g.outputChannels)
}

