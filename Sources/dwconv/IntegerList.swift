/// Parsing of the comma-separated integer lists the options take, such as
/// `--strides 1,2,2,1` or `--input-sizes 1,56,56,144`.
///
/// The syntax is strict: decimal integers (an optional sign, then digits)
/// separated by single commas, without spaces. An empty string is the empty
/// list. The number of values is not checked here: the library checks each
/// list's length and reports it in TensorFlow's words.
enum IntegerList {
    /// The integers of `text`.
    ///
    /// Used as an ArgumentParser `transform`, which reports a thrown error as
    /// "The value '…' is invalid for '--option <name>': <description>".
    ///
    /// - Throws: ``IntegerListError`` naming the first element that is not an
    ///   integer.
    static func parse(_ text: String) throws -> [Int] {
        if text.isEmpty {
            return []
        }
        let elements = text.split(separator: ",", omittingEmptySubsequences: false)
        return try elements.enumerated().map { index, element in
            if let value = Int(element) {
                return value
            }
            throw IntegerListError(element: String(element), position: index + 1)
        }
    }
}

/// An element of an integer list that is not an integer.
struct IntegerListError: Error, CustomStringConvertible {
    /// The offending element, as written.
    let element: String
    /// Its 1-based position in the list.
    let position: Int

    var description: String {
        let problem: String
        if element.isEmpty {
            problem = "value \(position) is empty"
        } else if isOverflowingInteger(element) {
            problem = "value \(position) ('\(element)') does not fit in a 64-bit integer"
        } else {
            problem = "value \(position) ('\(element)') is not an integer"
        }
        return "\(problem); expected integers separated by commas, without spaces (e.g. 1,2,2,1)"
    }

    /// Whether `text` is a well-formed decimal integer (so it failed to parse
    /// only because it is out of range).
    private func isOverflowingInteger(_ text: String) -> Bool {
        let digits = text.first == "+" || text.first == "-" ? text.dropFirst() : text[...]
        return !digits.isEmpty && digits.allSatisfy { ("0"..."9").contains($0) }
    }
}
