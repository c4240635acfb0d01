import Foundation
import PairwiseTestSupport
import Testing

/// Text from data never reaches a terminal as control sequences, in any command or error
/// message; machine output to a file or pipe stays exact.
@Suite struct TerminalSafetyTests {
    /// OSC 52 (write the clipboard), terminated by BEL.
    static let clipboardWrite = "\u{1B}]52;c;cm0gLXJmIH4=\u{07}"
    /// OSC 0 (set the window title).
    static let titleChange = "\u{1B}]0;pwned\u{07}"

    /// Whether `text` holds anything a terminal would act on: C0 controls other than LF and
    /// tab, DEL, C1 controls.
    static func holdsControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { s in
            (s.value < 0x20 && s != "\n" && s != "\t") || (0x7F...0x9F).contains(s.value)
        }
    }

    @Test func statsShowsAHostileItemIDAsVisibleText() throws {
        let directory = try TemporaryDirectory("pairwise-safe-stats")
        _ = try pairwise(["init"], in: directory.url)
        let id = "x\(Self.clipboardWrite)\u{9B}2J\u{202E}"
        let escapedID = id.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
        try """
            {"id": "\(escapedID)", "prompt": "p1", "response_a": "a", "response_b": "b", "preference_strength": -2}
            """.write(toFile: directory.path("one.jsonl"), atomically: true, encoding: .utf8)
        try """
            {"id": "\(escapedID)", "prompt": "p1", "response_a": "a", "response_b": "b", "preference_strength": 3}
            """.write(toFile: directory.path("two.jsonl"), atomically: true, encoding: .utf8)
        #expect(try pairwise(["import", "one.jsonl", "--labels-as", "ann"], in: directory.url).status == 0)
        #expect(try pairwise(["import", "two.jsonl", "--labels-as", "bo"], in: directory.url).status == 0)
        let text = try pairwise(["stats"], in: directory.url)
        #expect(text.status == 0)
        #expect(text.stdout.contains("x␛]52;c;cm0gLXJmIH4=␇\u{FFFD}2J\u{FFFD}"))
        #expect(!Self.holdsControls(text.stdout))
        // JSON to a pipe is exact (JSON escapes C0 itself; C1 and bidi are kept as they are).
        let json = try pairwise(["stats", "--json"], in: directory.url)
        #expect(json.stdout.contains(#"x\u001b]52;c;cm0gLXJmIH4=\u0007"# + "\u{9B}2J\u{202E}"))
    }

    @Test func leaderboardShowsAHostileModelNameAsVisibleText() throws {
        let directory = try TemporaryDirectory("pairwise-safe-leaderboard")
        try "model_a,model_b,winner\nevil\(Self.titleChange),good,model_a\ngood,evil\(Self.titleChange),model_b\ngood,evil\(Self.titleChange),model_a\n"
            .write(toFile: directory.path("battles.csv"), atomically: true, encoding: .utf8)
        let run = try pairwise(["leaderboard", "battles.csv"], in: directory.url)
        #expect(run.status == 0)
        #expect(run.stdout.contains("evil␛]0;pwned␇"))
        #expect(!Self.holdsControls(run.stdout))
    }

    @Test func initShowsAHostileRubricNameAsVisibleText() throws {
        let directory = try TemporaryDirectory("pairwise-safe-init")
        try """
            name: "r\\e]0;pwned\\a"
            dimensions:
              - key: overall
                title: Overall
                guideline: Which is better.
                kind: per-response
                scale: {min: 1, max: 5}
            """.write(toFile: directory.path("rubric.yaml"), atomically: true, encoding: .utf8)
        let run = try pairwise(["init", "--rubric", "rubric.yaml"], in: directory.url)
        #expect(run.status == 0)
        #expect(run.stdout == "created pairwise.sqlite: rubric 'r␛]0;pwned␇' with 1 dimensions; tester is its lead\n")
    }

    @Test func errorMessagesQuoteDataAsVisibleText() throws {
        let directory = try TemporaryDirectory("pairwise-safe-errors")
        _ = try pairwise(["init"], in: directory.url)
        try #"{"id": "1", "prompt": "p", "response_a": "a", "response_b": "b", "\u001b]0;pwned\u0007": 1}"#
            .write(toFile: directory.path("bad.jsonl"), atomically: true, encoding: .utf8)
        let bad = try pairwise(["import", "bad.jsonl"], in: directory.url)
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("␛]0;pwned␇"))
        #expect(!Self.holdsControls(bad.stderr))
        // ArgumentParser's own messages quote the argument.
        let unknown = try pairwise(["status", "--\(Self.titleChange)"], in: directory.url)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("␛]0;pwned␇"))
        #expect(!Self.holdsControls(unknown.stderr))
        // A file name from a glob.
        let missing = try pairwise(["import", "no\(Self.titleChange).jsonl"], in: directory.url)
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no␛]0;pwned␇.jsonl"))
        #expect(!Self.holdsControls(missing.stderr))
    }

    @Test func exportIsExactToAFileAndSafeOnATerminal() throws {
        let directory = try TemporaryDirectory("pairwise-safe-export")
        _ = try pairwise(["init"], in: directory.url)
        try #"{"id": "p\u001b]52;c;eA==\u0007", "prompt": "p", "response_a": "a", "response_b": "b", "preference_strength": -1}"#
            .write(toFile: directory.path("one.jsonl"), atomically: true, encoding: .utf8)
        #expect(try pairwise(["import", "one.jsonl", "--labels-as", "ann"], in: directory.url).status == 0)
        let piped = try pairwise(["export", "--format", "csv"], in: directory.url)
        #expect(piped.status == 0)
        #expect(piped.stdout.contains("p\u{1B}]52;c;eA==\u{07}"))
        // `script` gives the command a pseudo-terminal for its standard output.
        let onTerminal = try command("/usr/bin/script", ["-qec", "\(binary.path) export --format csv", "/dev/null"], in: directory.url, environment: ["TERM": "xterm"])
        #expect(onTerminal.status == 0)
        #expect(onTerminal.stdout.contains("p␛]52;c;eA==␇"))
        #expect(!Self.holdsControls(onTerminal.stdout.replacingOccurrences(of: "\r", with: "")))
    }
}
