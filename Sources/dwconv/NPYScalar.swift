import DepthwiseConv
import NPY

/// A scalar type an operation can run in, with its conversions from and to
/// the `.npy` arrays the tool reads and writes.
///
/// `Float`, `Double` and `Float16` map to the `.npy` dtype of the same width.
/// `BFloat16` has no `.npy` dtype: it is read from and written to `'<f4'`
/// (float32) files, each value rounded to the nearest bfloat16 on reading;
/// the written values are the bfloat16 results, exactly.
protocol NPYScalar: DepthwiseScalar {
    /// The dtype of the files that hold values of this type.
    static var fileDType: NPYDType { get }
    /// The elements of `array`, whose dtype must be ``fileDType``.
    static func scalars(of array: NPYArray) -> [Self]
    /// An array of dtype ``fileDType`` holding `scalars`.
    static func array(shape: [Int], scalars: [Self]) throws -> NPYArray
    /// The exact value as a `Double`, for `--verify`.
    var doubleValue: Double { get }
}

extension Float: NPYScalar {
    static var fileDType: NPYDType { .float32 }

    static func scalars(of array: NPYArray) -> [Float] {
        array.floatValues()
    }

    static func array(shape: [Int], scalars: [Float]) throws -> NPYArray {
        try NPYArray(shape: shape, float32: scalars)
    }

    var doubleValue: Double { Double(self) }
}

extension Double: NPYScalar {
    static var fileDType: NPYDType { .float64 }

    static func scalars(of array: NPYArray) -> [Double] {
        array.doubleValues()
    }

    static func array(shape: [Int], scalars: [Double]) throws -> NPYArray {
        try NPYArray(shape: shape, float64: scalars)
    }

    var doubleValue: Double { self }
}

extension BFloat16: NPYScalar {
    static var fileDType: NPYDType { .float32 }

    /// The float32 values, each rounded to the nearest bfloat16 (ties to even).
    static func scalars(of array: NPYArray) -> [BFloat16] {
        array.floatValues().map { BFloat16($0) }
    }

    static func array(shape: [Int], scalars: [BFloat16]) throws -> NPYArray {
        try NPYArray(shape: shape, float32: scalars.map(\.floatValue))
    }

    var doubleValue: Double { Double(floatValue) }
}

#if !(os(macOS) && arch(x86_64))
@available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
extension Float16: NPYScalar {
    static var fileDType: NPYDType { .float16 }

    static func scalars(of array: NPYArray) -> [Float16] {
        (array.float16Bits() ?? []).map(Float16.init(bitPattern:))
    }

    static func array(shape: [Int], scalars: [Float16]) throws -> NPYArray {
        try NPYArray(shape: shape, float16Bits: scalars.map(\.bitPattern))
    }

    var doubleValue: Double { Double(self) }
}
#endif
