import Foundation
import NPY

/// The `--output` destination of an operation.
///
/// It is checked before the computation, so that a long run does not end in
/// a path error, and written with ``NPYArray/write(toFile:)``, which replaces
/// the file atomically and leaves nothing behind on failure.
struct OutputFile {
    let path: String

    /// Checks that `path` can name a new or replaced file: it is not empty,
    /// not an existing directory, and its directory exists.
    ///
    /// - Throws: ``CommandLineError`` describing the problem.
    init(path: String) throws {
        guard !path.isEmpty else {
            throw CommandLineError("--output must not be empty")
        }
        if Self.isDirectory(path) {
            throw CommandLineError("cannot write '\(path)': it is a directory")
        }
        let directory = Self.directory(of: path)
        guard Self.isDirectory(directory) else {
            throw CommandLineError("cannot write '\(path)': the directory '\(directory)' does not exist")
        }
        self.path = path
    }

    /// Writes `array` to the file, atomically.
    ///
    /// - Throws: ``NPYError`` if the file cannot be written; no file is left.
    func write(_ array: NPYArray) throws {
        try array.write(toFile: path)
    }

    /// The directory part of `path` (`.` if none, `/` for a top-level file).
    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
