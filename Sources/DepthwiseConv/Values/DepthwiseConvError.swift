/// An error thrown by the depthwise convolution operations.
///
/// Messages follow TensorFlow's wording where TensorFlow has a message for the
/// same condition, and always name the argument and the values involved.
public enum DepthwiseConvError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument is malformed or inconsistent with the others.
    case invalidArgument(String)
    /// The request is well formed but this library does not support it.
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
