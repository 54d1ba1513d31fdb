import Dispatch

/// Runs `body` over `0..<count`, split into contiguous chunks, on at most
/// `threads` threads. Each index is visited exactly once, by one thread, so
/// bodies that write disjoint memory per index need no synchronization and
/// give the same result for any thread count.
///
/// There are a few chunks per thread, dealt round-robin (thread `w` takes
/// chunks `w`, `w + threads`, ...), so a thread that starts late still
/// leaves its share spread over the whole range.
@inlinable
public func parallelFor(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = min(max(threads, 1), count)
    if workers == 1 {
        body(0..<count)
        return
    }
    let chunks = min(count, workers * 4)
    withoutActuallyEscaping(body) { body in
        // The chunks are disjoint and `body` writes only what its indices
        // own, which is what makes sharing it across threads sound.
        let shared = UncheckedSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var chunk = worker
            while chunk < chunks {
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                if start < end { shared.value(start..<end) }
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
