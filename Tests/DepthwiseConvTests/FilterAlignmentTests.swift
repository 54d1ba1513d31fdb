@testable import DepthwiseConv
@testable import DepthwiseConvKernels
import Testing

/// The forward and input-gradient kernels read the filter from a copy on a
/// cache line when it starts off one (`LineAlignedValues`): the copy is
/// exact, and where the filter starts never changes a result bit.
@Suite struct FilterAlignmentTests {
    /// Runs `body` with `values` stored `offset` elements past a 64-byte
    /// boundary.
    private func withValues<R>(
        _ values: [Float], offset: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R
    ) rethrows -> R {
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: (values.count + offset + 16) * MemoryLayout<Float>.stride, alignment: 64)
        defer { raw.deallocate() }
        let start = raw.bindMemory(to: Float.self, capacity: values.count + offset + 16) + offset
        start.initialize(from: values, count: values.count)
        return try body(start)
    }

    /// The kernels' geometry of an NHWC `config` (SAME or VALID padding).
    private func geometry(_ c: ReferenceConvolution) -> ConvGeometry? {
        guard let rows = c.rows, let cols = c.cols else { return nil }
        func after(_ out: Int, _ input: Int, _ k: Int, _ s: Int, _ d: Int, _ before: Int) -> Int {
            max((out - 1) * s + (k - 1) * d + 1 - input - before, 0)
        }
        return ConvGeometry(
            batch: c.batch, inputHeight: c.height, inputWidth: c.width, channels: c.channels,
            depthMultiplier: c.multiplier, filterHeight: c.filterHeight, filterWidth: c.filterWidth,
            outputHeight: rows.size, outputWidth: cols.size, strideHeight: c.strideHeight,
            strideWidth: c.strideWidth, dilationHeight: c.dilationHeight, dilationWidth: c.dilationWidth,
            padTop: rows.padBefore,
            padBottom: after(rows.size, c.height, c.filterHeight, c.strideHeight, c.dilationHeight, rows.padBefore),
            padLeft: cols.padBefore,
            padRight: after(cols.size, c.width, c.filterWidth, c.strideWidth, c.dilationWidth, cols.padBefore))
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

    /// Forward and input gradient for several shapes (a non-finite filter
    /// included, which keeps rows unpadded) and every instruction set this
    /// CPU runs: the same bits wherever the filter starts.
    @Test func resultsDoNotDependOnWhereTheFilterStarts() throws {
        let shapes: [ReferenceConvolution] = [
            .init(batch: 1, height: 12, width: 21, channels: 48, multiplier: 1, filterHeight: 3, filterWidth: 3,
                  strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same,
                  dataFormat: .nhwc),
            .init(batch: 2, height: 13, width: 26, channels: 32, multiplier: 1, filterHeight: 3, filterWidth: 3,
                  strideHeight: 2, strideWidth: 2, dilationHeight: 1, dilationWidth: 1, padding: .same,
                  dataFormat: .nhwc),
            .init(batch: 1, height: 11, width: 23, channels: 24, multiplier: 2, filterHeight: 5, filterWidth: 5,
                  strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padding: .same,
                  dataFormat: .nhwc),
        ]
        for (index, config) in shapes.enumerated() {
            let g = try #require(geometry(config))
            var rng = SplitMix64(seed: UInt64(index) &+ 0xF17E)
            let x = rng.values(g.inputCount).map { Float($0) }
            let dy = rng.values(g.outputCount).map { Float($0) }
            var w = rng.values(g.filterCount).map { Float($0) }
            for nonFinite in [false, true] {
                if nonFinite { w[w.count / 2] = .infinity }
                for isa in InstructionSet.allCases where isa <= InstructionSet.best {
                    let kernels = Float.kernels(for: isa)
                    var first: [[UInt32]]?
                    for offset in [0, 4, 8, 12, 15] {
                        let results = withValues(w, offset: offset) { filter in
                            var y = [Float](repeating: 0, count: g.outputCount)
                            var dx = [Float](repeating: 0, count: g.inputCount)
                            y.withUnsafeMutableBufferPointer { kernels.forward(g, x, filter, $0.baseAddress!, 2) }
                            dx.withUnsafeMutableBufferPointer {
                                kernels.backpropInput(g, filter, dy, $0.baseAddress!, 2)
                            }
                            return [y.map(\.bitPattern), dx.map(\.bitPattern)]
                        }
                        if let first {
                            #expect(results == first, "\(config), \(isa), filter offset \(offset), nonFinite \(nonFinite)")
                        } else {
                            first = results
                        }
                    }
                }
            }
        }
    }
}
