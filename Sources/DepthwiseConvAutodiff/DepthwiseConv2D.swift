#if canImport(_Differentiation)
import _Differentiation
import DepthwiseConv

/// A differentiable depthwise 2-D convolution: the forward operation, whose
/// registered derivative runs the library's input- and filter-gradient
/// operations (TensorFlow's `DepthwiseConv2dNativeBackpropInput` and
/// `...BackpropFilter`).
///
/// Arguments are as for `depthwiseConv2dNative(input:filter:strides:padding:dataFormat:dilations:options:)`.
/// This function does not throw: an invalid argument is a programmer error
/// here and stops the program with the same message the throwing operation
/// gives. Validate untrusted shapes with the throwing API first (for example
/// with `depthwiseConv2dNativeOutputShape(inputShape:filterShape:strides:padding:dataFormat:dilations:)`).
///
/// ```swift
/// let (value, gradient) = valueWithGradient(at: filter) { filter in
///     depthwiseConv2D(input, filter: filter, strides: [1, 1, 1, 1], padding: .same).squared().sum()
/// }
/// ```
///
/// The pullback returns the input's gradient
/// (`DepthwiseConv2dNativeBackpropInput`, shaped as `input`) and the
/// filter's gradient (`DepthwiseConv2dNativeBackpropFilter`, shaped as
/// `filter`). It runs with the default `DepthwiseConvOptions`.
///
/// - Parameters:
///   - input: `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
///   - filter: `[KH, KW, C, M]`.
///   - strides: 4 values in data-format order; batch and channel entries 1.
///   - padding: `.same`, `.valid` or `.explicit` (8 values in data-format order).
///   - dataFormat: the layout of `input` and the result.
///   - dilations: 4 values in data-format order; batch and channel entries 1.
/// - Returns: `[N, OH, OW, C * M]` (NHWC) or `[N, C * M, OH, OW]` (NCHW).
/// - Precondition: the arguments are valid for the throwing operation;
///   otherwise the program stops with its message.
/// - Complexity: O(N · OH · OW · C · M · KH · KW) for the value and for each gradient.
@differentiable(reverse, wrt: (input, filter))
public func depthwiseConv2D<Scalar>(
    _ input: DifferentiableTensor<Scalar>, filter: DifferentiableTensor<Scalar>,
    strides: [Int], padding: Padding, dataFormat: DataFormat = .nhwc, dilations: [Int] = [1, 1, 1, 1]
) -> DifferentiableTensor<Scalar> {
    DifferentiableTensor(orTrap {
        try depthwiseConv2dNative(
            input: input.tensor, filter: filter.tensor, strides: strides, padding: padding,
            dataFormat: dataFormat, dilations: dilations)
    })
}

@usableFromInline @derivative(of: depthwiseConv2D, wrt: (input, filter))
func vjpDepthwiseConv2D<Scalar>(
    _ input: DifferentiableTensor<Scalar>, filter: DifferentiableTensor<Scalar>,
    strides: [Int], padding: Padding, dataFormat: DataFormat, dilations: [Int]
) -> (
    value: DifferentiableTensor<Scalar>,
    pullback: (DifferentiableTensor<Scalar>) -> (DifferentiableTensor<Scalar>, DifferentiableTensor<Scalar>)
) {
    let value = depthwiseConv2D(
        input, filter: filter, strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations)
    return (value, { upstream in
        // An untouched tangent arrives as the shapeless zero.
        let outBackprop = upstream.shape.isEmpty
            ? orTrap { try Tensor<Scalar>(zeros: value.shape) } : upstream.tensor
        let inputGradient = orTrap {
            try depthwiseConv2dNativeBackpropInput(
                inputSizes: input.shape, filter: filter.tensor, outBackprop: outBackprop, strides: strides,
                padding: padding, dataFormat: dataFormat, dilations: dilations)
        }
        let filterGradient = orTrap {
            try depthwiseConv2dNativeBackpropFilter(
                input: input.tensor, filterSizes: filter.shape, outBackprop: outBackprop, strides: strides,
                padding: padding, dataFormat: dataFormat, dilations: dilations)
        }
        return (DifferentiableTensor(inputGradient), DifferentiableTensor(filterGradient))
    })
}

/// The value of `body`, or a trap carrying the error's message: invalid
/// arguments are programmer errors in this non-throwing API.
private func orTrap<T>(_ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        preconditionFailure("\(error)")
    }
}
#endif
