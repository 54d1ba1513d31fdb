// Text for C library errors, used by `FileReader` and `AtomicFileWriter`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Android)
import Android
#endif

/// The text of a C `errno` value, such as "No such file or directory".
func systemErrorMessage(_ code: Int32) -> String {
    guard let message = strerror(code) else {
        return "error \(code)"
    }
    return String(cString: message)
}
