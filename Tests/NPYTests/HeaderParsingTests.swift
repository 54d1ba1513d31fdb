import Testing
import NPY

@Suite("Header parsing")
struct HeaderParsingTests {
    static let fourFloats: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40]

    @Test(
        "Accepts the header dictionary in any valid spelling",
        arguments: [
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }",
            "{'shape': (2, 2), 'fortran_order': False, 'descr': '<f4'}",
            "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2, 2)}",
            "{'fortran_order':False,'shape':(2,2,),'descr':\"<f4\",}",
            "  {\n 'descr' : '<f4' ,\t'fortran_order' : False ,\r\n 'shape' : ( 2 , 2 ) , }  \n",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (+2, 0_2), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': ((2), 2), }",
        ])
    func validSpellings(header: String) throws {
        let array = try NPYArray(parsing: npyFile(header: header, data: Self.fourFloats))
        #expect(array.shape == [2, 2])
        #expect(array.dtype == .float32)
        #expect(array.floatValues() == [1, 2, 3, 4])
    }

    @Test(
        "Accepts every shape spelling",
        arguments: [
            ("()", [Int]()), ("(5,)", [5]), ("(5 , )", [5]), ("(2, 3)", [2, 3]), ("(2, 3,)", [2, 3]),
            ("(0, 3)", [0, 3]), ("(1, 2, 1, 2)", [1, 2, 1, 2]), ("(0,)", [0]),
        ])
    func shapes(spelling: String, shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let data = [UInt8](repeating: 0, count: count * 8)
        let array = try NPYArray(parsing: npyFile(header: headerText(descr: "'<f8'", shape: spelling), data: data))
        #expect(array.shape == shape)
        #expect(array.count == count)
        #expect(array.doubleValues() == [Double](repeating: 0, count: count))
    }

    @Test("Data need not be aligned when reading")
    func unalignedData() throws {
        let file = npyFile(header: headerText(descr: "'<f2'", shape: "(3,)"), data: [0, 0x3C, 0, 0xC0, 0, 0x7C])
        let array = try NPYArray(parsing: file)
        #expect(array.floatValues() == [1, -2, .infinity])
    }
}
