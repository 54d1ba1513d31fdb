/// The element types this library reads and writes: little-endian IEEE 754
/// floating point numbers. The raw value is the NumPy `descr` string.
public enum NPYDType: String, Sendable, CaseIterable {
    /// IEEE 754 binary16, little-endian (`'<f2'`, NumPy `float16`).
    case float16 = "<f2"
    /// IEEE 754 binary32, little-endian (`'<f4'`, NumPy `float32`).
    case float32 = "<f4"
    /// IEEE 754 binary64, little-endian (`'<f8'`, NumPy `float64`).
    case float64 = "<f8"

    /// The size of one element in bytes (2, 4 or 8).
    public var byteWidth: Int {
        switch self {
        case .float16: 2
        case .float32: 4
        case .float64: 8
        }
    }

    /// The NumPy name of the type, such as `float32`, for messages.
    var numpyName: String {
        switch self {
        case .float16: "float16"
        case .float32: "float32"
        case .float64: "float64"
        }
    }

    /// A human-readable list of the supported descriptors, for messages.
    static var supportedList: String {
        allCases.map { "'\($0.rawValue)' (\($0.numpyName))" }.joined(separator: ", ")
    }
}
