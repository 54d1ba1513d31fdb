// Reading a whole file with the C library, reporting errors by path.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Android)
import Android
#endif

/// Reads files completely into memory.
enum FileReader {
    /// The size of each `read` call.
    private static let chunkSize = 1 << 20

    /// The complete contents of the file at `path`.
    ///
    /// - Throws: ``NPYError/fileReadFailed(path:reason:)`` with the system's
    ///   reason (no such file, permission denied, is a directory, ...).
    static func contents(ofFile path: String) throws(NPYError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .fileReadFailed(path: path, reason: systemErrorMessage(errno))
        }
        defer { _ = close(descriptor) }

        var contents: [UInt8] = []
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_size > 0 {
            contents.reserveCapacity(Int(clamping: status.st_size))
        }
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let readCount = chunk.withUnsafeMutableBytes { buffer in
                read(descriptor, buffer.baseAddress, buffer.count)
            }
            if readCount < 0 {
                let code = errno
                if code == EINTR {
                    continue
                }
                throw .fileReadFailed(path: path, reason: systemErrorMessage(code))
            }
            if readCount == 0 {
                return contents
            }
            contents += chunk[0..<readCount]
        }
    }
}
