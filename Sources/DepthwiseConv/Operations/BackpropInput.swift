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
///   argument (checked in TensorFlow's order, before anything is allocated).
/// - Complexity: O(N · OH · OW · C · M · KH · KW) work, spread over the threads.
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
/// - Throws: as the `Tensor` version, and if a buffer's count doesn't match
///   its shape or `result` overlaps an input.
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

