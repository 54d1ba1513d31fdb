import DepthwiseConvKernels

/// Tag of the AVX-512 build (`-target-cpu skylake-avx512`).
public enum AVX512: InstructionSetTag {
    /// 32 registers of 64 bytes.
    @inlinable public static var hasWideRegisterFile: Bool { true }
    /// 32 registers of 64 bytes.
    @inlinable public static var has32ByteRegisters: Bool { true }
}

/// The kernels compiled for AVX-512. Call only on a CPU that has it.
public let avx512FloatKernels = KernelSet<Float>.specialized(for: AVX512.self)

/// The double-precision kernels compiled for AVX-512. Call only on a CPU that has it.
public let avx512DoubleKernels = KernelSet<Double>.specialized(for: AVX512.self)
