/// `a * b`, or an error naming `what` if it overflows `Int`.
func checkedProduct(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
    let (value, overflow) = a.multipliedReportingOverflow(by: b)
    guard !overflow else {
        throw DepthwiseConvError.invalidArgument("\(what()) overflows a 64-bit integer")
    }
    return value
}

/// `a * b * c * d * e`, multiplied left to right, or an error naming `what`
/// if a partial product overflows `Int` (`what` is built only then, so a
/// shape in it costs nothing on the way through).
func checkedProduct(
    _ a: Int, _ b: Int, _ c: Int, _ d: Int, _ e: Int = 1, what: @autoclosure () -> String
) throws -> Int {
    var total = try checkedProduct(a, b, what())
    total = try checkedProduct(total, c, what())
    total = try checkedProduct(total, d, what())
    return try checkedProduct(total, e, what())
}

/// `a + b`, or an error naming `what` if it overflows `Int`.
func checkedSum(_ a: Int, _ b: Int, _ what: @autoclosure () -> String) throws -> Int {
    let (value, overflow) = a.addingReportingOverflow(b)
    guard !overflow else {
        throw DepthwiseConvError.invalidArgument("\(what()) overflows a 64-bit integer")
    }
    return value
}

/// The number of elements of `shape`, after checking that no dimension is
/// negative and that the product fits in `Int`.
func elementCount(of shape: [Int], name: @autoclosure () -> String) throws -> Int {
    if let bad = shape.firstIndex(where: { $0 < 0 }) {
        throw DepthwiseConvError.invalidArgument(
            "\(name()) \(shape) has a negative dimension \(shape[bad]) at index \(bad)")
    }
    var count = 1
    for dimension in shape {
        count = try checkedProduct(count, dimension, "The element count of \(name()) \(shape)")
    }
    return count
}
