import Foundation
import PairwiseCore

/// Where a command may write, checked before anything is written: a new path, a regular file
/// it may replace (`--force`), or a device or pipe it writes to by opening it. Never a
/// directory, and never one of the project's own files (its database, -wal or -shm).
public enum OutputTarget {
    /// Standard output.
    case standardOutput
    /// A file written beside `path` under a temporary name and renamed onto it when done.
    case replacing(path: String)
    /// A character device, FIFO or socket: opened and written as it is, never replaced.
    case device(path: String)

    /// Checks `path` (nil or "-": standard output). `protected` are files that must not be
    /// written (the project's); `force` lets an existing regular file be replaced.
    public init(_ path: String?, force: Bool, protected: [String]) throws {
        guard let path, path != "-" else {
            self = .standardOutput
            return
        }
        let shown = TerminalSafe.text(path)
        var target = stat()
        guard stat(path, &target) == 0 else {
            // A new file (or a path whose folder is missing: the write says so).
            self = .replacing(path: path)
            return
        }
        for file in protected {
            var other = stat()
            if stat(file, &other) == 0, other.st_dev == target.st_dev, other.st_ino == target.st_ino {
                throw OutputError(status: ExitStatus.cannotCreate, message: "\(shown) is this project's own database file: export to another file")
            }
        }
        switch target.st_mode & S_IFMT {
        case S_IFDIR:
            throw OutputError(status: ExitStatus.cannotCreate, message: "\(shown) is a directory: give a file name, e.g. --out \(shown)/export.jsonl")
        case S_IFREG:
            guard force else {
                throw OutputError(status: ExitStatus.cannotCreate, message: "\(shown) exists: pass --force to replace it, or give another file name")
            }
            // Through a symbolic link, the file it names is replaced, not the link.
            self = .replacing(path: (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map {
                $0.hasPrefix("/") ? $0 : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent($0)
            } ?? path)
        case S_IFCHR, S_IFIFO, S_IFSOCK:
            self = .device(path: path)
        default:
            throw OutputError(status: ExitStatus.cannotCreate, message: "\(shown) is not a file pairwise can write to (a block device?)")
        }
    }
}

/// A write that cannot be made: the target refused, or the output failed (disk full).
public struct OutputError: Error {
    public var status: Int32
    public var message: String

    public init(status: Int32, message: String) {
        self.status = status
        self.message = message
    }
}

/// Buffered line output to a checked `OutputTarget`. A file is written under a temporary name
/// beside it and moved into place on `finish()`, so that a failed export leaves neither a
/// partial file nor a changed one. Lines are exact, except on a terminal, where they are made
/// safe (see `Console`). Every write that fails (a full disk, `/dev/full`) throws `OutputError`.
public final class OutputSink: UTF8LineWriter {
    private let handle: FileHandle
    private let name: String
    private let finalPath: String?
    private let temporaryPath: String?
    private let toTerminal: Bool
    private var buffer: [UInt8] = []
    private(set) var bytesWritten = 0

    public init(path: String?, force: Bool = false, protected: [String] = []) throws {
        switch try OutputTarget(path, force: force, protected: protected) {
        case .standardOutput:
            handle = FileHandle.standardOutput
            name = "standard output"
            finalPath = nil
            temporaryPath = nil
            toTerminal = Console.standardOutputIsTerminal
        case .device(let path):
            guard let opened = FileHandle(forWritingAtPath: path) else {
                throw OutputError(status: ExitStatus.cannotCreate, message: "cannot open \(TerminalSafe.text(path)) for writing")
            }
            handle = opened
            name = TerminalSafe.text(path)
            finalPath = nil
            temporaryPath = nil
            toTerminal = false
        case .replacing(let path):
            let folder = (path as NSString).deletingLastPathComponent
            let temporary = (folder.isEmpty ? "" : folder + "/") + "." + (path as NSString).lastPathComponent
                + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: temporary, contents: nil),
                  let opened = FileHandle(forWritingAtPath: temporary) else {
                throw OutputError(status: ExitStatus.cannotCreate, message: "cannot write \(TerminalSafe.text(path)): "
                                  + (FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder) ? "permission denied" : "no folder \(TerminalSafe.text(folder))"))
            }
            handle = opened
            name = TerminalSafe.text(path)
            finalPath = path
            temporaryPath = temporary
            toTerminal = false
        }
        buffer.reserveCapacity(1 << 20)
    }

    public func writeLine(_ line: String) throws {
        var line = toTerminal ? TerminalSafe.text(line) : line
        try line.withUTF8 { try append($0) }
    }

    /// The same for a line given as UTF-8 bytes (made safe, like any line, on a terminal).
    public func writeLine(utf8 line: UnsafeBufferPointer<UInt8>) throws {
        if toTerminal { return try writeLine(String(decoding: line, as: UTF8.self)) }
        try append(line)
    }

    private func append(_ line: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        bytesWritten += line.count + 1
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            let reason = Self.reason(error)
            throw OutputError(status: ExitStatus.ioError, message: "cannot write to \(name) (\(reason))" + (temporaryPath == nil ? "" : "; nothing was left under its name"))
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func finish() throws {
        try flush()
        if let finalPath, let temporaryPath {
            do {
                try handle.synchronize()
                try handle.close()
            } catch {
                throw OutputError(status: ExitStatus.ioError, message: "cannot write to \(name) (\(Self.reason(error))); nothing was left under its name")
            }
            // rename(2) replaces the file in one step: readers see the old one or the new one.
            guard rename(temporaryPath, finalPath) == 0 else {
                throw OutputError(status: ExitStatus.cannotCreate, message: "cannot put the export at \(name): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The system's words for a failed write ("No space left on device").
    static func reason(_ error: Error) -> String {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return error.localizedDescription
    }

    /// Removes the temporary file after a failure.
    public func abandon() {
        if let temporaryPath {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }
}
