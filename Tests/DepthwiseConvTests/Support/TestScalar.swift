import DepthwiseConv

/// The supported scalar types, with conversions to and from `Double` and the
/// unit roundoff that sets test tolerances.
protocol TestScalar: DepthwiseScalar {
    init(testValue: Double)
    var testValue: Double { get }
    /// Half the distance from 1 to the next value: the relative error of one rounding.
    static var unitRoundoff: Double { get }
}

extension Float: TestScalar {
    init(testValue: Double) { self = Float(testValue) }
    var testValue: Double { Double(self) }
    static var unitRoundoff: Double { 0x1p-24 }
}

extension Double: TestScalar {
    init(testValue: Double) { self = testValue }
    var testValue: Double { self }
    static var unitRoundoff: Double { 0x1p-53 }
}

extension Float16: TestScalar {
    init(testValue: Double) { self = Float16(Float(testValue)) }
    var testValue: Double { Double(Float(self)) }
    static var unitRoundoff: Double { 0x1p-11 }
}

extension BFloat16: TestScalar {
    init(testValue: Double) { self = BFloat16(Float(testValue)) }
    var testValue: Double { Double(floatValue) }
    static var unitRoundoff: Double { 0x1p-8 }
}

extension Tensor where Scalar: TestScalar {
    init(_ shape: [Int], _ values: [Double]) throws {
        try self.init(shape: shape, scalars: values.map { Scalar(testValue: $0) })
    }
    var values: [Double] { scalars.map(\.testValue) }
}
