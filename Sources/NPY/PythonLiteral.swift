// The subset of Python literal syntax used by `.npy` headers, and a parser for
// it that never traps, whatever bytes it is given.

/// A value of the Python literal syntax found in `.npy` headers.
indirect enum PythonLiteral: Equatable, Sendable {
    /// One `key: value` pair of a dictionary, in source order.
    struct Entry: Equatable, Sendable {
        var key: PythonLiteral
        var value: PythonLiteral
    }

    /// A single- or double-quoted string.
    case string(String)
    /// A decimal integer that fits in an `Int`.
    case integer(Int)
    /// A decimal integer too large for an `Int`, as written (with its sign).
    case bigInteger(String)
    /// Any other numeric literal (float, hexadecimal, ...), as written.
    case otherNumber(String)
    /// `True` or `False`.
    case bool(Bool)
    /// `None`.
    case none
    /// A tuple, such as `(2, 3)`, `(5,)` or `()`.
    case tuple([PythonLiteral])
    /// A list, such as `[('a', '<f4')]`.
    case list([PythonLiteral])
    /// A dictionary, such as `{'descr': '<f4'}`.
    case dict([Entry])

    /// An article and noun naming the kind of value, for messages ("a list").
    var kindDescription: String {
        switch self {
        case .string: "a string"
        case .integer, .bigInteger: "an integer"
        case .otherNumber: "a number"
        case .bool: "a boolean"
        case .none: "None"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dict: "a dictionary"
        }
    }

    /// A Python-like rendering of the value on one line of printable ASCII,
    /// shortened to about `limit` characters.
    func repr(limit: Int = 80) -> String {
        var output = ""
        appendRepr(to: &output, limit: limit)
        return truncatedForMessage(output, limit: limit)
    }

    /// Appends the rendering to `output`, stopping early once it is longer
    /// than `limit` (the caller truncates).
    private func appendRepr(to output: inout String, limit: Int) {
        guard output.utf8.count <= limit else { return }
        switch self {
        case let .string(text):
            output += quotedForMessage(text, limit: limit)
        case let .integer(value):
            output += String(value)
        case let .bigInteger(text), let .otherNumber(text):
            output += quotedForMessage(text, limit: limit).dropFirst().dropLast()
        case let .bool(value):
            output += value ? "True" : "False"
        case .none:
            output += "None"
        case let .tuple(items):
            output += "("
            appendItems(items, to: &output, limit: limit)
            output += items.count == 1 ? ",)" : ")"
        case let .list(items):
            output += "["
            appendItems(items, to: &output, limit: limit)
            output += "]"
        case let .dict(entries):
            output += "{"
            for (index, entry) in entries.enumerated() {
                guard output.utf8.count <= limit else { break }
                if index > 0 { output += ", " }
                entry.key.appendRepr(to: &output, limit: limit)
                output += ": "
                entry.value.appendRepr(to: &output, limit: limit)
            }
            output += "}"
        }
    }

    private func appendItems(_ items: [PythonLiteral], to output: inout String, limit: Int) {
        for (index, item) in items.enumerated() {
            guard output.utf8.count <= limit else { break }
            if index > 0 { output += ", " }
            item.appendRepr(to: &output, limit: limit)
        }
    }
}

/// Parses one Python literal (the `.npy` header dictionary) from bytes.
///
/// Accepts single or double quotes, any whitespace between tokens, trailing
/// commas, and a unary sign on numbers. Nesting is limited so that hostile
/// input cannot exhaust the stack. Every error is an
/// ``NPYError/malformedHeader(_:)`` naming the problem and its byte offset.
struct PythonLiteralParser {
    /// The deepest nesting of brackets accepted.
    static let maximumDepth = 32

    private let bytes: [UInt8]
    /// Whether strings are Latin-1 (format versions 1.0 and 2.0) rather
    /// than UTF-8 (version 3.0).
    private let isLatin1: Bool
    private var position = 0
    private var depth = 0

    private init(bytes: [UInt8], isLatin1: Bool) {
        self.bytes = bytes
        self.isLatin1 = isLatin1
    }

    /// Parses `bytes` as exactly one literal, optionally surrounded by
    /// whitespace.
    static func parse(_ bytes: [UInt8], isLatin1: Bool) throws(NPYError) -> PythonLiteral {
        var parser = PythonLiteralParser(bytes: bytes, isLatin1: isLatin1)
        parser.skipWhitespace()
        if parser.position == bytes.count {
            throw .malformedHeader("the header is empty")
        }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if let byte = parser.peek() {
            throw parser.failure("unexpected \(describe(byte)) after the end of the literal")
        }
        return value
    }

    // MARK: - Values

    private mutating func parseValue() throws(NPYError) -> PythonLiteral {
        guard let byte = peek() else {
            throw failure("the header ends where a value was expected")
        }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseDictionary()
        case UInt8(ascii: "("):
            let (items, hasComma) = try parseSequence(closing: UInt8(ascii: ")"), name: "tuple")
            // `(x)` is just a parenthesized `x`; `(x,)` is a one-element tuple.
            if items.count == 1, !hasComma, let only = items.first {
                return only
            }
            return .tuple(items)
        case UInt8(ascii: "["):
            return .list(try parseSequence(closing: UInt8(ascii: "]"), name: "list").items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."),
             UInt8(ascii: "-"), UInt8(ascii: "+"):
            return try parseNumber()
        case _ where Self.isIdentifierStart(byte):
            return try parseName()
        default:
            throw failure("unexpected \(Self.describe(byte))")
        }
    }

    private mutating func parseDictionary() throws(NPYError) -> PythonLiteral {
        try enterNesting()
        defer { depth -= 1 }
        position += 1  // "{"
        var entries: [PythonLiteral.Entry] = []
        skipWhitespace()
        while true {
            guard let byte = peek() else {
                throw failure("the header ends inside a dictionary (missing '}')")
            }
            if byte == UInt8(ascii: "}") {
                position += 1
                return .dict(entries)
            }
            let key = try parseValue()
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else {
                throw failure("expected ':' after a dictionary key but found \(describeNext())")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            entries.append(PythonLiteral.Entry(key: key, value: value))
            skipWhitespace()
            switch peek() {
            case nil:
                throw failure("the header ends inside a dictionary (missing '}')")
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                continue
            default:
                throw failure("expected ',' or '}' in a dictionary but found \(describeNext())")
            }
        }
    }

    /// Parses `(...)` or `[...]`, reporting whether any comma was seen.
    private mutating func parseSequence(
        closing: UInt8, name: String
    ) throws(NPYError) -> (items: [PythonLiteral], hasComma: Bool) {
        try enterNesting()
        defer { depth -= 1 }
        position += 1  // "(" or "["
        var items: [PythonLiteral] = []
        var hasComma = false
        skipWhitespace()
        while true {
            guard let byte = peek() else {
                throw failure("the header ends inside a \(name) (missing '\(Character(Unicode.Scalar(closing)))')")
            }
            if byte == closing {
                position += 1
                return (items, hasComma)
            }
            items.append(try parseValue())
            skipWhitespace()
            switch peek() {
            case nil:
                throw failure("the header ends inside a \(name) (missing '\(Character(Unicode.Scalar(closing)))')")
            case UInt8(ascii: ","):
                position += 1
                hasComma = true
                skipWhitespace()
            case closing:
                continue
            default:
                throw failure(
                    "expected ',' or '\(Character(Unicode.Scalar(closing)))' in a \(name) "
                        + "but found \(describeNext())")
            }
        }
    }

    private mutating func parseString() throws(NPYError) -> String {
        let start = position
        guard let quote = peek() else {
            throw failure("the header ends where a string was expected")
        }
        position += 1
        var content: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw .malformedHeader("unterminated string starting at offset \(start)")
            }
            position += 1
            switch byte {
            case quote:
                return decode(content)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw .malformedHeader("unterminated string starting at offset \(start)")
            case UInt8(ascii: "\\"):
                guard let escaped = peek() else {
                    throw .malformedHeader("unterminated string starting at offset \(start)")
                }
                position += 1
                switch escaped {
                case UInt8(ascii: "\n"): break  // line continuation
                case UInt8(ascii: "n"): content.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): content.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "r"): content.append(UInt8(ascii: "\r"))
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                    content.append(escaped)
                default:
                    // Python keeps unknown escapes verbatim.
                    content.append(UInt8(ascii: "\\"))
                    content.append(escaped)
                }
            default:
                content.append(byte)
            }
        }
    }

    private mutating func parseNumber() throws(NPYError) -> PythonLiteral {
        let start = position
        var isNegative = false
        var signText = ""
        if let sign = peek(), sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            isNegative = sign == UInt8(ascii: "-")
            signText = isNegative ? "-" : "+"
            position += 1
            skipWhitespace()
        }
        var token: [UInt8] = []
        while let byte = peek() {
            let continuesExponent = (byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-"))
                && (token.last == UInt8(ascii: "e") || token.last == UInt8(ascii: "E"))
            guard Self.isIdentifierContinuation(byte) || byte == UInt8(ascii: ".") || continuesExponent
            else { break }
            token.append(byte)
            position += 1
        }
        let text = (isNegative ? "-" : "") + String(decoding: token, as: UTF8.self)
        guard token.contains(where: Self.isDigit) else {
            let written = signText + String(decoding: token, as: UTF8.self)
            throw .malformedHeader("invalid number \(quotedForMessage(written)) at offset \(start)")
        }
        guard let digits = Self.decimalDigits(of: token) else {
            return .otherNumber(text)
        }
        var magnitude = 0
        for digit in digits {
            let (shifted, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int(digit &- UInt8(ascii: "0")))
            if overflowA || overflowB {
                return .bigInteger(text)
            }
            magnitude = sum
        }
        return .integer(isNegative ? -magnitude : magnitude)
    }

    private mutating func parseName() throws(NPYError) -> PythonLiteral {
        let start = position
        while let byte = peek(), Self.isIdentifierContinuation(byte) {
            position += 1
        }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        switch name {
        case "True": return .bool(true)
        case "False": return .bool(false)
        case "None": return .none
        default:
            throw .malformedHeader("unexpected name \(quotedForMessage(name)) at offset \(start)")
        }
    }

    // MARK: - Helpers

    private mutating func enterNesting() throws(NPYError) {
        guard depth < Self.maximumDepth else {
            throw failure("brackets nested more than \(Self.maximumDepth) levels deep")
        }
        depth += 1
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek(),
              byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
            position += 1
        }
    }

    private func describeNext() -> String {
        peek().map(Self.describe) ?? "the end of the header"
    }

    private func failure(_ message: String) -> NPYError {
        .malformedHeader("\(message) at offset \(position)")
    }

    private func decode(_ content: [UInt8]) -> String {
        if isLatin1 {
            var text = ""
            text.unicodeScalars.append(contentsOf: content.map { Unicode.Scalar($0) })
            return text
        }
        return String(decoding: content, as: UTF8.self)
    }

    /// The digits of a decimal integer token (underscores between digits and a
    /// Python 2 `L` suffix allowed), or nil if the token is not one.
    private static func decimalDigits(of token: [UInt8]) -> [UInt8]? {
        var body = token[...]
        if let last = body.last, last == UInt8(ascii: "L") || last == UInt8(ascii: "l") {
            body = body.dropLast()
        }
        guard let first = body.first, let last = body.last, isDigit(first), isDigit(last) else {
            return nil
        }
        var digits: [UInt8] = []
        var previous = first
        for byte in body {
            if byte == UInt8(ascii: "_") {
                guard previous != UInt8(ascii: "_") else { return nil }
            } else if isDigit(byte) {
                digits.append(byte)
            } else {
                return nil
            }
            previous = byte
        }
        return digits
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isIdentifierContinuation(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte)
    }

    private static func describe(_ byte: UInt8) -> String {
        if byte == UInt8(ascii: "'") {
            return "\"'\""
        }
        if byte >= 0x21 && byte <= 0x7E {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16)
        return "byte 0x" + (hex.count < 2 ? "0" : "") + hex
    }
}
