import DepthwiseConvKernels
import Testing

/// The register-tiled plane transpose used for NCHW staging against the
/// obvious definition, on sizes with and without partial tiles.
@Suite struct LayoutTransformTests {
    @Test(arguments: [(1, 16, 16), (2, 33, 47), (1, 5, 100), (3, 64, 17), (1, 144, 196), (2, 1, 1)])
    func transposeMatchesDefinition(batch: Int, rows: Int, columns: Int) {
        let count = batch * rows * columns
        let source = (0..<count).map { Float($0) }
        var destination = [Float](repeating: -1, count: count)
        source.withUnsafeBufferPointer { s in
            destination.withUnsafeMutableBufferPointer { d in
                transposePlanes(
                    s.baseAddress!, d.baseAddress!, batch: batch, rows: rows, columns: columns, threads: 3,
                    isa: BaselineISA.self)
            }
        }
        var expected = [Float](repeating: 0, count: count)
        for n in 0..<batch {
            for i in 0..<rows {
                for j in 0..<columns {
                    expected[n * rows * columns + j * rows + i] = source[n * rows * columns + i * columns + j]
                }
            }
        }
        #expect(destination == expected)
    }
}
