import Dispatch
#if canImport(Synchronization)
import Synchronization
#endif

/// Runs `body` over `0..<count`, split into contiguous chunks, on at most
/// `threads` threads. Each index is visited exactly once, by one thread, so
/// bodies that write disjoint memory per index need no synchronization and
/// give the same result for any thread count.
///
/// The chunk boundaries depend only on `count` and `threads`. The calling
/// thread and up to `threads - 1` threads of a spinning ``WorkerPool`` (or,
/// when it is busy, of Dispatch) claim chunks in order from a shared
/// counter, so a thread that starts late finds the others have taken its
/// share instead of leaving it for the end.
@inlinable
public func parallelFor(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = min(max(threads, 1), count)
    if workers == 1 {
        body(0..<count)
        return
    }
    let chunks = min(count, workers * 2)
    @Sendable @inline(__always) func run(_ chunk: Int, _ body: (Range<Int>) -> Void) {
        let start = count * chunk / chunks
        let end = count * (chunk + 1) / chunks
        if start < end { body(start..<end) }
    }
    withoutActuallyEscaping(body) { body in
        // The chunks are disjoint and `body` writes only what its indices
        // own, which is what makes sharing it across threads sound.
        let shared = UncheckedSendableBox(body)
        #if canImport(Synchronization)
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) {
            // Threads that are already awake, if the pool is free.
            if WorkerPool.shared.run(chunks: chunks, workers: workers - 1, { run($0, shared.value) }) { return }
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard chunk < chunks else { return }
                    run(chunk, shared.value)
                }
            }
            return
        }
        #endif
        // Without atomics: chunks dealt round-robin.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var chunk = worker
            while chunk < chunks {
                run(chunk, shared.value)
                chunk += workers
            }
        }
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
