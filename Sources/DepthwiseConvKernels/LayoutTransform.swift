/// Copies a `[n, a, b]` tensor to `[n, b, a]` (per batch item, a 2-D
/// transpose), converting each element with `convert` on the way. With
/// `a = C` and `b = H * W` this turns NCHW into NHWC; with `a = H * W` and
/// `b = C`, NHWC into NCHW.
@inlinable
public func transposeInnerDimensions<Source, Destination>(
    _ source: UnsafePointer<Source>, _ destination: UnsafeMutablePointer<Destination>,
    batch: Int, rows a: Int, columns b: Int, threads: Int,
    convert: (Source) -> Destination
) {
    let plane = a * b
    guard plane > 0 else { return }
    // Square tiles keep both the reads and the writes within a few cache lines.
    let tile = 32
    let rowTiles = (a + tile - 1) / tile
    parallelFor(batch * rowTiles, threads: threads) { range in
        for task in range {
            let (n, i0, i1) = planeBand(task, bandsPerPlane: rowTiles, band: tile, rows: a)
            let src = source + n * plane
            let dst = destination + n * plane
            var j0 = 0
            while j0 < b {
                let j1 = min(j0 + tile, b)
                for i in i0..<i1 {
                    for j in j0..<j1 {
                        dst[j * a + i] = convert(src[i * b + j])
                    }
                }
                j0 = j1
            }
        }
    }
}

/// Task `task` of a loop over `[batch, rows, ...]` planes cut into bands of
/// `band` rows (`bandsPerPlane` per plane): its plane and rows `i0..<i1`.
@inlinable @inline(__always)
func planeBand(_ task: Int, bandsPerPlane: Int, band: Int, rows: Int) -> (n: Int, i0: Int, i1: Int) {
    let n = task / bandsPerPlane
    let i0 = (task - n * bandsPerPlane) * band
    return (n, i0, min(i0 + band, rows))
}

/// Copies `count` elements, converting each with `convert`, split over up to
/// `threads` threads.
@inlinable
public func convertElements<Source, Destination>(
    _ source: UnsafePointer<Source>, _ destination: UnsafeMutablePointer<Destination>,
    count: Int, threads: Int, convert: (Source) -> Destination
) {
    let block = 1 << 16
    parallelFor((count + block - 1) / block, threads: threads) { range in
        for b in range {
            let start = b * block
            for i in start..<min(start + block, count) {
                destination[i] = convert(source[i])
            }
        }
    }
}

/// Copies each `[rows, columns]` plane of a `[batch, rows, columns]` tensor
/// to `[columns, rows]` (NCHW <-> NHWC when `rows`/`columns` are channels and
/// pixels), 16 × 16 tiles at a time in registers
/// (``transposeTile(_:sourceStride:_:destinationStride:)``). Edges that
/// don't fill a tile are copied element by element.
@inlinable
public func transposePlanes<S: KernelScalar, ISA: InstructionSetTag>(
    _ source: UnsafePointer<S>, _ destination: UnsafeMutablePointer<S>,
    batch: Int, rows a: Int, columns b: Int, threads: Int, isa: ISA.Type
) {
    typealias V = SIMD16<S>
    let tile = V.scalarCount
    let plane = a * b
    guard plane > 0 else { return }
    if transposeStoresCrowd(rows: a, columns: b, scalarBytes: MemoryLayout<S>.stride), b >= tile {
        transposePlanesThroughRows(source, destination, batch: batch, rows: a, columns: b, threads: threads)
        return
    }
    let rowTiles = (a + tile - 1) / tile
    parallelFor(batch * rowTiles, threads: plane * batch < 1 << 15 ? 1 : threads) { range in
        for task in range {
            let (n, i0, _) = planeBand(task, bandsPerPlane: rowTiles, band: tile, rows: a)
            let src = source + n * plane
            let dst = destination + n * plane
            var j0 = 0
            if i0 + tile <= a {
                while j0 + tile <= b {
                    transposeTile(src + i0 * b + j0, sourceStride: b, dst + j0 * a + i0, destinationStride: a)
                    j0 += tile
                }
            }
            // What's left of this band of rows, element by element.
            for i in i0..<min(i0 + tile, a) {
                for j in j0..<b {
                    dst[j * a + i] = src[i * b + j]
                }
            }
        }
    }
}

/// Source rows per task of ``transposePlanesThroughRows(_:_:batch:rows:columns:threads:)``.
@inlinable
var transposeChunk: Int { 256 }

/// Whether the tiled transpose's stores crowd a few sets of the L1 cache
/// (64 sets of 64-byte lines): destination rows a multiple of 1 KiB apart
/// put a band of tiles' lines in at most 4 sets, more than 12 per set
/// (the ways of the caches measured) for the `columns` rows of one band.
/// Measured, 1 thread, NCHW <-> NHWC of 32x32x64 (4 KiB apart): 0.32 ->
/// 0.07 ms through rows; 28x28x256 (1 KiB): 0.23 -> 0.10; 7x7x1024: 0.24 ->
/// 0.05. At 512 bytes (8 sets) or with few columns (112x112x32) the tiles
/// were as fast or faster.
@inlinable
func transposeStoresCrowd(rows a: Int, columns b: Int, scalarBytes: Int) -> Bool {
    let (bytes, overflow) = a.multipliedReportingOverflow(by: scalarBytes)
    guard !overflow, bytes % 1024 == 0, a >= transposeChunk / 2 else { return false }
    let lines = bytes / 64 % 64
    let sets = lines == 0 ? 1 : lines % 32 == 0 ? 2 : 4
    return b / sets > 12
}

/// ``transposePlanes(_:_:batch:rows:columns:threads:isa:)`` when its stores
/// would crowd a few L1 sets (``transposeStoresCrowd(rows:columns:scalarBytes:)``):
/// they evict each other's lines before they are filled. Each task here
/// transposes its 256 source rows, 16 columns at a time, into an aligned
/// buffer with padded rows, then copies the buffer out one destination row
/// after the other, so the stores run sequentially.
@inlinable
func transposePlanesThroughRows<S: KernelScalar>(
    _ source: UnsafePointer<S>, _ destination: UnsafeMutablePointer<S>,
    batch: Int, rows a: Int, columns b: Int, threads: Int
) {
    let tile = SIMD16<S>.scalarCount
    let chunk = transposeChunk
    let bufferStride = chunk + tile
    let plane = a * b
    let chunks = (a + chunk - 1) / chunk
    parallelFor(batch * chunks, threads: plane * batch < 1 << 15 ? 1 : threads) { range in
        withUnsafeTemporaryAllocation(byteCount: tile * bufferStride * MemoryLayout<S>.stride, alignment: 64) { raw in
            guard let base = raw.baseAddress else { return }
            let buffer = base.bindMemory(to: S.self, capacity: tile * bufferStride)
            for task in range {
                let (n, i0, i1) = planeBand(task, bandsPerPlane: chunks, band: chunk, rows: a)
                let src = source + n * plane
                let dst = destination + n * plane
                var j0 = 0
                while j0 + tile <= b {
                    // Destination rows j0..<j0 + 16, columns i0..<i1: whole
                    // tiles, then any source rows left one by one.
                    var i = i0
                    while i + tile <= i1 {
                        transposeTile(
                            src + i * b + j0, sourceStride: b, buffer + (i - i0), destinationStride: bufferStride)
                        i += tile
                    }
                    for r in i..<i1 {
                        for q in 0..<tile { buffer[q * bufferStride + r - i0] = src[r * b + j0 + q] }
                    }
                    for q in 0..<tile {
                        (dst + (j0 + q) * a + i0).update(from: buffer + q * bufferStride, count: i1 - i0)
                    }
                    j0 += tile
                }
                // Columns that don't fill a tile, element by element.
                for j in j0..<b {
                    for r in i0..<i1 { dst[j * a + r] = src[r * b + j] }
                }
            }
        }
    }
}

/// One 16 × 16 tile: `destination[q * destinationStride + r] =
/// source[r * sourceStride + q]`, held in registers throughout.
///
/// Four perfect unshuffles: viewing the tile's 256 elements as one sequence
/// indexed `row * 16 + column`, an unshuffle rotates the 8-bit index right
/// by one bit, and four of them swap the row and column halves.
@inlinable @inline(__always)
func transposeTile<S: KernelScalar>(
    _ source: UnsafePointer<S>, sourceStride: Int, _ destination: UnsafeMutablePointer<S>, destinationStride: Int
) {
    typealias V = SIMD16<S>
    @inline(__always) func load(_ r: Int) -> V {
        UnsafeRawPointer(source + r * sourceStride).loadUnaligned(as: V.self)
    }
    var t = (
        load(0), load(1), load(2), load(3), load(4), load(5), load(6), load(7),
        load(8), load(9), load(10), load(11), load(12), load(13), load(14), load(15))
    @inline(__always) func unshuffle(_ x: V, _ y: V) -> (V, V) {
        let pair = SIMD32(lowHalf: x, highHalf: y)
        return (pair.evenHalf, pair.oddHalf)
    }
    for _ in 0..<4 {
        let (e0, o0) = unshuffle(t.0, t.1)
        let (e1, o1) = unshuffle(t.2, t.3)
        let (e2, o2) = unshuffle(t.4, t.5)
        let (e3, o3) = unshuffle(t.6, t.7)
        let (e4, o4) = unshuffle(t.8, t.9)
        let (e5, o5) = unshuffle(t.10, t.11)
        let (e6, o6) = unshuffle(t.12, t.13)
        let (e7, o7) = unshuffle(t.14, t.15)
        t = (e0, e1, e2, e3, e4, e5, e6, e7, o0, o1, o2, o3, o4, o5, o6, o7)
    }
    @inline(__always) func store(_ v: V, _ q: Int) {
        UnsafeMutableRawPointer(destination + q * destinationStride).storeBytes(of: v, as: V.self)
    }
    store(t.0, 0); store(t.1, 1); store(t.2, 2); store(t.3, 3)
    store(t.4, 4); store(t.5, 5); store(t.6, 6); store(t.7, 7)
    store(t.8, 8); store(t.9, 9); store(t.10, 10); store(t.11, 11)
    store(t.12, 12); store(t.13, 13); store(t.14, 14); store(t.15, 15)
}
