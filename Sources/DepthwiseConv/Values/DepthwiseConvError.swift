/// An error thrown by the depthwise convolution operations.
///
/// Messages follow TensorFlow's wording where TensorFlow has a message for the
/// same condition, and always name the argument and the values involved.
/// Every check runs before anything is allocated or written, so a call that
/// throws has no effect.
///
/// ```swift
/// do {
///     _ = try depthwiseConv2dNative(input: x, filter: w, strides: [1, 2, 2], padding: .same)
/// } catch let error as DepthwiseConvError {
///     print(error)   // Invalid argument: Sliding window strides field must specify 4 dimensions, but got 3: [1, 2, 2]
/// }
/// ```
public enum DepthwiseConvError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument is malformed or inconsistent with the others, a size
    /// overflows 64-bit arithmetic, or the call exceeds the memory limit.
    case invalidArgument(String)
    /// The request is well formed but this library does not support it: a
    /// scalar type other than `Float`, `Double`, `Float16` and ``BFloat16``.
    case unimplemented(String)

    /// The message alone, without the error kind.
    public var message: String {
        switch self {
        case .invalidArgument(let message), .unimplemented(let message): message
        }
    }

    /// The message, prefixed with the error kind as TensorFlow prints it.
    public var description: String {
        switch self {
        case .invalidArgument(let message): "Invalid argument: \(message)"
        case .unimplemented(let message): "Unimplemented: \(message)"
        }
    }
}
