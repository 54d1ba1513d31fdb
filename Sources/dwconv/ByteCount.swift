/// Parsing of byte counts such as `--max-memory 512M`.
///
/// The syntax: a non-negative decimal number, optionally with a fraction
/// (`1.5G`), then optionally a unit `K`, `M`, `G` or `T` (powers of 1024, in
/// any case, optionally followed by `B` or `iB`), or `B` alone. No spaces.
/// A fractional count of bytes is rounded down.
enum ByteCount {
    /// The multiplier of each unit letter.
    private static let units: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40]

    /// The number of bytes `text` denotes.
    ///
    /// Used as an ArgumentParser `transform`, which reports a thrown error as
    /// "The value '…' is invalid for '--option <name>': <description>".
    ///
    /// - Throws: ``ByteCountError`` if `text` is malformed or the count does
    ///   not fit in a 64-bit integer.
    static func parse(_ text: String) throws -> Int {
        var number = Substring(text.lowercased())
        var multiplier = 1
        if number.hasSuffix("ib") {
            number = number.dropLast(2)
            guard let last = number.last, units[last] != nil else { throw ByteCountError.malformed }
        } else if number.hasSuffix("b") {
            number = number.dropLast()
        }
        if let last = number.last, let unit = units[last] {
            multiplier = unit
            number = number.dropLast()
        }
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else {
            throw ByteCountError.malformed
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else {
            throw ByteCountError.malformed
        }
        guard let wholeValue = Int(whole) else { throw ByteCountError.tooLarge }
        let (scaled, overflow) = wholeValue.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ByteCountError.tooLarge }
        // The fraction's bytes, rounded down: fraction * multiplier / 10^digits,
        // using at most 12 digits so that the product cannot overflow.
        var fractionBytes = 0
        if !fraction.isEmpty {
            let digits = fraction.prefix(12)
            var denominator = 1
            for _ in digits { denominator *= 10 }
            let numerator = Int(digits) ?? 0
            fractionBytes = Int((Double(numerator) / Double(denominator) * Double(multiplier)).rounded(.down))
        }
        let (total, sumOverflow) = scaled.addingReportingOverflow(fractionBytes)
        guard !sumOverflow else { throw ByteCountError.tooLarge }
        return total
    }
}

/// A byte count that could not be parsed.
enum ByteCountError: Error, CustomStringConvertible {
    case malformed
    case tooLarge

    var description: String {
        switch self {
        case .malformed:
            "expected a number of bytes with an optional unit K, M, G or T (powers of 1024), e.g. 512M or 2G"
        case .tooLarge:
            "the byte count does not fit in a 64-bit integer"
        }
    }
}

extension Character {
    /// Whether this is one of `0` through `9`.
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
