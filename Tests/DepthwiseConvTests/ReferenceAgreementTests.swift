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

    /// An output gradient and an input over 4 MiB, which the filter-gradient
    /// kernel stages instead of reading in place (smaller ones, above, are
    /// read in place unless a depth multiplier widens the input), against
    /// the reference and across thread counts bit for bit.
    @Test func filterGradientOfALargeOutputGradient() throws {
        let config = ReferenceConvolution(
            batch: 2, height: 48, width: 48, channels: 256, multiplier: 1, filterHeight: 3, filterWidth: 3,
            strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same, dataFormat: .nhwc)
        #expect(config.outputCount * 4 > 4 << 20 && config.inputCount * 4 > 4 << 20)
        var rng = SplitMix64(seed: 0x5EED)
        let x = rng.values(config.inputCount), dy = rng.values(config.outputCount)
        let serial = try OperationRunner<Float>(config: config, options: DepthwiseConvOptions(threadCount: 1))
            .backpropFilter(x, dy)
        let parallel = try OperationRunner<Float>(config: config, options: DepthwiseConvOptions(threadCount: 3))
            .backpropFilter(x, dy)
        let identical = serial.map(\.bitPattern) == parallel.map(\.bitPattern)
        #expect(identical, "1 and 3 threads differ")
        expectClose(
            serial, config.backpropFilter(input: x, outBackprop: dy),
            magnitudes: config.backpropFilter(input: x.map(abs), outBackprop: dy.map(abs)),
            terms: config.maxTermsPerElement.backpropFilter,
            unitRoundoff: Float.unitRoundoff, storageRoundoff: 0, "large filter gradient")
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
