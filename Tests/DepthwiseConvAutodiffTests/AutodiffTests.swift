#if canImport(_Differentiation)
import _Differentiation
import DepthwiseConv
import DepthwiseConvAutodiff
import Testing

/// Gradients from Swift's automatic differentiation through
/// `depthwiseConv2D` against central finite differences, in `Double`.
@Suite struct AutodiffTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var inputShape: [Int], filterShape: [Int], strides: [Int], padding: Padding
        var dataFormat: DataFormat, dilations: [Int]
        var testDescription: String { "\(inputShape) \(filterShape) \(strides) \(padding) \(dataFormat) \(dilations)" }
    }

    static let cases: [Case] = [
        Case(inputShape: [1, 5, 5, 2], filterShape: [3, 3, 2, 1], strides: [1, 1, 1, 1], padding: .same,
             dataFormat: .nhwc, dilations: [1, 1, 1, 1]),
        Case(inputShape: [2, 7, 6, 3], filterShape: [3, 2, 3, 2], strides: [1, 2, 1, 1], padding: .valid,
             dataFormat: .nhwc, dilations: [1, 1, 2, 1]),
        Case(inputShape: [1, 3, 6, 5], filterShape: [2, 3, 3, 3], strides: [1, 1, 2, 2], padding: .same,
             dataFormat: .nchw, dilations: [1, 1, 1, 2]),
        Case(inputShape: [1, 4, 4, 1], filterShape: [3, 3, 1, 4], strides: [1, 1, 1, 1],
             padding: .explicit([0, 0, 1, 2, 0, 1, 0, 0]), dataFormat: .nhwc, dilations: [1, 2, 1, 1]),
    ]

    /// Deterministic values in [-1, 1) from a small linear congruential generator.
    static func values(_ count: Int, seed: Int) -> [Double] {
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 52) - 1
        }
    }

    @Test(arguments: cases)
    func gradientMatchesFiniteDifferences(_ c: Case) throws {
        let x = DifferentiableTensor(shape: c.inputShape, scalars: Self.values(c.inputShape.reduce(1, *), seed: 1))
        let w = DifferentiableTensor(shape: c.filterShape, scalars: Self.values(c.filterShape.reduce(1, *), seed: 2))
        let outputShape = try depthwiseConv2dNativeOutputShape(
            inputShape: c.inputShape, filterShape: c.filterShape, strides: c.strides, padding: c.padding,
            dataFormat: c.dataFormat, dilations: c.dilations)
        let target = DifferentiableTensor(shape: outputShape, scalars: Self.values(outputShape.reduce(1, *), seed: 3))

        @differentiable(reverse)
        func loss(_ x: DifferentiableTensor<Double>, _ w: DifferentiableTensor<Double>) -> Double {
            (depthwiseConv2D(x, filter: w, strides: c.strides, padding: c.padding, dataFormat: c.dataFormat,
                             dilations: c.dilations) - target).squared().sum()
        }

        let (gx, gw) = gradient(at: x, w, of: loss)
        #expect(gx.shape == c.inputShape && gw.shape == c.filterShape)
        let h = 1e-6
        func numeric(_ perturb: (Double) -> Double) -> Double { (perturb(h) - perturb(-h)) / (2 * h) }
        for i in x.scalars.indices {
            let estimate = numeric { d in
                var moved = x.scalars
                moved[i] += d
                return loss(DifferentiableTensor(shape: x.shape, scalars: moved), w)
            }
            #expect(abs(estimate - gx.scalars[i]) <= 1e-6 * max(1, abs(estimate)), "input \(i)")
        }
        for i in w.scalars.indices {
            let estimate = numeric { d in
                var moved = w.scalars
                moved[i] += d
                return loss(x, DifferentiableTensor(shape: w.shape, scalars: moved))
            }
            #expect(abs(estimate - gw.scalars[i]) <= 1e-6 * max(1, abs(estimate)), "filter \(i)")
        }
    }

    /// The README's example: one SGD step on a depthwise layer lowers the loss.
    @Test func sgdStepLowersTheLoss() {
        let input = DifferentiableTensor<Float>(shape: [1, 4, 4, 2], scalars: (0..<32).map { Float($0) / 32 })
        var filter = DifferentiableTensor<Float>(shape: [3, 3, 2, 1], scalars: Array(repeating: 0.1, count: 18))
        let target = DifferentiableTensor<Float>(shape: [1, 4, 4, 2], scalars: Array(repeating: 1, count: 32))

        func loss(_ filter: DifferentiableTensor<Float>) -> Float {
            (depthwiseConv2D(input, filter: filter, strides: [1, 1, 1, 1], padding: .same) - target).squared().sum()
        }
        let before = loss(filter)
        let (value, grad) = valueWithGradient(at: filter, of: loss)
        #expect(value == before)
        filter.move(by: grad.scaled(by: -0.01))
        #expect(loss(filter) < before)
    }

    @Test func zeroIsTheIdentity() {
        let t = DifferentiableTensor<Double>(shape: [2], scalars: [1, 2])
        #expect(t + .zero == t && DifferentiableTensor.zero + t == t && t - .zero == t)
    }
}
#endif
