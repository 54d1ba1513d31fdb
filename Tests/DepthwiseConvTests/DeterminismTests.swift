import DepthwiseConv
import Testing

/// Results are bit-identical for every thread count and every instruction-set
/// variant this CPU can run (variants it can't run are lowered to the best
/// one, so on any machine these tests run what can run).
@Suite struct DeterminismTests {
    static let configurations = randomConfigurations(count: 24, seed: 0x7E_ADD5)
        + [ReferenceConvolution(
            batch: 2, height: 17, width: 19, channels: 37, multiplier: 3, filterHeight: 3, filterWidth: 3,
            strideHeight: 2, strideWidth: 1, dilationHeight: 1, dilationWidth: 2, padding: .same, dataFormat: .nhwc)]
        + kernelShapeConfigurations

    static let variants: [DepthwiseConvOptions] =
        [1, 2, 3, 8].map { DepthwiseConvOptions(threadCount: $0, instructionSet: .baseline) }
        + InstructionSet.allCases.map { DepthwiseConvOptions(threadCount: 8, instructionSet: $0) }

    @Test func float32IsBitIdenticalAcrossThreadsAndInstructionSets() throws {
        try check(Float.self)
    }

    @Test func float64IsBitIdenticalAcrossThreadsAndInstructionSets() throws {
        try check(Double.self)
    }

    @Test func bfloat16IsBitIdenticalAcrossThreadsAndInstructionSets() throws {
        try check(BFloat16.self)
    }

    private func check<T: TestScalar>(_ type: T.Type) throws {
        for (index, config) in Self.configurations.enumerated() {
            var rng = SplitMix64(seed: UInt64(index) &+ 99)
            let x = rng.values(config.inputCount), w = rng.values(config.filterCount)
            let dy = rng.values(config.outputCount)
            var first: [[Double]]?
            for options in Self.variants {
                let runner = OperationRunner<T>(config: config, options: options)
                let results = [try runner.forward(x, w), try runner.backpropInput(w, dy), try runner.backpropFilter(x, dy)]
                if let first {
                    // Compare bit patterns: NaN-safe and sign-of-zero exact.
                    #expect(results.map { $0.map(\.bitPattern) } == first.map { $0.map(\.bitPattern) },
                            "\(config) with \(options)")
                } else {
                    first = results
                }
            }
        }
    }
}
