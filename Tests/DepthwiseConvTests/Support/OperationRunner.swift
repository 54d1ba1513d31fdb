import DepthwiseConv

/// Runs the library's three operations for one configuration in scalar type
/// `T`, from `Double` operand values, and returns `Double` results.
struct OperationRunner<T: TestScalar> {
    var config: ReferenceConvolution
    var options = DepthwiseConvOptions.default

    func forward(_ x: [Double], _ w: [Double]) throws -> [Double] {
        try depthwiseConv2dNative(
            input: Tensor<T>(config.inputShape, x), filter: Tensor<T>(config.filterShape, w),
            strides: config.strides, padding: config.padding, dataFormat: config.dataFormat,
            dilations: config.dilations, options: options
        ).values
    }

    func backpropInput(_ w: [Double], _ dy: [Double]) throws -> [Double] {
        try depthwiseConv2dNativeBackpropInput(
            inputSizes: config.inputShape, filter: Tensor<T>(config.filterShape, w),
            outBackprop: Tensor<T>(config.outputShape ?? [], dy),
            strides: config.strides, padding: config.padding, dataFormat: config.dataFormat,
            dilations: config.dilations, options: options
        ).values
    }

    func backpropFilter(_ x: [Double], _ dy: [Double]) throws -> [Double] {
        try depthwiseConv2dNativeBackpropFilter(
            input: Tensor<T>(config.inputShape, x), filterSizes: config.filterShape,
            outBackprop: Tensor<T>(config.outputShape ?? [], dy),
            strides: config.strides, padding: config.padding, dataFormat: config.dataFormat,
            dilations: config.dilations, options: options
        ).values
    }
}
