import Foundation

struct TmuxError: Error { var message: String }

/// The real binary in a detached tmux session on a private server, driven with send-keys
/// and read with capture-pane.
final class Tmux {
    let socket = "pairwise-test-\(UUID().uuidString.prefix(8))"
    let session = "t"

    init(command: String, columns: Int = 120, rows: Int = 40) throws {
        // The server this starts outlives the call: give it no pipe to hold open.
        try run(["new-session", "-d", "-s", session, "-x", String(columns), "-y", String(rows), command], capture: false)
    }

    deinit { _ = try? run(["kill-server"], capture: false) }

    /// Runs tmux through the shell and `system()`, which waits with waitpid: Foundation's
    /// Process would wait for the daemonized server too, which inherits its descriptors.
    @discardableResult
    func run(_ arguments: [String], capture: Bool = true) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let line = (["LANG=C.UTF-8", "tmux", "-L", socket] + arguments).map(Tmux.quote).joined(separator: " ")
            .replacingOccurrences(of: "'LANG=C.UTF-8'", with: "LANG=C.UTF-8")
        let status = system("\(line) </dev/null >\(capture ? Tmux.quote(output) : "/dev/null") 2>/dev/null")
        guard status != -1 else { throw TmuxError(message: "cannot run tmux") }
        return capture ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Sends keys by tmux name ("Enter", "Tab", "BTab") or literal text.
    func send(_ keys: String...) throws { try send(keys: keys) }

    func send(keys: [String]) throws { try run(["send-keys", "-t", session] + keys) }

    func capture() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

    func paneTitle() throws -> String { try run(["display-message", "-p", "-t", session, "#{pane_title}"]) }

    func panePID() throws -> Int32 { Int32(try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }

    /// Waits until one capture shows every one of `texts` (a capture may land mid-frame);
    /// returns the last capture either way.
    @discardableResult
    func waitFor(all texts: [String], seconds: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if texts.allSatisfy(screen.contains) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return screen
    }

    /// Waits until the pane shows `text`; returns the last capture either way.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if screen.contains(text) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return screen
    }
}
