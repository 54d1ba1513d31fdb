/// An array read from or to be written to a .npy file: shape, dtype and raw little-endian bytes.
///
/// The initializers validate that the shape is well-formed (non-negative
/// dimensions whose element count and byte size fit in an `Int`) and that the
/// data has exactly the right size. The properties are mutable; if you change
/// them, keep them consistent: ``write(toFile:)`` checks again and throws.
public struct NPYArray: Sendable, Equatable {
    /// The dimensions, outermost first (C order). `[]` is a 0-d (scalar) array.
    public var shape: [Int]
    /// The element type.
    public var dtype: NPYDType
    /// The elements' little-endian bytes, in C (row-major) order.
    public var rawData: [UInt8]

    /// The number of elements: the product of the dimensions (1 for a 0-d
    /// array, 0 if any dimension is 0). Never traps: a shape whose product
    /// does not fit in an `Int` (impossible for a validated array) gives
    /// `Int.max`.
    public var count: Int {
        if shape.contains(0) {
            return 0
        }
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow {
                return Int.max
            }
            product = next
        }
        return product
    }

    /// Creates an array from raw little-endian element bytes in C order.
    ///
    /// - Throws: ``NPYError`` if a dimension is negative, the shape's size
    ///   overflows `Int`, or `rawData` is not exactly
    ///   `count * dtype.byteWidth` bytes long.
    public init(shape: [Int], dtype: NPYDType, rawData: [UInt8]) throws {
        let sizes = try Self.validatedSizes(shape: shape, dtype: dtype)
        guard rawData.count == sizes.byteCount else {
            throw NPYError.dataSizeMismatch(expected: sizes.byteCount, actual: rawData.count)
        }
        self.shape = shape
        self.dtype = dtype
        self.rawData = rawData
    }

    /// Creates an array without checks, for callers that already validated.
    init(validatedShape shape: [Int], dtype: NPYDType, rawData: [UInt8]) {
        self.shape = shape
        self.dtype = dtype
        self.rawData = rawData
    }

    /// Checks that `shape` is usable with `dtype`: every dimension is
    /// non-negative, and the product of the dimensions (counting zeros as
    /// ones, so that every stride fits too) times the element width fits in
    /// an `Int`.
    ///
    /// - Returns: The element count and the byte size of the data.
    static func validatedSizes(
        shape: [Int], dtype: NPYDType
    ) throws(NPYError) -> (count: Int, byteCount: Int) {
        var product = 1
        var hasZero = false
        for dimension in shape {
            guard dimension >= 0 else {
                throw .negativeDimension(String(dimension))
            }
            if dimension == 0 {
                hasZero = true
                continue
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .elementCountOverflow(shape: NPYHeader.tupleDescription(shape))
            }
            product = next
        }
        let (bytes, overflow) = product.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow else {
            throw .elementCountOverflow(shape: NPYHeader.tupleDescription(shape))
        }
        return hasZero ? (0, 0) : (product, bytes)
    }
}
