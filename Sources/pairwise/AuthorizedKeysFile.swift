import Foundation
import PairwiseCommandLine
import PairwiseCore
import PairwiseStore

/// The block of an OpenSSH `authorized_keys` file that `pairwise remote` keeps for one
/// project: one line per registered key, each forced to `pairwise remote-session` for that
/// project and key, with no shell, forwarding or agent (`restrict`) but a terminal (`pty`).
/// Every byte outside the block is kept as it was; the file is replaced atomically.
struct AuthorizedKeysFile {
    let path: String
    /// The project's location as the forced command names it (absolute; no password).
    let project: String
    /// The absolute path of the `pairwise` binary sshd runs.
    let binary: String

    var begin: String { "# pairwise: keys for \(project) (kept by `pairwise remote`; change them with it, not by hand)" }
    var end: String { "# pairwise: end of keys for \(project)" }

    /// `~/.ssh/authorized_keys` of the user running the command.
    static var defaultPath: String {
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".ssh/authorized_keys")
    }

    /// The line for one key.
    func line(for key: RemoteKey) -> String {
        let command = [binary, "remote-session", "--db", project, "--key", key.key.fingerprint].map(ShellWord.quoted).joined(separator: " ")
        // sshd hands the command to the account's shell; the option's value is double-quoted.
        let option = command.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "command=\"\(option)\",restrict,pty \(key.key.line) \(key.name)"
    }

    /// The file's bytes with the project's block holding `keys` (no block when there are none).
    func updated(_ original: [UInt8], keys: [RemoteKey]) throws -> [UInt8] {
        var lines = original.isEmpty ? [] : original.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        let endsWithNewline = original.last == UInt8(ascii: "\n")
        if endsWithNewline { lines.removeLast() }
        let beginBytes = Array(begin.utf8), endBytes = Array(end.utf8)
        let start = lines.firstIndex(of: beginBytes)
        let stop = lines.firstIndex(of: endBytes)
        let block = keys.isEmpty ? [] : [beginBytes] + keys.map { Array(line(for: $0).utf8) } + [endBytes]
        switch (start, stop) {
        case (let start?, let stop?) where start < stop:
            lines.replaceSubrange(start...stop, with: block)
        case (nil, nil):
            lines += block
        default:
            throw OutputError(status: ExitStatus.dataError, message: "\(path) holds a damaged pairwise block for \(project) (a begin line without its end, or the other way): mend or remove it by hand, then run the command again")
        }
        if lines.isEmpty { return [] }
        // A file ends with a newline when it did, or when the block is its last line now.
        let blockIsLast = !block.isEmpty && (start.map { $0 + block.count == lines.count } ?? true)
        var bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
        if endsWithNewline || blockIsLast { bytes.append(UInt8(ascii: "\n")) }
        return bytes
    }

    /// Writes the block for `keys`: a new file beside the old one, flushed, then renamed over
    /// it (with the old file's owner and mode; 0600 for a new one, in a 0700 folder).
    func write(keys: [RemoteKey]) throws {
        let manager = FileManager.default
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !manager.fileExists(atPath: folder) {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var info = stat()
        let exists = stat(path, &info) == 0
        let original = exists ? [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) : []
        let bytes = try updated(original, keys: keys)
        let temporary = path + ".pairwise-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? info.st_mode & 0o7777 : 0o600)
        guard descriptor >= 0 else { throw OutputError(status: ExitStatus.cannotCreate, message: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        // Root (editing the service account's file) gives it back to its owner.
        if exists && ((geteuid() == 0 && fchown(descriptor, info.st_uid, info.st_gid) != 0) || fchmod(descriptor, info.st_mode & 0o7777) != 0) {
            failure = "cannot give \(temporary) the owner and mode of \(path)"
        }
        var written = 0
        while failure == nil && written < bytes.count {
            let n = bytes.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if n <= 0 { failure = "cannot write \(temporary): \(String(cString: strerror(errno)))" } else { written += n }
        }
        if failure == nil && fsync(descriptor) != 0 { failure = "cannot flush \(temporary)" }
        close(descriptor)
        if failure == nil && rename(temporary, path) != 0 { failure = "cannot replace \(path): \(String(cString: strerror(errno)))" }
        if let failure {
            unlink(temporary)
            throw OutputError(status: ExitStatus.ioError, message: failure)
        }
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        if directory >= 0 { fsync(directory); close(directory) }
    }
}
