import Foundation
import NPY

/// A fresh temporary directory for one test: `root/work` is the tool's
/// working directory; the tool's captured output goes to `root`.
final class Workspace {
    let root: URL
    /// The working directory of the runs, holding the test's files.
    let directory: URL

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("dwconv-cli-tests-\(UUID().uuidString)")
        directory = root.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func url(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// Runs `dwconv arguments` in ``directory``.
    func run(_ arguments: [String]) throws -> RunResult {
        try CommandLineRunner.run(arguments, in: directory)
    }

    func write(_ array: NPYArray, to name: String) throws {
        try array.write(toFile: url(name).path)
    }

    func write(bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: url(name))
    }

    func read(_ name: String) throws -> NPYArray {
        try NPYArray(contentsOfFile: url(name).path)
    }

    func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: url(name).path)
    }

    /// The names in ``directory``, sorted.
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }
}
