@testable import DepthwiseConv
import DepthwiseConvKernels
import Testing

/// Output sizes and paddings as TensorFlow computes them, including C++'s
/// truncating division and sizes far past 32 bits.
@Suite struct GeometryTests {
    func size(_ input: Int, _ filter: Int, stride: Int = 1, dilation: Int = 1, _ padding: Padding,
              before: Int = 0, after: Int = 0) throws -> WindowedOutputSize {
        try windowedOutputSize(
            inputSize: input, filterSize: filter, dilation: dilation, stride: stride, padding: padding,
            explicitBefore: before, explicitAfter: after)
    }

    @Test func samePutsTheOddPixelAfter() throws {
        // out = ceil(10 / 3) = 4; pad_total = (4 - 1) * 3 + 4 - 10 = 3.
        #expect(try size(10, 4, stride: 3, .same) == WindowedOutputSize(size: 4, padBefore: 1, padAfter: 2))
        #expect(try size(5, 3, .same) == WindowedOutputSize(size: 5, padBefore: 1, padAfter: 1))
        #expect(try size(7, 1, stride: 2, .same) == WindowedOutputSize(size: 4, padBefore: 0, padAfter: 0))
    }

    @Test func sameUsesTheDilatedFilter() throws {
        // eff = (3 - 1) * 2 + 1 = 5; pad_total = 4.
        #expect(try size(6, 3, dilation: 2, .same) == WindowedOutputSize(size: 6, padBefore: 2, padAfter: 2))
    }

    @Test func validTruncatesTowardZero() throws {
        #expect(try size(2, 7, stride: 3, .valid).size == 0)  // (2 - 7 + 3) / 3 = -2 / 3 -> 0
        #expect(try size(9, 3, stride: 2, .valid).size == 4)
        #expect(try size(7, 3, dilation: 3, .valid).size == 1)
        #expect(throws: DepthwiseConvError.self) { try size(5, 7, .valid) }  // -1
    }

    @Test func explicitAddsThePads() throws {
        #expect(try size(5, 3, .explicit([]), before: 1, after: 2)
            == WindowedOutputSize(size: 6, padBefore: 1, padAfter: 2))
        #expect(try size(0, 3, stride: 2, .explicit([]), before: 1, after: 1).size == 0)
    }

    @Test func sizesBeyondThirtyTwoBitsAreExact() throws {
        // TensorFlow keeps these in 32-bit integers and gets them wrong.
        #expect(try size(5, 1, stride: Int.max, .valid).size == 1)
        #expect(try size(5, 1, stride: 1 << 31, .same).size == 1)
        let big = try size(3, 3, stride: 1, .explicit([]), before: 1 << 31, after: 1 << 31)
        #expect(big.size == (1 << 32) + 1)
    }

    @Test func resolvedGeometryOfAStridedDilatedNCHWCall() throws {
        let attributes = ConvAttributes(
            strides: [1, 1, 2, 3], padding: .same, dataFormat: .nchw, dilations: [1, 1, 2, 1])
        let g = try resolveGeometry(
            .backpropInput, inputShape: [2, 3, 9, 10], filterShape: [3, 2, 3, 4],
            outBackpropShape: [2, 12, 5, 4], attributes: attributes)
        #expect(g == ConvGeometry(
            batch: 2, inputHeight: 9, inputWidth: 10, channels: 3, depthMultiplier: 4,
            filterHeight: 3, filterWidth: 2, outputHeight: 5, outputWidth: 4,
            strideHeight: 2, strideWidth: 3, dilationHeight: 2, dilationWidth: 1,
            padTop: 2, padBottom: 2, padLeft: 0, padRight: 1))
    }
}

/// Empty and degenerate shapes give correctly shaped zeros, never garbage.
@Suite struct EmptyShapeTests {
    @Test func filterLargerThanValidInputGivesZeros() throws {
        // in = 2, k = 7, s = 3, VALID: out = 0; every input gradient is 0.
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [1, 2, 2, 3], filter: Tensor<Float>(shape: [7, 7, 3, 1], scalars: .init(repeating: 1, count: 147)),
            outBackprop: Tensor<Float>(zeros: [1, 0, 0, 3]), strides: [1, 3, 3, 1], padding: .valid)
        #expect(dx.shape == [1, 2, 2, 3])
        #expect(dx.scalars == .init(repeating: 0, count: 12))
    }

    @Test func zeroDepthMultiplierGivesZeros() throws {
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [2, 4, 4, 5], filter: Tensor<Double>(zeros: [3, 3, 5, 0]),
            outBackprop: Tensor<Double>(zeros: [2, 4, 4, 0]), strides: [1, 1, 1, 1], padding: .same)
        #expect(dx.shape == [2, 4, 4, 5])
        #expect(dx.scalars.allSatisfy { $0 == 0 } && dx.scalars.count == 160)
        let y = try depthwiseConv2dNative(
            input: Tensor<Double>(shape: [2, 4, 4, 5], scalars: .init(repeating: 1, count: 160)),
            filter: Tensor<Double>(zeros: [3, 3, 5, 0]), strides: [1, 1, 1, 1], padding: .same)
        #expect(y.shape == [2, 4, 4, 0])
    }

    @Test func emptyBatchGivesEmptyResults() throws {
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [0, 4, 4, 2], filter: Tensor<Float>(zeros: [3, 3, 2, 1]),
            outBackprop: Tensor<Float>(zeros: [0, 4, 4, 2]), strides: [1, 1, 1, 1], padding: .same)
        #expect(dx.shape == [0, 4, 4, 2] && dx.scalars.isEmpty)
        let dw = try depthwiseConv2dNativeBackpropFilter(
            input: Tensor<Float>(zeros: [0, 4, 4, 2]), filterSizes: [3, 3, 2, 2],
            outBackprop: Tensor<Float>(zeros: [0, 4, 4, 4]), strides: [1, 1, 1, 1], padding: .same)
        // TensorFlow returns uninitialized memory here; ours is zeros.
        #expect(dw.scalars == .init(repeating: 0, count: 36))
    }

    @Test func emptyOutBackpropGivesZeroFilterGradient() throws {
        let dw = try depthwiseConv2dNativeBackpropFilter(
            input: Tensor<Float>(shape: [1, 2, 2, 1], scalars: [1, 2, 3, 4]), filterSizes: [5, 5, 1, 1],
            outBackprop: Tensor<Float>(zeros: [1, 0, 0, 1]), strides: [1, 3, 3, 1], padding: .valid)
        #expect(dw.scalars == .init(repeating: 0, count: 25))
    }

    @Test func infiniteFilterOnlyTouchesRealPixels() throws {
        // Only taps inside the input contribute: an infinite tap that only
        // ever meets padding leaves finite results (TensorFlow's Eigen
        // kernel multiplies the zero padding and produces NaN).
        var w = [Float](repeating: 1, count: 9)
        w[0] = .infinity  // top-left tap: for output (0, 0) it reads padding
        let y = try depthwiseConv2dNative(
            input: Tensor<Float>(shape: [1, 1, 1, 1], scalars: [2]),
            filter: Tensor<Float>(shape: [3, 3, 1, 1], scalars: w), strides: [1, 1, 1, 1], padding: .same)
        #expect(y.scalars == [2])
        var dy = [Float](repeating: 1, count: 1)
        dy[0] = .nan
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [1, 1, 1, 1], filter: Tensor<Float>(shape: [3, 3, 1, 1], scalars: w),
            outBackprop: Tensor<Float>(shape: [1, 1, 1, 1], scalars: dy), strides: [1, 1, 1, 1], padding: .same)
        #expect(dx.scalars[0].isNaN)
    }
}
