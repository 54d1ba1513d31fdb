/// The storage formats the operations compute in.
public enum DepthwiseScalarKind: String, Sendable, Hashable, CaseIterable {
    /// IEEE binary16 (`Float16`), accumulated in `Float`.
    case float16
    /// Brain floating point (`BFloat16`), accumulated in `Float`.
    case bfloat16
    /// IEEE binary32 (`Float`).
    case float32
    /// IEEE binary64 (`Double`).
    case float64

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .float16, .bfloat16: 2
        case .float32: 4
        case .float64: 8
        }
    }
}

/// A scalar type the depthwise operations accept: `Float`, `Double`,
/// `Float16` and ``BFloat16``, the four types TensorFlow supports for them.
///
/// The 16-bit types are accumulated in `Float` and rounded once at the end.
/// Other types must not adopt this protocol: the operations throw
/// ``DepthwiseConvError/unimplemented(_:)`` for a type whose layout does not
/// match its ``scalarKind``.
public protocol DepthwiseScalar: Sendable, Equatable {
    /// The storage format of this type.
    static var scalarKind: DepthwiseScalarKind { get }
    /// The zero of this type.
    static var zero: Self { get }
}

extension Float: DepthwiseScalar {
    /// `.float32`.
    public static var scalarKind: DepthwiseScalarKind { .float32 }
}

extension Double: DepthwiseScalar {
    /// `.float64`.
    public static var scalarKind: DepthwiseScalarKind { .float64 }
}

#if !(os(macOS) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension Float16: DepthwiseScalar {
    /// `.float16`.
    public static var scalarKind: DepthwiseScalarKind { .float16 }
}
#endif
