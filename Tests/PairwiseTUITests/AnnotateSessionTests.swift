import Foundation
import GRDB
import PairwiseCore
import PairwiseStats
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import PairwiseWorkflow
import Testing

/// A sample project with overlap 2, and keys typed into sessions on it.
func sampleProject(_ directory: TemporaryDirectory, overlap: Int = 2) throws -> ProjectStore {
    let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: try RubricFile.load(path: Fixtures.sampleRubric), lead: "lead")
    try store.sqlitePool().write { try $0.execute(sql: "UPDATE settings SET value = ? WHERE key = 'overlap'", arguments: [String(overlap)]) }
    _ = try store.importFiles([Fixtures.sampleItems], options: ImportOptions())
    return store
}

/// Judges the pair on screen: overall key, then helpfulness and correctness for both.
func judge(_ session: AnnotateSession, overall: Character = "3") {
    for key in [Key.character(overall), .tab, .character("4"), .character("2"), .character("3"), .character("1"), .enter] {
        session.handle(key)
    }
}

func liveJudgments(_ store: ProjectStore, annotator: String) throws -> [String] {
    try store.sqlitePool().read { db in
        try String.fetchAll(db, sql: """
            SELECT i.external_id FROM current_judgments j JOIN items i ON i.id = j.item_id JOIN annotators p ON p.id = j.annotator_id
            WHERE p.name = ? ORDER BY j.id
            """, arguments: [annotator])
    }
}

@Suite struct AnnotateSessionTests {
    @Test func submitUndoAndSkipWorkOnTheDatabase() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        #expect(session.state.queueCount == 62 && session.state.position == 1)
        let first = try #require(session.state.pair?.item.id)
        judge(session)
        let second = try #require(session.state.pair?.item.id)
        #expect(second != first)
        #expect(session.state.position == 2 && session.state.doneToday == 1)
        #expect(try liveJudgments(store, annotator: "ann") == [first])

        // Undo: the judgment is retracted by a new row and the item comes back.
        session.handle(.character("u"))
        #expect(session.state.pair?.item.id == first)
        // Back at its place with the values given (judge: overall 3, helpfulness 4/2, correctness 3/1).
        #expect(session.state.position == 1 && session.state.queueCount == 62)
        #expect(session.state.preference == 3)
        #expect(session.state.entries["helpfulness"] == .perResponse(first: 4, second: 2))
        #expect(session.state.entries["correctness"] == .perResponse(first: 3, second: 1))
        #expect(try liveJudgments(store, annotator: "ann") == [])
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM judgments") } == 1)
        #expect(session.state.doneToday == 0)

        // Skip: it goes to the end of the queue and is recorded.
        session.handle(.character("s"))
        #expect(session.state.pair?.item.id == second)
        #expect(try store.sqlitePool().read { try String.fetchOne($0, sql: "SELECT kind FROM item_events") } == "skip")
        let reopened = try AnnotateSession(store: store, annotator: "ann")
        #expect(reopened.state.pair?.item.id == second)
    }

    /// "Done today" counts items whose standing label was made today, as the store does:
    /// revising a pair twice is still one item, and undoing a revision leaves it one.
    @Test func doneTodayCountsItemsNotSubmitsThroughRevisionsAndUndo() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        let first = try #require(session.state.pair?.item.id)
        judge(session)
        for overall in ["5", "1"] as [Character] {
            session.handle(.character(":"))
            for c in "goto \(first)" { session.handle(.character(c)) }
            session.handle(.enter)
            #expect(session.state.pair?.item.id == first)
            judge(session, overall: overall)
        }
        let ann = try store.person("ann").id
        #expect(session.state.doneToday == 1)
        #expect(try store.figures(annotatorID: ann).doneToday == 1)
        judge(session)
        #expect(session.state.doneToday == 2)
        session.handle(.character("u"))
        session.handle(.character("u"))
        #expect(session.state.doneToday == 1)
        #expect(try store.figures(annotatorID: ann).doneToday == 1)
    }

    @Test func theQueueIsStablePerAnnotatorAndRespectsTheOverlap() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory, overlap: 2)
        let ann = try AnnotateSession(store: store, annotator: "ann")
        let again = try AnnotateSession(store: store, annotator: "ann")
        let bo = try AnnotateSession(store: store, annotator: "bo")
        #expect(ann.state.pair?.item.id == again.state.pair?.item.id)
        // ann and bo judge the same item: it is then full (overlap 2) and leaves cy's queue.
        let target = try #require(ann.state.pair?.item.id)
        judge(ann)
        bo.handle(.character(":"))
        for c in "goto \(target)" { bo.handle(.character(c)) }
        bo.handle(.enter)
        #expect(bo.state.pair?.item.id == target)
        judge(bo, overall: "5")
        let cy = try AnnotateSession(store: store, annotator: "cy")
        #expect(cy.state.queueCount == 61)
        let status = try store.status()
        #expect(status.itemsNeedingLabels == 61)
        // Asked for by id, the full item is refused to an annotator, who stays on their pair
        // (still theirs), and opened for a lead, who may go past the overlap.
        let before = try #require(cy.state.pair?.item.id)
        cy.handle(.character(":"))
        for c in "goto \(target)" { cy.handle(.character(c)) }
        cy.handle(.enter)
        #expect(cy.state.message == "That item is full: it has the 2 annotators it needs (a lead may go past that).")
        #expect(cy.state.pair?.item.id == before)
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item_leases l JOIN annotators p ON p.id = l.annotator_id WHERE p.name = 'cy'") } == 1)
        try store.addAnnotator("lena", role: .lead)
        let lena = try AnnotateSession(store: store, annotator: "lena")
        lena.handle(.character(":"))
        for c in "goto \(target)" { lena.handle(.character(c)) }
        lena.handle(.enter)
        #expect(lena.state.pair?.item.id == target)
    }

    /// A pair that fills up while on someone's screen (their lease ran out, others judged it):
    /// their submit is refused with a sentence and the next pair comes; the overlap holds.
    @Test func aPairThatFilledUpOnScreenIsNotJudgedPastTheOverlap() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory, overlap: 1)
        let bo = try AnnotateSession(store: store, annotator: "bo")
        let target = try #require(bo.state.pair?.rowID)
        let ann = try store.person("ann").id
        try store.releaseLeases(annotatorID: try store.person("bo").id)
        try store.submit(JudgmentDraft(strength: PreferenceStrength(1)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 0),
                         itemID: target, annotatorID: ann)
        judge(bo)
        #expect(bo.state.message == "Not saved: that item filled up while it was on your screen: it has the annotators it needs (1). Here is the next one.")
        #expect(bo.state.pair?.rowID != target && bo.state.pair != nil)
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM judgments WHERE item_id = ?", arguments: [target]) } == 1)
    }

    /// The context is on screen when an item opens: a short conversation whole (demo
    /// chat-001 once opened at "3–8 of 8", its first question hidden); a long one at the end
    /// of its last turn (the question), its system turn in the prompt's title (a real
    /// LLaMA-Factory record, at 100×30).
    @Test func theContextIsOnScreenWhenAnItemOpens() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        _ = try store.importFiles([Fixtures.realFormat("llamafactory-dpo_en_demo.json")], options: ImportOptions())
        let session = try AnnotateSession(store: store, annotator: "ann")
        func open(_ rowID: Int64) -> String {
            session.handle(.character(":"))
            for c in "goto \(try! store.item(rowID: rowID)!.id)" { session.handle(.character(c)) }
            session.handle(.enter)
            return session.render(rows: 30, columns: 100).text
        }
        let chat = open(try #require(try store.itemRowID(externalID: "chat-001")))
        #expect(chat.contains("I'm planning a trip to Lisbon.") && chat.contains("Three days. What should I not miss?"), "\(chat)")
        let all = Set(try store.queue(annotatorID: try store.person("ann").id, overlap: 5, seed: 1))
        let withSystem = try store.itemsContaining("Think like you are answering to a five year old", among: all).sorted()
        #expect(withSystem.count >= 10)
        var pinned = 0
        for rowID in withSystem {
            let screen = open(rowID)
            let flat = screen.replacingOccurrences(of: "│", with: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard case .chat(let turns) = try #require(try store.item(rowID: rowID)).prompt else { Issue.record("not a conversation"); continue }
            // The system turn's start: in the panel, or pinned at its top when the rest scrolls.
            let start = turns[0].content.split(whereSeparator: \.isWhitespace).prefix(8).joined(separator: " ")
            if flat.contains("system: " + start) { pinned += 1 }
            #expect(flat.contains(start), "\(screen)")
            // The end of the last user turn (its question).
            let last = turns.last!.content.split(whereSeparator: \.isWhitespace).suffix(2).joined(separator: " ")
            #expect(flat.contains(last), "\(last)\n\(screen)")
        }
        #expect(pinned >= 1, "some prompt is longer than its panel")
    }

    @Test func twoAnnotatorsWritingAtOnceLoseNothing() async throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory, overlap: 3)
        // Separate pools, as separate processes would have.
        let path = store.path
        await withTaskGroup(of: Void.self) { group in
            for name in ["ann", "bo"] {
                group.addTask {
                    let own = try! ProjectStore.open(at: path)
                    let session = try! AnnotateSession(store: own, annotator: name)
                    for _ in 0..<25 { judge(session) }
                }
            }
        }
        #expect(try liveJudgments(store, annotator: "ann").count == 25)
        #expect(try liveJudgments(store, annotator: "bo").count == 25)
    }

    @Test func aQuickSubmitOnALongPairGetsAGentleWarning() throws {
        let directory = try TemporaryDirectory()
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        let long = String(repeating: "A long and careful answer. ", count: 80)
        try """
            {"id": "long", "prompt": "p", "response_a": "\(long)", "response_b": "\(long)!"}
            {"id": "short", "prompt": "q", "response_a": "yes", "response_b": "no"}
            """.write(toFile: directory.path("items.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions())
        let session = try AnnotateSession(store: store, annotator: "ann")
        session.handle(.character(":"))
        for c in "goto long" { session.handle(.character(c)) }
        session.handle(.enter)
        session.handle(.character("4"))
        session.handle(.enter)
        #expect(session.state.message?.hasPrefix("Saved. That was quick (0.0 s) for a long pair") == true)
        session.handle(.character("4"))
        session.handle(.enter)
        #expect(session.state.message == "Saved.")
    }

    @Test func leadsOpenTheStatsScreenAndAnnotatorsAreToldNo() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let ann = try AnnotateSession(store: store, annotator: "ann")
        judge(ann)
        ann.handle(.character("S"))
        #expect(ann.state.page == nil)
        #expect(ann.state.message == "The stats screen shows other people's names: leads only.")
        let lead = try AnnotateSession(store: store, annotator: "lead")
        lead.handle(.character("S"))
        let grid = lead.render(rows: 40, columns: 100)
        #expect(grid.text(row: 1).hasPrefix("▸ Project statistics"))
        #expect(grid.text(row: 2) == " 1 judgment on 1 item")
        #expect(grid.text.contains(" ann                   1       0.0  n/a"))
        lead.handle(.escape)
        #expect(lead.state.page == nil)
        // Back on the pair (whose prompt may be long enough to show a scroll position).
        #expect(lead.render(rows: 40, columns: 100).text(row: 1).hasPrefix("  Prompt"))
    }

    @Test func theStatusLineShowsTheProjectsAgreement() throws {
        let directory = try TemporaryDirectory()
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        // ann: A, B, tie; bo: A, A, tie.
        for (name, strengths) in [("ann", [-2, 1, 0]), ("bo", [-1, -3, 0])] {
            let lines = strengths.enumerated().map { #"{"prompt": "p\#($0.offset)", "response_1": "a", "response_2": "b", "preference_strength": \#($0.element)}"# }
            try lines.joined(separator: "\n").write(toFile: directory.path("\(name).jsonl"), atomically: true, encoding: .utf8)
            _ = try store.importFiles([directory.path("\(name).jsonl")], options: ImportOptions(labelsAs: name))
        }
        let session = try AnnotateSession(store: store, annotator: "cy")
        session.waitForBackgroundResults()
        // krippendorff.alpha([[A, B, tie], [A, A, tie]], nominal) = 0.5454545454545454
        #expect(session.state.extraStatus == "agreement α 0.55")
        #expect(session.render(rows: 24, columns: 100).text(row: 23).hasSuffix("│ agreement α 0.55"))
    }

    @Test func onceAModelExistsTheMostUncertainPairsComeFirst() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        // Before any model: bo's first pair in the seeded shuffle.
        let boShuffledFirst = try #require(try AnnotateSession(store: store, annotator: "bo").state.pair?.item.id)
        let ids = ["math-003", "code-002", "intl-001"]
        let rows = try ids.map { try #require(try store.itemRowID(externalID: $0)) }
        let run = try store.startModelRun(lastJudgmentID: 0)
        try store.finishModelRun(run, metrics: ModelRunMetrics(pairs: 12, accuracy: 0.7, logLoss: 0.6, calibrationError: 0.05,
                                                               trainSeconds: 1, parameters: .object(["held_out_pairs": .int(3)])),
                                 weights: [0], scores: zip(rows, [0.9, 0.5, 0.7]).map {
                                     ItemScore(itemRowID: $0, rewardA: 0, rewardB: 0, margin: 0, uncertainty: $1)
                                 })
        let session = try AnnotateSession(store: store, annotator: "ann")
        var order: [String] = []
        for _ in 0..<3 { order.append(session.state.pair!.item.id); session.handle(.character("s")) }
        #expect(order == ["math-003", "intl-001", "code-002"])
        // Three held-out pairs give no accuracy worth showing; forty do.
        #expect(session.state.extraStatus == "model: 12 pairs, too few held out for an accuracy")
        let big = try store.startModelRun(lastJudgmentID: 0)
        try store.finishModelRun(big, metrics: ModelRunMetrics(pairs: 200, accuracy: 0.7, logLoss: 0.6, calibrationError: 0.05,
                                                               trainSeconds: 1, parameters: .object(["held_out_pairs": .int(40)])),
                                 weights: [0], scores: zip(rows, [0.9, 0.5, 0.7]).map {
                                     ItemScore(itemRowID: $0, rewardA: 0, rewardB: 0, margin: 0, uncertainty: $1)
                                 })
        #expect(try AnnotateSession(store: store, annotator: "cy").state.extraStatus == "model acc 0.70 (200 pairs, 40 held out)")
        // --order shuffled keeps the shuffle; the default now follows the model.
        #expect(try AnnotateSession(store: store, annotator: "bo", options: .init(order: .shuffled)).state.pair?.item.id == boShuffledFirst)
        #expect(try AnnotateSession(store: store, annotator: "bo").state.pair?.item.id == "math-003")
    }

    /// At many open items the first pair comes from the queue's start while the whole queue is
    /// planned behind it: what the annotator sees, pair by pair (position and queue length
    /// included, gold mixed in, a skip and an undo on the way), is what the whole queue shows.
    @Test func aFirstScreenFromTheQueuesStartShowsWhatTheWholeQueueShows() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.hhRLHFRecords(1_200, into: directory.path("items.jsonl"))
        try Fixtures.hhRLHFRecords(40, from: 1_200, into: directory.path("gold.jsonl"))
        func project(_ name: String) throws -> ProjectStore {
            let store = try ProjectStore.create(at: directory.path(name), rubric: Rubric(name: "overall", dimensions: []), lead: "lead")
            try store.setOverlap(2)
            try store.sqlitePool().write { try $0.execute(sql: "UPDATE settings SET value = '7' WHERE key = 'seed'") }
            _ = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions())
            _ = try store.importFiles([directory.path("gold.jsonl")], options: ImportOptions(destination: .gold))
            try store.setQualitySetting("gold_rate", "0.2")
            return store
        }
        func walk(_ session: AnnotateSession) -> [String] {
            var seen: [String] = []
            for step in 0..<150 {
                seen.append("\(session.state.pair?.item.id ?? "-") \(session.state.position)/\(session.state.queueCount)")
                switch step {
                case 3: session.handle(.character("s"))
                case 90: session.handle(.character("u"))
                default: for key in [Key.character("3"), .enter] { session.handle(key) }
                }
            }
            return seen
        }
        let early = try project("early.sqlite"), whole = try project("whole.sqlite")
        // The start is there to be had (and taken: nothing stops the session from using it).
        let planner = QueuePlanner(store: early, annotatorID: try early.person("ann").id, annotator: "ann", isLead: false, overlap: 2, seed: 7, order: nil)
        #expect(try planner.start(quality: early.qualitySettings(), minimumOpen: 0)?.plan.items.count ?? 0 >= 64)
        let shown = walk(try AnnotateSession(store: early, annotator: "ann", options: .init(firstScreenBeforeQueue: 0)))
        let wholeShown = walk(try AnnotateSession(store: whole, annotator: "ann", options: .init(firstScreenBeforeQueue: .max)))
        let step = zip(shown, wholeShown).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? 0
        #expect(shown == wholeShown, "step \(step): \(shown[max(0, step - 2)...min(step + 2, shown.count - 1)]) against \(wholeShown[max(0, step - 2)...min(step + 2, wholeShown.count - 1)])")
        // The undo brings back the pair before it (and then the one after it again).
        #expect(Set(shown).count == 148 && shown.last == "\(shown.last!.prefix(16)) 147/1240")
    }

    @Test func theStatusLineShowsPositionTodayAndMedian() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        judge(session)
        let grid = session.render(rows: 30, columns: 100)
        #expect(grid.text(row: 29).hasPrefix(" ann │ 2/62 in queue │ 1 done today │ median 0 s"))
        // (A long first pair adds the quick-submit warning after "Saved.".)
        #expect(grid.text(row: 28).hasPrefix(" Saved."))
    }
}

@Suite struct StatusLineAgreementTests {
    /// The status line's α, from per-item direction counts kept in SQLite, is the project
    /// statistics' α on the direction (checked against the reference packages elsewhere).
    @Test func directionCountsGiveTheStatisticsAlpha() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        var random = SplitMix64(seed: 7)
        try store.sqlitePool().write { db in
            for name in ["x", "y", "z"] {
                try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES (?, 'annotator', 'x')", arguments: [name])
            }
            for item in try Int64.fetchAll(db, sql: "SELECT id FROM items") {
                for annotator in try Int64.fetchAll(db, sql: "SELECT id FROM annotators WHERE name IN ('x', 'y', 'z')") where random.next() % 4 != 0 {
                    try db.execute(sql: """
                        INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                        VALUES (?, ?, ?, 0, 'ab', 0, 'x', 'tui')
                        """, arguments: [item, annotator, Int(random.next() % 7) - 3])
                }
            }
        }
        let fromCounts = try #require(ProjectStatistics.directionAlpha(counts: try store.directionCounts()))
        let statistics = ProjectStatistics(judgments: try store.currentJudgments(), rubric: try store.rubric())
        let reference = try #require(statistics.direction.krippendorffAlpha)
        #expect(abs(fromCounts - reference) < 1e-12, "\(fromCounts) vs \(reference)")
    }
}
