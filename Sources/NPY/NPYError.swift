/// Everything that can go wrong while reading, validating or writing a `.npy`
/// file. Each case's ``description`` is one specific line of text.
public enum NPYError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The bytes do not start with the `\x93NUMPY` magic string.
    case invalidMagic
    /// The input ends inside the fixed-size preamble (magic string, version
    /// and header length): `needed` bytes are required, `available` exist.
    case truncatedPreamble(needed: Int, available: Int)
    /// The format version is not 1.0, 2.0 or 3.0.
    case unsupportedVersion(major: UInt8, minor: UInt8)
    /// The header length field points past the end of the input.
    case truncatedHeader(declaredLength: Int, available: Int)
    /// The header is not a valid Python dictionary literal; the associated
    /// text says what was wrong and where.
    case malformedHeader(String)
    /// The header dictionary lacks one of `descr`, `fortran_order`, `shape`.
    case missingKey(String)
    /// The header dictionary has a key other than `descr`, `fortran_order`
    /// and `shape` (the associated text is the key, quoted for display).
    case unexpectedKey(String)
    /// A header value has the wrong type, e.g. a `shape` that is not a tuple
    /// or a `fortran_order` that is not a boolean.
    case invalidValue(key: String, detail: String)
    /// The `descr` is not one of the supported dtypes; the associated text is
    /// the descriptor found, rendered for display (such as `'>f4'`).
    case unsupportedDType(String)
    /// The header has `fortran_order: True`; only C order is supported.
    case fortranOrder
    /// A dimension of the shape is negative (the dimension, as text).
    case negativeDimension(String)
    /// A dimension of the shape is not an integer (the dimension, as text).
    case nonIntegerDimension(String)
    /// The element count or byte size of the shape (given as text) does not
    /// fit in an `Int`.
    case elementCountOverflow(shape: String)
    /// The element data has `actual` bytes but shape and dtype need `expected`.
    case dataSizeMismatch(expected: Int, actual: Int)
    /// `actual` values were given for a shape that holds `expected` elements.
    case valueCountMismatch(expected: Int, actual: Int)
    /// The file at `path` could not be read, for the given reason.
    case fileReadFailed(path: String, reason: String)
    /// The directory that should contain `path` does not exist.
    case directoryNotFound(path: String, directory: String)
    /// The file at `path` could not be written, for the given reason.
    case fileWriteFailed(path: String, reason: String)
    /// A format error found in the file at `path`.
    indirect case inFile(path: String, error: NPYError)

    /// A one-line, specific explanation of the error.
    public var description: String {
        switch self {
        case .invalidMagic:
            return "not a .npy file: the data does not start with the \\x93NUMPY magic string"
        case let .truncatedPreamble(needed, available):
            return "truncated .npy file: it has \(available) bytes but its magic string, "
                + "version and header length need \(needed)"
        case let .unsupportedVersion(major, minor):
            return "unsupported .npy format version \(major).\(minor); "
                + "supported versions are 1.0, 2.0 and 3.0"
        case let .truncatedHeader(declaredLength, available):
            return "truncated header: the header length field says \(declaredLength) bytes "
                + "but only \(available) bytes follow"
        case let .malformedHeader(detail):
            return "malformed header: \(escapingControlCharacters(detail))"
        case let .missingKey(key):
            return "malformed header: the dictionary has no '\(escapingControlCharacters(key))' key"
        case let .unexpectedKey(key):
            return "malformed header: unexpected key \(escapingControlCharacters(key)); "
                + "expected exactly 'descr', 'fortran_order' and 'shape'"
        case let .invalidValue(key, detail):
            return "malformed header: invalid '\(escapingControlCharacters(key))' value: "
                + escapingControlCharacters(detail)
        case let .unsupportedDType(found):
            let hint = found.hasPrefix("[") ? " (structured dtypes are not supported)" : ""
            return "unsupported dtype \(escapingControlCharacters(found))\(hint); "
                + "supported dtypes are \(NPYDType.supportedList)"
        case .fortranOrder:
            return "Fortran-ordered arrays are not supported; save with np.ascontiguousarray"
        case let .negativeDimension(dimension):
            return "invalid shape: dimension \(escapingControlCharacters(dimension)) is negative"
        case let .nonIntegerDimension(dimension):
            return "invalid shape: dimension \(escapingControlCharacters(dimension)) is not an integer"
        case let .elementCountOverflow(shape):
            return "invalid shape \(escapingControlCharacters(shape)): "
                + "the element count or byte size overflows Int"
        case let .dataSizeMismatch(expected, actual):
            let kind = actual < expected ? "too short" : "too long"
            return "array data is \(kind): it has \(actual) bytes but the shape and dtype "
                + "need \(expected) bytes"
        case let .valueCountMismatch(expected, actual):
            return "wrong number of values: \(actual) given but the shape holds \(expected) elements"
        case let .fileReadFailed(path, reason):
            return "cannot read '\(escapingControlCharacters(path))': \(escapingControlCharacters(reason))"
        case let .directoryNotFound(path, directory):
            return "cannot write '\(escapingControlCharacters(path))': the directory "
                + "'\(escapingControlCharacters(directory))' does not exist"
        case let .fileWriteFailed(path, reason):
            return "cannot write '\(escapingControlCharacters(path))': \(escapingControlCharacters(reason))"
        case let .inFile(path, error):
            return "\(escapingControlCharacters(path)): \(error.description)"
        }
    }
}
