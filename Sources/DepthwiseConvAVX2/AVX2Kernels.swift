import DepthwiseConvKernels

/// Tag of the AVX2 build (`-target-cpu haswell`).
public enum AVX2: InstructionSetTag {
    /// 16 registers of 32 bytes.
    @inlinable public static var has32ByteRegisters: Bool { true }
}

/// The kernels compiled for AVX2. Call only on a CPU that has it.
public let avx2FloatKernels = KernelSet<Float>.specialized(for: AVX2.self)

/// The double-precision kernels compiled for AVX2. Call only on a CPU that has it.
public let avx2DoubleKernels = KernelSet<Double>.specialized(for: AVX2.self)
