import Testing

/// Checks `actual` against `expected` element by element with a bound derived
/// from floating-point error analysis, not a loose constant: a sum of `terms`
/// products evaluated in a precision with unit roundoff `u` is off by at most
/// about `terms * u` times the sum of the products' magnitudes, and storing
/// the result in a type with unit roundoff `storage` adds `storage * |value|`.
/// Both sides may carry that error, hence the factor 2.
///
/// - Parameter magnitudes: per element, the sum of `|product|` (the same
///   operation evaluated on absolute values).
func expectClose(
    _ actual: [Double], _ expected: [Double], magnitudes: [Double], terms: Int,
    unitRoundoff u: Double, storageRoundoff storage: Double, _ context: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "\(context): count", sourceLocation: sourceLocation)
    guard actual.count == expected.count else { return }
    var failures = 0
    for i in actual.indices {
        let tolerance = 2 * Double(terms + 1) * u * magnitudes[i] + 2 * storage * abs(expected[i]) + 1e-300
        let error = abs(actual[i] - expected[i])
        if !(error <= tolerance) {
            failures += 1
            if failures <= 3 {
                Issue.record(
                    "\(context): element \(i): got \(actual[i]), expected \(expected[i]), |error| \(error) > \(tolerance)",
                    sourceLocation: sourceLocation)
            }
        }
    }
    if failures > 3 {
        Issue.record("\(context): \(failures) elements out of tolerance in all", sourceLocation: sourceLocation)
    }
}
