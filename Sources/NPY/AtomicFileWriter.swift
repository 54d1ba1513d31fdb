// Replacing a file atomically: write a temporary file next to it, flush it to
// disk, then rename it over the destination.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Android)
import Android
#endif

/// Writes files so that readers see either the old contents or the complete
/// new contents, never a partial file; on failure nothing is left behind.
enum AtomicFileWriter {
    /// How many temporary names to try before giving up.
    private static let maximumAttempts = 16
    /// At most this many bytes are passed to a single `write` call.
    private static let maximumWriteSize = 1 << 30

    /// Atomically replaces (or creates) the file at `path` with `bytes`.
    ///
    /// - Throws: ``NPYError/directoryNotFound(path:directory:)`` if the
    ///   destination's directory does not exist, or
    ///   ``NPYError/fileWriteFailed(path:reason:)`` for any other failure. In
    ///   both cases the temporary file is removed and no destination file is
    ///   created.
    static func replaceContents(ofFile path: String, with bytes: [UInt8]) throws(NPYError) {
        let (directory, name) = splitPath(path)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw .fileWriteFailed(path: path, reason: "the path names a directory, not a file")
        }
        try checkDirectory(directory, for: path)

        let (descriptor, temporaryPath) = try createTemporaryFile(in: directory, for: name, path: path)
        var isOpen = true
        var isRenamed = false
        defer {
            if isOpen {
                _ = close(descriptor)
            }
            if !isRenamed {
                _ = unlink(temporaryPath)
            }
        }

        try writeAll(bytes, to: descriptor, path: path)
        if fsync(descriptor) != 0 {
            let code = errno
            // Some file systems cannot sync; that does not make the data wrong.
            if code != EINVAL && code != ENOTSUP {
                throw .fileWriteFailed(path: path, reason: "cannot flush to disk: \(systemErrorMessage(code))")
            }
        }
        isOpen = false
        if close(descriptor) != 0 {
            throw .fileWriteFailed(path: path, reason: "cannot close the temporary file: \(systemErrorMessage(errno))")
        }
        if rename(temporaryPath, path) != 0 {
            throw .fileWriteFailed(path: path, reason: "cannot replace the destination: \(systemErrorMessage(errno))")
        }
        isRenamed = true
        syncDirectory(directory)
    }

    /// Splits `path` into its directory (`.` if none) and last component.
    static func splitPath(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else {
            return (".", path)
        }
        let name = String(path[path.index(after: slash)...])
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, name)
    }

    /// Throws unless `directory` exists and is a directory.
    private static func checkDirectory(_ directory: String, for path: String) throws(NPYError) {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw .directoryNotFound(path: path, directory: directory)
            }
            throw .fileWriteFailed(
                path: path, reason: "cannot access the directory '\(directory)': \(systemErrorMessage(code))")
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw .fileWriteFailed(path: path, reason: "'\(directory)' is not a directory")
        }
    }

    /// Creates a new, empty, uniquely named file in `directory`.
    private static func createTemporaryFile(
        in directory: String, for name: String, path: String
    ) throws(NPYError) -> (descriptor: Int32, path: String) {
        // Keep the name short enough for any file system (255 bytes).
        let stem = String(name.prefix(40))
        var lastError: Int32 = 0
        for _ in 0..<maximumAttempts {
            let suffix = String(UInt64.random(in: .min ... .max), radix: 16)
            let temporaryPath = "\(directory)/.\(stem).\(suffix).tmp"
            let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 {
                return (descriptor, temporaryPath)
            }
            lastError = errno
            if lastError != EEXIST && lastError != EINTR {
                break
            }
        }
        throw .fileWriteFailed(
            path: path, reason: "cannot create a temporary file in '\(directory)': \(systemErrorMessage(lastError))")
    }

    /// Writes all of `bytes`, retrying partial and interrupted writes.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(NPYError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                let remaining = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                return write(descriptor, remaining.baseAddress, min(remaining.count, maximumWriteSize))
            }
            if written < 0 {
                let code = errno
                if code == EINTR {
                    continue
                }
                throw .fileWriteFailed(path: path, reason: systemErrorMessage(code))
            }
            if written == 0 {
                throw .fileWriteFailed(path: path, reason: "the system wrote no bytes")
            }
            offset += written
        }
    }

    /// Flushes the directory entry of the renamed file, on a best-effort basis.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            _ = close(descriptor)
        }
    }
}
