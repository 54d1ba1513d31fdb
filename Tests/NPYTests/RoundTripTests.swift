import Testing
import NPY

@Suite("Round trips")
struct RoundTripTests {
    static let shapes: [[Int]] = [[], [0], [0, 3], [3, 0, 2], [5], [2, 3], [2, 1, 3, 4], [1, 1, 1, 1, 1, 7]]

    static func array(shape: [Int], dtype: NPYDType) throws -> NPYArray {
        let count = shape.reduce(1, *)
        let values = sampleValues(count)
        switch dtype {
        case .float16: return try NPYArray(shape: shape, float16Bits: values.map { floatToHalfBits(Float($0)) })
        case .float32: return try NPYArray(shape: shape, float32: values.map(Float.init))
        case .float64: return try NPYArray(shape: shape, float64: values)
        }
    }

    @Test("serialize then parse gives the same array", arguments: NPYDType.allCases, shapes)
    func roundTrip(dtype: NPYDType, shape: [Int]) throws {
        let original = try Self.array(shape: shape, dtype: dtype)
        let bytes = original.serialized()
        let parsed = try NPYArray(parsing: bytes)
        #expect(parsed == original)
        #expect(parsed.shape == shape)
        #expect(parsed.dtype == dtype)
        #expect(parsed.count == shape.reduce(1, *))
        #expect(parsed.doubleValues() == sampleValues(parsed.count))

        // NumPy's layout: version 1.0, data aligned to 64 bytes, header ends with a newline.
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        let dataOffset = 10 + headerLength
        #expect(bytes[6] == 1 && bytes[7] == 0)
        #expect(dataOffset % 64 == 0)
        #expect(bytes[dataOffset - 1] == UInt8(ascii: "\n"))
        #expect(bytes.count == dataOffset + parsed.count * dtype.byteWidth)
    }

    @Test("Special values survive every dtype", arguments: NPYDType.allCases)
    func specialValues(dtype: NPYDType) throws {
        let values: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, 65504, 0x1p-24, .nan]
        let array: NPYArray
        switch dtype {
        case .float16: array = try NPYArray(shape: [values.count], float16Bits: values.map(floatToHalfBits))
        case .float32: array = try NPYArray(shape: [values.count], float32: values)
        case .float64: array = try NPYArray(shape: [values.count], float64: values.map(Double.init))
        }
        let parsed = try NPYArray(parsing: array.serialized())
        #expect(parsed == array)
        let floats = parsed.floatValues()
        #expect(floats.count == values.count)
        for (got, expected) in zip(floats, values) {
            #expect(got.bitPattern == expected.bitPattern || (got.isNaN && expected.isNaN))
        }
    }

    @Test("A header longer than 65535 bytes is written as version 2.0")
    func version2ForHugeHeaders() throws {
        let shape = [Int](repeating: 1, count: 30_000) + [2]
        let array = try NPYArray(shape: shape, float32: [1.5, -2])
        let bytes = array.serialized()
        #expect(bytes[6] == 2 && bytes[7] == 0)
        let headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        #expect(headerLength > 65535)
        #expect((12 + headerLength) % 64 == 0)
        let parsed = try NPYArray(parsing: bytes)
        #expect(parsed == array)
        #expect(parsed.floatValues() == [1.5, -2])
    }

    @Test("Values convert between dtypes as documented")
    func valueConversions() throws {
        let doubles = try NPYArray(shape: [3], float64: [0.1, 1e300, -2.5])
        #expect(doubles.floatValues() == [Float(0.1), .infinity, -2.5])
        #expect(doubles.doubleValues() == [0.1, 1e300, -2.5])
        #expect(doubles.float16Bits() == nil)

        let floats = try NPYArray(shape: [2], float32: [0.1, 3])
        #expect(floats.doubleValues() == [Double(Float(0.1)), 3])
        #expect(floats.float16Bits() == nil)
        #expect(floats.rawData == [0xCD, 0xCC, 0xCC, 0x3D, 0x00, 0x00, 0x40, 0x40])

        let halves = try NPYArray(shape: [2, 1], float16Bits: [0x3555, 0x0001])
        #expect(halves.float16Bits() == [0x3555, 0x0001])
        #expect(halves.floatValues() == [0x1.554p-2, 0x1p-24])
        #expect(halves.doubleValues() == [0x1.554p-2, 0x1p-24])
        #expect(halves.rawData == [0x55, 0x35, 0x01, 0x00])
    }

    #if !(os(macOS) && arch(x86_64))
    @Test("Float16 convenience API")
    @available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
    func float16API() throws {
        let values: [Float16] = [1, -0.5, 65504, .infinity]
        let array = try NPYArray(shape: [2, 2], float16: values)
        #expect(array.dtype == .float16)
        #expect(array.float16Values() == values)
        #expect(array.float16Bits() == values.map(\.bitPattern))
        #expect(try NPYArray(shape: [1], float32: [1]).float16Values() == nil)
        #expect(throws: NPYError.valueCountMismatch(expected: 3, actual: 4)) {
            try NPYArray(shape: [3], float16: values)
        }
    }
    #endif

    @Test("Initializers validate shapes and sizes")
    func initializerValidation() throws {
        #expect(throws: NPYError.dataSizeMismatch(expected: 24, actual: 20)) {
            try NPYArray(shape: [2, 3], dtype: .float32, rawData: [UInt8](repeating: 0, count: 20))
        }
        #expect(throws: NPYError.dataSizeMismatch(expected: 4, actual: 8)) {
            try NPYArray(shape: [], dtype: .float32, rawData: [UInt8](repeating: 0, count: 8))
        }
        #expect(throws: NPYError.valueCountMismatch(expected: 6, actual: 5)) {
            try NPYArray(shape: [2, 3], float32: [1, 2, 3, 4, 5])
        }
        #expect(throws: NPYError.valueCountMismatch(expected: 0, actual: 1)) {
            try NPYArray(shape: [0], float64: [1])
        }
        #expect(throws: NPYError.valueCountMismatch(expected: 2, actual: 1)) {
            try NPYArray(shape: [2], float16Bits: [1])
        }
        let negative = #expect(throws: NPYError.self) {
            try NPYArray(shape: [2, -3], float32: [])
        }
        #expect(negative == .negativeDimension("-3"))
        let overflow = #expect(throws: NPYError.self) {
            try NPYArray(shape: [Int.max, 2], dtype: .float64, rawData: [])
        }
        #expect(overflow.map { if case .elementCountOverflow = $0 { true } else { false } } == true)
        // Strides must fit too, even when a zero dimension makes the array empty.
        #expect(throws: NPYError.self) {
            try NPYArray(shape: [0, Int.max / 2], dtype: .float32, rawData: [])
        }
        #expect(try NPYArray(shape: [0, Int.max / 8], dtype: .float32, rawData: []).count == 0)

        let valid = try NPYArray(shape: [2, 2], dtype: .float64, rawData: [UInt8](repeating: 0, count: 32))
        #expect(valid.count == 4)
        #expect(valid.doubleValues() == [0, 0, 0, 0])
        #expect(try NPYArray(shape: [], float32: [7]).count == 1)
    }

    @Test("count never traps on inconsistent, mutated shapes")
    func countIsTotal() throws {
        var array = try NPYArray(shape: [1], float32: [1])
        array.shape = [Int.max, Int.max]
        #expect(array.count == Int.max)
        array.shape = [Int.max, Int.max, 0]
        #expect(array.count == 0)
        array.rawData = [1, 2, 3]  // not a whole element: conversions skip the tail
        #expect(array.floatValues().isEmpty)
    }

    @Test("Every dtype has the right descriptor and width")
    func dtypes() {
        #expect(NPYDType.allCases == [.float16, .float32, .float64])
        #expect(NPYDType.allCases.map(\.rawValue) == ["<f2", "<f4", "<f8"])
        #expect(NPYDType.allCases.map(\.byteWidth) == [2, 4, 8])
    }
}
