/// A type that names the instruction set a kernel specialization is built for.
///
/// Every kernel takes a tag type as an extra generic parameter. Each per-ISA
/// module declares its own tag, so the specializations that module compiles
/// (with its own `-target-cpu`) get symbol names of their own and can't be
/// merged by the linker with the baseline ones.
public protocol InstructionSetTag: SendableMetatype {
    /// Whether the instruction set has 32 vector registers of 64 bytes
    /// (AVX-512), room for register tiles twice as wide. A constant, so each
    /// specialization keeps only its own tile shape.
    static var hasWideRegisterFile: Bool { get }

    /// Whether the instruction set has 16 vector registers of 32 bytes or
    /// more (AVX2 and up): room for a 3x3 filter's 9 vectors beside a
    /// block's sums (see `sumHoistedFilterRun`).
    static var has32ByteRegisters: Bool { get }
}

extension InstructionSetTag {
    /// `false` unless an instruction set says otherwise.
    @inlinable public static var hasWideRegisterFile: Bool { false }

    /// `false` unless an instruction set says otherwise.
    @inlinable public static var has32ByteRegisters: Bool { false }
}

/// The tag of the baseline build: code every CPU of the architecture runs.
public enum BaselineISA: InstructionSetTag {}
