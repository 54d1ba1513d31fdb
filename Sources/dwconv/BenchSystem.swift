import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine measurements `dwconv bench` reports besides the timings.
enum BenchSystem {
    /// The copy bandwidth in bytes per second, counting reads and writes:
    /// the median over `runs` of a scale-copy `b[i] = a[i] * 1.5` of
    /// `bytesPerArray`-byte Float arrays (well past the last-level cache),
    /// split across `threads` threads with `DispatchQueue.concurrentPerform`.
    static func copyBandwidth(threads: Int, bytesPerArray: Int = 64 << 20, runs: Int = 11) -> Double {
        let count = bytesPerArray / MemoryLayout<Float>.stride
        let source = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let destination = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer {
            source.deallocate()
            destination.deallocate()
        }
        // Touch every page before timing.
        for i in 0..<count {
            source[i] = Float(i & 1023)
        }
        destination.initialize(repeating: 0, count: count)

        let pointers = BenchPointers(source: source, destination: destination)
        let workers = max(1, threads)
        let clock = ContinuousClock()
        var times: [Double] = []
        for run in 0..<(runs + 2) {
            let start = clock.now
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let begin = count * worker / workers
                let end = count * (worker + 1) / workers
                pointers.scaleCopy(begin..<end)
            }
            let elapsed = BenchRunner.seconds(clock.now - start)
            // The first two runs are warm-up.
            if run >= 2 { times.append(elapsed) }
        }
        BenchRunner.keep(destination[count / 3])
        let median = times.sorted()[times.count / 2]
        return Double(2 * count * MemoryLayout<Float>.stride) / median
    }

    /// The process's peak resident set size in bytes (`getrusage`'s
    /// `ru_maxrss`), or nil where it isn't available.
    static func peakResidentBytes() -> Int? {
        #if canImport(Glibc) || canImport(Darwin)
        var usage = rusage()
        #if os(Linux)
        let who = __rusage_who_t(RUSAGE_SELF.rawValue)
        #else
        let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return nil }
        #if os(Linux)
        return Int(usage.ru_maxrss) * 1024  // kilobytes on Linux
        #else
        return Int(usage.ru_maxrss)  // bytes on Darwin
        #endif
        #else
        return nil
        #endif
    }
}

/// The two arrays of the copy-bandwidth test, shared by its threads; each
/// thread writes a disjoint range.
private struct BenchPointers: @unchecked Sendable {
    let source: UnsafeMutablePointer<Float>
    let destination: UnsafeMutablePointer<Float>

    func scaleCopy(_ range: Range<Int>) {
        for i in range {
            destination[i] = source[i] * 1.5
        }
    }
}
