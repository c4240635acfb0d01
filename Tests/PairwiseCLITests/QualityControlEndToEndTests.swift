import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

@Suite(.serialized) struct QualityControlEndToEndTests {
    /// A project with guidelines, 12 real hh-rlhf pairs, 4 gold ones and a 2-item qualification round.
    func project(on kind: StoreKind) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("pairwise-qc", on: kind)
        try "# How to judge\n\nPrefer the response that is **harmless**, then the more helpful one.\n"
            .write(toFile: directory.path("guidelines.md"), atomically: true, encoding: .utf8)
        try Fixtures.hhRLHFRecords(12, into: directory.path("items.jsonl"))
        try Fixtures.hhRLHFRecords(4, from: 12, into: directory.path("gold.jsonl"))
        #expect(try pairwise(["init", "--rubric", "sample", "--guidelines", "guidelines.md"], in: directory).stdout
                .hasSuffix(" is its lead; guidelines version 1\n"))
        #expect(try pairwise(["import", "items.jsonl"], in: directory).status == 0)
        let gold = try pairwise(["gold", "add", "gold.jsonl"], in: directory)
        #expect(gold.stdout == "4 gold answers added from 4 records (4 new items); 4 gold items in the project\n", "\(gold.stderr)")
        #expect(try pairwise(["quality", "set", "qualification_items", "2"], in: directory).stdout == "qualification_items = 2\n")
        #expect(try pairwise(["annotators", "add", "alice"], in: directory).status == 0)
        return directory
    }

    /// Removing a gold item never unqualifies anyone: alice passed her round (2 of 2) and
    /// stays passed after one of her gold items is removed; bo, who failed it on the item
    /// removed, is back in his round; the command says both.
    @Test func goldRemoveKeepsPassedRoundsAndSaysWhatChanges() throws {
        let directory = try project(on: .sqlite)
        #expect(try pairwise(["annotators", "add", "bo"], in: directory).status == 0)
        let store = try ProjectStore.open(at: directory.path("pairwise.sqlite"))
        let gold = try store.goldItems().prefix(2)
        func answer(_ name: String, _ values: [Int]) throws {
            let person = try store.person(name).id
            for (item, strength) in zip(gold, values) {
                let row = try #require(try store.itemRowID(externalID: item.itemID))
                try store.submit(JudgmentDraft(strength: PreferenceStrength(strength)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 900),
                                 itemID: row, annotatorID: person)
            }
        }
        try answer("alice", gold.map { $0.answer.strength })
        try answer("bo", [gold.first!.answer.strength, gold.last!.answer.strength == 0 ? 2 : -gold.last!.answer.strength])
        // Before: the item bo missed stands out by its miss rate (the other was right for both).
        let before = try pairwise(["stats"], in: directory).stdout
        #expect(before.contains("  Gold items most missed (first answers): \(gold.last!.itemID) 1/2 (50%)\n"), "\(before)")
        let json = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        #expect(json["quality"]?["gold_item_misses"]?.arrayValue?.first?["item_id"] == .string(gold.last!.itemID))
        let removed = try pairwise(["gold", "remove", gold.last!.itemID], in: directory)
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(removed.stdout == "1 gold item removed; the judgments of it stay, as ordinary judgments\n"
                + "alice: qualification passed (2/2), unchanged\n"
                + "bo: qualification failed (1/2) → in progress (1/1 right, 1 to go)\n")
        let stats = try pairwise(["stats"], in: directory).stdout
        #expect(stats.contains("passed (2/2)") && stats.contains("in progress (1/1 right, 1 to go)"), "\(stats)")
        let alice = try AnnotateSession(store: try ProjectStore.open(at: directory.path("pairwise.sqlite")), annotator: "alice")
        #expect(alice.state.emptyQueueLines == nil && alice.state.queueCount > 0)
    }

    /// `quality set --help` lists every setting with its values, best-worst ranking included.
    @Test func qualitySetHelpListsEverySetting() throws {
        let help = try pairwise(["quality", "set", "--help"], in: URL(fileURLWithPath: "/"), environment: ["COLUMNS": "1000"]).stdout
        for (key, text) in QualitySettings.keys { #expect(help.contains("  \(key): \(text)\n"), "\(key)") }
        #expect(help.contains("ranking_mode: rank or best-worst"))
    }

    @Test func slashSearchesTheQueueThroughTheTerminal() throws {
        let directory = try TemporaryDirectory("pairwise-search")
        try Fixtures.hhRLHFRecords(20, into: directory.path("items.jsonl"))
        #expect(try pairwise(["init"], in: directory).status == 0)
        #expect(try pairwise(["import", "items.jsonl"], in: directory).status == 0)
        let tmux = try Tmux(command: command(directory, "annotate"))
        try tmux.waitFor("1/20 in queue")
        try tmux.send("/")
        try tmux.send("reCOMMend")
        try tmux.send("Enter")
        let first = try tmux.waitFor("Match 1 of")
        let total = try #require(first.range(of: #"Match 1 of \d+"#, options: .regularExpression).map { Int(first[$0].split(separator: " ").last!)! })
        #expect(total >= 2)
        try tmux.send("n")
        let second = try tmux.waitFor("Match 2 of \(total)")
        #expect(itemOnScreen(second) != itemOnScreen(first))
        try tmux.send("Escape")
        try tmux.waitFor("Search ended.")
        try tmux.send("q")
    }

    /// Help paragraphs wrap at the terminal's width, not at the source's, and examples stay whole.
    @Test func helpWrapsAtTheTerminalNotMidSentence() throws {
        let wide = try pairwise(["import", "--help"], in: URL(fileURLWithPath: "/"), environment: ["COLUMNS": "1000"]).stdout
        let lines = wide.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("All files go in one transaction:") && $0.hasSuffix("against the stored item.") })
        #expect(lines.contains("  pairwise import harmless-base-test.jsonl.gz --labels-as hh"))
        let narrow = try pairwise(["import", "--help"], in: URL(fileURLWithPath: "/"), environment: ["COLUMNS": "80"]).stdout
        // No line of prose ends a long way short of the width (the old double wrap left "not" alone on a line).
        #expect(!narrow.split(separator: "\n").contains { $0 == "not" || $0 == "are" || $0 == "first" })
    }

    @Test func versionIsPrinted() throws {
        #expect(try pairwise(["--version"], in: URL(fileURLWithPath: "/")).stdout == "0.15.0\n")
    }

    @Test func settingsAndGoldCommandsCheckTheirInput() throws {
        let directory = try project(on: .sqlite)
        let bad = try pairwise(["quality", "set", "gold_rate", "2"], in: directory)
        #expect(bad.status != 0 && bad.stderr.contains("gold_rate takes a number from 0 to 1"))
        let unknown = try pairwise(["quality", "set", "speed", "fast"], in: directory)
        #expect(unknown.status != 0 && unknown.stderr.contains("no setting speed"))
        #expect(try pairwise(["quality"], in: directory).stdout.contains("qualification_items 2\n"))
        let list = try pairwise(["gold", "list"], in: directory).stdout.split(separator: "\n")
        #expect(list.count == 4 && list.allSatisfy { $0.contains("\tA ") || $0.contains("\tB ") })
        let asAlice = try pairwise(["gold", "list"], in: directory, environment: ["USER": "alice"])
        #expect(asAlice.status != 0 && asAlice.stderr.contains("lead"))
        #expect(try pairwise(["guidelines", "set", "guidelines.md"], in: directory).stdout == "the guidelines are unchanged (version 1)\n")
        #expect(try pairwise(["guidelines", "show"], in: directory).stdout.contains("**harmless**"))
        let missing = try pairwise(["guidelines", "set", "nope.md"], in: directory)
        #expect(missing.status != 0 && missing.stderr.contains("nope.md: cannot read the guidelines file"))
        let suggestions = try pairwise(["import", "items.jsonl", "--suggestions-from", "hh-label"], in: directory)
        #expect(suggestions.stdout.contains("12 labels added"), "\(suggestions.stderr)")
        #expect(try pairwise(["stats"], in: directory).stdout.contains("  hh-label: 12 items, 0 judgments"))
        // --format takes the same names in import and gold add, and lists them when refused.
        for command in [["import"], ["gold", "add"]] {
            let refused = try pairwise(command + ["items.jsonl", "--format", "xml"], in: directory)
            #expect(refused.status != 0 && refused.stderr.contains("--format must be one of: auto, jsonl, csv, judgments, hh-rlhf, "), "\(refused.stderr)")
        }
        let judgmentsOnly = try pairwise(["import", "items.jsonl", "--format", "judgments"], in: directory)
        #expect(judgmentsOnly.status != 0 && judgmentsOnly.stderr.contains("a judgments file holds only labels: pass --labels to import them"))
    }

    @Test(arguments: StoreKind.available)
    func aNewAnnotatorReadsTheGuidelinesThenQualifies(_ kind: StoreKind) throws {
        let directory = try project(on: kind)
        let tmux = try Tmux(command: command(directory, "annotate --as alice"))
        // The text is drawn after the heading above it: wait for the text.
        #expect(try tmux.waitFor("Prefer the response that is **harmless**").contains("read these first"))
        try tmux.send("Enter")
        #expect(try tmux.waitFor("1/2 in queue").contains("alice │ 1/2 in queue"))
        var last = ""
        for n in 1...2 {
            for key in ["2", "Tab", "3", "3", "3", "3", "Enter"] { try tmux.send(key) }
            // The count is drawn after the verdict: a capture that holds it holds the verdict (a
            // capture can land while a frame is drawn, top to bottom).
            last = try tmux.waitFor(n == 1 ? "right so far, 1 to go." : "of 2 right")
            #expect(last.contains("Qualification item scored") && last.contains("Expected: "), "\(last)")
            if n == 1 {
                try tmux.send("Enter")
                try tmux.waitFor("2/2 in queue")
            }
        }
        try tmux.send("Enter")
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.3)
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        let alice = try #require(stats["quality"]?["annotators"]?.arrayValue?.first { $0["name"]?.stringValue == "alice" })
        #expect(alice["gold_judged"] == .int(2))
        // The screen told alice what the lead's stats say.
        // A lead gives another round only after a failed one; alice cannot give herself one.
        let retry = try pairwise(["quality", "retry", "alice"], in: directory)
        switch alice["qualification"]?.stringValue {
        case "passed":
            #expect(last.contains("You qualified: "))
            #expect(retry.status != 0 && retry.stderr.contains("alice's qualification is passed ("))
        case "failed":
            #expect(last.contains("not enough to qualify"))
            #expect(retry.stdout == "alice starts a new qualification round of 2 gold items at their next session.\n", "\(retry.stderr)")
            let again = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
            #expect(again["quality"]?["annotators"]?.arrayValue?.first { $0["name"]?.stringValue == "alice" }?["qualification"] == .string("in progress"))
        default: Issue.record("alice's qualification: \(String(describing: alice["qualification"]))")
        }
        if kind == .sqlite {   // (on PostgreSQL the database role says who runs it: PostgresRoleTests)
            let byAlice = try pairwise(["quality", "retry", "alice"], in: directory, environment: ["USER": "alice"])
            #expect(byAlice.status == 77 && byAlice.stderr.contains("a new qualification round is for leads only"), "\(byAlice.stderr)")
        }
        let nobody = try pairwise(["quality", "retry", "nobody"], in: directory)
        #expect(nobody.status == 67 && nobody.stderr.contains("no one named nobody is in this project"))
        #expect(try pairwise(["annotators", "add", "bea"], in: directory).status == 0)
        #expect(try pairwise(["quality", "retry", "bea"], in: directory).stderr == "pairwise: error: bea's qualification is not started: only a failed round is repeated\n")
        #expect(try pairwise(["stats"], in: directory).stdout.contains("Quality control (4 gold items"))
    }
}
