import DepthwiseConv
import Dispatch
import Foundation
import Testing

/// Many calls of the three operations, in every scalar type, with varied
/// small shapes, thread counts and kernel variants, issued at once from
/// several threads (each call itself splitting its work over threads), and
/// each result compared bit for bit with the same call made alone with one
/// thread. Operands are shared between the concurrent calls. Under
/// ThreadSanitizer this finds the standard library's benign race on the
/// empty-array storage (empty results); Tools/sanitizers.sh suppresses it.
@Suite struct ConcurrentStressTests {
    static let caseCount = 600
    /// Each case runs this many times concurrently.
    static let rounds = 3
    static let workers = 8

    @Test func concurrentCallsAreBitIdenticalToSerialOnes() throws {
        let cases = Self.makeCases(count: Self.caseCount, seed: 0x5EED_C0C0)
        // Serial, one thread, the default kernels.
        let expected = try cases.map { try $0.run(options: DepthwiseConvOptions(threadCount: 1)) }
        let results = ResultSlots(count: cases.count * Self.rounds)
        // Each worker takes every `workers`-th case, so all operations, types
        // and thread counts run side by side; every case runs `rounds` times.
        DispatchQueue.concurrentPerform(iterations: Self.workers * Self.rounds) { job in
            let worker = job % Self.workers, round = job / Self.workers
            for index in stride(from: worker, to: cases.count, by: Self.workers) {
                let stressCase = cases[index]
                let options = DepthwiseConvOptions(
                    threadCount: stressCase.threadCount, instructionSet: stressCase.instructionSet)
                results.store(round * cases.count + index, Result { try stressCase.run(options: options) })
            }
        }
        for round in 0..<Self.rounds {
            for (index, stressCase) in cases.enumerated() {
                let got = try results.value(round * cases.count + index).get()
                #expect(got == expected[index], "round \(round), case \(index): \(stressCase)")
            }
        }
    }

    @Test func concurrentTasksAreBitIdenticalToSerialOnes() async throws {
        let cases = Self.makeCases(count: Self.caseCount / 2, seed: 0x7A5C_0001)
        let expected = try cases.map { try $0.run(options: DepthwiseConvOptions(threadCount: 1)) }
        let got = try await withThrowingTaskGroup(of: (Int, [UInt64]).self) { group in
            for (index, stressCase) in cases.enumerated() {
                group.addTask {
                    let options = DepthwiseConvOptions(
                        threadCount: stressCase.threadCount, instructionSet: stressCase.instructionSet)
                    return (index, try stressCase.run(options: options))
                }
            }
            var results = [[UInt64]](repeating: [], count: cases.count)
            for try await (index, bits) in group { results[index] = bits }
            return results
        }
        for index in cases.indices {
            #expect(got[index] == expected[index], "case \(index): \(cases[index])")
        }
    }

    // MARK: - Cases

    enum Operation: CaseIterable { case forward, backpropInput, backpropFilter }
    enum ScalarType: CaseIterable { case float32, float64, float16, bfloat16 }

    struct StressCase: CustomStringConvertible, Sendable {
        var config: ReferenceConvolution
        var operation: Operation
        var scalarType: ScalarType
        var threadCount: Int
        var instructionSet: InstructionSet?
        var usesBuffers: Bool
        /// Operand values (shared by every call of this case).
        var first: [Double]
        var second: [Double]

        var description: String {
            "\(operation) \(scalarType) threads \(threadCount) isa \(instructionSet.map(\.rawValue) ?? "default") "
                + "buffers \(usesBuffers): \(config)"
        }

        /// The result's bit patterns.
        func run(options: DepthwiseConvOptions) throws -> [UInt64] {
            switch scalarType {
            case .float32: try run(Float.self, options).map { UInt64($0.bitPattern) }
            case .float64: try run(Double.self, options).map(\.bitPattern)
            case .float16: try run(Float16.self, options).map { UInt64($0.bitPattern) }
            case .bfloat16: try run(BFloat16.self, options).map { UInt64($0.bitPattern) }
            }
        }

        private func run<T: TestScalar>(_ type: T.Type, _ options: DepthwiseConvOptions) throws -> [T] {
            let c = config
            let a = first.map { T(testValue: $0) }, b = second.map { T(testValue: $0) }
            guard usesBuffers else {
                switch operation {
                case .forward:
                    return try depthwiseConv2dNative(
                        input: Tensor(shape: c.inputShape, scalars: a), filter: Tensor(shape: c.filterShape, scalars: b),
                        strides: c.strides, padding: c.padding, dataFormat: c.dataFormat, dilations: c.dilations,
                        options: options
                    ).scalars
                case .backpropInput:
                    return try depthwiseConv2dNativeBackpropInput(
                        inputSizes: c.inputShape, filter: Tensor(shape: c.filterShape, scalars: a),
                        outBackprop: Tensor(shape: c.outputShape ?? [], scalars: b),
                        strides: c.strides, padding: c.padding, dataFormat: c.dataFormat, dilations: c.dilations,
                        options: options
                    ).scalars
                case .backpropFilter:
                    return try depthwiseConv2dNativeBackpropFilter(
                        input: Tensor(shape: c.inputShape, scalars: a), filterSizes: c.filterShape,
                        outBackprop: Tensor(shape: c.outputShape ?? [], scalars: b),
                        strides: c.strides, padding: c.padding, dataFormat: c.dataFormat, dilations: c.dilations,
                        options: options
                    ).scalars
                }
            }
            let resultCount = switch operation {
            case .forward: c.outputCount
            case .backpropInput: c.inputCount
            case .backpropFilter: c.filterCount
            }
            var result = [T](repeating: T.zero, count: resultCount)
            try a.withUnsafeBufferPointer { a in
                try b.withUnsafeBufferPointer { b in
                    try result.withUnsafeMutableBufferPointer { result in
                        switch operation {
                        case .forward:
                            try depthwiseConv2dNative(
                                input: a, inputShape: c.inputShape, filter: b, filterShape: c.filterShape,
                                result: result, strides: c.strides, padding: c.padding, dataFormat: c.dataFormat,
                                dilations: c.dilations, options: options)
                        case .backpropInput:
                            try depthwiseConv2dNativeBackpropInput(
                                inputSizes: c.inputShape, filter: a, filterShape: c.filterShape,
                                outBackprop: b, outBackpropShape: c.outputShape ?? [], result: result,
                                strides: c.strides, padding: c.padding, dataFormat: c.dataFormat,
                                dilations: c.dilations, options: options)
                        case .backpropFilter:
                            try depthwiseConv2dNativeBackpropFilter(
                                input: a, inputShape: c.inputShape, filterSizes: c.filterShape,
                                outBackprop: b, outBackpropShape: c.outputShape ?? [], result: result,
                                strides: c.strides, padding: c.padding, dataFormat: c.dataFormat,
                                dilations: c.dilations, options: options)
                        }
                    }
                }
            }
            return result
        }
    }

    /// Small valid configurations (so that a debug build stays fast), every
    /// operation, scalar type, data format and padding, thread counts 1 to 4
    /// and every kernel variant (those the CPU lacks are lowered).
    static func makeCases(count: Int, seed: UInt64) -> [StressCase] {
        var rng = SplitMix64(seed: seed)
        var cases: [StressCase] = []
        while cases.count < count {
            let format: DataFormat = Bool.random(using: &rng) ? .nhwc : .nchw
            let padding: Padding
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: padding = .same
            case 1: padding = .valid
            default:
                let pads = (0..<4).map { _ in Int.random(in: 0...2, using: &rng) }
                padding = .explicit(format == .nhwc
                    ? [0, 0, pads[0], pads[1], pads[2], pads[3], 0, 0]
                    : [0, 0, 0, 0, pads[0], pads[1], pads[2], pads[3]])
            }
            let config = ReferenceConvolution(
                batch: Int.random(in: 1...2, using: &rng),
                height: Int.random(in: 1...12, using: &rng), width: Int.random(in: 1...12, using: &rng),
                channels: Int.random(in: 1...9, using: &rng), multiplier: Int.random(in: 0...3, using: &rng),
                filterHeight: Int.random(in: 1...4, using: &rng), filterWidth: Int.random(in: 1...4, using: &rng),
                strideHeight: Int.random(in: 1...2, using: &rng), strideWidth: Int.random(in: 1...2, using: &rng),
                dilationHeight: Int.random(in: 1...2, using: &rng), dilationWidth: Int.random(in: 1...2, using: &rng),
                padding: padding, dataFormat: format)
            guard config.outputShape != nil else { continue }
            let index = cases.count
            let operation = Operation.allCases[index % 3]
            let (firstCount, secondCount) = switch operation {
            case .forward: (config.inputCount, config.filterCount)
            case .backpropInput: (config.filterCount, config.outputCount)
            case .backpropFilter: (config.inputCount, config.outputCount)
            }
            cases.append(StressCase(
                config: config, operation: operation,
                scalarType: ScalarType.allCases[(index / 3) % 4],
                threadCount: 1 + index % 4,
                instructionSet: ([nil] + InstructionSet.allCases.map { Optional($0) })[(index / 12) % 4],
                usesBuffers: index % 5 == 0,
                first: rng.values(firstCount), second: rng.values(secondCount)))
        }
        return cases
    }
}

/// Regression cases for what fuzzing found (Tools/fuzz/README.md,
/// "Findings"), all fixed: each call now either runs or throws, never traps.
@Suite struct FuzzFindingTests {
    /// Finding 1: the kernels' tap tables (`WindowTaps`) hold positions x
    /// filter-size entries per spatial dimension, allocated outside the
    /// memory budget (and multiplied without an overflow check). An empty
    /// filter 2^32 columns wide asks for 64 GiB here; the call must instead
    /// be refused by the memory limit or return its 5 zeros cheaply.
    @Test
    func emptyFilterWithHugeWidthIsRefusedOrCheap() throws {
        let options = DepthwiseConvOptions(threadCount: 2, memoryLimit: 64 << 20)
        do {
            let dx = try depthwiseConv2dNativeBackpropInput(
                inputSizes: [1, 1, 5, 1], filter: Tensor<Float>(shape: [0, 1 << 32, 1, 4], scalars: []),
                outBackprop: Tensor<Float>(zeros: [1, 4, 5, 1]), strides: [1, 1, 1, 1], padding: .same,
                dataFormat: .nchw, dilations: [1, 1, 3, 1], options: options)
            let zeros = [Float](repeating: 0, count: 5)
            #expect(dx.scalars == zeros)
        } catch is DepthwiseConvError {
            // Refused: fine.
        }
    }

    /// Finding 1, with ordinary non-empty operands: a 1 x 65535 filter over a
    /// 1 x 65535 input (256 KiB each) needs 65535^2 tap entries (tens of GiB)
    /// that the 64 MiB memory limit does not see.
    @Test
    func longFilterOverLongInputRespectsTheMemoryLimit() throws {
        let options = DepthwiseConvOptions(threadCount: 1, memoryLimit: 64 << 20)
        let width = 65_535
        do {
            let y = try depthwiseConv2dNative(
                input: Tensor<Float>(shape: [1, 1, width, 1], scalars: Array(repeating: 1, count: width)),
                filter: Tensor<Float>(shape: [1, width, 1, 1], scalars: Array(repeating: 1, count: width)),
                strides: [1, 1, 1, 1], padding: .same, options: options)
            #expect(y.shape == [1, 1, width, 1])
        } catch is DepthwiseConvError {
            // Refused by the memory limit: fine.
        }
    }

    /// Finding 2: a huge (valid) stride traps with an arithmetic overflow in
    /// the forward kernel (`depthwiseForwardNHWC`) and, for the input
    /// gradient, in `WindowTaps.prepareBlocking` (`p + 3 * step`). Strides up
    /// to 2^40 work; 2^62 and above crash the process.
    @Test(arguments: [1 << 62, Int.max / 2, Int.max])
    func hugeStrideDoesNotTrap(stride: Int) throws {
        let options = DepthwiseConvOptions(threadCount: 1, memoryLimit: 64 << 20)
        let input = try Tensor<Float>(shape: [1, 1, 5, 3], scalars: (0..<15).map { Float($0) })
        let filter = try Tensor<Float>(shape: [1, 4, 3, 1], scalars: Array(repeating: 1, count: 12))
        let strides: [Int] = [1, 2, stride, 1], dilations: [Int] = [1, 2, 2, 1]
        // SAME: one output column, padded left by 1: taps at columns -1, 1, 3, 5.
        let y = try depthwiseConv2dNative(
            input: input, filter: filter, strides: strides, padding: .same, dilations: dilations, options: options)
        #expect(y.shape == [1, 1, 1, 3])
        let expectedY: [Float] = [3 + 9, 4 + 10, 5 + 11]
        #expect(y.scalars == expectedY)
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [1, 1, 5, 3], filter: filter,
            outBackprop: Tensor<Float>(shape: [1, 1, 1, 3], scalars: Array(repeating: 1, count: 3)),
            strides: strides, padding: .same, dilations: dilations, options: options)
        let expectedDx: [Float] = [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0]
        #expect(dx.scalars == expectedDx)
    }

    /// Finding 7 (on 20523b7, after the fixes): the filter gradient still
    /// traps on a huge stride, in the new `FilterGradientPartition.init`
    /// (arithmetic overflow). Strides up to 2^40 work; 2^62 and above crash
    /// the process. The forward and input-gradient cases above pass.
    @Test(arguments: [7, 1 << 62, Int.max])
    func hugeStrideFilterGradientDoesNotTrap(stride: Int) throws {
        let options = DepthwiseConvOptions(threadCount: 2, memoryLimit: 64 << 20)
        let input = try Tensor<Float>(shape: [1, 1, 5, 3], scalars: (0..<15).map { Float($0) })
        let outBackprop = try Tensor<Float>(shape: [1, 1, 1, 3], scalars: Array(repeating: 1, count: 3))
        // SAME, one output pixel, padded left by 1: taps at columns -1, 1, 3, 5.
        let dw = try depthwiseConv2dNativeBackpropFilter(
            input: input, filterSizes: [1, 4, 3, 1], outBackprop: outBackprop,
            strides: [1, stride, stride, 1], padding: .same, dilations: [1, 2, 2, 1], options: options)
        let expectedDw: [Float] = [0, 0, 0, 3, 4, 5, 9, 10, 11, 0, 0, 0]
        #expect(dw.scalars == expectedDw)
    }

    /// Finding 2, second form: the input-gradient kernel
    /// (`depthwiseBackpropInputNHWC`) multiplies the two strides; 2^40 x 2^31
    /// overflows and traps although each stride alone works.
    @Test
    func hugeStrideProductDoesNotTrap() throws {
        let options = DepthwiseConvOptions(threadCount: 1, memoryLimit: 64 << 20)
        let filter = try Tensor<Float>(shape: [1, 4, 3, 1], scalars: Array(repeating: 1, count: 12))
        // SAME: one output pixel, no padding: taps at columns 0 to 3.
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [1, 1, 5, 3], filter: filter,
            outBackprop: Tensor<Float>(shape: [1, 1, 1, 3], scalars: Array(repeating: 1, count: 3)),
            strides: [1, 1 << 40, 1 << 31, 1], padding: .same, options: options)
        let expectedDx: [Float] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
        #expect(dx.scalars == expectedDx)
    }

    /// Finding 3: with VALID (or EXPLICIT) padding, an empty input Int.max
    /// wide and a filter 0 wide make the output width Int.max + 1; the
    /// validation's `span / stride + 1` (`truncatedWindowCount`) traps
    /// instead of throwing "overflows a 64-bit integer".
    @Test
    func outputSizeBeyondIntMaxThrows() throws {
        #expect(throws: DepthwiseConvError.self) {
            try depthwiseConv2dNative(
                input: Tensor<Double>(shape: [2, 1, 0, Int.max], scalars: []),
                filter: Tensor<Double>(shape: [1, 0, 1, 0], scalars: []),
                strides: [1, 1, 1, 1], padding: .valid, dataFormat: .nchw,
                options: DepthwiseConvOptions(memoryLimit: 64 << 20))
        }
    }

    /// Finding 3, second form: with SAME padding, a filter 0 tall and a
    /// dilation of Int.max make the effective filter size about Int.min, and
    /// `covered - inputSize` traps. The filter is empty, so the valid
    /// answer is zeros (or a thrown error).
    @Test
    func emptyFilterWithHugeDilationDoesNotTrap() throws {
        do {
            let y = try depthwiseConv2dNative(
                input: Tensor<Float>(shape: [1, 3, 1, 1], scalars: [1, 2, 3]),
                filter: Tensor<Float>(shape: [0, 3, 1, 2], scalars: []),
                strides: [1, 31, 3, 1], padding: .same, dilations: [1, Int.max, 1, 1],
                options: DepthwiseConvOptions(memoryLimit: 64 << 20))
            let zeros = [Float](repeating: 0, count: 2)
            #expect(y.scalars == zeros)
        } catch is DepthwiseConvError {
            // Refused: fine.
        }
    }

    /// Finding 4: `ConvGeometry.inputCount` (and `outputCount`,
    /// `filterCount`, `OperationPlan`'s pixel counts) multiply left to
    /// right without overflow checks: an empty input (no channels) with a
    /// batch of Int.max traps at `Int.max * 4` before the factor 0. The call
    /// is valid (every tensor is empty) and should return an empty result.
    @Test
    func emptyTensorsWithHugeDimensionsDoNotTrap() throws {
        do {
            let y = try depthwiseConv2dNative(
                input: Tensor<Float>(shape: [Int.max, 0, 4, 3], scalars: []),
                filter: Tensor<Float>(shape: [1, 31, 0, Int.max], scalars: []),
                strides: [1, 1, 3, 1], padding: .same, dataFormat: .nchw, dilations: [1, 1, 7, 31],
                options: DepthwiseConvOptions(memoryLimit: 64 << 20))
            #expect(y.scalars.isEmpty)
        } catch let error as DepthwiseConvError {
            // Refused: the kernels' NHWC-order products would overflow.
            #expect(error.message.contains("overflows"))
        }
    }

    /// Finding 8 (after the finding-7 fix): an NCHW call whose batch is empty
    /// but whose output is 2^62 rows tall (a filter 0 tall with a huge
    /// dilation, EXPLICIT padding) trapped in `OperationPlan`, which
    /// multiplied the output's height and width (2^62 x 4) before looking at
    /// the empty batch. TensorFlow accepts such a call (every tensor is
    /// empty), and so do we.
    @Test func emptyBatchWithHugeOutputHeightDoesNotTrap() throws {
        try checkEmptyBatchWithHugeOutputHeight(Float.self)
        try checkEmptyBatchWithHugeOutputHeight(BFloat16.self)
    }

    private func checkEmptyBatchWithHugeOutputHeight<T: DepthwiseScalar>(_: T.Type) throws {
        let options = DepthwiseConvOptions(threadCount: 1, memoryLimit: 64 << 20)
        let strides = [1, 1, 1, 1], dilations = [1, 1, 1 << 62, 1]
        let padding = Padding.explicit([0, 0, 0, 0, 0, 0, 0, 0])
        let filter = try Tensor<T>(shape: [0, 3, 3, 1], scalars: [])
        let y = try depthwiseConv2dNative(
            input: Tensor<T>(shape: [0, 3, 0, 6], scalars: []), filter: filter,
            strides: strides, padding: padding, dataFormat: .nchw, dilations: dilations, options: options)
        #expect(y.shape == [0, 3, 1 << 62, 4])
        #expect(y.scalars.isEmpty)
        let dx = try depthwiseConv2dNativeBackpropInput(
            inputSizes: [0, 3, 0, 6], filter: filter, outBackprop: y,
            strides: strides, padding: padding, dataFormat: .nchw, dilations: dilations, options: options)
        #expect(dx.scalars.isEmpty)
    }

    /// Finding 11 (on 6d3bb8f): a forward call whose empty filter is Int.max
    /// rows tall trapped while sizing the tap tables (`filterHeight + 1`).
    /// NCHW, BFloat16 buffers in the fuzzer; any type and form reaches the
    /// same check. It must be refused (the tables would not fit in memory) or
    /// return its zeros, never trap.
    @Test func emptyFilterIntMaxRowsTallDoesNotTrap() throws {
        let options = DepthwiseConvOptions(threadCount: 1, memoryLimit: 64 << 20)
        let input = try Tensor<Float>(shape: [1, 8, 1, 31], scalars: Array(repeating: 1, count: 248))
        let filter = try Tensor<Float>(shape: [Int.max, 0, 8, 8], scalars: [])
        do {
            let y = try depthwiseConv2dNative(
                input: input, filter: filter, strides: [1, 1, 1, 1], padding: .same, dataFormat: .nchw,
                options: options)
            #expect(y.shape == [1, 64, 1, 31])
            #expect(y.scalars.allSatisfy { $0 == 0 })
        } catch is DepthwiseConvError {
            // Refused: fine.
        }
    }

    /// Found in review (session 3): the kernels' working memory was outside
    /// the memory limit. The forward pass with `M > 1` widens the input rows
    /// it reads to `C * M` lanes, and the filter gradient stages input rows
    /// the same way: a 4 MiB input row 2^20 pixels wide with `M = 4096` and a
    /// stride of 4096 (a 4 MiB output) asked for 16 GiB. Such calls are now
    /// refused before anything is allocated, like any other over the limit.
    @Test func kernelWorkingMemoryCountsAgainstTheLimit() throws {
        let options = DepthwiseConvOptions(threadCount: 2, memoryLimit: 256 << 20)
        let width = 1 << 20, multiplier = 1 << 12
        let input = try Tensor<Float>(shape: [1, 1, width, 1], scalars: Array(repeating: 1, count: width))
        let strides = [1, 1, multiplier, 1]
        #expect {
            _ = try depthwiseConv2dNative(
                input: input, filter: Tensor<Float>(shape: [1, 1, 1, multiplier], scalars: Array(repeating: 1, count: multiplier)),
                strides: strides, padding: .valid, options: options)
        } throws: { error in
            (error as? DepthwiseConvError)?.message.contains("more than the memory limit") == true
        }
        let outBackprop = try Tensor<Float>(
            shape: [1, 1, width / multiplier, multiplier], scalars: Array(repeating: 1, count: width))
        #expect {
            _ = try depthwiseConv2dNativeBackpropFilter(
                input: input, filterSizes: [1, 1, 1, multiplier], outBackprop: outBackprop,
                strides: strides, padding: .valid, options: options)
        } throws: { error in
            (error as? DepthwiseConvError)?.message.contains("more than the memory limit") == true
        }
        // The same shapes with a narrower input run (and are right).
        let small = try Tensor<Float>(shape: [1, 1, 8, 1], scalars: (0..<8).map(Float.init))
        let y = try depthwiseConv2dNative(
            input: small, filter: Tensor<Float>(shape: [1, 1, 1, 3], scalars: [1, 2, 3]),
            strides: [1, 1, 4, 1], padding: .valid, options: options)
        #expect(y.scalars == [0, 0, 0, 4, 8, 12])
    }

    /// Finding 10 (on 9be2273, by the final FuzzOps run): the filter gradient
    /// of an empty batch with an input 2^62 pixels wide trapped in
    /// `FilterGradientPartition` (row-group sizing multiplied the width by
    /// 64), reached through the new kernel-scratch estimate before the memory
    /// limit could refuse the 344 GB result.
    @Test func filterGradientOfAnEmptyBatchWithAHugeWidthDoesNotTrap() throws {
        let options = DepthwiseConvOptions(threadCount: 3, memoryLimit: 64 << 20)
        let shape = [0, 6, 1 << 62, 1 << 32]
        #expect {
            _ = try depthwiseConv2dNativeBackpropFilter(
                input: Tensor<Float>(shape: shape, scalars: []), filterSizes: [4, 5, 1 << 32, 1],
                outBackprop: Tensor<Float>(shape: shape, scalars: []),
                strides: [1, 1, 1, 1], padding: .same, dilations: [1, 3, 3, 1], options: options)
        } throws: { error in
            (error as? DepthwiseConvError)?.message.contains("more than the memory limit") == true
        }
        // With room for the result (a small filter), it returns zeros.
        let dw = try depthwiseConv2dNativeBackpropFilter(
            input: Tensor<Float>(shape: [0, 6, 1 << 62, 2], scalars: []), filterSizes: [4, 5, 2, 1],
            outBackprop: Tensor<Float>(shape: [0, 6, 1 << 62, 2], scalars: []),
            strides: [1, 1, 1, 1], padding: .same, dilations: [1, 3, 3, 1], options: options)
        #expect(dw.scalars == Array(repeating: 0, count: 40))
    }

    /// Finding 4, second form: `OperationPlan.scratchCount` adds the staged
    /// tensors' counts without overflow checks. A caller-owned buffer whose
    /// declared shape holds Int.max - 1 elements (the buffer is far smaller)
    /// traps in the memory-budget arithmetic instead of being refused.
    @Test
    func hugeDeclaredBufferShapeIsRefused() throws {
        let input = [Float16](repeating: 1, count: 3)
        var result = [Float16]()
        #expect(throws: DepthwiseConvError.self) {
            try input.withUnsafeBufferPointer { x in
                try result.withUnsafeMutableBufferPointer { y in
                    try depthwiseConv2dNative(
                        input: x, inputShape: [Int.max - 1, 1, 1, 1],
                        filter: UnsafeBufferPointer(start: nil, count: 0), filterShape: [0, 0, 1, 0],
                        result: y, strides: [1, 1, 1, 1], padding: .same,
                        options: DepthwiseConvOptions(memoryLimit: 64 << 20))
                }
            }
        }
    }
}

/// One result slot per case, written by whichever thread ran it.
private final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<[UInt64], any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ result: Result<[UInt64], any Error>) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
    }

    func value(_ index: Int) throws -> Result<[UInt64], any Error> {
        lock.lock()
        defer { lock.unlock() }
        return try #require(slots[index], "case \(index) never ran")
    }
}
