import DepthwiseConv
import Testing

/// One test per validation rule: the call throws `invalidArgument` (never
/// traps) and the message carries the rule's key words, in TensorFlow's
/// wording where TensorFlow has one.
@Suite struct ValidationTests {
    // A valid baseline: NHWC 1x5x5x3, 3x3 filter, M = 2, stride 1, SAME.
    let filter = try! Tensor<Float>(zeros: [3, 3, 3, 2])
    let outBackprop = try! Tensor<Float>(zeros: [1, 5, 5, 6])
    let input = try! Tensor<Float>(zeros: [1, 5, 5, 3])

    func backpropInput(
        inputSizes: [Int] = [1, 5, 5, 3], filter: Tensor<Float>? = nil, outBackprop: Tensor<Float>? = nil,
        strides: [Int] = [1, 1, 1, 1], padding: Padding = .same, dataFormat: DataFormat = .nhwc,
        dilations: [Int] = [1, 1, 1, 1], options: DepthwiseConvOptions = .default
    ) throws {
        _ = try depthwiseConv2dNativeBackpropInput(
            inputSizes: inputSizes, filter: filter ?? self.filter, outBackprop: outBackprop ?? self.outBackprop,
            strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations, options: options)
    }

    func expectInvalid(_ keywords: String..., sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected an invalidArgument error containing \(keywords)", sourceLocation: sourceLocation)
        } catch let error as DepthwiseConvError {
            guard case .invalidArgument(let message) = error else {
                Issue.record("expected invalidArgument, got \(error)", sourceLocation: sourceLocation)
                return
            }
            for keyword in keywords {
                #expect(message.contains(keyword), "\(message)", sourceLocation: sourceLocation)
            }
            #expect(!message.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func baselineIsValid() throws {
        try backpropInput()
    }

    @Test func stridesNeedFourValues() {
        expectInvalid("Sliding window strides field must specify 4 dimensions", "3") {
            try backpropInput(strides: [1, 1, 1])
        }
    }

    @Test func stridesOnBatchRefused() {
        expectInvalid("does not yet support strides in the batch and depth dimensions") {
            try backpropInput(strides: [2, 1, 1, 1])
        }
    }

    @Test func stridesOnDepthRefusedInDataFormatOrder() {
        // NCHW: index 1 is the channel dimension.
        expectInvalid("does not yet support strides in the batch and depth dimensions.", "NCHW") {
            try backpropInput(
                inputSizes: [1, 3, 5, 5], outBackprop: try Tensor<Float>(zeros: [1, 6, 5, 5]),
                strides: [1, 2, 1, 1], dataFormat: .nchw)
        }
    }

    @Test func explicitPaddingsNeedEightValues() {
        expectInvalid("explicit_paddings attribute must contain 8 values, but got: 6") {
            try backpropInput(padding: .explicit([0, 0, 1, 1, 1, 1]))
        }
    }

    @Test func explicitPaddingsMustBeNonNegative() {
        expectInvalid("All elements of explicit_paddings must be nonnegative") {
            try backpropInput(padding: .explicit([0, 0, -1, 1, 1, 1, 0, 0]))
        }
    }

    @Test func explicitPaddingOnBatchOrDepthRefused() {
        expectInvalid("Nonzero explicit padding in the batch or depth dimensions is not supported") {
            try backpropInput(padding: .explicit([0, 0, 1, 1, 1, 1, 0, 1]))
        }
    }

    @Test func dilationsNeedFourValues() {
        expectInvalid("dilations field must specify 4 dimensions") {
            try backpropInput(dilations: [1, 1])
        }
    }

    @Test func dilationsOnBatchOrDepthRefused() {
        expectInvalid("does not yet support dilations in the batch and depth dimensions") {
            try backpropInput(dilations: [1, 1, 1, 2])
        }
    }

    @Test func dilationsMustBePositive() {
        expectInvalid("Dilated rates should be larger than 0") {
            try backpropInput(dilations: [1, 0, 1, 1])
        }
    }

    @Test func inputSizesMustBeNonNegative() {
        expectInvalid("Dimension 1 of input_sizes must be >= 0") {
            try backpropInput(inputSizes: [1, -5, 5, 3])
        }
    }

    @Test func inputSizesMustHaveFourValues() {
        expectInvalid("DepthwiseConv2DBackpropInput: input must be 4-dimensional") {
            try backpropInput(inputSizes: [5, 5, 3])
        }
    }

    @Test func filterMustBeFourDimensional() {
        expectInvalid("DepthwiseConv2DBackpropInput: filter must be 4-dimensional") {
            try backpropInput(filter: try Tensor<Float>(zeros: [3, 3, 6]))
        }
    }

    @Test func outBackpropMustBeFourDimensional() {
        expectInvalid("DepthwiseConv2DBackpropInput: out_backprop must be 4-dimensional") {
            try backpropInput(outBackprop: try Tensor<Float>(zeros: [5, 5, 6]))
        }
    }

    @Test func batchSizesMustAgree() {
        expectInvalid("input and out_backprop must have the same batch size") {
            try backpropInput(inputSizes: [2, 5, 5, 3])
        }
    }

    @Test func inDepthMustAgree() {
        expectInvalid("input and filter must have the same in_depth") {
            try backpropInput(inputSizes: [1, 5, 5, 4])
        }
    }

    @Test func outDepthMustBeMultiplierTimesInDepth() {
        expectInvalid("depth_multiplier * in_depth not equal to out_depth") {
            try backpropInput(outBackprop: try Tensor<Float>(zeros: [1, 5, 5, 5]))
        }
    }

    @Test func strideMustBePositive() {
        expectInvalid("Stride must be > 0, but got 0") {
            try backpropInput(strides: [1, 0, 1, 1])
        }
    }

    @Test func negativeValidOutputRefused() {
        // in = 5, k = 7, s = 1: (5 - 7 + 1) / 1 = -1.
        expectInvalid("Computed output size would be negative: -1", "input_size: 5", "effective_filter_size: 7") {
            try backpropInput(
                filter: try Tensor<Float>(zeros: [7, 7, 3, 2]), outBackprop: try Tensor<Float>(zeros: [1, 0, 0, 6]),
                padding: .valid)
        }
    }

    @Test func negativeExplicitOutputRefused() {
        expectInvalid("Computed output size would be negative") {
            try backpropInput(
                filter: try Tensor<Float>(zeros: [9, 3, 3, 2]), outBackprop: try Tensor<Float>(zeros: [1, 0, 5, 6]),
                padding: .explicit([0, 0, 1, 1, 1, 1, 0, 0]))
        }
    }

    @Test func outBackpropRowsMustMatch() {
        expectInvalid("Number of rows of out_backprop doesn't match computed: actual = 4, computed = 5") {
            try backpropInput(outBackprop: try Tensor<Float>(zeros: [1, 4, 5, 6]))
        }
    }

    @Test func outBackpropColsMustMatch() {
        expectInvalid("Number of cols of out_backprop doesn't match computed: actual = 6, computed = 3") {
            try backpropInput(outBackprop: try Tensor<Float>(zeros: [1, 5, 6, 6]), strides: [1, 1, 2, 1])
        }
    }

    @Test func elementCountOverflowRefused() {
        expectInvalid("overflows a 64-bit integer") {
            try backpropInput(inputSizes: [1 << 40, 1 << 40, 5, 3])
        }
    }

    @Test func outputElementCountOverflowNamesTheShape() {
        // The output shape is only built for the message: its wording must
        // stay what it was when the check built it up front.
        expectInvalid("The element count of output shape [1, 1048576, 1048576, 1073741824] overflows a 64-bit integer") {
            _ = try depthwiseConv2dNativeOutputShape(
                inputShape: [1, 1 << 20, 1 << 20, 1], filterShape: [1, 1, 1, 1 << 30], strides: [1, 1, 1, 1],
                padding: .valid)
        }
    }

    @Test func kernelProductOverflowNamesTheFactors() {
        // NCHW with no channels: every NCHW-order product is 0, but the
        // kernels' NHWC-order partial products overflow.
        let big = 1 << 22
        expectInvalid("A tensor size ([4194304, 4194304, 4194304, 0]) overflows a 64-bit integer") {
            _ = try depthwiseConv2dNativeOutputShape(
                inputShape: [big, 0, big, big], filterShape: [1, 1, 0, 1], strides: [1, 1, 1, 1], padding: .valid,
                dataFormat: .nchw)
        }
    }

    @Test func memoryLimitRefusesBeforeAllocating() {
        // 1 x 5000 x 5000 x 3 floats = 300 MB of result, against a 1 MB limit.
        let options = DepthwiseConvOptions(memoryLimit: 1 << 20)
        expectInvalid("memory limit") {
            _ = try depthwiseConv2dNativeBackpropInput(
                inputSizes: [1, 5000, 5000, 3], filter: filter, outBackprop: try Tensor<Float>(zeros: [1, 1, 1, 6]),
                strides: [1, 5000, 5000, 1], padding: .same, options: options)
        }
    }

    @Test func hugeShapeRefusedByDefaultLimit() {
        // A legal shape whose result alone is ~ 2^50 bytes.
        expectInvalid("memory limit") {
            _ = try depthwiseConv2dNativeBackpropInput(
                inputSizes: [1, 1 << 24, 1 << 24, 3], filter: filter, outBackprop: try Tensor<Float>(zeros: [1, 1, 1, 6]),
                strides: [1, 1 << 24, 1 << 24, 1], padding: .same)
        }
    }

    @Test func threadCountMustBePositive() {
        expectInvalid("threadCount must be > 0") {
            try backpropInput(options: DepthwiseConvOptions(threadCount: 0))
        }
    }

    @Test func tensorShapeMustMatchScalars() {
        expectInvalid("holds 4 elements", "3 scalars") {
            _ = try Tensor<Float>(shape: [2, 2], scalars: [1, 2, 3])
        }
        expectInvalid("negative dimension") {
            _ = try Tensor<Float>(shape: [2, -2], scalars: [])
        }
    }

    @Test func mutatedTensorIsCheckedAgain() {
        var broken = filter
        broken.scalars.removeLast()
        expectInvalid("filter holds 53 elements, but its shape needs 54") {
            try backpropInput(filter: broken)
        }
    }

    @Test func filterSizesMustBeNonNegative() {
        expectInvalid("Dimension 2 of filter_sizes must be >= 0") {
            _ = try depthwiseConv2dNativeBackpropFilter(
                input: input, filterSizes: [3, 3, -3, 2], outBackprop: outBackprop, strides: [1, 1, 1, 1],
                padding: .same)
        }
    }

    @Test func forwardChecksItsShapes() {
        expectInvalid("input must be 4-dimensional") {
            _ = try depthwiseConv2dNative(
                input: try Tensor<Float>(zeros: [5, 5, 3]), filter: filter, strides: [1, 1, 1, 1], padding: .same)
        }
        expectInvalid("input and filter must have the same depth: 4 vs 3") {
            _ = try depthwiseConv2dNative(
                input: try Tensor<Float>(zeros: [1, 5, 5, 4]), filter: filter, strides: [1, 1, 1, 1], padding: .same)
        }
    }

    @Test func bufferCountsMustMatchShapes() {
        var result = [Float](repeating: 0, count: 74)
        expectInvalid("result holds 74 elements, but its shape needs 75") {
            try filter.scalars.withUnsafeBufferPointer { w in
                try outBackprop.scalars.withUnsafeBufferPointer { dy in
                    try result.withUnsafeMutableBufferPointer { dx in
                        try depthwiseConv2dNativeBackpropInput(
                            inputSizes: [1, 5, 5, 3], filter: w, filterShape: [3, 3, 3, 2],
                            outBackprop: dy, outBackpropShape: [1, 5, 5, 6], result: dx,
                            strides: [1, 1, 1, 1], padding: .same)
                    }
                }
            }
        }
    }

    @Test func resultMustNotOverlapOperands() {
        var storage = [Float](repeating: 0, count: 150 + 75)
        expectInvalid("result must not overlap out_backprop") {
            try filter.scalars.withUnsafeBufferPointer { w in
                try storage.withUnsafeMutableBufferPointer { all in
                    let dy = UnsafeBufferPointer(rebasing: all[0..<150])
                    let dx = UnsafeMutableBufferPointer(rebasing: all[100..<175])
                    try depthwiseConv2dNativeBackpropInput(
                        inputSizes: [1, 5, 5, 3], filter: w, filterShape: [3, 3, 3, 2],
                        outBackprop: dy, outBackpropShape: [1, 5, 5, 6], result: dx,
                        strides: [1, 1, 1, 1], padding: .same)
                }
            }
        }
    }
}
