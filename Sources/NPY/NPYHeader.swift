// The `.npy` preamble and header: magic string, version, header length and the
// header dictionary, both parsed and formatted.
//
// Layout (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
//   "\x93NUMPY" major minor  header-length (UInt16 LE for 1.0, UInt32 LE for 2.0/3.0)
//   header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + spaces + "\n"
//   element data, starting at a multiple of 64 bytes when written by NumPy.

/// The metadata of a `.npy` file: what the header dictionary describes.
struct NPYHeader: Equatable, Sendable {
    /// The element type (`descr`).
    var dtype: NPYDType
    /// The dimensions (`shape`), validated: non-negative, sizes fit in `Int`.
    var shape: [Int]

    /// The magic string every `.npy` file starts with.
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    /// NumPy aligns the start of the element data to this many bytes.
    static let alignment = 64
    /// NumPy pads the header so the first dimension can grow to this many
    /// digits in place; reproduced so the output matches NumPy byte for byte.
    static let growthAxisMaxDigits = 21

    /// Creates a header for already validated values.
    init(dtype: NPYDType, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
    }

    // MARK: - Parsing

    /// Parses the preamble and header at the start of `bytes`.
    ///
    /// - Returns: The header and the offset at which the element data starts.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(NPYError) -> (header: NPYHeader, dataOffset: Int) {
        for index in 0..<min(bytes.count, magic.count) where bytes[index] != magic[index] {
            throw .invalidMagic
        }
        let versionEnd = magic.count + 2
        guard bytes.count >= versionEnd else {
            throw .truncatedPreamble(needed: versionEnd + 2, available: bytes.count)
        }
        let major = bytes[magic.count]
        let minor = bytes[magic.count + 1]
        let lengthFieldSize: Int
        switch (major, minor) {
        case (1, 0): lengthFieldSize = 2
        case (2, 0), (3, 0): lengthFieldSize = 4
        default: throw .unsupportedVersion(major: major, minor: minor)
        }
        let headerStart = versionEnd + lengthFieldSize
        guard bytes.count >= headerStart else {
            throw .truncatedPreamble(needed: headerStart, available: bytes.count)
        }
        var declaredLength: UInt64 = 0
        for index in 0..<lengthFieldSize {
            declaredLength |= UInt64(bytes[versionEnd + index]) << (8 * UInt64(index))
        }
        let available = bytes.count - headerStart
        guard let headerLength = Int(exactly: declaredLength), headerLength <= available else {
            throw .truncatedHeader(declaredLength: Int(clamping: declaredLength), available: available)
        }
        let headerEnd = headerStart + headerLength
        let text = Array(bytes[headerStart..<headerEnd])
        let literal = try PythonLiteralParser.parse(text, isLatin1: major < 3)
        return (try NPYHeader(literal: literal), headerEnd)
    }

    /// Interprets and validates a parsed header dictionary.
    init(literal: PythonLiteral) throws(NPYError) {
        guard case let .dict(entries) = literal else {
            throw .malformedHeader(
                "expected a dictionary but found \(literal.kindDescription) \(literal.repr())")
        }
        var descr: PythonLiteral?
        var fortranOrder: PythonLiteral?
        var shape: PythonLiteral?
        for entry in entries {
            guard case let .string(key) = entry.key else {
                throw .unexpectedKey(entry.key.repr())
            }
            switch key {
            case "descr": try Self.store(entry.value, in: &descr, key: key)
            case "fortran_order": try Self.store(entry.value, in: &fortranOrder, key: key)
            case "shape": try Self.store(entry.value, in: &shape, key: key)
            default: throw .unexpectedKey(quotedForMessage(key))
            }
        }
        guard let descr else { throw .missingKey("descr") }
        guard let fortranOrder else { throw .missingKey("fortran_order") }
        guard let shape else { throw .missingKey("shape") }

        guard case let .string(descrText) = descr else {
            throw .unsupportedDType(descr.repr())
        }
        guard let dtype = NPYDType(rawValue: descrText) else {
            throw .unsupportedDType(quotedForMessage(descrText))
        }
        switch fortranOrder {
        case .bool(false): break
        case .bool(true): throw .fortranOrder
        default:
            throw .invalidValue(
                key: "fortran_order",
                detail: "expected True or False but found \(fortranOrder.repr())")
        }
        self.dtype = dtype
        self.shape = try Self.dimensions(of: shape)
        _ = try NPYArray.validatedSizes(shape: self.shape, dtype: dtype)
    }

    private static func store(
        _ value: PythonLiteral, in slot: inout PythonLiteral?, key: String
    ) throws(NPYError) {
        guard slot == nil else {
            throw .malformedHeader("the key '\(key)' appears more than once")
        }
        slot = value
    }

    /// The dimensions of a `shape` value, which must be a tuple of
    /// non-negative integers.
    private static func dimensions(of shape: PythonLiteral) throws(NPYError) -> [Int] {
        guard case let .tuple(items) = shape else {
            throw .invalidValue(
                key: "shape",
                detail: "expected a tuple of integers such as (2, 3) but found "
                    + "\(shape.kindDescription) \(shape.repr())")
        }
        var dimensions: [Int] = []
        dimensions.reserveCapacity(items.count)
        var hasHugeDimension = false
        for item in items {
            switch item {
            case let .integer(value) where value < 0:
                throw .negativeDimension(String(value))
            case let .integer(value):
                dimensions.append(value)
            case let .bigInteger(text) where text.hasPrefix("-"):
                throw .negativeDimension(text)
            case .bigInteger:
                hasHugeDimension = true
            default:
                throw .nonIntegerDimension(item.repr())
            }
        }
        if hasHugeDimension {
            throw .elementCountOverflow(shape: shape.repr())
        }
        return dimensions
    }

    // MARK: - Formatting

    /// The preamble and header NumPy would write for this array: version 1.0
    /// when the header fits in 65535 bytes, else 2.0; padded with spaces and a
    /// final newline so that the element data starts at a multiple of 64.
    func encoded() -> [UInt8] {
        var dictionary = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, "
            + "'shape': \(Self.tupleDescription(shape)), }"
        if let first = shape.first {
            let digits = String(first).utf8.count
            dictionary += String(repeating: " ", count: max(0, Self.growthAxisMaxDigits - digits))
        }
        let text = Array(dictionary.utf8)

        let useVersion1 = Self.paddedLength(of: text, lengthFieldSize: 2) <= Int(UInt16.max)
        let lengthFieldSize = useVersion1 ? 2 : 4
        let headerLength = Self.paddedLength(of: text, lengthFieldSize: lengthFieldSize)
        let padding = headerLength - text.count - 1

        var output = Self.magic
        output.reserveCapacity(Self.magic.count + 2 + lengthFieldSize + headerLength)
        output += useVersion1 ? [1, 0] : [2, 0]
        // A header longer than 4 GiB would need billions of dimensions; the
        // clamp only keeps this function total.
        let lengthField = UInt32(clamping: headerLength)
        for index in 0..<lengthFieldSize {
            output.append(UInt8(truncatingIfNeeded: lengthField >> (8 * UInt32(index))))
        }
        output += text
        output += repeatElement(UInt8(ascii: " "), count: padding)
        output.append(UInt8(ascii: "\n"))
        return output
    }

    /// The header length (text, padding and newline) that aligns the data.
    private static func paddedLength(of text: [UInt8], lengthFieldSize: Int) -> Int {
        let unpadded = text.count + 1
        let prefix = magic.count + 2 + lengthFieldSize
        let padding = alignment - (prefix + unpadded) % alignment
        return unpadded + padding
    }

    /// The Python `repr` of a shape tuple: `()`, `(5,)` or `(2, 3)`.
    static func tupleDescription(_ shape: [Int]) -> String {
        if shape.count == 1, let only = shape.first {
            return "(\(only),)"
        }
        return "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}
