import Foundation
import PairwiseTestSupport
import Testing

/// The terminal is left as it was found, however the screen ends; and a terminal that
/// cannot show a screen gets a sentence, not a blank screen.
@Suite(.serialized) struct TerminalLifecycleTests {
    /// The children of a process (Linux /proc).
    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    @Test(arguments: [SIGHUP, SIGTERM])
    func aSignalRestoresTheTerminal(signal: Int32) throws {
        let directory = try sampleProjectDirectory()
        // A shell runs the screen, then records the terminal's modes once it is gone.
        let tmux = try Tmux(command: "cd '\(directory.url.path)' && USER=tester '\(binary.path)' annotate --as alice --no-trainer; echo $? > status.txt; stty -a > stty.txt; sleep 60")
        _ = try tmux.waitFor("1/62 in queue")
        #expect(try tmux.run(["display-message", "-p", "-t", tmux.session, "#{alternate_on} #{cursor_flag}"]) == "1 0\n")
        let held = try command("/usr/bin/sqlite3", [directory.path("pairwise.sqlite"), "SELECT count(*) FROM item_leases"], in: directory.url)
        #expect(held.stdout == "1\n")
        let shell = try tmux.panePID()
        let screen = try #require(Self.children(of: shell).first)
        kill(screen, signal)
        let modes = directory.path("stty.txt")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: modes) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        let stty = try String(contentsOfFile: modes, encoding: .utf8)
        let flags = Set(stty.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(flags.isSuperset(of: ["icanon", "echo", "isig", "icrnl", "opost"]), "\(stty)")
        #expect(try tmux.run(["display-message", "-p", "-t", tmux.session, "#{alternate_on} #{cursor_flag}"]) == "0 1\n")
        // The screen ended through its own code: the pair it held is free for the others at once.
        let status = try String(contentsOfFile: directory.path("status.txt"), encoding: .utf8)
        #expect(status == (signal == SIGTERM ? "143\n" : "0\n"))
        let after = try command("/usr/bin/sqlite3", [directory.path("pairwise.sqlite"), "SELECT count(*) FROM item_leases"], in: directory.url)
        #expect(after.stdout == "0\n")
    }

    /// LINES and COLUMNS that disagree with the terminal: the screen is drawn for the
    /// terminal's own size (120×40 here), its status line on the last row.
    @Test func theTerminalsSizeWinsOverLinesAndColumns() throws {
        let directory = try sampleProjectDirectory()
        let tmux = try Tmux(command: "cd '\(directory.url.path)' && LINES=200 COLUMNS=400 USER=tester '\(binary.path)' annotate --as alice --no-trainer")
        let screen = try tmux.waitFor("1/62 in queue")
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rows.count >= 40 && rows[39].contains("1/62 in queue"), "\(screen)")
        #expect(rows.allSatisfy { $0.count <= 120 })
    }

    @Test func aDumbTerminalIsToldWhy() throws {
        let directory = try sampleProjectDirectory()
        for (screen, arguments) in [("annotate", "annotate --as alice"), ("review", "review")] {
            let run = try command("/usr/bin/script", ["-qec", "env TERM=dumb USER=tester '\(binary.path)' \(arguments)", "/dev/null"], in: directory.url)
            #expect(run.status == 64)
            #expect(run.stdout.replacingOccurrences(of: "\r", with: "") == "pairwise: error: \(screen) needs a full-screen terminal, and TERM=dumb cannot move the cursor; run in a terminal emulator or tmux, or set TERM to the terminal's real kind (for example TERM=xterm-256color)\n")
        }
        let unknown = try command("/usr/bin/script", ["-qec", "env TERM=no-such-terminal USER=tester '\(binary.path)' annotate --as alice", "/dev/null"], in: directory.url)
        #expect(unknown.status == 64)
        #expect(unknown.stdout.contains("TERM=no-such-terminal is not a kind of terminal this machine knows"))
    }
}
