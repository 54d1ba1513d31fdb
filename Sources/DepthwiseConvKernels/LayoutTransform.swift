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
            let n = task / rowTiles
            let i0 = (task - n * rowTiles) * tile
            let i1 = min(i0 + tile, a)
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
/// pixels), 16 × 16 tiles at a time in registers.
///
/// A tile is transposed with four perfect unshuffles: viewing its 256
/// elements as one sequence indexed `row * 16 + column`, an unshuffle
/// rotates the 8-bit index right by one bit, and four of them swap the row
/// and column halves. Edges that don't fill a tile are copied element by
/// element.
@inlinable
public func transposePlanes<S: KernelScalar, ISA: InstructionSetTag>(
    _ source: UnsafePointer<S>, _ destination: UnsafeMutablePointer<S>,
    batch: Int, rows a: Int, columns b: Int, threads: Int, isa: ISA.Type
) {
    typealias V = SIMD16<S>
    let tile = V.scalarCount
    let plane = a * b
    guard plane > 0 else { return }
    let rowTiles = (a + tile - 1) / tile
    parallelFor(batch * rowTiles, threads: plane * batch < 1 << 15 ? 1 : threads) { range in
        withUnsafeTemporaryAllocation(of: V.self, capacity: 2 * tile) { buffer in
            guard var current = buffer.baseAddress else { return }
            var next = current + tile
            for task in range {
                let n = task / rowTiles
                let i0 = (task - n * rowTiles) * tile
                let src = source + n * plane
                let dst = destination + n * plane
                var j0 = 0
                if i0 + tile <= a {
                    while j0 + tile <= b {
                        for r in 0..<tile {
                            current[r] = UnsafeRawPointer(src + (i0 + r) * b + j0).loadUnaligned(as: V.self)
                        }
                        for _ in 0..<4 {
                            for q in 0..<tile / 2 {
                                let pair = SIMD32(lowHalf: current[2 * q], highHalf: current[2 * q + 1])
                                next[q] = pair.evenHalf
                                next[tile / 2 + q] = pair.oddHalf
                            }
                            swap(&current, &next)
                        }
                        for q in 0..<tile {
                            UnsafeMutableRawPointer(dst + (j0 + q) * a + i0).storeBytes(of: current[q], as: V.self)
                        }
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
}
