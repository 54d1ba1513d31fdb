/// Straightforward Double computations from the operations' definitions,
/// which the demo compares the library's results with.
struct DemoReference {
    let example: DemoExample

    /// The input gradient at `(n, ih, iw, c)`, from the definition: the sum of
    /// `filter[kh, kw, c, m] * outBackprop[n, oh, ow, c * M + m]` over the
    /// taps whose forward window reads input pixel `(ih, iw)`; and the sum of
    /// the terms' magnitudes, the scale of the rounding error.
    func inputGradient(n: Int, ih: Int, iw: Int, c: Int) -> (value: Double, magnitude: Double) {
        let e = example
        var value = 0.0
        var magnitude = 0.0
        for kh in 0..<e.filterHeight {
            // Forward: ih == oh * stride - padTop + kh * dilation.
            let rowOffset = ih + e.padTop - kh * e.dilation
            guard rowOffset >= 0, rowOffset % e.stride == 0, rowOffset / e.stride < e.outputHeight else { continue }
            let oh = rowOffset / e.stride
            for kw in 0..<e.filterWidth {
                let columnOffset = iw + e.padLeft - kw * e.dilation
                guard columnOffset >= 0, columnOffset % e.stride == 0, columnOffset / e.stride < e.outputWidth
                else { continue }
                let ow = columnOffset / e.stride
                for m in 0..<e.multiplier {
                    let w = Double(e.filter[((kh * e.filterWidth + kw) * e.channels + c) * e.multiplier + m])
                    let outputChannel = c * e.multiplier + m
                    let dy = Double(
                        e.outBackprop[
                            ((n * e.outputHeight + oh) * e.outputWidth + ow) * e.channels * e.multiplier
                                + outputChannel])
                    value += w * dy
                    magnitude += abs(w * dy)
                }
            }
        }
        return (value, magnitude)
    }

    /// Compares `result` (the library's input gradient, NHWC) with
    /// ``inputGradient(n:ih:iw:c:)`` at `sampleCount` pseudo-random positions
    /// and returns the largest error relative to the terms' magnitude.
    func maxRelativeError(of result: [Float], sampleCount: Int) -> Double {
        let e = example
        var generator = DeterministicGenerator(seed: 0xC4EC_0000_0000_0001)
        var worst = 0.0
        for _ in 0..<sampleCount {
            let n = generator.nextIndex(below: e.batch)
            let ih = generator.nextIndex(below: e.height)
            let iw = generator.nextIndex(below: e.width)
            let c = generator.nextIndex(below: e.channels)
            let expected = inputGradient(n: n, ih: ih, iw: iw, c: c)
            let actual = Double(result[((n * e.height + ih) * e.width + iw) * e.channels + c])
            let error = abs(actual - expected.value) / max(expected.magnitude, Double.leastNormalMagnitude)
            // A NaN result must fail the check, not vanish in `max`.
            worst = error.isNaN ? .infinity : max(worst, error)
        }
        return worst
    }

    /// The relative difference of the two sides of the adjoint identity
    /// `<forward(x, w), dy> == <x, backprop_input(dy, w)>`, where
    /// `forwardOutput` is `forward(x, w)` computed in Double and
    /// `inputGradient` is the library's Float result, both NHWC. Relative to
    /// the sum of the magnitudes of the left side's terms.
    func adjointDifference(forwardOutput: [Double], inputGradient: [Float]) -> Double {
        let e = example
        var left = 0.0
        var scale = 0.0
        for (y, dy) in zip(forwardOutput, e.outBackprop) {
            left += y * Double(dy)
            scale += abs(y * Double(dy))
        }
        var right = 0.0
        for (x, dx) in zip(e.input, inputGradient) {
            right += Double(x) * Double(dx)
        }
        let difference = abs(left - right) / max(scale, Double.leastNormalMagnitude)
        return difference.isNaN ? .infinity : difference
    }
}
