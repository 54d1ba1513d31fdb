// Typed access to the elements of an `NPYArray`: creating arrays from values
// and reading the values back, independent of the host's byte order.

extension NPYArray {
    /// Creates a `float32` (`'<f4'`) array.
    ///
    /// - Throws: ``NPYError`` if the shape is invalid or `values.count` is not
    ///   the shape's element count.
    public init(shape: [Int], float32 values: [Float]) throws {
        let count = try Self.checkedValueCount(shape: shape, dtype: .float32, valueCount: values.count)
        let bytes = Self.encode(count: count, width: 4) { raw, index in
            raw.storeBytes(of: values[index].bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
        }
        self.init(validatedShape: shape, dtype: .float32, rawData: bytes)
    }

    /// Creates a `float64` (`'<f8'`) array.
    ///
    /// - Throws: ``NPYError`` if the shape is invalid or `values.count` is not
    ///   the shape's element count.
    public init(shape: [Int], float64 values: [Double]) throws {
        let count = try Self.checkedValueCount(shape: shape, dtype: .float64, valueCount: values.count)
        let bytes = Self.encode(count: count, width: 8) { raw, index in
            raw.storeBytes(of: values[index].bitPattern.littleEndian, toByteOffset: index * 8, as: UInt64.self)
        }
        self.init(validatedShape: shape, dtype: .float64, rawData: bytes)
    }

    /// Creates a `float16` (`'<f2'`) array from raw IEEE 754 binary16 bit
    /// patterns (see ``floatToHalfBits(_:)`` to convert from `Float`).
    ///
    /// - Throws: ``NPYError`` if the shape is invalid or `values.count` is not
    ///   the shape's element count.
    public init(shape: [Int], float16Bits values: [UInt16]) throws {
        let count = try Self.checkedValueCount(shape: shape, dtype: .float16, valueCount: values.count)
        let bytes = Self.encode(count: count, width: 2) { raw, index in
            raw.storeBytes(of: values[index].littleEndian, toByteOffset: index * 2, as: UInt16.self)
        }
        self.init(validatedShape: shape, dtype: .float16, rawData: bytes)
    }

    /// The elements converted to `Float`, in C order. Half values widen
    /// exactly; doubles are rounded to nearest. Converts as many whole
    /// elements as `rawData` holds.
    public func floatValues() -> [Float] {
        switch dtype {
        case .float16:
            decode { raw, index in
                halfBitsToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
            }
        case .float32:
            decode { raw, index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        case .float64:
            decode { raw, index in
                Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))))
            }
        }
    }

    /// The elements converted to `Double`, in C order. The conversion is
    /// exact for every dtype. Converts as many whole elements as `rawData`
    /// holds.
    public func doubleValues() -> [Double] {
        switch dtype {
        case .float16:
            decode { raw, index in
                Double(halfBitsToFloat(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))))
            }
        case .float32:
            decode { raw, index in
                Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))))
            }
        case .float64:
            decode { raw, index in
                Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
            }
        }
    }

    /// The raw IEEE 754 binary16 bit patterns of the elements, in C order, or
    /// `nil` unless ``dtype`` is ``NPYDType/float16``.
    public func float16Bits() -> [UInt16]? {
        guard dtype == .float16 else {
            return nil
        }
        return decode { raw, index in
            UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
        }
    }

    // MARK: - Helpers

    /// Validates the shape and that `valueCount` matches its element count.
    private static func checkedValueCount(
        shape: [Int], dtype: NPYDType, valueCount: Int
    ) throws(NPYError) -> Int {
        let sizes = try validatedSizes(shape: shape, dtype: dtype)
        guard valueCount == sizes.count else {
            throw .valueCountMismatch(expected: sizes.count, actual: valueCount)
        }
        return sizes.count
    }

    /// Builds `count * width` bytes by calling `store` for each element index.
    /// The caller has checked that the product does not overflow.
    private static func encode(
        count: Int, width: Int, _ store: (UnsafeMutableRawBufferPointer, Int) -> Void
    ) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count * width) { buffer, initializedCount in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for index in 0..<count {
                store(raw, index)
            }
            initializedCount = count * width
        }
    }

    /// Decodes every whole element of `rawData` with `load`.
    private func decode<Element>(_ load: (UnsafeRawBufferPointer, Int) -> Element) -> [Element] {
        let count = rawData.count / dtype.byteWidth
        return rawData.withUnsafeBytes { raw in
            [Element](unsafeUninitializedCapacity: count) { buffer, initializedCount in
                for index in 0..<count {
                    buffer.initializeElement(at: index, to: load(raw, index))
                }
                initializedCount = count
            }
        }
    }
}
