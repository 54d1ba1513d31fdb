/// `acc[i] = acc[i] + a[i] * b[i]` for `i` in `0..<count`.
///
/// Written as a separate multiply and add (never a fused multiply-add): the
/// loop vectorizes on every target and rounds identically on every ISA.
@inlinable @inline(__always)
func multiplyAccumulate<S: KernelScalar>(
    _ acc: UnsafeMutablePointer<S>, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, count: Int
) {
    for i in 0..<count {
        acc[i] = acc[i] + a[i] * b[i]
    }
}

/// `acc[c * m + j] = acc[c * m + j] + x[c] * w[c * m + j]`: one input channel
/// value broadcast over its `m` filter lanes.
@inlinable @inline(__always)
func broadcastMultiplyAccumulate<S: KernelScalar>(
    _ acc: UnsafeMutablePointer<S>, x: UnsafePointer<S>, w: UnsafePointer<S>, channels: Int, multiplier m: Int
) {
    for c in 0..<channels {
        let xv = x[c]
        let base = c * m
        for j in 0..<m {
            acc[base + j] = acc[base + j] + xv * w[base + j]
        }
    }
}

/// `out[c] = acc[c * m] + acc[c * m + 1] + ... + acc[c * m + m - 1]`, summed
/// left to right.
@inlinable @inline(__always)
func reduceDepthMultiplierGroups<S: KernelScalar>(
    _ acc: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, channels: Int, multiplier m: Int
) {
    for c in 0..<channels {
        var sum = acc[c * m]
        for j in 1..<m {
            sum = sum + acc[c * m + j]
        }
        out[c] = sum
    }
}
