/// The output size and padding of one spatial dimension.
struct WindowedOutputSize: Equatable {
    var size: Int
    var padBefore: Int
    var padAfter: Int
}

/// Computes one spatial dimension's output size and padding exactly as
/// TensorFlow does, including C++'s truncating division (a filter a little
/// larger than a VALID input gives size 0, not an error), in 64-bit
/// arithmetic with overflow checks.
///
/// - Throws: for a stride below 1, an overflow, or a negative output size.
func windowedOutputSize(
    inputSize: Int, filterSize: Int, dilation: Int, stride: Int,
    padding: Padding, explicitBefore: Int, explicitAfter: Int
) throws -> WindowedOutputSize {
    guard stride > 0 else {
        throw DepthwiseConvError.invalidArgument("Stride must be > 0, but got \(stride)")
    }
    guard dilation > 0 else {
        throw DepthwiseConvError.invalidArgument("Dilation rate must be >= 1, but got \(dilation)")
    }
    let effectiveFilterSize = try checkedSum(
        try checkedProduct(filterSize - 1, dilation, "The effective filter size"), 1, "The effective filter size")
    var result: WindowedOutputSize
    switch padding {
    case .valid:
        let size = try truncatedWindowCount(paddedInput: inputSize, effectiveFilterSize, stride)
        result = WindowedOutputSize(size: size, padBefore: 0, padAfter: 0)
    case .explicit:
        let padded = try checkedSum(
            try checkedSum(inputSize, explicitBefore, "The padded input size"), explicitAfter,
            "The padded input size")
        let size = try truncatedWindowCount(paddedInput: padded, effectiveFilterSize, stride)
        result = WindowedOutputSize(size: size, padBefore: explicitBefore, padAfter: explicitAfter)
    case .same:
        let size = inputSize / stride + (inputSize % stride == 0 ? 0 : 1)
        let covered = try checkedSum(
            try checkedProduct(size - 1, stride, "The padded input size"), effectiveFilterSize,
            "The padded input size")
        // An empty filter with a huge dilation has a very negative effective
        // size: no padding is needed then, and nothing may overflow.
        let (excess, overflow) = covered.subtractingReportingOverflow(inputSize)
        let needed = overflow ? 0 : max(0, excess)
        result = WindowedOutputSize(size: size, padBefore: needed / 2, padAfter: needed - needed / 2)
    }
    guard result.size >= 0 else {
        throw DepthwiseConvError.invalidArgument(
            "Computed output size would be negative: \(result.size) [input_size: \(inputSize), "
                + "effective_filter_size: \(effectiveFilterSize), stride: \(stride)]")
    }
    return result
}

/// `(paddedInput - effectiveFilterSize + stride) / stride` with C++'s
/// truncation toward zero, without overflowing for strides near `Int.max`.
private func truncatedWindowCount(paddedInput: Int, _ effectiveFilterSize: Int, _ stride: Int) throws -> Int {
    let (span, overflow) = paddedInput.subtractingReportingOverflow(effectiveFilterSize)
    guard !overflow else {
        throw DepthwiseConvError.invalidArgument("The output size overflows a 64-bit integer")
    }
    // For span >= 0 truncation is floor division, so adding `stride` first
    // and adding 1 after dividing agree; for span < 0 nothing overflows.
    guard span >= 0 else { return (span + stride) / stride }
    let (size, sizeOverflow) = (span / stride).addingReportingOverflow(1)
    guard !sizeOverflow else {
        throw DepthwiseConvError.invalidArgument("The output size overflows a 64-bit integer")
    }
    return size
}
