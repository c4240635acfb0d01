import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// A project with the sample data in a temporary directory, and the shell command that
/// runs the binary there.
func sampleProjectDirectory(on kind: StoreKind = .sqlite) throws -> TemporaryDirectory {
    let directory = try TemporaryDirectory("pairwise-tui", on: kind)
    _ = try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory)
    _ = try pairwise(["import", Fixtures.sampleItems], in: directory)
    // People the tests act as (`--as` takes only someone already in the project).
    for name in ["alice", "bob", "carol", "dan", "eve"] { _ = try pairwise(["annotators", "add", name], in: directory) }
    return directory
}

/// The shell command that runs `pairwise ARGUMENTS` on the directory's project.
func command(_ directory: TemporaryDirectory, _ arguments: String) -> String {
    let database = directory.database.map { "PAIRWISE_DB='\($0)' " } ?? ""
    return "cd '\(directory.url.path)' && USER=tester \(database)exec '\(binary.path)' \(arguments)"
}

/// The item id in the title bar (" pairwise · annotate · item ID   ? keys  q quit").
func itemOnScreen(_ screen: String) -> String {
    let title = screen.split(separator: "\n").first.map(String.init) ?? ""
    guard let range = title.range(of: " · item ") else { return "" }
    return String(title[range.upperBound...].prefix { $0 != " " })
}

/// Keys that judge the pair on screen: overall, then helpfulness and correctness.
let judgeKeys = ["3", "Tab", "4", "2", "3", "1", "Enter"]

@Suite(.serialized) struct TUIEndToEndTests {
    @Test(arguments: StoreKind.available)
    func labelSeveralItemsThenExport(_ kind: StoreKind) throws {
        let directory = try sampleProjectDirectory(on: kind)
        let tmux = try Tmux(command: command(directory, "annotate --as alice"))
        #expect(try tmux.waitFor("1/62 in queue").contains("alice │ 1/62 in queue │ 0 done today"))
        for n in 1...3 {
            for key in judgeKeys { try tmux.send(key) }
            #expect(try tmux.waitFor("\(n + 1)/62 in queue").contains("\(n) done today"))
        }
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.3)
        let export = try pairwise(["export", "--format", "judgments"], in: directory)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(export.stderr)")
        #expect(lines.allSatisfy { $0.contains(#""annotator": "alice""#) && $0.contains(#""origin": "tui""#) })
        // Key 3 = first shown slightly better: -1 when A was shown first, +1 when B was.
        #expect(lines.allSatisfy {
            ($0.contains(#""shown_order": "ab""#) && $0.contains(#""preference_strength": -1"#))
                || ($0.contains(#""shown_order": "ba""#) && $0.contains(#""preference_strength": 1"#))
        })
    }

    @Test(arguments: StoreKind.available)
    func killDashNineLosesNoCommittedJudgment(_ kind: StoreKind) throws {
        let directory = try sampleProjectDirectory(on: kind)
        // A lead, whose title bar names the item (an annotator's does not).
        #expect(try pairwise(["annotators", "add", "bob", "--role", "lead"], in: directory).status == 0)
        let tmux = try Tmux(command: command(directory, "annotate --as bob"))
        try tmux.waitFor("1/62 in queue")
        var judged: [String] = []
        for n in 1...3 {
            let screen = try tmux.capture()
            judged.append(itemOnScreen(screen))
            for key in judgeKeys { try tmux.send(key) }
            try tmux.waitFor("\(n + 1)/62 in queue")
        }
        // Half of the fourth judgment, then kill -9.
        try tmux.send("5")
        try tmux.send("Tab")
        Thread.sleep(forTimeInterval: 0.2)
        let pid = try tmux.panePID()
        #expect(pid > 0)
        kill(pid, SIGKILL)
        Thread.sleep(forTimeInterval: 0.3)
        let export = try pairwise(["export", "--format", "judgments"], in: directory)
        let items = export.stdout.split(separator: "\n").map { line -> String in
            let start = line.range(of: #""item_id": ""#)!.upperBound
            return String(line[start...].prefix { $0 != "\"" })
        }
        #expect(Set(items) == Set(judged))
        // Restarting resumes at the next unlabeled item.
        let again = try Tmux(command: command(directory, "annotate --as bob"))
        let screen = try again.waitFor("/59 in queue")
        #expect(screen.contains("bob │ 1/59 in queue │ 3 done today"))
        #expect(!judged.contains(itemOnScreen(screen)))
        try again.send("q")
    }

    @Test func escapeSequencesInDataNeverReachTheTerminal() throws {
        let directory = try TemporaryDirectory("pairwise-tui")
        _ = try pairwise(["init"], in: directory)
        let hostile = #"{"id": "evil", "prompt": "Title: \u001b]2;pwned\u0007 clear: \u001b[2J\u001b[H red: \u001b[31mRED\u001b[0m", "response_a": "bell \u0007 csi \u009b31m tab\there", "response_b": "ok"}"#
        try hostile.write(to: directory.url.appendingPathComponent("evil.jsonl"), atomically: true, encoding: .utf8)
        #expect(try pairwise(["import", "evil.jsonl"], in: directory).status == 0)
        _ = try pairwise(["annotators", "add", "carol"], in: directory)
        let tmux = try Tmux(command: command(directory, "annotate --as carol --no-shuffle"))
        let titleBefore = try tmux.paneTitle()
        let screen = try tmux.waitFor("1/1 in queue")
        #expect(screen.contains("Title: ␛]2;pwned␇ clear: ␛[2J␛[H red: ␛[31mRED␛[0m"))
        #expect(screen.contains("bell ␇ csi \u{FFFD}31m tab here"))
        #expect(try tmux.paneTitle() == titleBefore)
        #expect(!(try tmux.paneTitle()).contains("pwned"))
        try tmux.send("q")
    }

    @Test func resizingRedrawsAndTooSmallSaysSo() throws {
        let directory = try sampleProjectDirectory()
        let tmux = try Tmux(command: command(directory, "annotate --as dan"), columns: 150, rows: 40)
        #expect(try tmux.waitFor("1/62 in queue").contains("│  Second response"))
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "50", "-y", "15"])
        #expect(try tmux.waitFor("Terminal too small").contains("Terminal too small: 50×15."))
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "60", "-y", "20"])
        let small = try tmux.waitFor("dan │ 1/62")
        #expect(small.contains("  Second response"))
        #expect(small.split(separator: "\n").count <= 20)
        try tmux.send("q")
    }

    @Test func colourUnlessNoColorIsSet() throws {
        let directory = try sampleProjectDirectory()
        let coloured = try Tmux(command: "cd '\(directory.url.path)' && exec env -u NO_COLOR USER=tester TERM=xterm-256color '\(binary.path)' annotate --as eve")
        try coloured.waitFor("1/62 in queue")
        let withColour = try coloured.run(["capture-pane", "-p", "-e", "-t", coloured.session])
        #expect(withColour.contains("\u{1B}[36m") || withColour.contains("\u{1B}[46m"))
        let plain = try Tmux(command: "cd '\(directory.url.path)' && exec env USER=tester TERM=xterm-256color NO_COLOR=1 '\(binary.path)' annotate --as eve")
        try plain.waitFor("1/62 in queue")
        let monochrome = try plain.run(["capture-pane", "-p", "-e", "-t", plain.session])
        // Attributes (bold, reverse) but no colour: no SGR 30–49 codes.
        #expect(monochrome.range(of: #"\u{1B}\[([0-9;]*;)?(3|4)[0-9]m"#, options: .regularExpression) == nil)
        #expect(monochrome.contains("\u{1B}[7m") || monochrome.contains("\u{1B}[1m"))
        try coloured.send("q")
        try plain.send("q")
    }

    /// The stats screen's charts are block characters, legible without colour: with
    /// `NO_COLOR` they are drawn the same, and no colour code reaches the terminal.
    @Test func chartsOnTheStatsScreenNeedNoColour() throws {
        let directory = try sampleProjectDirectory()
        let tmux = try Tmux(command: "NO_COLOR=1 LANG=C.UTF-8 TERM=xterm-256color; export NO_COLOR LANG TERM; " + command(directory, "annotate"), columns: 100, rows: 30)
        _ = try tmux.waitFor("1/62 in queue")
        for _ in 1...2 { for key in judgeKeys { try tmux.send(key) } }
        _ = try tmux.waitFor("3/62 in queue")
        try tmux.send("S")
        let screen = try tmux.waitFor("labels per day")
        let today = String(Timestamp.string(Date()).prefix(10))
        #expect(screen.contains(" labels per day (n = 2 labels over 1 day):\n   \(today) ████████████████████████████████████████ 2"))
        let raw = try tmux.run(["capture-pane", "-p", "-e", "-t", tmux.session])
        #expect(raw.range(of: #"\u{1B}\[([0-9;]*;)?(3|4)[0-9]m"#, options: .regularExpression) == nil)
        try tmux.send("q")
    }

    @Test func actingAsALeadNeedsToBeALead() throws {
        let directory = try sampleProjectDirectory()
        _ = try pairwise(["annotators", "add", "boss", "--role", "lead"], in: directory)
        let run = try pairwise(["annotate", "--as", "boss"], in: directory, environment: ["USER": "mallory"])
        #expect(run.status == 77)
        #expect(run.stderr == "pairwise: error: --as boss: acting under another person's name is for leads only (mallory is not a lead of this project)\n")
    }

    @Test func theModelRefitsInTheBackgroundWhileKeysKeepWorking() throws {
        let directory = try sampleProjectDirectory()
        let tmux = try Tmux(command: command(directory, "annotate --as alice --train-interval 1 --train-min-new 2"))
        _ = try tmux.waitFor("1/62 in queue")
        for _ in 1...2 { for key in judgeKeys { try tmux.send(key) } }
        _ = try tmux.waitFor("2 done today")
        // The fit (seconds in a debug build) runs on its own threads: the screen still answers.
        try tmux.send("?")
        // Wait for the help's last line, not its title: a capture can land mid-draw.
        let help = try tmux.waitFor("show or hide this help", seconds: 10)
        #expect(help.contains(" Keys"), "\(help)")
        try tmux.send("Escape")
        let screen = try tmux.waitFor("model: 2 pairs", seconds: 60)
        #expect(screen.contains("alice │ 3/62 in queue │ 2 done today │ median 0 s │ model: 2 pairs"), "\(screen)")
        try tmux.send("q")
    }

    @Test func rubricRatingsFromTheTUIGiveTheModelAttributeHeads() throws {
        let directory = try sampleProjectDirectory()
        let tmux = try Tmux(command: command(directory, "annotate --as alice --no-trainer"))
        _ = try tmux.waitFor("1/62 in queue")
        for n in 1...6 {
            for key in judgeKeys { try tmux.send(key) }
            _ = try tmux.waitFor("\(n) done today")
        }
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.3)
        let train = try pairwise(["train", "--ensemble", "1", "--hash-bits", "10"], in: directory)
        #expect(train.stdout.hasPrefix("run 1: 6 pairs"), "\(train.stdout)\(train.stderr)")
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        // Helpfulness and correctness were rated on 6 items (12 responses); the other
        // per-response dimensions were never rated and get no head.
        #expect(stats["model"]?["heads"]?.arrayValue?.map { $0["dimension"]! } == [.string("correctness"), .string("helpfulness")])
        #expect(stats["model"]?["heads"]?.arrayValue?.map { $0["examples"]! } == [.int(12), .int(12)])
        let scored = try pairwise(["score", Fixtures.sampleItems, "--json"], in: directory)
        let first = try JSONParser.parse(String(scored.stdout.split(separator: "\n")[0]))
        #expect(first["attributes"]?.objectMembers?.map(\.key) == ["correctness", "helpfulness"])
        #expect(first["attributes"]?["helpfulness"]?["a"]?.doubleValue != nil && first["attributes"]?["helpfulness"]?["b"]?.doubleValue != nil)
    }

    @Test func demoOpensTheTUIOnTheEmbeddedSampleData() throws {
        let directory = try TemporaryDirectory("pairwise-tui")
        let tmux = try Tmux(command: "cd '\(directory.url.path)' && exec env USER=demo '\(binary.path)' demo")
        // The sample guidelines first, then the queue.
        #expect(try tmux.waitFor(all: ["Guidelines, version 1", "How to judge a pair", "`i` shows these guidelines again."]).contains("Length is not quality"))
        try tmux.send("Enter")
        let screen = try tmux.waitFor("1/65 in queue")
        #expect(screen.contains("demo │ 1/65 in queue │ 0 done today"))
        #expect(screen.contains("Helpfulness *"))
        // The sample data ends with items to rank.
        for key in [":", "goto rank-001", "Enter"] { try tmux.send(key) }
        try tmux.waitFor("item rank-001")
        #expect(try tmux.waitFor("Ranking (best first)").contains("h l: another response"))
        try tmux.send("q")
    }
}

@Suite(.serialized) struct ReviewEndToEndTests {
    /// The sample project, half judged by five simulated annotators; the person running
    /// `init` (USER=tester) is its lead.
    func simulatedProject(on kind: StoreKind = .sqlite) throws -> TemporaryDirectory {
        let directory = try sampleProjectDirectory(on: kind)
        let run = try pairwise(["simulate", "--annotators", "5", "--overlap", "3", "--noise", "0.3", "--share", "0.5", "--seed", "4"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        return directory
    }

    /// Final preference "first better", the two required rubric dimensions, Enter.
    let decideKeys = ["2", "Tab", "3", "1", "4", "2", "Enter"]

    @Test(arguments: StoreKind.available)
    func aLeadGoesFromSimulatedDisagreementsToAnAdjudicatedExport(_ kind: StoreKind) throws {
        let directory = try simulatedProject(on: kind)
        let tmux = try Tmux(command: command(directory, "review"), columns: 150, rows: 45)
        var screen = try tmux.waitFor("to review")
        let total = try #require(screen.range(of: #"1/(\d+) to review"#, options: .regularExpression).map { String(screen[$0].dropFirst(2).prefix { $0.isNumber }) }.flatMap(Int.init))
        #expect(total >= 3)
        #expect(screen.contains("names hidden, N reveals"))
        #expect(!screen.contains("sim1") && !screen.contains("sim2") && !screen.contains("sim3"), "names are hidden")
        try tmux.send("N")
        screen = try tmux.waitFor("N hides names")
        #expect(screen.range(of: #"sim[1-5]  ·"#, options: .regularExpression) != nil)

        // Decide the first two items: first response better, reasons "annotator error" and "ambiguous".
        var decided: [String] = []
        for (n, reason) in ["3", "1"].enumerated() {
            let item = itemOnScreen(try tmux.capture())
            for key in decideKeys { try tmux.send(key) }
            _ = try tmux.waitFor("Reason: 1 ambiguous")
            try tmux.send(reason)
            screen = try tmux.waitFor("\(n + 1) decided")
            #expect(screen.contains("1/\(total - n - 1) to review"))
            decided.append(item)
        }
        // Decide a third, then take it back with u: it returns to the list.
        let third = itemOnScreen(screen)
        for key in decideKeys { try tmux.send(key) }
        try tmux.send("5")
        _ = try tmux.waitFor("3 decided")
        try tmux.send("u")
        screen = try tmux.waitFor(all: ["Undone: your last decision is retracted.", "2 decided"])
        #expect(itemOnScreen(screen) == third)
        #expect(screen.contains("2 decided"))
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.3)

        // The export of adjudicated items holds exactly the two decisions, A chosen.
        let export = try pairwise(["export", "--format", "trl", "--only", "adjudicated"], in: directory)
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(lines.map { $0["id"]!.stringValue! }.sorted() == decided.sorted())
        for line in lines {
            #expect(line["label_source"] == .string("adjudicated"))
            #expect(line["margin"] == .double(2))
            #expect(line["judgments"] == .int(3))
        }
        // Each adjudicated item's chosen response is its stored A.
        let items = try String(contentsOfFile: Fixtures.sampleItems, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        for line in lines {
            let item = try #require(items.first { $0["id"] == line["id"] })
            #expect(line["chosen"] == item["response_a"] || line["chosen"]?.arrayValue?.first?["content"] == item["response_a"])
        }
    }

    @Test func reviewIsForLeadsOnly() throws {
        let directory = try simulatedProject()
        _ = try pairwise(["annotators", "add", "ann"], in: directory)
        let refused = try pairwise(["review"], in: directory, environment: ["USER": "ann"])
        #expect(refused.status == 77)
        #expect(refused.stderr == "pairwise: error: review shows and decides other people's judgments: only a lead may open it (ann is not a lead)\n")
        let asLead = try pairwise(["review", "--as", "tester"], in: directory, environment: ["USER": "ann"])
        #expect(asLead.status == 77)
        #expect(asLead.stderr == "pairwise: error: --as tester: acting under another person's name is for leads only (ann is not a lead of this project)\n")
        // In the TUI, an annotator's S (the stats screen, which names people) is refused.
        let tmux = try Tmux(command: "cd '\(directory.url.path)' && exec env USER=ann '\(binary.path)' annotate --no-trainer")
        _ = try tmux.waitFor("in queue")
        try tmux.send("S")
        #expect(try tmux.waitFor("leads only").contains("The stats screen shows other people's names: leads only."))
        try tmux.send("q")
    }

    @Test func demoSimulatedOpensTheReviewScreen() throws {
        let directory = try TemporaryDirectory("pairwise-tui")
        let tmux = try Tmux(command: "cd '\(directory.url.path)' && exec env USER=demo '\(binary.path)' demo --simulated", columns: 150, rows: 45)
        let screen = try tmux.waitFor("to review")
        #expect(screen.contains("pairwise · review · item"))
        #expect(screen.contains("demo │ 1/"))
        #expect(screen.contains("Judgments (3, names hidden, N reveals)"))
        try tmux.send("q")
    }
}
