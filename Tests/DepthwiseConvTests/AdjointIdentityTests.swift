import DepthwiseConv
import Testing

/// The three operations are one bilinear form seen three ways:
/// `<forward(x, w), dy> == <x, backpropInput(dy, w)> == <w, backpropFilter(x, dy)>`.
/// Checked in `Double` on random configurations; this ties the library's
/// operations to each other without any reference implementation.
@Suite struct AdjointIdentityTests {
    @Test(arguments: Array(randomConfigurations(count: 120, seed: 0xAD_10).enumerated()))
    func adjointIdentityHolds(index: Int, config: ReferenceConvolution) throws {
        var rng = SplitMix64(seed: UInt64(index) &* 31 &+ 1)
        let x = rng.values(config.inputCount)
        let w = rng.values(config.filterCount)
        let dy = rng.values(config.outputCount)
        let runner = OperationRunner<Double>(config: config)
        let y = try runner.forward(x, w)
        let dx = try runner.backpropInput(w, dy)
        let dw = try runner.backpropFilter(x, dy)

        let viaForward = dot(y, dy)
        let viaInput = dot(x, dx)
        let viaFilter = dot(w, dw)
        // Every side sums the same products; bound by their total magnitude.
        let magnitude = dot(
            config.forward(input: x.map(abs), filter: w.map(abs)), dy.map(abs))
        let tolerance = 1e-12 * max(magnitude, 1e-300)
        #expect(abs(viaForward - viaInput) <= tolerance, "\(config)")
        #expect(abs(viaForward - viaFilter) <= tolerance, "\(config)")
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

extension ReferenceConvolution: CustomTestStringConvertible {
    var testDescription: String {
        "N\(batch) \(height)x\(width)x\(channels) M\(multiplier) K\(filterHeight)x\(filterWidth) "
            + "s\(strideHeight),\(strideWidth) d\(dilationHeight),\(dilationWidth) \(padding) \(dataFormat.rawValue)"
    }
}
