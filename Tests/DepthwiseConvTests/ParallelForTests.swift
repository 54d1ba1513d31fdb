@testable import DepthwiseConvKernels
import Testing

/// `parallelFor` hands every index to exactly one chunk, whatever the
/// thread and chunk counts, and its chunks follow each other in order.
@Suite struct ParallelForTests {
    @Test(arguments: [1, 2, 3, 7, 14, 31, 100])
    func visitsEveryIndexOnce(count: Int) {
        for threads in [1, 2, 3, 8] {
            for chunksPerThread in [0, 1, 2, 5] {
                let visits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
                defer { visits.deallocate() }
                visits.initialize(repeating: 0)
                // Each chunk writes only its own indices.
                parallelFor(count, threads: threads, chunksPerThread: chunksPerThread) { range in
                    for i in range { visits[i] += 1 }
                }
                #expect(
                    visits.allSatisfy { $0 == 1 },
                    "count \(count), threads \(threads), chunks per thread \(chunksPerThread)")
            }
        }
    }

    @Test func rowChunksShrinkOnlyForShortRows() {
        #expect(rowChunksPerThread(rows: 14, threads: 2) == 1)
        #expect(rowChunksPerThread(rows: 31, threads: 2) == 1)
        #expect(rowChunksPerThread(rows: 32, threads: 2) == 2)
        #expect(rowChunksPerThread(rows: 112, threads: 2) == 2)
        #expect(rowChunksPerThread(rows: 40, threads: 4) == 1)
    }
}
