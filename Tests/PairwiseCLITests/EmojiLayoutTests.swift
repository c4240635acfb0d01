import Foundation
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

/// What tmux draws, cell for cell, is what the layout computed: emoji sequences (ZWJ
/// families, skin tones, flags, presentation selectors) neither lose characters nor leave
/// stale cells.
@Suite(.serialized) struct EmojiLayoutTests {
    @Test func tmuxDrawsExactlyTheComputedScreen() throws {
        let directory = try TemporaryDirectory("pairwise-emoji")
        _ = try pairwise(["init"], in: directory.url)
        let text = "family 👨‍👩‍👧 tone 👍🏽 flag 🇫🇷 heart ❤️ rainbow 🏳️‍🌈 coder 👩‍💻 keycap 1️⃣ end|"
        let line = #"{"id": "emoji", "prompt": "\#(text)", "response_a": "\#(text) \#(text)", "response_b": "9 done 👨‍👩‍👧‍👦 today"}"#
        try line.write(toFile: directory.path("emoji.jsonl"), atomically: true, encoding: .utf8)
        #expect(try pairwise(["import", "emoji.jsonl"], in: directory.url).status == 0)
        _ = try pairwise(["annotators", "add", "alice"], in: directory.url)
        for (columns, rows) in [(120, 40), (80, 24)] {
            let tmux = try Tmux(command: command(directory, "annotate --as alice --no-shuffle --no-trainer"), columns: columns, rows: rows)
            _ = try tmux.waitFor("1/1 in queue")
            // Scroll the responses and come back: redraws over emoji must leave no stale cells.
            for key in ["j", "j", "k", "k", "l", "j", "k", "h"] { try tmux.send(key) }
            Thread.sleep(forTimeInterval: 0.5)
            let drawn = try tmux.capture().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            try tmux.send("q")

            let store = try ProjectStore.open(at: directory.path("pairwise.sqlite"))
            let session = try AnnotateSession(store: store, annotator: "alice", options: .init(shuffle: false))
            for key: Key in [.character("j"), .character("j"), .character("k"), .character("k"), .character("l"), .character("j"), .character("k"), .character("h")] {
                _ = session.render(rows: rows, columns: columns)
                session.handle(key)
            }
            let computed = session.render(rows: rows, columns: columns)
            for row in 0..<rows {
                #expect(drawn[row] == computed.text(row: row), "row \(row) at \(columns)×\(rows)")
            }
            #expect(drawn.joined().contains("👨👩👧 tone 👍🏽 flag 🇫🇷 heart ❤ rainbow 🏳🌈 coder 👩💻"))
        }
    }
}
