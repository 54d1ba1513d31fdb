/// For each position along one spatial axis, the filter taps that connect it
/// to the other side of the convolution, as `(tap, position)` pairs in
/// ascending tap order. Built once per call so hot loops do no division.
///
/// Storage is `positions × filterSize` pairs; `counts[p]` of them are used.
@usableFromInline
struct WindowTaps {
    @usableFromInline let counts: UnsafeMutablePointer<Int>
    @usableFromInline let pairs: UnsafeMutablePointer<(tap: Int, position: Int)>
    @usableFromInline let filterSize: Int
    @usableFromInline let positions: Int
    /// Per position: an id shared by positions whose taps are the same up to
    /// a shift (see ``prepareBlocking(step:pairedStep:)``).
    @usableFromInline let pattern: UnsafeMutablePointer<Int>
    /// Per position `p`: how many of `p`, `p + step`, `p + 2 step`, ... in a
    /// row share its pattern (at least 1), so blocks of that many pixels can
    /// go through a multi-pixel kernel.
    @usableFromInline let patternRun: UnsafeMutablePointer<Int>
    /// The ``ScratchPool`` block holding the four tables.
    @usableFromInline let block: (pointer: UnsafeMutableRawPointer, bytes: Int)

    /// Taps of a gradient-to-input (transposed) convolution: for input
    /// position `i`, every tap `k` and output position `o` with
    /// `o * stride - padBefore + k * dilation == i`, `0 <= o < outputSize`.
    @inlinable
    static func backward(
        inputSize: Int, outputSize: Int, filterSize: Int, stride: Int, dilation: Int, padBefore: Int
    ) -> WindowTaps {
        let taps = WindowTaps(positions: inputSize, filterSize: filterSize)
        for i in 0..<inputSize {
            var n = 0
            for k in 0..<filterSize {
                let t = i + padBefore - k * dilation
                guard t >= 0, t % stride == 0 else { continue }
                let o = t / stride
                guard o < outputSize else { continue }
                taps.pairs[i * filterSize + n] = (k, o)
                n += 1
            }
            taps.counts[i] = n
        }
        return taps
    }

    /// Taps of a forward convolution: for output position `o`, every tap `k`
    /// whose input position `i = o * stride - padBefore + k * dilation` lies
    /// in `0..<inputSize`.
    @inlinable
    static func forward(
        inputSize: Int, outputSize: Int, filterSize: Int, stride: Int, dilation: Int, padBefore: Int
    ) -> WindowTaps {
        let taps = WindowTaps(positions: outputSize, filterSize: filterSize)
        for o in 0..<outputSize {
            var n = 0
            for k in 0..<filterSize {
                let i = o * stride - padBefore + k * dilation
                guard i >= 0, i < inputSize else { continue }
                taps.pairs[o * filterSize + n] = (k, i)
                n += 1
            }
            taps.counts[o] = n
        }
        return taps
    }

    @inlinable
    init(positions: Int, filterSize: Int) {
        self.filterSize = filterSize
        self.positions = positions
        var layout = ScratchLayout()
        let countsAt = layout.reserve(Int.self, count: positions)
        let pairsAt = layout.reserve((tap: Int, position: Int).self, count: positions * filterSize)
        let patternAt = layout.reserve(Int.self, count: positions)
        let patternRunAt = layout.reserve(Int.self, count: positions)
        block = ScratchPool.shared.take(bytes: layout.bytes)
        counts = ScratchPool.bind(block, at: countsAt, to: Int.self, count: positions)
        pairs = ScratchPool.bind(block, at: pairsAt, to: (tap: Int, position: Int).self, count: positions * filterSize)
        pattern = ScratchPool.bind(block, at: patternAt, to: Int.self, count: positions)
        patternRun = ScratchPool.bind(block, at: patternRunAt, to: Int.self, count: positions)
    }

    /// Fills ``pattern`` and ``patternRun`` for positions visited
    /// `step` apart whose paired positions move `pairedStep` per step.
    @inlinable
    func prepareBlocking(step: Int, pairedStep: Int) {
        var next = 0
        for p in 0..<positions {
            if p >= step, isShiftedCopy(of: p - step, step: step, pairedStep: pairedStep) {
                pattern[p] = pattern[p - step]
            } else {
                pattern[p] = next
                next += 1
            }
        }
        for p in (0..<positions).reversed() {
            // `p + step < positions`, without overflowing for huge steps.
            let hasNext = step <= positions - 1 - p
            patternRun[p] = hasNext && pattern[p + step] == pattern[p] ? patternRun[p + step] + 1 : 1
        }
    }

    /// Whether position `p + step` has the same taps as `p`, each paired
    /// with a position `pairedStep` further on the other side: then its
    /// operands are `p`'s, shifted by a constant.
    @inlinable
    func isShiftedCopy(of p: Int, step: Int, pairedStep: Int) -> Bool {
        let q = p + step
        let count = counts[p]
        guard counts[q] == count else { return false }
        for i in 0..<count {
            let first = pairs[p * filterSize + i], other = pairs[q * filterSize + i]
            guard other.tap == first.tap, other.position == first.position &+ pairedStep else { return false }
        }
        return true
    }

    /// The most taps any position has.
    @inlinable
    var maxCount: Int {
        var most = 0
        for p in 0..<positions { most = max(most, counts[p]) }
        return most
    }

    /// Gives the storage back to the pool.
    @inlinable
    func deallocate() {
        ScratchPool.shared.give(block)
    }
}
