import DepthwiseConv

/// The hint `dwconv` adds to the library's error when a filter looks like
/// it is in PyTorch's depthwise layout, `[C*M, 1, KH, KW]` (a
/// `Conv2d(C, C*M, groups=C)` weight), rather than TensorFlow's
/// `[KH, KW, C, M]`.
///
/// A filter shape qualifies when it is 4-D with dimension 1 equal to 1,
/// its channels don't fit read as TensorFlow's layout (dimension 2 is not the
/// input's `C`, or `C` times dimension 3 is not the output's channels), and
/// they do fit read as PyTorch's (dimension 0 is a positive multiple of `C`,
/// and equals the output's channels where those are known).
enum FilterLayoutHint {
    /// The hint for a filter read from a file, or `nil` if `filterShape`
    /// does not look like PyTorch's layout.
    ///
    /// - Parameters:
    ///   - filterShape: the filter file's shape.
    ///   - inputChannels: the input's `C`, if known.
    ///   - outputChannels: the output's (or output gradient's) channels, if
    ///     the operation has them.
    static func forFilterFile(_ filterShape: [Int], inputChannels: Int?, outputChannels: Int?) -> String? {
        guard let (channels, multiplier) = pyTorchReading(filterShape, inputChannels, outputChannels) else {
            return nil
        }
        let (kh, kw) = (filterShape[2], filterShape[3])
        return "the filter looks like PyTorch's [C*M, 1, KH, KW] layout; "
            + "convert with w.reshape(C, M, KH, KW).transpose(2, 3, 0, 1) (NumPy) to TensorFlow's [KH, KW, C, M] "
            + "(here w.reshape(\(channels), \(multiplier), \(kh), \(kw)).transpose(2, 3, 0, 1))"
    }

    /// The hint for `--filter-sizes`, or `nil` if `filterSizes` does not look
    /// like PyTorch's layout.
    static func forFilterSizes(_ filterSizes: [Int], inputChannels: Int?, outputChannels: Int?) -> String? {
        guard let (channels, multiplier) = pyTorchReading(filterSizes, inputChannels, outputChannels) else {
            return nil
        }
        let (kh, kw) = (filterSizes[2], filterSizes[3])
        return "the filter sizes look like PyTorch's [C*M, 1, KH, KW] layout; TensorFlow's is [KH, KW, C, M], "
            + "here --filter-sizes \(kh),\(kw),\(channels),\(multiplier) (convert the result back with "
            + "dw.transpose(2, 3, 0, 1).reshape(\(channels * multiplier), 1, \(kh), \(kw)) in NumPy)"
    }

    /// `(C, M)` if `shape` reads consistently as PyTorch's `[C*M, 1, KH, KW]`
    /// but not as TensorFlow's `[KH, KW, C, M]`.
    private static func pyTorchReading(_ shape: [Int], _ inputChannels: Int?, _ outputChannels: Int?) -> (Int, Int)? {
        guard shape.count == 4, shape[1] == 1, let channels = inputChannels, channels > 0 else { return nil }
        let tensorFlowOutputFits = outputChannels.map { output in
            let (product, overflow) = shape[3].multipliedReportingOverflow(by: channels)
            return !overflow && product == output
        } ?? true
        let fitsTensorFlow = shape[2] == channels && tensorFlowOutputFits
        let fitsPyTorch = shape[0] > 0 && shape[0] % channels == 0 && (outputChannels.map { $0 == shape[0] } ?? true)
        guard !fitsTensorFlow, fitsPyTorch else { return nil }
        return (channels, shape[0] / channels)
    }

    /// The channel dimension of a 4-D activation shape, or `nil` for another rank.
    static func channels(of shape: [Int], _ dataFormat: DataFormat) -> Int? {
        guard shape.count == 4 else { return nil }
        return dataFormat == .nchw ? shape[1] : shape[3]
    }
}
