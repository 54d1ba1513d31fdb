import DepthwiseConvKernels
#if arch(x86_64)
import DepthwiseConvAVX2
import DepthwiseConvAVX512
#endif

/// A kernel scalar type (`Float` or `Double`) with its kernels for each
/// instruction set.
protocol KernelDispatching: KernelScalar {
    /// The kernels compiled for `isa`, which the CPU must support.
    static func kernels(for isa: InstructionSet) -> KernelSet<Self>
}

extension Float: KernelDispatching {
    private static let baselineKernels = KernelSet<Float>.specialized(for: BaselineISA.self)

    static func kernels(for isa: InstructionSet) -> KernelSet<Float> {
        #if arch(x86_64)
        switch isa {
        case .avx512: return avx512FloatKernels
        case .avx2: return avx2FloatKernels
        case .baseline: return baselineKernels
        }
        #else
        return baselineKernels
        #endif
    }
}

extension Double: KernelDispatching {
    private static let baselineKernels = KernelSet<Double>.specialized(for: BaselineISA.self)

    static func kernels(for isa: InstructionSet) -> KernelSet<Double> {
        #if arch(x86_64)
        switch isa {
        case .avx512: return avx512DoubleKernels
        case .avx2: return avx2DoubleKernels
        case .baseline: return baselineKernels
        }
        #else
        return baselineKernels
        #endif
    }
}

extension KernelSet {
    /// The entry point of `operation`.
    func function(for operation: DepthwiseOperation) -> KernelFunction<S> {
        switch operation {
        case .forward: forward
        case .backpropInput: backpropInput
        case .backpropFilter: backpropFilter
        }
    }
}
