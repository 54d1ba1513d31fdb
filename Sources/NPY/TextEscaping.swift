// Helpers that keep error messages on one line, whatever bytes they quote.

/// Escapes the characters of `text` that would break a one-line message
/// (control characters and Unicode line/paragraph separators), leaving other
/// characters, including non-ASCII letters, unchanged.
func escapingControlCharacters(_ text: String) -> String {
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator:
            result += escapeSequence(for: scalar)
        default:
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Renders `text` as a single-quoted, Python-like string literal made of
/// printable ASCII only, shortened to about `limit` characters.
func quotedForMessage(_ text: String, limit: Int = 60) -> String {
    var body = ""
    var truncated = false
    for scalar in text.unicodeScalars {
        if body.utf8.count >= limit {
            truncated = true
            break
        }
        switch scalar {
        case "\\": body += "\\\\"
        case "'": body += "\\'"
        case " "..."~": body.unicodeScalars.append(scalar)
        default: body += escapeSequence(for: scalar)
        }
    }
    return "'" + body + (truncated ? "...'" : "'")
}

/// Shortens an already printable one-line `text` to about `limit` characters.
func truncatedForMessage(_ text: String, limit: Int = 80) -> String {
    guard text.count > limit else { return text }
    return String(text.prefix(limit)) + "..."
}

/// The Python-style escape sequence for one Unicode scalar.
private func escapeSequence(for scalar: Unicode.Scalar) -> String {
    switch scalar {
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\t": return "\\t"
    default:
        let value = scalar.value
        let hex = String(value, radix: 16)
        if value < 0x100 {
            return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
        }
        if value < 0x10000 {
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }
}
