/// A small deterministic random generator (SplitMix64), so every test case
/// is reproducible from its seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Values that are exact in every supported type (multiples of 1/8 in
    /// [-2, 2]), so that converting inputs never rounds.
    mutating func exactValues(_ count: Int) -> [Double] {
        (0..<count).map { _ in Double(Int.random(in: -16...16, using: &self)) / 8 }
    }

    /// Values with full float64 significands in [-1, 1).
    mutating func values(_ count: Int) -> [Double] {
        (0..<count).map { _ in Double.random(in: -1..<1, using: &self) }
    }
}
