/// A tiny deterministic pseudo-random generator for the demo's data: a
/// 64-bit linear congruential generator (Knuth's MMIX constants), so the
/// example is identical on every machine and every run.
struct DeterministicGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The next 64-bit state; its high bits are the well-mixed ones.
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }

    /// A value in [-1, 1) with 24 significant bits, so it is exact as a
    /// `Float` (and as a `Double`).
    mutating func nextSignedUnit() -> Float {
        Float(Int32(truncatingIfNeeded: next() >> 40) - (1 << 23)) * 0x1p-23
    }

    /// An integer in `0..<bound` (`bound > 0`), slightly biased, which is
    /// fine for picking sample positions.
    mutating func nextIndex(below bound: Int) -> Int {
        Int((next() >> 33) % UInt64(bound))
    }

    /// `count` values from ``nextSignedUnit()``.
    mutating func signedUnits(count: Int) -> [Float] {
        (0..<count).map { _ in nextSignedUnit() }
    }
}
