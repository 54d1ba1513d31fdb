import Dispatch
#if canImport(Synchronization)
import Synchronization
#endif

/// Runs `body` over `0..<count`, split into contiguous chunks, on at most
/// `threads` threads. Each index is visited exactly once, by one thread, so
/// bodies that write disjoint memory per index need no synchronization and
/// give the same result for any thread count.
///
/// There are `chunksPerThread` chunks per thread (fewer if `count` is
/// smaller); their boundaries depend only on `count`, `threads` and
/// `chunksPerThread`. The calling thread and up to `threads - 1` threads of
/// a spinning ``WorkerPool`` (or, when it is busy, of Dispatch) claim
/// chunks in order from a shared counter, so a thread that starts late
/// finds the others have taken its share instead of leaving it for the
/// end.
@inlinable
public func parallelFor(
    _ count: Int, threads: Int, chunksPerThread: Int = 2, _ body: (Range<Int>) -> Void
) {
    guard count > 0 else { return }
    let workers = min(max(threads, 1), count)
    if workers == 1 {
        body(0..<count)
        return
    }
    let chunks = min(count, workers * max(chunksPerThread, 1))
    withoutActuallyEscaping(body) { body in
        // The chunks are disjoint and `body` writes only what its indices
        // own, which is what makes sharing it across threads sound. The
        // job is a stack value passed by address: nothing is allocated.
        var job = ChunkedJob(count: count, chunks: chunks, body: body)
        withUnsafeMutablePointer(to: &job) { job in
            let shared = UncheckedSendableBox(UnsafeRawPointer(job))
            #if canImport(Synchronization)
            if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) {
                // Threads that are already awake, if the pool is free.
                if WorkerPool.shared.run(
                    chunks: chunks, workers: workers - 1, job: shared.value, runChunk: ChunkedJob.runChunk)
                {
                    return
                }
                let next = Atomic<Int>(0)
                DispatchQueue.concurrentPerform(iterations: workers) { _ in
                    while true {
                        let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard chunk < chunks else { return }
                        ChunkedJob.runChunk(shared.value, chunk)
                    }
                }
                return
            }
            #endif
            // Without atomics: chunks dealt round-robin.
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var chunk = worker
                while chunk < chunks {
                    ChunkedJob.runChunk(shared.value, chunk)
                    chunk += workers
                }
            }
        }
    }
}

/// Chunks per thread for the forward and input-gradient kernels' rows
/// (see ``parallelFor(_:threads:chunksPerThread:_:)``): 2, so that a
/// thread that starts late leaves less for the end, unless that would make
/// chunks of fewer than 8 rows. Each chunk builds its own tap tables and
/// stages the rows its first result rows read, which such short chunks
/// repeat too often. (Two threads: forward 1x14x14x672 5x5 0.081 -> 0.072
/// ms, 1x56x56x240 5x5 stride 2 0.118 -> 0.099; with 28 rows a chunk or
/// more, one chunk per thread ran up to 10 % slower.)
@inlinable
func rowChunksPerThread(rows: Int, threads: Int) -> Int {
    rows < 16 * threads ? 1 : 2
}

/// One ``parallelFor(_:threads:chunksPerThread:_:)`` call: `body` over `0..<count` in
/// `chunks` chunks. Kept on the caller's stack and run through
/// ``runChunk`` by address, so handing it to other threads allocates
/// nothing (a stored closure would be copied to the heap).
@usableFromInline
struct ChunkedJob {
    @usableFromInline let count: Int
    @usableFromInline let chunks: Int
    @usableFromInline let body: (Range<Int>) -> Void

    @inlinable
    init(count: Int, chunks: Int, body: @escaping (Range<Int>) -> Void) {
        self.count = count
        self.chunks = chunks
        self.body = body
    }

    /// Runs chunk `chunk` of the job at `job`.
    @usableFromInline
    static let runChunk: @convention(c) (UnsafeRawPointer, Int) -> Void = { job, chunk in
        let job = job.assumingMemoryBound(to: ChunkedJob.self)
        let start = job.pointee.count * chunk / job.pointee.chunks
        let end = job.pointee.count * (chunk + 1) / job.pointee.chunks
        if start < end { job.pointee.body(start..<end) }
    }
}

/// Carries a value across threads when the caller guarantees the accesses
/// don't race (here: closures that write disjoint memory).
@usableFromInline
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    @usableFromInline let value: Value

    @inlinable init(_ value: Value) {
        self.value = value
    }
}
