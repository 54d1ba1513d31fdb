import ArgumentParser
import DepthwiseConv
import Foundation

/// How `dwconv` reports a failure: exactly one line, `error: <message>`, on
/// standard error, then exit status 1, whatever the error's kind.
enum ErrorReporting {
    /// Prints `error: <message>` for `error` on standard error and exits 1.
    static func fail(with error: any Error) -> Never {
        let line = "error: " + oneLine(message(for: error)) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
        exit(1)
    }

    /// The text to show for `error`, without an `error:` prefix.
    ///
    /// Library errors show their ``DepthwiseConvError/message`` (TensorFlow's
    /// wording, without the "Invalid argument:" kind); everything else
    /// (argument-parsing errors, `.npy` errors, the tool's own errors) the
    /// message ArgumentParser derives, which for a custom error is its
    /// description.
    static func message(for error: any Error) -> String {
        let text: String
        if let error = error as? DepthwiseConvError {
            text = error.message
        } else {
            text = DWConv.message(for: error)
        }
        return text.isEmpty ? "dwconv failed (\(String(describing: error)))" : text
    }

    /// `text` on one line: each run of line breaks, with the blanks around
    /// it, becomes a single space; leading and trailing blanks are dropped.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }
}

/// A failure detected by the tool itself (rather than by ArgumentParser, the
/// library or the `.npy` reader), with the message to show.
struct CommandLineError: Error, CustomStringConvertible {
    /// The message, without an `error:` prefix.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
