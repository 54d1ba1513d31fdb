import DepthwiseConvKernels

/// The three depthwise operations, for validation and messages.
enum DepthwiseOperation: Sendable {
    case forward, backpropInput, backpropFilter

    /// The prefix TensorFlow puts before the operation's shape errors.
    var label: String {
        switch self {
        case .forward: "DepthwiseConv2dNative"
        case .backpropInput: "DepthwiseConv2DBackpropInput"
        case .backpropFilter: "DepthwiseConv2DBackpropFilter"
        }
    }
}

/// Validates the shapes and attributes of one call and resolves its geometry.
///
/// One place for all three operations: the forward call passes no
/// `outBackpropShape`; the backprop calls pass it and have it checked against
/// the computed output size. Checks run in TensorFlow's order and throw the
/// first problem found; nothing is allocated here.
func resolveGeometry(
    _ operation: DepthwiseOperation,
    inputShape: [Int], filterShape: [Int], outBackpropShape: [Int]?,
    attributes: ConvAttributes
) throws -> ConvGeometry {
    try attributes.validate()
    let label = operation.label
    let format = attributes.dataFormat
    switch operation {
    case .backpropInput: try requireNonNegativeSizes(inputShape, name: "input_sizes")
    case .backpropFilter: try requireNonNegativeSizes(filterShape, name: "filter_sizes")
    case .forward: break
    }
    try requireRank4(inputShape, "\(label): input must be 4-dimensional, but its shape is \(inputShape)")
    try requireRank4(filterShape, "\(label): filter must be 4-dimensional, but its shape is \(filterShape)")
    if let outBackpropShape {
        try requireRank4(
            outBackpropShape, "\(label): out_backprop must be 4-dimensional, but its shape is \(outBackpropShape)")
    }
    _ = try elementCount(of: inputShape, name: "input shape")
    _ = try elementCount(of: filterShape, name: "filter shape")
    if let outBackpropShape { _ = try elementCount(of: outBackpropShape, name: "out_backprop shape") }

    let batch = inputShape[format.batchIndex]
    let inputHeight = inputShape[format.heightIndex]
    let inputWidth = inputShape[format.widthIndex]
    let channels = inputShape[format.channelIndex]
    if let outBackpropShape, outBackpropShape[format.batchIndex] != batch {
        throw DepthwiseConvError.invalidArgument(
            "\(label): input and out_backprop must have the same batch size "
                + "(input: \(batch), out_backprop: \(outBackpropShape[format.batchIndex]))")
    }
    guard channels == filterShape[2] else {
        throw DepthwiseConvError.invalidArgument(
            operation == .forward
                ? "input and filter must have the same depth: \(channels) vs \(filterShape[2])"
                : "\(label): input and filter must have the same in_depth (input: \(channels), filter: \(filterShape[2]))")
    }
    let multiplier = filterShape[3]
    let outputChannels = try checkedProduct(multiplier, channels, "depth_multiplier * in_depth")
    if let outBackpropShape, outBackpropShape[format.channelIndex] != outputChannels {
        throw DepthwiseConvError.invalidArgument(
            "\(label): depth_multiplier * in_depth not equal to out_depth "
                + "(\(multiplier) * \(channels) != \(outBackpropShape[format.channelIndex]))")
    }
    let strides = attributes.spatialStrides
    let dilations = attributes.spatialDilations
    let pads = attributes.explicitSpatialPadding
    let rows = try windowedOutputSize(
        inputSize: inputHeight, filterSize: filterShape[0], dilation: dilations.height, stride: strides.height,
        padding: attributes.padding, explicitBefore: pads.top, explicitAfter: pads.bottom)
    let cols = try windowedOutputSize(
        inputSize: inputWidth, filterSize: filterShape[1], dilation: dilations.width, stride: strides.width,
        padding: attributes.padding, explicitBefore: pads.left, explicitAfter: pads.right)
    if let outBackpropShape {
        let actualRows = outBackpropShape[format.heightIndex]
        let actualCols = outBackpropShape[format.widthIndex]
        guard actualRows == rows.size else {
            throw DepthwiseConvError.invalidArgument(
                "\(label): Number of rows of out_backprop doesn't match computed: "
                    + "actual = \(actualRows), computed = \(rows.size)")
        }
        guard actualCols == cols.size else {
            throw DepthwiseConvError.invalidArgument(
                "\(label): Number of cols of out_backprop doesn't match computed: "
                    + "actual = \(actualCols), computed = \(cols.size)")
        }
    } else {
        // `elementCount(of:name:)` on the output shape, in the format's
        // order, building the shape only for the error message (no
        // dimension is negative here).
        let shape = { format.shape(batch: batch, height: rows.size, width: cols.size, channels: outputChannels) }
        let d = format == .nhwc
            ? (batch, rows.size, cols.size, outputChannels) : (batch, outputChannels, rows.size, cols.size)
        _ = try checkedProduct(d.0, d.1, d.2, d.3, what: "The element count of output shape \(shape())")
    }
    let geometry = ConvGeometry(
        batch: batch, inputHeight: inputHeight, inputWidth: inputWidth, channels: channels,
        depthMultiplier: multiplier, filterHeight: filterShape[0], filterWidth: filterShape[1],
        outputHeight: rows.size, outputWidth: cols.size,
        strideHeight: strides.height, strideWidth: strides.width,
        dilationHeight: dilations.height, dilationWidth: dilations.width,
        padTop: rows.padBefore, padBottom: rows.padAfter, padLeft: cols.padBefore, padRight: cols.padAfter)
    try checkKernelArithmetic(geometry, operation)
    return geometry
}

/// Throws unless every product the kernels form fits in `Int`: element
/// counts in NHWC order (a tensor with a zero dimension can still have huge
/// partial products in another order) and the sizes of the per-call tap
/// tables (see ``tapTableEntries(_:_:)``).
private func checkKernelArithmetic(_ g: ConvGeometry, _ operation: DepthwiseOperation) throws {
    // (The factor lists are built only for an error message.)
    _ = try checkedProduct(
        g.batch, g.inputHeight, g.inputWidth, g.channels,
        what: "A tensor size (\([g.batch, g.inputHeight, g.inputWidth, g.channels]))")
    _ = try checkedProduct(
        g.batch, g.outputHeight, g.outputWidth, g.channels, g.depthMultiplier,
        what: "A tensor size (\([g.batch, g.outputHeight, g.outputWidth, g.channels, g.depthMultiplier]))")
    _ = try checkedProduct(
        g.filterHeight, g.filterWidth, g.channels, g.depthMultiplier,
        what: "A tensor size (\([g.filterHeight, g.filterWidth, g.channels, g.depthMultiplier]))")
    _ = try tapTableEntries(g, operation)
}

/// Entries of the tables `operation`'s kernel builds once per call (which
/// taps reach which row and column), counted against the memory limit; 0
/// when it builds none.
func tapTableEntries(_ g: ConvGeometry, _ operation: DepthwiseOperation) throws -> Int {
    guard buildsTapTables(g, operation) else { return 0 }
    let what = "The tap table size"
    let rowEntries = try checkedProduct(
        try checkedSum(g.inputHeight, g.outputHeight, what), try checkedSum(g.filterHeight, 1, what), what)
    let colEntries = try checkedProduct(
        try checkedSum(g.inputWidth, g.outputWidth, what), try checkedSum(g.filterWidth, 1, what), what)
    return try checkedSum(rowEntries, colEntries, what)
}

/// Whether `operation`'s kernel builds tap tables for `g`: the forward and
/// input-gradient kernels do when their result has pixels to compute (an
/// empty batch or channel axis returns before); the filter-gradient kernel
/// never does.
func buildsTapTables(_ g: ConvGeometry, _ operation: DepthwiseOperation) -> Bool {
    let hasLanes = g.batch > 0 && g.channels > 0 && g.depthMultiplier > 0
    switch operation {
    case .forward: return hasLanes && g.outputHeight > 0 && g.outputWidth > 0
    case .backpropInput: return hasLanes && g.inputHeight > 0 && g.inputWidth > 0
    case .backpropFilter: return false
    }
}

private func requireNonNegativeSizes(_ sizes: [Int], name: String) throws {
    for (index, size) in sizes.enumerated() where size < 0 {
        throw DepthwiseConvError.invalidArgument("Dimension \(index) of \(name) must be >= 0, but got \(size)")
    }
}

private func requireRank4(_ shape: [Int], _ message: @autoclosure () -> String) throws {
    guard shape.count == 4 else { throw DepthwiseConvError.invalidArgument(message()) }
}
