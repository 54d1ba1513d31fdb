#if canImport(Foundation)
import Foundation
#endif

/// Execution settings shared by every operation. They never change a result:
/// results are bit-identical for any thread count and instruction set.
///
/// ```swift
/// let options = DepthwiseConvOptions(threadCount: 4, memoryLimit: 512 << 20)
/// let y = try depthwiseConv2dNative(input: x, filter: w, strides: [1, 1, 1, 1], padding: .same,
///                                   options: options)
/// ```
///
/// Invalid values are reported by the operation that receives them, as
/// ``DepthwiseConvError/invalidArgument(_:)``, after the shape checks. See
/// <doc:Performance>.
public struct DepthwiseConvOptions: Sendable, Hashable {
    /// Threads to use at most; `nil` means every active processor. Must be
    /// `> 0`. Small calls use fewer.
    public var threadCount: Int?
    /// Bytes the call may allocate at most; `nil` means half of the machine's
    /// physical memory. Must be `>= 0`.
    ///
    /// Counted are the result (for the `Tensor` forms; the buffer forms write
    /// into the caller's memory) and the staging copies: `Float16` and
    /// ``BFloat16`` operands and results widened to `Float`, and NCHW
    /// activations transposed to NHWC, and the kernels' working memory (tap
    /// tables, input rows widened for a depth multiplier, the filter
    /// gradient's partial sums and staged rows, per thread). A call that
    /// would need more throws ``DepthwiseConvError/invalidArgument(_:)``
    /// before allocating anything. Not counted: zero-padded row copies, at
    /// most 4 MiB per thread, and the filter's cache-line-aligned copy, at
    /// most 256 KiB.
    public var memoryLimit: Int?
    /// The kernel variant to run; `nil` means ``InstructionSet/selected``. A
    /// variant the CPU can't run is lowered to ``InstructionSet/best``.
    public var instructionSet: InstructionSet?

    /// Creates options; the defaults use every processor, half of memory and
    /// the best kernels for this CPU.
    ///
    /// - Parameters:
    ///   - threadCount: threads to use at most (`> 0`), or `nil` for every
    ///     active processor.
    ///   - memoryLimit: bytes a call may allocate (`>= 0`), or `nil` for half
    ///     of physical memory.
    ///   - instructionSet: the kernel variant, or `nil` for
    ///     ``InstructionSet/selected``.
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
