import Foundation
import PairwiseCore

/// Everything the command line prints. Messages and tables for people are always made safe
/// by `TerminalSafe` (text from data cannot reach the terminal as control sequences);
/// machine output (JSON, exports, scores) is exact when it goes to a file or a pipe and made
/// safe only when standard output is a terminal.
public enum Console {
    public static let standardOutputIsTerminal = isatty(STDOUT_FILENO) == 1
    public static let standardErrorIsTerminal = isatty(STDERR_FILENO) == 1

    /// A line for people on standard output.
    public static func line(_ text: String) {
        write(TerminalSafe.text(text) + "\n", to: STDOUT_FILENO)
    }

    /// A line of machine output on standard output: exact unless standard output is a terminal.
    public static func data(_ text: String) {
        write((standardOutputIsTerminal ? TerminalSafe.text(text) : text) + "\n", to: STDOUT_FILENO)
    }

    /// A line for people on standard error.
    public static func error(_ text: String) {
        write(TerminalSafe.text(text) + "\n", to: STDERR_FILENO)
    }

    /// A progress line redrawn in place on standard error (a terminal): `text` is made safe,
    /// the carriage return and erase-line are ours.
    public static func progress(_ text: String?) {
        write("\r\u{1B}[K" + (text.map { TerminalSafe.text($0, keepingLineBreaks: false) } ?? ""), to: STDERR_FILENO)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 { if errno == EINTR { continue }; return }
                offset += n
            }
        }
    }
}
