/// A type that names the instruction set a kernel specialization is built for.
///
/// Every kernel takes a tag type as an extra generic parameter. Each per-ISA
/// module declares its own tag, so the specializations that module compiles
/// (with its own `-target-cpu`) get symbol names of their own and can't be
/// merged by the linker with the baseline ones.
public protocol InstructionSetTag: SendableMetatype {}

/// The tag of the baseline build: code every CPU of the architecture runs.
public enum BaselineISA: InstructionSetTag {}
