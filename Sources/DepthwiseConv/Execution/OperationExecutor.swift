import DepthwiseConvKernels

/// Runs a validated call: picks the kernel for `T` and the instruction set,
/// stages operands that need converting or transposing, and writes every
/// element of `result`.
///
/// - Precondition: the buffers hold `plan.counts` elements and `result`
///   overlaps neither operand; `T` passed ``checkSupportedScalar(_:)``.
func execute<T: DepthwiseScalar>(
    _ plan: OperationPlan,
    first: UnsafeBufferPointer<T>, second: UnsafeBufferPointer<T>, result: UnsafeMutableBufferPointer<T>,
    threads: Int, isa: InstructionSet
) {
    switch T.scalarKind {
    case .float32:
        executeStaged(plan, rebound(first), rebound(second), rebound(result, to: Float.self), threads, isa)
    case .float64:
        executeStaged(plan, rebound(first), rebound(second), rebound(result, to: Double.self), threads, isa)
    case .bfloat16:
        executeStaged(plan, rebound(first), rebound(second), rebound(result, to: BFloat16.self), threads, isa)
    case .float16:
        #if !(os(macOS) && arch(x86_64))
        if #available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *) {
            executeStaged(plan, rebound(first), rebound(second), rebound(result, to: Float16.self), threads, isa)
        }
        #endif
    }
}

/// Throws unless `T` is one of the four supported types (a foreign type that
/// adopted ``DepthwiseScalar`` would otherwise be reinterpreted).
func checkSupportedScalar<T: DepthwiseScalar>(_ type: T.Type) throws {
    let supported: Bool
    switch T.scalarKind {
    case .float32: supported = T.self == Float.self
    case .float64: supported = T.self == Double.self
    case .bfloat16: supported = T.self == BFloat16.self
    case .float16:
        #if !(os(macOS) && arch(x86_64))
        if #available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *) {
            supported = T.self == Float16.self
        } else {
            supported = false
        }
        #else
        supported = false
        #endif
    }
    guard supported else {
        throw DepthwiseConvError.unimplemented(
            "\(T.self) is not a supported scalar type; use Float, Double, Float16 or BFloat16")
    }
}

/// The same memory seen as `U`; the caller has checked that `T` is `U`.
private func rebound<T, U>(_ buffer: UnsafeBufferPointer<T>, to: U.Type = U.self) -> UnsafeBufferPointer<U> {
    UnsafeBufferPointer(
        start: buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: U.self) }, count: buffer.count)
}

private func rebound<T, U>(_ buffer: UnsafeMutableBufferPointer<T>, to: U.Type) -> UnsafeMutableBufferPointer<U> {
    UnsafeMutableBufferPointer(
        start: buffer.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: U.self) },
        count: buffer.count)
}

private func executeStaged<S: StagedScalar>(
    _ plan: OperationPlan,
    _ first: UnsafeBufferPointer<S>, _ second: UnsafeBufferPointer<S>, _ result: UnsafeMutableBufferPointer<S>,
    _ threads: Int, _ isa: InstructionSet
) {
    let kernels = S.Wide.kernels(for: isa)
    let kernel = kernels.function(for: plan.operation)
    // At most one block per operand and one for the result, in a tuple so
    // that the call itself allocates nothing.
    typealias Block = (pointer: UnsafeMutableRawPointer, bytes: Int)
    var scratch: (Block?, Block?, Block?) = (nil, nil, nil)
    defer {
        scratch.0.map(ScratchPool.shared.give)
        scratch.1.map(ScratchPool.shared.give)
        scratch.2.map(ScratchPool.shared.give)
    }

    func allocate(_ count: Int) -> UnsafeMutablePointer<S.Wide> {
        let block = ScratchPool.shared.take(bytes: max(count, 1) * MemoryLayout<S.Wide>.stride)
        if scratch.0 == nil { scratch.0 = block } else if scratch.1 == nil { scratch.1 = block } else { scratch.2 = block }
        return block.pointer.bindMemory(to: S.Wide.self, capacity: max(count, 1))
    }

    func stagedOperand(_ index: Int, _ buffer: UnsafeBufferPointer<S>) -> UnsafePointer<S.Wide> {
        if !plan.needsStaging(index, convertsType: S.convertsType), let base = buffer.baseAddress {
            return UnsafeRawPointer(base).assumingMemoryBound(to: S.Wide.self)
        }
        let staged = allocate(buffer.count)
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return UnsafePointer(staged) }
        if case .activation(let batch, let pixels, let channels) = plan.roles[index], plan.dataFormat == .nchw {
            if S.convertsType {
                transposeInnerDimensions(
                    base, staged, batch: batch, rows: channels, columns: pixels, threads: threads, convert: S.widen)
            } else {
                kernels.transpose(
                    UnsafeRawPointer(base).assumingMemoryBound(to: S.Wide.self), staged, batch, channels, pixels,
                    threads)
            }
        } else {
            convertElements(base, staged, count: buffer.count, threads: threads, convert: S.widen)
        }
        return UnsafePointer(staged)
    }

    guard let resultBase = result.baseAddress, result.count > 0 else { return }
    let a = stagedOperand(0, first)
    let b = stagedOperand(1, second)
    if !plan.needsStaging(2, convertsType: S.convertsType) {
        kernel(plan.geometry, a, b, UnsafeMutableRawPointer(resultBase).assumingMemoryBound(to: S.Wide.self), threads)
        return
    }
    let staged = allocate(result.count)
    kernel(plan.geometry, a, b, staged, threads)
    if case .activation(let batch, let pixels, let channels) = plan.roles[2], plan.dataFormat == .nchw {
        if S.convertsType {
            transposeInnerDimensions(
                staged, resultBase, batch: batch, rows: pixels, columns: channels, threads: threads, convert: S.narrow)
        } else {
            kernels.transpose(
                staged, UnsafeMutableRawPointer(resultBase).assumingMemoryBound(to: S.Wide.self), batch, pixels,
                channels, threads)
        }
    } else {
        convertElements(staged, resultBase, count: result.count, threads: threads, convert: S.narrow)
    }
}
