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
/// gives. Validate untrusted shapes with the throwing API first.
///
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
