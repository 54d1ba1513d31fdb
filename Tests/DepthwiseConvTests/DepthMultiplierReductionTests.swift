@testable import DepthwiseConvKernels
import Testing

/// The input gradient's reduction of each channel's `M` lanes adds them left
/// to right, bit for bit, on its vector paths (M = 2 and 4, 8 channels a
/// step) as on its lane-by-lane one: the order is what keeps results equal
/// across instruction sets and layouts, so an order change must fail here.
@Suite struct DepthMultiplierReductionTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func addsEachGroupLeftToRight(multiplier: Int) {
        for channels in [1, 7, 8, 9, 16, 23, 40] {
            check(Float.self, channels: channels, multiplier: multiplier)
            check(Double.self, channels: channels, multiplier: multiplier)
        }
    }

    private func check<S: KernelScalar>(_: S.Type, channels: Int, multiplier m: Int) {
        // Magnitudes far apart, so that another order rounds differently.
        let scales: [S] = [1, 0x1p24, -0x1p24, 0x1p-3, 3]
        var rng = SplitMix64(seed: UInt64(channels * 8 + m))
        let lanes = (0..<channels * m).map { S(Int.random(in: -1000...1000, using: &rng)) / 7 * scales[$0 % 5] }
        var expected = [S](repeating: 0, count: channels)
        for c in 0..<channels {
            var sum = lanes[c * m]
            for j in 1..<m { sum = sum + lanes[c * m + j] }
            expected[c] = sum
        }
        var reduced = [S](repeating: .nan, count: channels)
        lanes.withUnsafeBufferPointer { lanes in
            reduced.withUnsafeMutableBufferPointer { out in
                reduceDepthMultiplierGroups(lanes.baseAddress!, into: out.baseAddress!, channels: channels, multiplier: m)
            }
        }
        // (Finite values: equal and of one sign means the same bits.)
        #expect(
            zip(reduced, expected).allSatisfy { $0 == $1 && $0.sign == $1.sign },
            "\(S.self), \(channels) channels, M = \(m)")
    }
}
