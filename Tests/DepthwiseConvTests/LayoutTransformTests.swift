@testable import DepthwiseConvKernels
import Testing

/// The register-tiled plane transpose used for NCHW staging against the
/// obvious definition, on sizes with and without partial tiles.
@Suite struct LayoutTransformTests {
    /// The last three store 1 KiB or more apart, so they go through rows
    /// (`transposeStoresCrowd`): 2 and 3 chunks, with and without columns
    /// left over from the tiles.
    @Test(arguments: [
        (1, 16, 16), (2, 33, 47), (1, 5, 100), (3, 64, 17), (1, 144, 196), (2, 1, 1),
        (2, 512, 37), (1, 768, 64), (3, 256, 61),
    ])
    func transposeMatchesDefinition(batch: Int, rows: Int, columns: Int) {
        check(Float.self, batch: batch, rows: rows, columns: columns)
        check(Double.self, batch: batch, rows: rows, columns: columns)
    }

    /// The buffered path on its own, with source rows that don't fill a
    /// tile (`transposePlanes` only sends it multiples of 1 KiB).
    @Test(arguments: [(2, 300, 37), (1, 20, 16), (1, 257, 5)])
    func throughRowsMatchesDefinition(batch: Int, rows: Int, columns: Int) {
        let count = batch * rows * columns
        let source = (0..<count).map { Float($0) }
        var destination = [Float](repeating: -1, count: count)
        source.withUnsafeBufferPointer { s in
            destination.withUnsafeMutableBufferPointer { d in
                transposePlanesThroughRows(
                    s.baseAddress!, d.baseAddress!, batch: batch, rows: rows, columns: columns, threads: 2)
            }
        }
        #expect(destination == expectedTranspose(source, batch: batch, rows: rows, columns: columns))
    }

    @Test func throughRowsOnlyWhereStoresCrowd() {
        #expect(transposeStoresCrowd(rows: 1024, columns: 64, scalarBytes: 4))
        #expect(transposeStoresCrowd(rows: 256, columns: 784, scalarBytes: 4))
        #expect(!transposeStoresCrowd(rows: 128, columns: 784, scalarBytes: 4))
        #expect(!transposeStoresCrowd(rows: 12544, columns: 32, scalarBytes: 4))
        #expect(!transposeStoresCrowd(rows: 1000, columns: 64, scalarBytes: 4))
        #expect(!transposeStoresCrowd(rows: Int.max / 2, columns: 64, scalarBytes: 4))
    }

    private func check<S: KernelScalar>(_: S.Type, batch: Int, rows: Int, columns: Int) {
        let count = batch * rows * columns
        let source = (0..<count).map { S($0) }
        var destination = [S](repeating: -1, count: count)
        source.withUnsafeBufferPointer { s in
            destination.withUnsafeMutableBufferPointer { d in
                transposePlanes(
                    s.baseAddress!, d.baseAddress!, batch: batch, rows: rows, columns: columns, threads: 3,
                    isa: BaselineISA.self)
            }
        }
        #expect(
            destination == expectedTranspose(source, batch: batch, rows: rows, columns: columns),
            "\(S.self) \(batch)x\(rows)x\(columns)")
    }

    /// Each `[rows, columns]` plane of `source` transposed, by definition.
    private func expectedTranspose<S: KernelScalar>(_ source: [S], batch: Int, rows: Int, columns: Int) -> [S] {
        var expected = [S](repeating: 0, count: source.count)
        for n in 0..<batch {
            for i in 0..<rows {
                for j in 0..<columns {
                    expected[n * rows * columns + j * rows + i] = source[n * rows * columns + i * columns + j]
                }
            }
        }
        return expected
    }
}
