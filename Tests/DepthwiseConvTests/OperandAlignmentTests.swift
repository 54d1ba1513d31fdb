@testable import DepthwiseConv
@testable import DepthwiseConvKernels
import Testing

/// Where the tensors start in memory changes how the kernels read them (a
/// filter off a cache line is copied onto one, `LineAlignedValues`; an
/// operand off a line is read in lane-skewed blocks, `laneSkew` and
/// `filterGradientSkew`, or staged), never a result bit.
@Suite struct OperandAlignmentTests {
    /// Runs `body` with `values` stored `offset` elements past a 64-byte
    /// boundary.
    private func withValues<S, R>(
        _ values: [S], offset: Int, _ body: (UnsafeMutablePointer<S>) throws -> R
    ) rethrows -> R {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(1, values.count + offset) * MemoryLayout<S>.stride, alignment: 64)
        defer { raw.deallocate() }
        let start = raw.bindMemory(to: S.self, capacity: values.count + offset) + offset
        start.initialize(from: values, count: values.count)
        return try body(start)
    }

    /// The kernels' geometry of an NHWC `config`, as the library resolves it.
    private func geometry(_ c: ReferenceConvolution) throws -> ConvGeometry {
        try resolveGeometry(
            .forward, inputShape: c.inputShape, filterShape: c.filterShape, outBackpropShape: nil,
            attributes: ConvAttributes(
                strides: [1, c.strideHeight, c.strideWidth, 1], padding: c.padding, dataFormat: .nhwc,
                dilations: [1, c.dilationHeight, c.dilationWidth, 1]))
    }

    @Test func copiesOnlyValuesOffALineAndCopiesThemExactly() {
        let special: [Float] = [.nan, -.nan, Float(bitPattern: 0x7FA0_1234), .infinity, -.infinity, -0.0, 0x1p-149]
        let values = special + (0..<93).map { Float($0) * 0.37 - 11 }
        for offset in 0..<16 {
            withValues(values, offset: offset) { pointer in
                let aligned = LineAlignedValues(UnsafePointer(pointer), count: values.count)
                defer { aligned.deallocate() }
                if offset == 0 {
                    #expect(aligned.base == UnsafePointer(pointer) && aligned.block == nil)
                } else {
                    #expect(Int(bitPattern: aligned.base) % 64 == 0 && aligned.block != nil, "offset \(offset)")
                }
                let copied = (0..<values.count).map { aligned.base[$0].bitPattern }
                #expect(copied == values.map(\.bitPattern), "offset \(offset)")
            }
        }
        // Too many to copy: read in place.
        let many = LineAlignedValues<Float>.copyByteLimit / MemoryLayout<Float>.stride + 1
        withValues([Float](repeating: 1, count: many), offset: 3) { pointer in
            let aligned = LineAlignedValues(UnsafePointer(pointer), count: many)
            defer { aligned.deallocate() }
            #expect(aligned.base == UnsafePointer(pointer) && aligned.block == nil)
        }
    }

    /// All three operations for shapes whose rows take every path of the
    /// skewed blocks (runs of 9 to 45 pixels, dilation, a filter row of
    /// 5 taps, VALID, a depth multiplier, a non-finite filter, lane ranges
    /// split between threads, long rows at stride 2 and shorter ones of
    /// wide pixels), for every instruction set this CPU runs and two thread
    /// counts: the same bits wherever the input, filter, out_backprop and
    /// result start.
    @Test(arguments: [false, true])
    func resultsDoNotDependOnWhereTheOperandsStart(double: Bool) throws {
        let shapes: [(h: Int, w: Int, c: Int, m: Int, kh: Int, kw: Int, s: Int, d: Int, padding: Padding)] = [
            (5, 11, 48, 1, 3, 3, 1, 1, .same), (4, 14, 32, 1, 3, 3, 1, 1, .same), (3, 15, 16, 1, 3, 3, 1, 1, .same),
            (4, 19, 64, 1, 3, 3, 1, 1, .same), (3, 32, 24, 1, 3, 3, 1, 1, .same), (6, 23, 16, 1, 3, 3, 1, 2, .same),
            (3, 21, 32, 1, 1, 5, 1, 1, .same), (5, 18, 16, 1, 3, 3, 1, 1, .valid), (4, 13, 32, 2, 3, 3, 1, 1, .same),
            (5, 26, 32, 1, 3, 3, 2, 1, .same),
            // Few rows and enough work: with 3 threads the filter gradient
            // splits the lanes into ranges, each skewed on its own.
            (7, 7, 320, 1, 3, 3, 1, 1, .same), (12, 12, 448, 1, 3, 3, 2, 1, .same),
            // Output rows long enough for the forward kernel to skew at
            // stride 2, with one wrapped vector per pixel or more.
            (3, 70, 48, 1, 3, 3, 2, 1, .same), (3, 75, 16, 1, 1, 5, 2, 1, .same),
            // Rows of 25 at stride 2 that skew for pixels of 4 registers.
            (3, 50, 64, 1, 5, 5, 2, 1, .same),
            // Unit-stride runs long enough to keep the filter in registers.
            (3, 44, 32, 1, 3, 3, 1, 1, .same), (4, 47, 16, 1, 3, 3, 1, 1, .valid),
        ]
        for (index, shape) in shapes.enumerated() {
            let config = ReferenceConvolution(
                batch: 2, height: shape.h, width: shape.w, channels: shape.c, multiplier: shape.m,
                filterHeight: shape.kh, filterWidth: shape.kw, strideHeight: shape.s, strideWidth: shape.s,
                dilationHeight: shape.d, dilationWidth: shape.d, padding: shape.padding, dataFormat: .nhwc)
            let g = try geometry(config)
            var rng = SplitMix64(seed: UInt64(index) &+ 0xF17E)
            let x = rng.values(g.inputCount), dy = rng.values(g.outputCount)
            var w = rng.values(g.filterCount)
            for nonFinite in [false, true] {
                if nonFinite { w[w.count / 2] = .infinity }
                // The filter gradient doesn't read the filter: once is enough.
                let label = "\(config), nonFinite \(nonFinite)"
                if double {
                    try check(Double.self, g, x, w, dy, filterGradient: !nonFinite, label)
                } else {
                    try check(Float.self, g, x, w, dy, filterGradient: !nonFinite, label)
                }
            }
        }
    }

    private func check<S: KernelDispatching & BinaryFloatingPoint>(
        _: S.Type, _ g: ConvGeometry, _ x: [Double], _ w: [Double], _ dy: [Double], filterGradient: Bool,
        _ label: String
    ) throws {
        // (input, filter, out_backprop, result) offsets in elements.
        let offsets = [(0, 0, 0, 0), (4, 4, 4, 4), (2, 6, 2, 2), (3, 3, 3, 1), (1, 0, 1, 7), (5, 9, 6, 5)]
        for isa in InstructionSet.allCases where isa <= InstructionSet.best {
            let kernels = S.kernels(for: isa)
            for threads in [1, 3] {
                var first: [[UInt8]]?
                for (ox, ow, ody, oy) in offsets {
                    let results = withValues(x.map { S($0) }, offset: ox) { x in
                        withValues(w.map { S($0) }, offset: ow) { w in
                            withValues(dy.map { S($0) }, offset: ody) { dy in
                                let count = max(g.outputCount, g.inputCount, g.filterCount)
                                return withValues([S](repeating: 0, count: count), offset: oy) { result in
                                    func bytes(_ count: Int) -> [UInt8] {
                                        [UInt8](UnsafeRawBufferPointer(start: result, count: count * MemoryLayout<S>.stride))
                                    }
                                    kernels.forward(g, x, w, result, threads)
                                    let forward = bytes(g.outputCount)
                                    kernels.backpropInput(g, w, dy, result, threads)
                                    let inputGradient = bytes(g.inputCount)
                                    guard filterGradient else { return [forward, inputGradient] }
                                    kernels.backpropFilter(g, x, dy, result, threads)
                                    return [forward, inputGradient, bytes(g.filterCount)]
                                }
                            }
                        }
                    }
                    if let first {
                        // Names the operations whose bytes differ, not the bytes.
                        let differing = zip(["forward", "input gradient", "filter gradient"], zip(results, first))
                            .filter { $0.1.0 != $0.1.1 }.map(\.0)
                        #expect(
                            differing.isEmpty,
                            "\(differing) differ: \(label), \(isa), \(threads) threads, offsets \((ox, ow, ody, oy))")
                    } else {
                        first = results
                    }
                }
            }
        }
    }
}
