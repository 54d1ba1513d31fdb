import Foundation
import Testing
import NPY

/// A fresh, empty directory, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("NPYTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

@Suite("Reading and writing files")
struct FileTests {
    let sample: NPYArray

    init() throws {
        sample = try NPYArray(shape: [2, 3], float32: [0, 1, 2, 3, 4, 5])
    }

    @Test("Write then read gives the same array and NumPy's bytes")
    func writeAndRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/sample.npy"
        try sample.write(toFile: path)
        #expect(try NPYArray(contentsOfFile: path) == sample)
        let onDisk = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(onDisk == NumPyFiles.float32Matrix)
        #expect(try directory.contents() == ["sample.npy"])
    }

    @Test("Writing replaces an existing file")
    func replaceExisting() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/data.npy"
        try Data("old contents that are longer than nothing".utf8).write(to: URL(fileURLWithPath: path))
        let replacement = try NPYArray(shape: [], float64: [42])
        try replacement.write(toFile: path)
        #expect(try NPYArray(contentsOfFile: path) == replacement)
        #expect(try directory.contents() == ["data.npy"])
    }

    @Test("Writing into a missing directory throws and creates nothing")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/missing"
        let path = missing + "/out.npy"
        let error = #expect(throws: NPYError.self) { try sample.write(toFile: path) }
        #expect(error == .directoryNotFound(path: path, directory: missing))
        if let error {
            expectWellFormed(error, [path, missing, "does not exist"])
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
        #expect(try directory.contents().isEmpty)
    }

    @Test("Writing through a path whose directory is a file throws")
    func directoryIsAFile() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/plain"
        try Data([1]).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: NPYError.self) { try sample.write(toFile: file + "/out.npy") }
        #expect(error == .fileWriteFailed(path: file + "/out.npy", reason: "'\(file)' is not a directory"))
        #expect(try directory.contents() == ["plain"])
    }

    @Test("A failed rename removes the temporary file and leaves the destination alone")
    func failedRenameCleansUp() throws {
        let directory = try TemporaryDirectory()
        // The destination is a non-empty directory: rename(2) must fail.
        let destination = directory.path + "/occupied"
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        try Data([1]).write(to: URL(fileURLWithPath: destination + "/keep"))
        let error = #expect(throws: NPYError.self) { try sample.write(toFile: destination) }
        if let error {
            #expect(error.description.contains(destination))
            #expect(error.description.contains("cannot replace the destination"))
            guard case .fileWriteFailed = error else {
                Issue.record("unexpected error \(error)")
                return
            }
        }
        #expect(try directory.contents() == ["occupied"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination) == ["keep"])
    }

    @Test("Paths that name a directory are refused", arguments: ["/", "dir/", ".", "..", "", "a/.."])
    func directoryPaths(path: String) throws {
        let error = #expect(throws: NPYError.self) { try sample.write(toFile: path) }
        #expect(error == .fileWriteFailed(path: path, reason: "the path names a directory, not a file"))
    }

    @Test("An inconsistent array is not written")
    func inconsistentArray() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/bad.npy"
        var array = sample
        array.shape = [7]
        let error = #expect(throws: NPYError.self) { try array.write(toFile: path) }
        #expect(error == .inFile(path: path, error: .dataSizeMismatch(expected: 28, actual: 24)))
        array.shape = [-1]
        #expect(throws: NPYError.inFile(path: path, error: .negativeDimension("-1"))) {
            try array.write(toFile: path)
        }
        #expect(try directory.contents().isEmpty)
    }

    @Test("Read errors mention the path")
    func readErrors() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/none.npy"
        let notFound = #expect(throws: NPYError.self) { try NPYArray(contentsOfFile: missing) }
        if let notFound {
            if case .fileReadFailed(missing, _) = notFound {} else {
                Issue.record("unexpected error \(notFound)")
            }
            expectWellFormed(notFound, ["cannot read", missing, "no such file"])
        }

        let isDirectory = #expect(throws: NPYError.self) { try NPYArray(contentsOfFile: directory.path) }
        if let isDirectory {
            expectWellFormed(isDirectory, [directory.path, "directory"])
        }

        let garbage = directory.path + "/garbage.npy"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: garbage))
        let invalid = #expect(throws: NPYError.self) { try NPYArray(contentsOfFile: garbage) }
        #expect(invalid == .inFile(path: garbage, error: .invalidMagic))
        #expect(invalid?.description.hasPrefix(garbage + ": not a .npy file") == true)

        let fortran = directory.path + "/fortran.npy"
        try Data(NumPyFiles.fortranOrder).write(to: URL(fileURLWithPath: fortran))
        let fortranError = #expect(throws: NPYError.self) { try NPYArray(contentsOfFile: fortran) }
        #expect(fortranError == .inFile(path: fortran, error: .fortranOrder))
    }

    @Test("Large arrays round-trip through files")
    func largeFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/large.npy"
        let count = 3 * (1 << 20) + 7  // more than one read chunk
        let values = (0..<count).map { Double($0) * 0.5 }
        let array = try NPYArray(shape: [count], float64: values)
        try array.write(toFile: path)
        let read = try NPYArray(contentsOfFile: path)
        #expect(read.shape == [count])
        #expect(read.doubleValues() == values)
    }
}
