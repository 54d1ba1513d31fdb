import Testing
import NPY

/// Files written by NumPy 2.4 (`np.save`, or `np.lib.format.write_array` with
/// an explicit version), as hexadecimal bytes (whitespace is ignored).
enum NumPyFiles {
    /// `np.arange(6, dtype=np.float32).reshape(2, 3)`
    static let float32Matrix = bytes(hex: """
        934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73
        652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a000000000000803f0000004000004040
        000080400000a040
        """)

    /// `np.array([1.0, -2.5, 65504.0], dtype=np.float16)`
    static let float16Vector = bytes(hex: """
        934e554d5059010076007b276465736372273a20273c6632272c2027666f727472616e5f6f72646572273a2046616c73
        652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a003c00c1ff7b
        """)

    /// `np.array([[0.1, -0.0], [1e300, 2.0]], dtype=np.float64)`
    static let float64Matrix = bytes(hex: """
        934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73
        652c20277368617065273a2028322c2032292c207d202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a9a9999999999b93f0000000000000080
        9c7500883ce4377e0000000000000040
        """)

    /// `np.array([1.5, 2.5], dtype=np.float32)` written with `version=(2, 0)`.
    static let version2 = bytes(hex: """
        934e554d50590200740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a204661
        6c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a0000c03f00002040
        """)

    /// `np.array([1.5, 2.5], dtype=np.float32)` written with `version=(3, 0)`.
    static let version3 = bytes(hex: """
        934e554d50590300740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a204661
        6c73652c20277368617065273a2028322c292c207d202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a0000c03f00002040
        """)

    /// `np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))`
    static let fortranOrder = bytes(hex: """
        934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2054727565
        2c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a00000000000040400000803f00008040
        000000400000a040
        """)

    /// `np.arange(2, dtype='>f4')`
    static let bigEndian = bytes(hex: """
        934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f6f72646572273a2046616c73
        652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020
        202020202020202020202020202020202020202020202020202020202020200a000000003f800000
        """)
}

@Suite("NumPy compatibility")
struct NumPyCompatibilityTests {
    @Test("Reads a float32 matrix written by NumPy, and writes the same bytes")
    func float32Matrix() throws {
        let array = try NPYArray(parsing: NumPyFiles.float32Matrix)
        #expect(array.shape == [2, 3])
        #expect(array.dtype == .float32)
        #expect(array.floatValues() == [0, 1, 2, 3, 4, 5])
        #expect(array.serialized() == NumPyFiles.float32Matrix)
        #expect(try NPYArray(shape: [2, 3], float32: [0, 1, 2, 3, 4, 5]).serialized() == NumPyFiles.float32Matrix)
    }

    @Test("Reads a float16 vector written by NumPy, and writes the same bytes")
    func float16Vector() throws {
        let array = try NPYArray(parsing: NumPyFiles.float16Vector)
        #expect(array.shape == [3])
        #expect(array.dtype == .float16)
        #expect(array.float16Bits() == [0x3C00, 0xC100, 0x7BFF])
        #expect(array.floatValues() == [1, -2.5, 65504])
        #expect(array.serialized() == NumPyFiles.float16Vector)
    }

    @Test("Reads a float64 matrix written by NumPy, and writes the same bytes")
    func float64Matrix() throws {
        let array = try NPYArray(parsing: NumPyFiles.float64Matrix)
        #expect(array.shape == [2, 2])
        #expect(array.dtype == .float64)
        let values = array.doubleValues()
        #expect(values == [0.1, -0.0, 1e300, 2])
        #expect(values[1].sign == .minus)
        #expect(array.serialized() == NumPyFiles.float64Matrix)
    }

    @Test("Reads format versions 2.0 and 3.0", arguments: [NumPyFiles.version2, NumPyFiles.version3])
    func laterVersions(file: [UInt8]) throws {
        let array = try NPYArray(parsing: file)
        #expect(array.shape == [2])
        #expect(array.floatValues() == [1.5, 2.5])
        // Written back as version 1.0, the oldest that fits.
        let written = array.serialized()
        #expect(written[6] == 1)
        #expect(try NPYArray(parsing: written) == array)
    }

    @Test("Version 3.0 headers may contain UTF-8, version 1.0 headers Latin-1")
    func headerEncodings() throws {
        let unicodeDescr = headerText(descr: "'<f4\u{00E9}'", shape: "(1,)")
        let v3 = expectParseError(npyFile(header: unicodeDescr, major: 3, data: [0, 0, 0, 0]), "dtype")
        #expect(v3 == .unsupportedDType("'<f4\\xe9'"))
        var latin1 = npyFile(header: headerText(descr: "'<f4X'", shape: "(1,)"), data: [0, 0, 0, 0])
        if let index = latin1.firstIndex(of: UInt8(ascii: "X")) {
            latin1[index] = 0xE9
        }
        #expect(expectParseError(latin1, "dtype") == .unsupportedDType("'<f4\\xe9'"))
    }

    @Test("Fortran-ordered arrays are refused")
    func fortranOrder() {
        let error = expectParseError(NumPyFiles.fortranOrder, "Fortran-ordered", "np.ascontiguousarray")
        #expect(error == .fortranOrder)
        #expect(
            NPYError.fortranOrder.description
                == "Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
    }

    @Test("Big-endian arrays are refused, naming the dtype and the supported ones")
    func bigEndian() {
        let error = expectParseError(NumPyFiles.bigEndian, "'>f4'", "'<f2'", "'<f4'", "'<f8'")
        #expect(error == .unsupportedDType("'>f4'"))
    }
}
