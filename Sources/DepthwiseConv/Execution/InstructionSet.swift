#if canImport(Foundation)
import Foundation
#endif

/// The instruction-set variants of the kernels.
///
/// On x86-64 the library carries a baseline build plus AVX2 and AVX-512
/// builds and picks the best one the CPU supports at run time; elsewhere only
/// the baseline (NEON on arm64) exists. All variants give bit-identical
/// results: the kernels never use fused multiply-add.
///
/// Pick a variant per call with ``DepthwiseConvOptions/instructionSet``, or
/// for the whole process with the `DWCONV_ISA` environment variable (see
/// ``selected`` and <doc:Performance>).
public enum InstructionSet: String, Sendable, Hashable, CaseIterable, Comparable {
    /// The architecture's baseline (SSE2 on x86-64, NEON on arm64).
    case baseline
    /// x86-64 with AVX2 (Haswell and later).
    case avx2
    /// x86-64 with AVX-512 F/CD/BW/DQ/VL (Skylake-SP and later).
    case avx512

    private var rank: Int {
        switch self {
        case .baseline: 0
        case .avx2: 1
        case .avx512: 2
        }
    }

    /// Orders variants from oldest to newest.
    public static func < (lhs: InstructionSet, rhs: InstructionSet) -> Bool { lhs.rank < rhs.rank }

    /// The newest variant this CPU (and operating system) can run, detected
    /// once, on first use: from `/proc/cpuinfo` on Linux, `sysctl` on macOS.
    public static let best: InstructionSet = detectBestInstructionSet()

    /// The variant used by default: ``best``, or the `DWCONV_ISA` environment
    /// variable (`baseline`, `avx2`, `avx512`, in any case) if it names one,
    /// lowered to ``best`` if the CPU can't run it. Any other value is
    /// ignored. The variable is read once, on first use.
    public static let selected: InstructionSet = {
        #if canImport(Foundation)
        if let name = ProcessInfo.processInfo.environment["DWCONV_ISA"],
            let requested = InstructionSet(rawValue: name.lowercased())
        {
            return min(requested, best)
        }
        #endif
        return best
    }()

    /// Whether this CPU can run the variant.
    public var isSupported: Bool { self <= InstructionSet.best }
}

/// Reads the CPU's features: on Linux the `flags` line of `/proc/cpuinfo`
/// (which already accounts for the OS enabling the wide registers), on macOS
/// `sysctl`.
private func detectBestInstructionSet() -> InstructionSet {
    #if arch(x86_64)
    let features = cpuFeatureNames()
    let avx2Set: Set<String> = ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "popcnt"]
    let avx512Set: Set<String> = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]
    guard avx2Set.isSubset(of: features) else { return .baseline }
    guard avx512Set.isSubset(of: features) else { return .avx2 }
    return .avx512
    #else
    return .baseline
    #endif
}

#if arch(x86_64)
private func cpuFeatureNames() -> Set<String> {
    #if os(Linux) && canImport(Foundation)
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
    for line in text.split(separator: "\n") where line.hasPrefix("flags") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
    return []
    #elseif os(macOS)
    var names: Set<String> = []
    let probes: [(String, [String])] = [
        ("hw.optional.avx1_0", ["avx"]), ("hw.optional.avx2_0", ["avx2"]), ("hw.optional.fma", ["fma"]),
        ("hw.optional.bmi1", ["bmi1"]), ("hw.optional.bmi2", ["bmi2"]), ("hw.optional.f16c", ["f16c"]),
        ("hw.optional.movbe", ["movbe"]), ("hw.optional.popcnt", ["popcnt"]),
        ("hw.optional.avx512f", ["avx512f"]), ("hw.optional.avx512cd", ["avx512cd"]),
        ("hw.optional.avx512bw", ["avx512bw"]), ("hw.optional.avx512dq", ["avx512dq"]),
        ("hw.optional.avx512vl", ["avx512vl"]),
    ]
    for (key, flags) in probes {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        if sysctlbyname(key, &value, &size, nil, 0) == 0, value != 0 { names.formUnion(flags) }
    }
    return names
    #else
    return []
    #endif
}
#endif
