// Converting an `NPYArray` to and from the bytes of a `.npy` file.

extension NPYArray {
    /// Parses the complete contents of a `.npy` file (format version 1.0,
    /// 2.0 or 3.0, C order, dtype `'<f2'`, `'<f4'` or `'<f8'`).
    ///
    /// Never traps, whatever the bytes.
    ///
    /// - Throws: ``NPYError`` describing the first problem found: bad magic
    ///   string, unsupported version, truncated or malformed header,
    ///   unsupported dtype, Fortran order, invalid shape, or element data
    ///   shorter or longer than the shape needs.
    public init(parsing bytes: [UInt8]) throws {
        self = try Self.parse(bytes)
    }

    /// Parses `.npy` file contents from an array of bytes.
    static func parse(_ bytes: [UInt8]) throws(NPYError) -> NPYArray {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(NPYError) in try parse(raw) }
        }.get()
    }

    /// Parses `.npy` file contents from a raw buffer.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(NPYError) -> NPYArray {
        let (header, dataOffset) = try NPYHeader.parse(bytes)
        let sizes = try validatedSizes(shape: header.shape, dtype: header.dtype)
        let dataSize = bytes.count - dataOffset
        guard dataSize == sizes.byteCount else {
            throw .dataSizeMismatch(expected: sizes.byteCount, actual: dataSize)
        }
        let data = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[dataOffset...]))
        return NPYArray(validatedShape: header.shape, dtype: header.dtype, rawData: data)
    }

    /// The bytes of a `.npy` file holding this array, identical to what
    /// `numpy.save` writes: format version 1.0 (2.0 if the header exceeds
    /// 65535 bytes), header padded so the data starts at a multiple of 64.
    ///
    /// The properties are written as they are; ``write(toFile:)`` also
    /// checks that they are consistent.
    public func serialized() -> [UInt8] {
        var output = NPYHeader(dtype: dtype, shape: shape).encoded()
        output += rawData
        return output
    }

    /// Throws unless the properties describe a valid array.
    func validate() throws(NPYError) {
        let sizes = try Self.validatedSizes(shape: shape, dtype: dtype)
        guard rawData.count == sizes.byteCount else {
            throw .dataSizeMismatch(expected: sizes.byteCount, actual: rawData.count)
        }
    }
}
