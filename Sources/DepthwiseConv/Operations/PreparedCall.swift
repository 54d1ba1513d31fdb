import DepthwiseConvKernels

/// A call that passed every check and may run: its plan and resolved options.
struct PreparedCall {
    let plan: OperationPlan
    let threads: Int
    let isa: InstructionSet

    /// Validates a call's shapes and attributes, then runs the checks that
    /// need no data (scalar type, options, memory limit). Nothing is allocated.
    ///
    /// - Parameter allocatesResult: whether the library allocates the result
    ///   (the `Tensor` API) or the caller owns it (the buffer API).
    init<T: DepthwiseScalar>(
        _ operation: DepthwiseOperation, scalar: T.Type,
        inputShape: [Int], filterShape: [Int], outBackpropShape: [Int]?,
        strides: [Int], padding: Padding, dataFormat: DataFormat, dilations: [Int],
        options: DepthwiseConvOptions, allocatesResult: Bool
    ) throws {
        let attributes = ConvAttributes(
            strides: strides, padding: padding, dataFormat: dataFormat, dilations: dilations)
        let geometry = try resolveGeometry(
            operation, inputShape: inputShape, filterShape: filterShape, outBackpropShape: outBackpropShape,
            attributes: attributes)
        try checkSupportedScalar(T.self)
        let plan = OperationPlan(operation, geometry: geometry, dataFormat: dataFormat)
        let convertsType = T.scalarKind.convertsType
        let threads = try options.resolvedThreadCount()
        let kernelWidth = T.scalarKind == .float64 ? 8 : 4
        guard let kernelScratch = kernelScratchBytes(
            forward: operation == .forward, backpropFilter: operation == .backpropFilter, geometry,
            threads: threads, scalarBytes: kernelWidth)
        else { throw DepthwiseConvError.invalidArgument("The kernels' scratch size overflows a 64-bit integer") }
        try checkMemoryBudget(
            resultCount: allocatesResult ? plan.resultCount : 0, resultWidth: T.scalarKind.byteWidth,
            scratchCount: try plan.scratchCount(convertsType: convertsType), scratchWidth: kernelWidth,
            tableBytes: try checkedSum(
                try checkedProduct(try tapTableEntries(geometry, operation), 24, "The tap table size"),
                kernelScratch, "The scratch size in bytes"),
            limit: try options.resolvedMemoryLimit())
        self.plan = plan
        self.threads = threads
        self.isa = options.resolvedInstructionSet
    }

    /// Runs the call on two tensors and returns the result tensor.
    func run<T: DepthwiseScalar>(_ first: Tensor<T>, _ second: Tensor<T>, resultShape: [Int]) -> Tensor<T> {
        let count = plan.resultCount
        // An empty result needs no storage (and writing the count of the
        // shared empty-array storage from concurrent calls would race).
        if count == 0 { return Tensor(uncheckedShape: resultShape, scalars: []) }
        let scalars = [T](unsafeUninitializedCapacity: count) { storage, initialized in
            first.scalars.withUnsafeBufferPointer { a in
                second.scalars.withUnsafeBufferPointer { b in
                    execute(
                        plan, first: a, second: b, result: UnsafeMutableBufferPointer(rebasing: storage[0..<count]),
                        threads: threads, isa: isa)
                }
            }
            initialized = count
        }
        return Tensor(uncheckedShape: resultShape, scalars: scalars)
    }

    /// Runs the call on caller-owned buffers, after checking their sizes and
    /// that the result overlaps neither operand.
    func run<T: DepthwiseScalar>(
        _ first: UnsafeBufferPointer<T>, _ firstName: String,
        _ second: UnsafeBufferPointer<T>, _ secondName: String,
        result: UnsafeMutableBufferPointer<T>
    ) throws {
        try requireCount(first.count, plan.counts[0], firstName)
        try requireCount(second.count, plan.counts[1], secondName)
        try requireCount(result.count, plan.counts[2], "result")
        let resultRange = byteRange(UnsafeRawBufferPointer(result))
        for (buffer, name) in [(UnsafeRawBufferPointer(first), firstName), (UnsafeRawBufferPointer(second), secondName)]
        where resultRange.overlaps(byteRange(buffer)) {
            throw DepthwiseConvError.invalidArgument("result must not overlap \(name)")
        }
        execute(plan, first: first, second: second, result: result, threads: threads, isa: isa)
    }
}

/// Throws unless a tensor's scalars match its shape (its fields are public and
/// may have been changed after it was created).
func requireConsistent<T>(_ tensor: Tensor<T>, _ name: String) throws {
    let count = try elementCount(of: tensor.shape, name: "\(name) shape")
    try requireCount(tensor.scalars.count, count, name)
}

private func requireCount(_ actual: Int, _ expected: Int, _ name: String) throws {
    guard actual == expected else {
        throw DepthwiseConvError.invalidArgument(
            "\(name) holds \(actual) elements, but its shape needs \(expected)")
    }
}

private func byteRange(_ buffer: UnsafeRawBufferPointer) -> Range<UInt> {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0..<0 }
    let start = UInt(bitPattern: base)
    return start..<(start + UInt(buffer.count))
}
