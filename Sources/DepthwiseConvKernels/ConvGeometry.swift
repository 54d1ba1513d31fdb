/// The resolved geometry of one depthwise convolution, after validation.
///
/// All tensors are addressed as NHWC: input `[batch, inputHeight, inputWidth,
/// channels]`, filter `[filterHeight, filterWidth, channels, depthMultiplier]`,
/// output `[batch, outputHeight, outputWidth, channels * depthMultiplier]`.
/// Output pixel `(oh, ow)` reads input pixel
/// `(oh * strideHeight - padTop + kh * dilationHeight,
///   ow * strideWidth - padLeft + kw * dilationWidth)` for tap `(kh, kw)`;
/// taps outside the input contribute nothing.
public struct ConvGeometry: Sendable, Hashable {
    public var batch: Int
    public var inputHeight: Int
    public var inputWidth: Int
    public var channels: Int
    public var depthMultiplier: Int
    public var filterHeight: Int
    public var filterWidth: Int
    public var outputHeight: Int
    public var outputWidth: Int
    public var strideHeight: Int
    public var strideWidth: Int
    public var dilationHeight: Int
    public var dilationWidth: Int
    public var padTop: Int
    public var padBottom: Int
    public var padLeft: Int
    public var padRight: Int

    /// Creates a geometry from already validated sizes.
    public init(
        batch: Int, inputHeight: Int, inputWidth: Int, channels: Int, depthMultiplier: Int,
        filterHeight: Int, filterWidth: Int, outputHeight: Int, outputWidth: Int,
        strideHeight: Int, strideWidth: Int, dilationHeight: Int, dilationWidth: Int,
        padTop: Int, padBottom: Int, padLeft: Int, padRight: Int
    ) {
        self.batch = batch
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.channels = channels
        self.depthMultiplier = depthMultiplier
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
    }

    /// Channels of the output: `channels * depthMultiplier`.
    @inlinable public var outputChannels: Int { channels * depthMultiplier }
    /// Elements of the input (and of the input gradient).
    @inlinable public var inputCount: Int { batch * inputHeight * inputWidth * channels }
    /// Elements of the filter (and of the filter gradient).
    @inlinable public var filterCount: Int { filterHeight * filterWidth * channels * depthMultiplier }
    /// Elements of the output (and of the output gradient).
    @inlinable public var outputCount: Int { batch * outputHeight * outputWidth * outputChannels }

    /// How many times a kernel reads each input element, roughly:
    /// `KH * KW / (SH * SW)` (0 when the strides' product overflows).
    @inlinable public var readsPerInputElement: Int {
        let (strides, overflow) = strideHeight.multipliedReportingOverflow(by: strideWidth)
        return overflow ? 0 : (filterHeight &* filterWidth) / max(1, strides)
    }
}
