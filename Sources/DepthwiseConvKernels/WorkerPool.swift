#if canImport(Synchronization)
import Dispatch
import Foundation
import Synchronization

/// Threads that stay awake for a short while after each job, so the next
/// job starts on them within a microsecond or so. Waking a sleeping thread
/// (what `DispatchQueue.concurrentPerform` does) takes about 100 µs on the
/// machines measured, as long as a whole call on a mid-sized tensor.
///
/// One job at a time: a caller that finds the pool busy (another thread's
/// call is running) gets `false` from ``run(chunks:workers:_:)`` and uses
/// Dispatch instead. Jobs are split into chunks claimed from a shared
/// counter; which thread runs a chunk never changes what the chunk writes.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
@usableFromInline
final class WorkerPool: @unchecked Sendable {
    /// The pool of the process: one thread per active processor but one
    /// (the caller is the other).
    @usableFromInline static let shared = WorkerPool(threads: ProcessInfo.processInfo.activeProcessorCount - 1)

    /// How long a thread spins for the next job before it sleeps.
    static let spinNanoseconds: UInt64 = 300_000

    let threads: Int
    /// Whether a caller owns the pool.
    let busy = Atomic<Bool>(false)
    /// Job number in the high 32 bits, next unclaimed chunk in the low 32.
    let ticket = Atomic<Int>(0)
    /// Chunks of the current job finished so far.
    let finished = Atomic<Int>(0)
    /// Job number in the high 32 bits, pool threads it may still take on in
    /// the low 32.
    let seats = Atomic<Int>(0)
    /// Chunks of the current job.
    let chunkCount = Atomic<Int>(0)
    /// Threads about to sleep or asleep.
    let sleepers = Atomic<Int>(0)
    let wake = DispatchSemaphore(value: 0)
    /// The current job and the function that runs one of its chunks;
    /// written by its caller before the ticket announces the job.
    var job: UnsafeRawPointer?
    var runChunk: (@convention(c) (UnsafeRawPointer, Int) -> Void)?

    init(threads: Int) {
        self.threads = max(0, threads)
        for _ in 0..<self.threads {
            let thread = Thread { [unowned self] in self.work() }
            thread.qualityOfService = .userInitiated
            thread.start()
        }
    }

    /// Runs `runChunk(job, chunk)` for every chunk in `0..<chunks` on the
    /// calling thread and up to `workers` pool threads; returns `false`
    /// (having run nothing) when the pool is busy or too small to help.
    @usableFromInline
    func run(
        chunks: Int, workers: Int, job: UnsafeRawPointer, runChunk: @convention(c) (UnsafeRawPointer, Int) -> Void
    ) -> Bool {
        guard threads > 0, workers > 0, chunks > 1, chunks < 1 << 31,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        self.job = job
        self.runChunk = runChunk
        let number = ((ticket.load(ordering: .relaxed) >> 32) &+ 1) & 0x7FFF_FFFF
        chunkCount.store(chunks, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
        seats.store(number << 32 | min(workers, threads), ordering: .relaxed)
        ticket.store(number << 32, ordering: .sequentiallyConsistent)
        // Wake sleeping threads for the seats (spinning ones may take some
        // first; a thread woken for nothing goes back to sleep).
        var asleep = sleepers.load(ordering: .sequentiallyConsistent)
        while asleep > 0 {
            let woken = min(asleep, workers)
            let (exchanged, current) = sleepers.compareExchange(
                expected: asleep, desired: asleep - woken, ordering: .sequentiallyConsistent)
            if exchanged {
                for _ in 0..<woken { wake.signal() }
                break
            }
            asleep = current
        }
        claimChunks(of: number)
        // Wait for the chunks other threads are still running.
        while finished.load(ordering: .acquiring) < chunks {}
        self.job = nil
        self.runChunk = nil
        busy.store(false, ordering: .releasing)
        return true
    }

    /// Claims and runs chunks of job `job` until none is left.
    private func claimChunks(of job: Int) {
        while true {
            let current = ticket.load(ordering: .sequentiallyConsistent)
            let chunk = current & 0xFFFF_FFFF
            guard current >> 32 == job, chunk < chunkCount.load(ordering: .relaxed) else { return }
            guard ticket.compareExchange(
                expected: current, desired: current + 1, ordering: .sequentiallyConsistent
            ).exchanged else { continue }
            if let job = self.job, let runChunk { runChunk(job, chunk) }
            finished.add(1, ordering: .releasing)
        }
    }

    /// Takes one of job `job`'s seats, if any is left.
    private func takeSeat(in job: Int) -> Bool {
        while true {
            let current = seats.load(ordering: .sequentiallyConsistent)
            guard current >> 32 == job, current & 0xFFFF_FFFF > 0 else { return false }
            if seats.compareExchange(expected: current, desired: current - 1, ordering: .sequentiallyConsistent)
                .exchanged
            {
                return true
            }
        }
    }

    /// A pool thread: spins for a new job, takes a seat in it, and sleeps
    /// when none comes for a while.
    private func work() {
        var seen = ticket.load(ordering: .sequentiallyConsistent) >> 32
        while true {
            var deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
            var spins = 0
            var job = ticket.load(ordering: .sequentiallyConsistent) >> 32
            while job == seen {
                spins &+= 1
                if spins & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    // A job announced after this check finds this thread
                    // counted and signals; one announced before is seen here.
                    if ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen { wake.wait() }
                    deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
                }
                job = ticket.load(ordering: .sequentiallyConsistent) >> 32
            }
            seen = job
            if takeSeat(in: job) { claimChunks(of: job) }
        }
    }
}
#endif
