#if canImport(Foundation)
import Foundation
#endif

/// Execution settings shared by every operation. They never change a result:
/// results are bit-identical for any thread count.
public struct DepthwiseConvOptions: Sendable, Hashable {
    /// Threads to use at most; `nil` means every active processor.
    public var threadCount: Int?
    /// Bytes the call may allocate at most (result plus scratch); `nil` means
    /// half of the machine's physical memory. A call that would need more
    /// throws before allocating anything.
    public var memoryLimit: Int?
    /// The kernel variant to run; `nil` means ``InstructionSet/selected``. A
    /// variant the CPU can't run is lowered to ``InstructionSet/best``.
    public var instructionSet: InstructionSet?

    /// Creates options; the defaults use every processor, half of memory and
    /// the best kernels for this CPU.
    public init(threadCount: Int? = nil, memoryLimit: Int? = nil, instructionSet: InstructionSet? = nil) {
        self.threadCount = threadCount
        self.memoryLimit = memoryLimit
        self.instructionSet = instructionSet
    }

    /// Every processor, half of physical memory, the best kernels.
    public static let `default` = DepthwiseConvOptions()

    /// The thread count to use, after validation.
    func resolvedThreadCount() throws -> Int {
        guard let threadCount else { return Self.activeProcessorCount }
        guard threadCount > 0 else {
            throw DepthwiseConvError.invalidArgument("threadCount must be > 0, but got \(threadCount)")
        }
        return threadCount
    }

    /// The memory limit in bytes, after validation.
    func resolvedMemoryLimit() throws -> Int {
        guard let memoryLimit else { return Self.defaultMemoryLimit }
        guard memoryLimit >= 0 else {
            throw DepthwiseConvError.invalidArgument("memoryLimit must be >= 0, but got \(memoryLimit)")
        }
        return memoryLimit
    }

    /// The kernel variant to run: the requested one if the CPU supports it.
    var resolvedInstructionSet: InstructionSet {
        min(instructionSet ?? InstructionSet.selected, InstructionSet.best)
    }

    static let activeProcessorCount: Int = {
        #if canImport(Foundation)
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
        #else
        return 1
        #endif
    }()

    static let defaultMemoryLimit: Int = {
        #if canImport(Foundation)
        let physical = ProcessInfo.processInfo.physicalMemory
        return Int(clamping: physical / 2)
        #else
        return 1 << 32
        #endif
    }()
}
