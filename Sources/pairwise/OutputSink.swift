import Foundation
import PairwiseCore

/// Buffered line output to stdout or to a file. A file is written under a temporary name
/// and moved into place on `finish()`, so that a failed export leaves no partial file.
/// Lines are exact, except on a terminal, where they are made safe (see `Console`).
final class OutputSink {
    private let handle: FileHandle
    private let finalPath: String?
    private let temporaryPath: String?
    private let toTerminal: Bool
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0

    init(path: String?) throws {
        if let path, path != "-" {
            let temporary = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: temporary, contents: nil) else {
                throw UsageError(message: "cannot write \(path)")
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            finalPath = path
            temporaryPath = temporary
            toTerminal = false
        } else {
            handle = FileHandle.standardOutput
            finalPath = nil
            temporaryPath = nil
            toTerminal = Console.standardOutputIsTerminal
        }
        buffer.reserveCapacity(1 << 20)
    }

    func writeLine(_ line: String) {
        let line = toTerminal ? TerminalSafe.text(line) : line
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        bytesWritten += line.utf8.count + 1
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws {
        flush()
        if let finalPath, let temporaryPath {
            try handle.close()
            if FileManager.default.fileExists(atPath: finalPath) { try FileManager.default.removeItem(atPath: finalPath) }
            try FileManager.default.moveItem(atPath: temporaryPath, toPath: finalPath)
        }
    }

    /// Removes the temporary file after a failure.
    func abandon() {
        if let temporaryPath {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }
}
