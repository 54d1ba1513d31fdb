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
