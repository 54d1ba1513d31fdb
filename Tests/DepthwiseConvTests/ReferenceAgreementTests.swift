import DepthwiseConv
import Testing

/// The library against the independent float64 reference on random
/// configurations that cover every attribute.
@Suite struct ReferenceAgreementTests {
    static let configurations = randomConfigurations(count: 80, seed: 0xD3_9E) + kernelShapeConfigurations

    @Test func float32MatchesReference() throws {
        try checkAll(Float.self, exactInputs: false)
    }

    @Test func float64MatchesReference() throws {
        try checkAll(Double.self, exactInputs: false)
    }

    @Test func float16MatchesReference() throws {
        try checkAll(Float16.self, exactInputs: true)
    }

    @Test func bfloat16MatchesReference() throws {
        try checkAll(BFloat16.self, exactInputs: true)
    }

    /// 16-bit types accumulate in `Float` and round once, so their error is
    /// one storage rounding plus `Float` accumulation error.
    private func checkAll<T: TestScalar>(_ type: T.Type, exactInputs: Bool) throws {
        let accumulation = T.self == Double.self ? Double.unitRoundoff : Float.unitRoundoff
        let storage = T.self == Double.self || T.self == Float.self ? 0 : T.unitRoundoff
        for (index, config) in Self.configurations.enumerated() {
            var rng = SplitMix64(seed: UInt64(index) &+ 7)
            let draw = { (count: Int) in exactInputs ? rng.exactValues(count) : rng.values(count) }
            let x = draw(config.inputCount).map { T(testValue: $0).testValue }
            let w = draw(config.filterCount).map { T(testValue: $0).testValue }
            let dy = draw(config.outputCount).map { T(testValue: $0).testValue }
            let runner = OperationRunner<T>(config: config)
            let terms = config.maxTermsPerElement
            let context = "\(T.self) case \(index) \(config)"

            expectClose(
                try runner.forward(x, w), config.forward(input: x, filter: w),
                magnitudes: config.forward(input: x.map(abs), filter: w.map(abs)), terms: terms.forward,
                unitRoundoff: accumulation, storageRoundoff: storage, "forward \(context)")
            expectClose(
                try runner.backpropInput(w, dy), config.backpropInput(filter: w, outBackprop: dy),
                magnitudes: config.backpropInput(filter: w.map(abs), outBackprop: dy.map(abs)),
                terms: terms.backpropInput,
                unitRoundoff: accumulation, storageRoundoff: storage, "backprop input \(context)")
            expectClose(
                try runner.backpropFilter(x, dy), config.backpropFilter(input: x, outBackprop: dy),
                magnitudes: config.backpropFilter(input: x.map(abs), outBackprop: dy.map(abs)),
                terms: terms.backpropFilter,
                unitRoundoff: accumulation, storageRoundoff: storage, "backprop filter \(context)")
        }
    }
}
