import Testing
import NPY

@Suite("Malformed input")
struct MalformedInputTests {
    static let valid = NumPyFiles.float32Matrix

    // MARK: Preamble

    @Test("Bad magic string")
    func badMagic() {
        var file = Self.valid
        file[5] = UInt8(ascii: "Z")
        #expect(expectParseError(file, "not a .npy file", "magic") == .invalidMagic)
        #expect(expectParseError(Array("PK\u{3}\u{4} a zip file".utf8), "magic") == .invalidMagic)
        #expect(expectParseError([0x93, 0x4E, 0x00], "magic") == .invalidMagic)
    }

    @Test("Input too short for the preamble")
    func truncatedPreamble() {
        #expect(expectParseError([], "truncated", "0 bytes") == .truncatedPreamble(needed: 10, available: 0))
        #expect(expectParseError(Array(Self.valid[..<9]), "truncated") == .truncatedPreamble(needed: 10, available: 9))
        let v2 = Array(NumPyFiles.version2[..<11])
        #expect(expectParseError(v2, "truncated", "11 bytes") == .truncatedPreamble(needed: 12, available: 11))
    }

    @Test("Unsupported versions", arguments: [(UInt8(0), UInt8(0)), (1, 1), (4, 0), (255, 255)])
    func unsupportedVersion(major: UInt8, minor: UInt8) {
        var file = Self.valid
        file[6] = major
        file[7] = minor
        let error = expectParseError(file, "version \(major).\(minor)", "1.0, 2.0 and 3.0")
        #expect(error == .unsupportedVersion(major: major, minor: minor))
    }

    @Test("Header length past the end of the data")
    func headerLengthPastEnd() {
        let header = headerText(shape: "(1,)")
        let file = npyFile(header: header, declaredLength: 5000)
        let error = expectParseError(file, "truncated header", "5000", "\(header.utf8.count)")
        #expect(error == .truncatedHeader(declaredLength: 5000, available: header.utf8.count))

        let huge = npyFile(header: header, major: 2, declaredLength: Int(UInt32.max))
        #expect(expectParseError(huge, "truncated header", "\(UInt32.max)") != nil)

        // A file cut inside its header.
        let cut = Array(Self.valid[..<50])
        #expect(expectParseError(cut, "truncated header", "118", "40") == .truncatedHeader(declaredLength: 118, available: 40))
    }

    // MARK: Dictionary syntax

    @Test(
        "Unparsable header dictionaries",
        arguments: [
            ("", "empty"),
            ("   \n", "empty"),
            ("{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,}", "unexpected '}'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}", "expected ',' or ')'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)", "missing '}'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", "missing ')'"),
            ("{'descr' '<f4'}", "expected ':'"),
            ("{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}'"),
            ("{'descr': '<f4", "unterminated string"),
            ("{'descr': '<f4\n', 'fortran_order': False, 'shape': (1,)}", "unterminated string"),
            ("{'descr': '<f4', 'fortran_order': false, 'shape': (1,)}", "unexpected name 'false'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} x", "after the end"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}}", "after the end"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}\u{0}", "byte 0x00"),
            ("{'descr': '<f4', , 'fortran_order': False, 'shape': (1,)}", "unexpected ','"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (,)}", "unexpected ','"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}", "unexpected ','"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (-)}", "invalid number"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} # comment", "unexpected '#'"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: 40) + "1,)}", "nested"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "[", count: 100_000), "nested"),
        ])
    func unparsable(header: String, keyword: String) {
        let error = expectParseError(npyFile(header: header, data: [0, 0, 0, 0]), "malformed header", keyword)
        #expect(error.map { if case .malformedHeader = $0 { true } else { false } } == true)
    }

    @Test(
        "A header that is not a dictionary",
        arguments: ["[1, 2]", "'<f4'", "(1, 2)", "None", "3"])
    func notADictionary(header: String) {
        expectParseError(npyFile(header: header), "malformed header", "expected a dictionary")
    }

    // MARK: Keys

    @Test("Missing keys", arguments: ["descr", "fortran_order", "shape"])
    func missingKey(key: String) {
        let fields = ["descr": "'<f4'", "fortran_order": "False", "shape": "(1,)"].filter { $0.key != key }
        let header = "{" + fields.map { "'\($0.key)': \($0.value)" }.joined(separator: ", ") + "}"
        let error = expectParseError(npyFile(header: header, data: [0, 0, 0, 0]), "no '\(key)' key")
        #expect(error == .missingKey(key))
        #expect(expectParseError(npyFile(header: "{}"), "no 'descr' key") == .missingKey("descr"))
    }

    @Test("Unexpected and duplicate keys")
    func extraKeys() {
        let extra = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}"
        let error = expectParseError(npyFile(header: extra, data: [0, 0, 0, 0]), "unexpected key 'extra'")
        #expect(error == .unexpectedKey("'extra'"))
        let numeric = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 7: 1}"
        #expect(expectParseError(npyFile(header: numeric), "unexpected key 7") == .unexpectedKey("7"))
        let duplicate = "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (1,)}"
        expectParseError(npyFile(header: duplicate, data: [0, 0, 0, 0]), "'shape'", "more than once")
    }

    // MARK: Values

    @Test(
        "Unsupported dtypes name the dtype found and the supported ones",
        arguments: [
            ("'>f4'", "'>f4'"), ("'>f8'", "'>f8'"), ("'<i4'", "'<i4'"), ("'|b1'", "'|b1'"), ("'|O'", "'|O'"),
            ("'|u1'", "'|u1'"), ("'f4'", "'f4'"), ("'=f4'", "'=f4'"), ("'<c8'", "'<c8'"), ("''", "''"),
            ("[('a', '<f4'), ('b', '<i4')]", "[('a', '<f4'), ('b', '<i4')]"), ("4", "4"), ("None", "None"),
        ])
    func unsupportedDType(descr: String, rendered: String) {
        let file = npyFile(header: headerText(descr: descr, shape: "(1,)"), data: [0, 0, 0, 0])
        let error = expectParseError(file, "unsupported dtype \(rendered)", "'<f2'", "'<f4'", "'<f8'")
        #expect(error == .unsupportedDType(rendered))
        if descr.hasPrefix("[") {
            expectParseError(file, "structured")
        }
    }

    @Test("fortran_order must be a boolean", arguments: ["0", "1", "'False'", "None"])
    func fortranOrderType(value: String) {
        let file = npyFile(header: headerText(fortran: value, shape: "(1,)"), data: [0, 0, 0, 0])
        expectParseError(file, "invalid 'fortran_order' value", "True or False", value)
    }

    @Test("shape must be a tuple", arguments: ["[2, 3]", "5", "(5)", "'(2, 3)'", "None", "{}"])
    func shapeType(value: String) {
        let file = npyFile(header: headerText(shape: value))
        expectParseError(file, "invalid 'shape' value", "tuple")
    }

    @Test("Negative dimensions", arguments: ["(-1,)", "(2, -3)", "(- 3, 2)", "(-99999999999999999999999, 2)"])
    func negativeDimension(shape: String) {
        let error = expectParseError(npyFile(header: headerText(shape: shape)), "invalid shape", "negative")
        #expect(error.map { if case .negativeDimension = $0 { true } else { false } } == true)
    }

    @Test(
        "Non-integer dimensions",
        arguments: ["(2.5,)", "(2, 3.0)", "(1e3,)", "('2',)", "(None,)", "(True,)", "((2, 3),)", "([2],)", "(0x10,)", "(2j,)"])
    func nonIntegerDimension(shape: String) {
        let error = expectParseError(npyFile(header: headerText(shape: shape)), "invalid shape", "not an integer")
        #expect(error.map { if case .nonIntegerDimension = $0 { true } else { false } } == true)
    }

    @Test(
        "Shapes whose size overflows Int",
        arguments: [
            "(4294967296, 4294967296)", "(99999999999999999999,)", "(9223372036854775807, 2)",
            "(2305843009213693952,)", "(0, 9223372036854775807, 9223372036854775807)", "(3037000500, 3037000500, 0)",
        ])
    func overflow(shape: String) {
        let error = expectParseError(npyFile(header: headerText(shape: shape)), "invalid shape", "overflows Int")
        #expect(error.map { if case .elementCountOverflow = $0 { true } else { false } } == true)
    }

    // MARK: Data

    @Test("Data shorter than the shape needs")
    func dataTooShort() {
        let file = Array(Self.valid.dropLast(1))
        #expect(expectParseError(file, "too short", "23 bytes", "need 24") == .dataSizeMismatch(expected: 24, actual: 23))
        let empty = Array(Self.valid[..<128])
        #expect(expectParseError(empty, "too short") == .dataSizeMismatch(expected: 24, actual: 0))
    }

    @Test("Data longer than the shape needs")
    func dataTooLong() {
        let file = Self.valid + [0]
        #expect(expectParseError(file, "too long", "25 bytes", "need 24") == .dataSizeMismatch(expected: 24, actual: 25))
        let scalar = npyFile(header: headerText(shape: "()"), data: [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(expectParseError(scalar, "too long") == .dataSizeMismatch(expected: 4, actual: 8))
        let empty = npyFile(header: headerText(shape: "(0, 3)"), data: [0])
        #expect(expectParseError(empty, "too long") == .dataSizeMismatch(expected: 0, actual: 1))
    }

    // MARK: Messages

    @Test("Messages quoting header text stay on one line")
    func oneLineMessages() {
        let nasty = "{'descr': '\\n\u{7}\u{2028}é', 'fortran_order': False, 'shape': (1,)}"
        let error = expectParseError(npyFile(header: nasty, major: 3, data: [0, 0, 0, 0]), "unsupported dtype")
        #expect(error == .unsupportedDType("'\\n\\x07\\u2028\\xe9'"))
        let long = headerText(descr: "'" + String(repeating: "x", count: 10_000) + "'", shape: "(1,)")
        let longError = expectParseError(npyFile(header: long), "unsupported dtype", "...")
        #expect((longError?.description.count ?? 0) < 300)
        expectWellFormed(.fileReadFailed(path: "a\nb", reason: "x\ry"), ["a\\nb", "x\\ry"])
        expectWellFormed(.malformedHeader("line\u{2029}break"), ["line\\u2029break"])
    }
}
