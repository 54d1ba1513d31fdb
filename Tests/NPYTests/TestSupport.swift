import Testing
import NPY

/// Decodes a string of hexadecimal digit pairs.
func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var high: UInt8?
    for character in hex {
        guard let digit = character.hexDigitValue else { continue }
        if let pending = high {
            result.append(pending << 4 | UInt8(digit))
            high = nil
        } else {
            high = UInt8(digit)
        }
    }
    return result
}

/// A hand-made `.npy` file: magic, version, header length, header text and
/// data, without any padding unless the header text has some.
func npyFile(
    header: String, major: UInt8 = 1, minor: UInt8 = 0, data: [UInt8] = [], declaredLength: Int? = nil
) -> [UInt8] {
    let text = Array(header.utf8)
    let length = declaredLength ?? text.count
    var file: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, minor]
    let lengthBytes = major == 1 ? 2 : 4
    for index in 0..<lengthBytes {
        file.append(UInt8(truncatingIfNeeded: length >> (8 * index)))
    }
    return file + text + data
}

/// A header dictionary with the given fields, in NumPy's format.
func headerText(descr: String = "'<f4'", fortran: String = "False", shape: String) -> String {
    "{'descr': \(descr), 'fortran_order': \(fortran), 'shape': \(shape), }"
}

/// Parses `bytes`, expecting an `NPYError` whose one-line description
/// contains every keyword (case-insensitively). Returns the error.
@discardableResult
func expectParseError(
    _ bytes: [UInt8], _ keywords: String...,
    sourceLocation: SourceLocation = #_sourceLocation
) -> NPYError? {
    let error = #expect(throws: NPYError.self, sourceLocation: sourceLocation) {
        _ = try NPYArray(parsing: bytes)
    }
    if let error {
        expectWellFormed(error, keywords, sourceLocation: sourceLocation)
    }
    return error
}

/// Checks that an error message is one non-empty line containing `keywords`.
func expectWellFormed(
    _ error: NPYError, _ keywords: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    let message = error.description
    #expect(!message.isEmpty, sourceLocation: sourceLocation)
    #expect(!message.contains("\n") && !message.contains("\r"), "\(message)", sourceLocation: sourceLocation)
    for keyword in keywords {
        #expect(
            message.lowercased().contains(keyword.lowercased()),
            "'\(message)' should mention '\(keyword)'", sourceLocation: sourceLocation)
    }
}

/// A small deterministic pseudo-random generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Deterministic test values for an array of `count` elements.
func sampleValues(_ count: Int) -> [Double] {
    (0..<count).map { index -> Double in
        let fraction: Double = Double(index % 17) * 0.75 - 4.5
        return fraction + Double(index / 17)
    }
}
