import DepthwiseConv
import Testing

/// NCHW and NHWC give the same bits: the layout changes where elements are,
/// never how they are summed.
@Suite struct LayoutAgreementTests {
    static let configurations = (kernelShapeConfigurations + randomConfigurations(count: 24, seed: 0x1A_7047))
        .map(\.asNHWC)

    @Test(arguments: [InstructionSet.baseline, .avx512])
    func float32LayoutsAreBitIdentical(isa: InstructionSet) throws {
        try check(Float.self, isa: isa)
    }

    @Test func float64LayoutsAreBitIdentical() throws {
        try check(Double.self, isa: .avx512)
    }

    private func check<T: TestScalar>(_ type: T.Type, isa: InstructionSet) throws {
        let options = DepthwiseConvOptions(threadCount: 3, instructionSet: isa)
        for (index, nhwc) in Self.configurations.enumerated() {
            var nchw = nhwc
            nchw.dataFormat = .nchw
            if case .explicit(let p) = nhwc.padding {
                nchw.padding = .explicit([0, 0, 0, 0, p[2], p[3], p[4], p[5]])
            }
            guard let outputShape = nhwc.outputShape else { continue }
            var rng = SplitMix64(seed: UInt64(index) &+ 31)
            let x = rng.values(nhwc.inputCount), w = rng.values(nhwc.filterCount)
            let dy = rng.values(nhwc.outputCount)
            let rows = OperationRunner<T>(config: nhwc, options: options)
            let planes = OperationRunner<T>(config: nchw, options: options)
            let inShape = nhwc.inputShape, outShape = outputShape
            let expected = [try rows.forward(x, w), try rows.backpropInput(w, dy), try rows.backpropFilter(x, dy)]
            let actual = [
                toNHWC(try planes.forward(toNCHW(x, inShape), w), outShape),
                toNHWC(try planes.backpropInput(w, toNCHW(dy, outShape)), inShape),
                try planes.backpropFilter(toNCHW(x, inShape), toNCHW(dy, outShape)),
            ]
            #expect(actual.map { $0.map(\.bitPattern) } == expected.map { $0.map(\.bitPattern) }, "\(nhwc)")
        }
    }
}

extension ReferenceConvolution {
    /// The same convolution with NHWC tensors.
    fileprivate var asNHWC: ReferenceConvolution {
        var copy = self
        if dataFormat == .nchw, case .explicit(let p) = padding {
            copy.padding = .explicit([0, 0, p[4], p[5], p[6], p[7], 0, 0])
        }
        copy.dataFormat = .nhwc
        return copy
    }
}

/// `[N, H, W, C]` values reordered to `[N, C, H, W]`.
private func toNCHW(_ values: [Double], _ nhwc: [Int]) -> [Double] { reorder(values, nhwc, toNCHW: true) }

/// `[N, C, H, W]` values reordered to `[N, H, W, C]` (`nhwc` is that shape).
private func toNHWC(_ values: [Double], _ nhwc: [Int]) -> [Double] { reorder(values, nhwc, toNCHW: false) }

private func reorder(_ values: [Double], _ nhwc: [Int], toNCHW: Bool) -> [Double] {
    let (n, h, w, c) = (nhwc[0], nhwc[1], nhwc[2], nhwc[3])
    var result = [Double](repeating: 0, count: values.count)
    for b in 0..<n { for y in 0..<h { for x in 0..<w { for k in 0..<c {
        let rowMajor = ((b * h + y) * w + x) * c + k, planar = ((b * c + k) * h + y) * w + x
        if toNCHW { result[planar] = values[rowMajor] } else { result[rowMajor] = values[planar] }
    } } } }
    return result
}
