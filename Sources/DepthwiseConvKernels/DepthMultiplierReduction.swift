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
