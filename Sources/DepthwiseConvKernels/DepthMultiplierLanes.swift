/// `out[p * pixelStride + c * M + j] = x[p * C + c]` for `p` in
/// `0..<pixels`, `c` in `channelRange`, `j` in `0..<M`: pixels of `C`
/// channels copied to the `C * M` lanes a depth multiplier computes (the
/// forward pass's input rows, the filter gradient's).
@inlinable
func expandToMultiplierLanes<S: KernelScalar, ISA: InstructionSetTag>(
    _ x: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, pixels: Int, channels: Int,
    channelRange: Range<Int>, multiplier m: Int, pixelStride: Int, _: ISA.Type
) {
    let c0 = channelRange.lowerBound, c1 = channelRange.upperBound
    // Wrapping index arithmetic (the indices are in bounds) lets the
    // compiler vectorize the repeated stores.
    @inline(__always) func expand(_ m: Int) {
        for p in 0..<pixels {
            let source = x + p * channels
            let target = out + p * pixelStride
            var c = c0
            while c < c1 {
                let v = source[c]
                var j = 0
                while j < m {
                    target[c &* m &+ j] = v
                    j = j &+ 1
                }
                c = c &+ 1
            }
        }
    }
    switch m {
    case 1 where pixelStride == channels && c0 == 0 && c1 == channels:
        out.update(from: x, count: pixels * channels)
    case 1:
        for p in 0..<pixels {
            (out + p * pixelStride + c0).update(from: x + p * channels + c0, count: c1 - c0)
        }
    case 2: expand(2)
    case 3: expand(3)
    case 4: expand(4)
    case 8: expand(8)
    case 16: expand(16)
    default: expand(m)
    }
}

/// `out[c] = acc[c * m] + acc[c * m + 1] + ... + acc[c * m + m - 1]`, summed
/// left to right.
@inlinable @inline(__always)
func reduceDepthMultiplierGroups<S: KernelScalar>(
    _ acc: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, channels: Int, multiplier m: Int
) {
    // Multipliers 2 and 4 take 8 channels a step: their lanes are split
    // into even and odd ones in registers (left to vectorize itself, the
    // loop over channels ran lane by lane: 35 % of the input gradient of
    // 4x56x56x64 with M = 2).
    let source = UnsafeRawPointer(acc)
    var c = 0
    switch m {
    case 2:
        while c + 8 <= channels {
            let v = source.loadUnaligned(fromByteOffset: 2 * c * MemoryLayout<S>.stride, as: SIMD16<S>.self)
            UnsafeMutableRawPointer(out + c).storeBytes(of: v.evenHalf + v.oddHalf, as: SIMD8<S>.self)
            c += 8
        }
    case 4:
        while c + 8 <= channels {
            let v = source.loadUnaligned(fromByteOffset: 4 * c * MemoryLayout<S>.stride, as: SIMD32<S>.self)
            let even = v.evenHalf, odd = v.oddHalf
            let sum = even.evenHalf + odd.evenHalf + even.oddHalf + odd.oddHalf
            UnsafeMutableRawPointer(out + c).storeBytes(of: sum, as: SIMD8<S>.self)
            c += 8
        }
    default:
        break
    }
    while c < channels {
        var sum = acc[c * m]
        for j in 1..<max(m, 1) {
            sum = sum + acc[c * m + j]
        }
        out[c] = sum
        c += 1
    }
}
