// `Float16` conveniences, on the platforms where the type exists (it is
// unavailable on macOS x86_64; use the `float16Bits` API there).

#if !(os(macOS) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension NPYArray {
    /// Creates a `float16` (`'<f2'`) array from `Float16` values.
    ///
    /// - Throws: ``NPYError`` if the shape is invalid or `values.count` is not
    ///   the shape's element count.
    public init(shape: [Int], float16 values: [Float16]) throws {
        try self.init(shape: shape, float16Bits: values.map(\.bitPattern))
    }

    /// The elements as `Float16` values, in C order, or `nil` unless
    /// ``dtype`` is ``NPYDType/float16``.
    public func float16Values() -> [Float16]? {
        float16Bits()?.map(Float16.init(bitPattern:))
    }
}
#endif
