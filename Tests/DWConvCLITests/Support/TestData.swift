import NPY

/// Deterministic test values and `.npy` construction helpers.
enum TestData {
    /// `count` dyadic values `k / 8` with `k` in `-8...8` but never 0. They are
    /// exact in every dtype, and so are the sums of the small convolutions
    /// here, so float32 and float64 results can be compared exactly.
    static func dyadicValues(count: Int, seed: Int) -> [Double] {
        var state = UInt64(truncatingIfNeeded: seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let k = Int(state >> 60) - 8  // -8...7
            return Double(k >= 0 ? k + 1 : k) / 8
        }
    }

    /// An array of `dtype` holding `values` (rounded to the dtype).
    static func array(_ values: [Double], shape: [Int], dtype: NPYDType) throws -> NPYArray {
        switch dtype {
        case .float16: try NPYArray(shape: shape, float16Bits: values.map { floatToHalfBits(Float($0)) })
        case .float32: try NPYArray(shape: shape, float32: values.map { Float($0) })
        case .float64: try NPYArray(shape: shape, float64: values)
        }
    }

    /// `value` rounded to the nearest bfloat16 (ties to even), as a Float.
    static func bfloat16Rounded(_ value: Float) -> Float {
        let bits = value.bitPattern
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
        return Float(bitPattern: rounded)
    }

    /// The bytes of a version 1.0 `.npy` file with the given header values
    /// and `dataByteCount` zero bytes of data.
    static func npyFile(
        descr: String = "<f4", fortranOrder: Bool = false, shape: String,
        dataByteCount: Int, magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    ) -> [UInt8] {
        let header = "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shape), }"
        return npyFile(rawHeader: header, dataByteCount: dataByteCount, magic: magic)
    }

    /// The bytes of a version 1.0 `.npy` file with `rawHeader` as its header
    /// text (padded as the format requires) and `dataByteCount` zero bytes.
    static func npyFile(
        rawHeader: String, dataByteCount: Int, magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    ) -> [UInt8] {
        var header = Array(rawHeader.utf8)
        while (10 + header.count + 1) % 64 != 0 {
            header.append(UInt8(ascii: " "))
        }
        header.append(UInt8(ascii: "\n"))
        let length = UInt16(header.count)
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + header
            + [UInt8](repeating: 0, count: dataByteCount)
    }
}
