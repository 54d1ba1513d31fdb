/// `out[c] = acc[c * m] + acc[c * m + 1] + ... + acc[c * m + m - 1]`, summed
/// left to right.
@inlinable @inline(__always)
func reduceDepthMultiplierGroups<S: KernelScalar>(
    _ acc: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, channels: Int, multiplier m: Int
) {
    // Constant multipliers let the compiler vectorize the strided loads.
    @inline(__always) func reduce(by m: Int) {
        for c in 0..<channels {
            var sum = acc[c * m]
            for j in 1..<m {
                sum = sum + acc[c * m + j]
            }
            out[c] = sum
        }
    }
    switch m {
    case 2: reduce(by: 2)
    case 4: reduce(by: 4)
    default: reduce(by: m)
    }
}
