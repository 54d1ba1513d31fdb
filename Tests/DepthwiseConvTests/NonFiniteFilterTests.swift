import DepthwiseConv
import Testing

/// A filter holding an infinity or a NaN: taps outside the input contribute
/// nothing, so a border pixel that never reads the non-finite tap stays
/// finite (TensorFlow's semantics; zero padding would give `0 * inf = NaN`).
/// The kernels then read the tensors in place instead of zero-padded copies;
/// both paths must agree with the reference and with each other bit for bit.
@Suite struct NonFiniteFilterTests {
    static let configurations = kernelShapeConfigurations

    @Test(arguments: [Float.infinity, -.infinity, .nan])
    func nonFiniteTapsReachExactlyThePixelsThatReadThem(special: Float) throws {
        for (index, config) in Self.configurations.enumerated() {
            var rng = SplitMix64(seed: UInt64(index) &+ 5)
            let x = rng.values(config.inputCount), dy = rng.values(config.outputCount)
            var w = rng.values(config.filterCount)
            // The last tap of the first filter row, first channel: off the
            // input for some border pixels.
            w[(config.filterWidth - 1) * config.outputChannels] = Double(special)
            var first: [[UInt64]]?
            for isa in InstructionSet.allCases {
                let runner = OperationRunner<Float>(
                    config: config, options: DepthwiseConvOptions(threadCount: 2, instructionSet: isa))
                let forward = try runner.forward(x, w), backpropInput = try runner.backpropInput(w, dy)
                let expectedForward = config.forward(input: x, filter: w)
                let expectedBackprop = config.backpropInput(filter: w, outBackprop: dy)
                expectSameSpecials(forward, expectedForward, "forward \(config)")
                expectSameSpecials(backpropInput, expectedBackprop, "backprop input \(config)")
                let bits = [forward.map(\.bitPattern), backpropInput.map(\.bitPattern)]
                if let first {
                    #expect(bits == first, "\(config) with \(isa)")
                } else {
                    first = bits
                }
            }
        }
    }
}

/// Infinities and NaNs where the reference has them, finite values where it
/// has finite ones (those within a loose relative tolerance).
private func expectSameSpecials(_ actual: [Double], _ expected: [Double], _ context: String) {
    #expect(actual.count == expected.count, "\(context): count")
    var mismatches = 0
    for (a, e) in zip(actual, expected) {
        let same = e.isNaN ? a.isNaN : e.isInfinite ? a == e : a.isFinite && abs(a - e) <= 1e-3 * max(1, abs(e))
        if !same { mismatches += 1 }
    }
    #expect(mismatches == 0, "\(context): \(mismatches) elements differ")
}
