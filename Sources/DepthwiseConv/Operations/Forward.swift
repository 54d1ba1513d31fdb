/// A depthwise 2-D convolution: TensorFlow's `DepthwiseConv2dNative`
/// (`tf.nn.depthwise_conv2d_native`, and `tf.nn.depthwise_conv2d` for dilations).
///
/// `output[n, oh, ow, c * M + m]` is the sum over the taps `(kh, kw)` that fall
/// inside the input of `input[n, oh * SH - padTop + kh * DH,
/// ow * SW - padLeft + kw * DW, c] * filter[kh, kw, c, m]`.
///
/// - Parameters:
///   - input: `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filter: `[KH, KW, C, M]`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `input` and the result.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
///   - options: threads, memory limit and kernel variant; they never change the result.
/// - Returns: `[N, OH, OW, C * M]` (NHWC) or `[N, C * M, OH, OW]` (NCHW).
/// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` for any inconsistent
///   argument, before anything is allocated.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the threads.
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
/// - Throws: as the `Tensor` version, and if a buffer's count doesn't match
///   its shape or `result` overlaps an input.
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
/// - Throws: ``DepthwiseConvError/invalidArgument(_:)`` as
///   ``depthwiseConv2dNative(input:filter:strides:padding:dataFormat:dilations:options:)``.
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

