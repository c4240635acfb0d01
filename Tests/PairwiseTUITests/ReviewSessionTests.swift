import Foundation
import GRDB
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

@Suite struct ReviewSessionTests {
    /// ann and bo disagree on math-003 and code-002 and agree on intl-001; cy flags intl-001.
    func contestedProject(_ directory: TemporaryDirectory) throws -> ProjectStore {
        let store = try sampleProject(directory)
        try store.sqlitePool().write { db in
            try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'annotator', 'x'), ('bo', 'annotator', 'x'), ('cy', 'annotator', 'x')")
            for (item, who, strength, note) in [("math-003", "ann", -3, "clearly first"), ("math-003", "bo", 2, nil), ("code-002", "ann", -1, nil),
                                                ("code-002", "bo", 1, nil), ("intl-001", "ann", 1, nil), ("intl-001", "bo", 1, nil)] {
                try db.execute(sql: """
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, note, shown_order, ms, created_at, origin)
                    SELECT i.id, p.id, ?, 0, '{"helpfulness": {"a": 3, "b": 1}}', ?, 'ab', 12000, '2026-11-23T00:00:00.000Z', 'tui'
                    FROM items i, annotators p WHERE i.external_id = ? AND p.name = ?
                    """, arguments: [strength, note, item, who])
            }
            try db.execute(sql: """
                INSERT INTO item_events (item_id, annotator_id, kind, reason, created_at)
                SELECT i.id, p.id, 'flag', 'prompt is ambiguous', 'x' FROM items i, annotators p WHERE i.external_id = 'intl-001' AND p.name = 'cy'
                """)
        }
        return store
    }

    func decide(_ session: ReviewSession, reason: Character) {
        for key in [Key.character("2"), .tab, .character("3"), .character("1"), .character("4"), .character("2"), .enter, .character(reason)] {
            session.handle(key)
        }
    }

    /// At 80×24 the responses keep room to read (they had 3 rows each): the judgments take
    /// three rows, the responses at least 5 rows of text each.
    @Test func reviewAt80x24LeavesTheResponsesRoom() throws {
        let directory = try TemporaryDirectory()
        let store = try contestedProject(directory)
        // A third judgment, and a prompt and responses of many lines.
        try store.sqlitePool().write { db in
            try db.execute(sql: """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                SELECT i.id, p.id, 1, 0, '{}', 'ab', 9000, '2026-11-23T00:00:00.000Z', 'tui' FROM items i, annotators p
                WHERE i.external_id = 'math-003' AND p.name = 'cy'
                """)
            try db.execute(sql: "UPDATE items SET prompt = ? WHERE external_id = 'math-003'",
                           arguments: [JSONWriter.string(.string((1...12).map { "Line \($0) of a long question about the numbers." }.joined(separator: "\n")))])
            try db.execute(sql: "UPDATE responses SET text = ? WHERE item_id = (SELECT id FROM items WHERE external_id = 'math-003')",
                           arguments: [(1...30).map { "Step \($0) of a long answer." }.joined(separator: "\n")])
        }
        let session = try ReviewSession(store: store, lead: "lead")
        for key in [Key.character(":")] + "goto math-003".map({ Key.character($0) }) + [.enter] { session.handle(key) }
        #expect(session.state.pair?.item.id == "math-003")
        let rows = session.render(rows: 24, columns: 80).text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try #require(rows.firstIndex { $0.contains("First response") })
        let second = try #require(rows.firstIndex { $0.contains("Second response") })
        let judgments = try #require(rows.firstIndex { $0.hasPrefix("  Judgments (3") }, "\(rows.joined(separator: "\n"))")
        #expect(second - first - 1 >= 5 && judgments - second - 1 >= 5, "\(rows.joined(separator: "\n"))")
        #expect(rows.contains { $0.hasPrefix("  Annotator 2  ·") }, "both judgments still listed")
    }

    @Test func listsDecidesUndoesAndFilters() throws {
        let directory = try TemporaryDirectory()
        let store = try contestedProject(directory)
        let session = try ReviewSession(store: store, lead: "lead")
        #expect(session.state.pair?.item.id == "math-003")
        #expect(session.state.queueCount == 3)
        let grid = session.render(rows: 40, columns: 120)
        let text = (0..<40).map { grid.text(row: $0) }
        #expect(text.contains { $0.hasPrefix("  Judgments (2, names hidden, N reveals) · direction split (agreement 0.00), strengths −3…+2") })
        #expect(text.contains { $0.hasPrefix("  Annotator 1  ·  first much better (−3)  ·  helpfulness 3/1  ·  12 s  ·  note: clearly first") })
        #expect(text.contains { $0.hasPrefix("  Annotator 2  ·  second better (+2)  ·  helpfulness 3/1  ·  12 s") })
        #expect(text[39].hasPrefix(" lead │ 1/3 to review │ 0 decided"))
        session.handle(.character("h"))
        #expect(!(0..<40).map { session.render(rows: 40, columns: 120).text(row: $0) }.contains { $0.hasPrefix("  ann  ·") })
        session.handle(.character("N"))
        #expect((0..<40).map { session.render(rows: 40, columns: 120).text(row: $0) }.contains { $0.hasPrefix("  ann  ·  first much better") })

        // Enter asks for the reason; 3 = annotator error records the adjudication.
        decide(session, reason: "3")
        #expect(session.state.pair?.item.id == "code-002")
        let math = try #require(try store.itemRowID(externalID: "math-003"))
        let adjudication = try #require(try store.currentAdjudication(itemRowID: math))
        #expect(adjudication.strength.value == -2 && adjudication.reason == .annotatorError && adjudication.lead == "lead")
        #expect(adjudication.rubric == ["helpfulness": .perResponse(a: 3, b: 1), "correctness": .perResponse(a: 4, b: 2)])

        // u retracts it: math-003 is back, with no current adjudication.
        session.handle(.character("u"))
        #expect(session.state.pair?.item.id == "math-003")
        #expect(try store.currentAdjudication(itemRowID: math) == nil)
        #expect(session.state.message == "Undone: your last decision is retracted.")

        // Filters from the command line.
        for key in ":filter flagged".map({ Key.character($0) }) + [.enter] { session.handle(key) }
        #expect(session.state.pair?.item.id == "intl-001")
        #expect(session.state.queueCount == 1)
        #expect(session.state.review?.why == "flagged ×1: prompt is ambiguous")
        for key in ":filter".map({ Key.character($0) }) + [.enter] { session.handle(key) }
        #expect(session.state.queueCount == 3)
    }

    /// `:gold` makes the item on screen gold: the values set are its expected answer, the
    /// note its explanation; it leaves the contested list.
    @Test func aLeadMarksAnItemGoldInReview() throws {
        let directory = try TemporaryDirectory()
        let store = try contestedProject(directory)
        let session = try ReviewSession(store: store, lead: "lead")
        #expect(session.state.pair?.item.id == "math-003")
        for key in [Key.character("6"), .tab, .character("3"), .character("1"), .character("4"), .character("2"), .character("n")]
            + "B states the rule".map({ Key.character($0) }) + [.enter] + ":gold".map({ Key.character($0) }) + [.enter] {
            session.handle(key)
        }
        #expect(session.state.message == "Marked gold: annotators get it among their items and are scored on it; it leaves agreement and exports.")
        #expect(try store.goldItems().map(\.itemID) == ["math-003"])
        let answer = try #require(try store.goldItems().first?.answer)
        #expect(answer.strength == 2 && !answer.bothBad && answer.explanation == "B states the rule")
        #expect(session.state.pair?.item.id == "code-002" && session.state.queueCount == 2)
        #expect(try ReviewSession(store: store, lead: "lead").state.queueCount == 2)
        // Half-made values are refused with the reason, as Enter refuses them.
        for key in ":gold".map({ Key.character($0) }) + [.enter] { session.handle(key) }
        let goldCount = try store.goldItems().count
        #expect(session.state.messageIsError && goldCount == 1)
    }

    /// The mouse works in review as in annotate: a click on a scale point sets the final
    /// preference or a value, a click on a panel focuses it, the wheel scrolls; the decision
    /// made with it is recorded. Cells found in the rendered text.
    @Test func aLeadDecidesWithTheMouse() throws {
        let directory = try TemporaryDirectory()
        let store = try contestedProject(directory)
        let session = try ReviewSession(store: store, lead: "lead")
        let rows = { (0..<40).map { session.render(rows: 40, columns: 120).text(row: $0) } }
        var text = rows()
        func column(_ row: Int, _ needle: String, backwards: Bool = false) throws -> Int {
            let range = try #require(text[row].range(of: needle, options: backwards ? .backwards : []))
            return text[row].distance(from: text[row].startIndex, to: range.lowerBound)
        }
        let overall = try #require(text.firstIndex { $0.hasPrefix("▸ Overall *") })
        session.handle(.mouse(row: overall, column: try column(overall, " 5 ") + 1, action: .click))
        #expect(session.state.preference == 5)
        text = rows()
        let helpfulness = try #require(text.firstIndex { $0.hasPrefix("  Helpfulness") })
        session.handle(.mouse(row: helpfulness, column: try column(helpfulness, " 4 ") + 1, action: .click))      // first's 4
        session.handle(.mouse(row: helpfulness, column: try column(helpfulness, " 0 ", backwards: true) + 1, action: .click))   // second's 0
        #expect(session.state.entries["helpfulness"] == .perResponse(first: 4, second: 0))
        text = rows()
        let header = try #require(text.firstIndex { $0.contains("Second response") })
        session.handle(.mouse(row: header + 1, column: try column(header, "Second response"), action: .click))
        #expect(session.state.focusedPanel == .second)
        session.handle(.mouse(row: header + 1, column: 5, action: .wheelDown))
        #expect(session.state.focusedPanel == .first)
        // Nothing under the pointer, or a page open: no effect.
        session.handle(.mouse(row: 0, column: 0, action: .click))
        session.handle(.character("?"))
        session.handle(.mouse(row: overall, column: try column(overall, " 7 ") + 1, action: .click))
        #expect(session.state.preference == 5)
        session.handle(.character("?"))
        // Correctness is required too: typed, on the row the clicks left in focus.
        #expect(session.state.focusedRow == 2)
        for key in [Key.character("4"), .character("2"), .enter, .character("3")] { session.handle(key) }
        #expect(session.state.message?.hasPrefix("Decided") == true, "\(session.state.message ?? "")")
        let math = try #require(try store.itemRowID(externalID: "math-003"))
        let adjudication = try #require(try store.currentAdjudication(itemRowID: math))
        #expect(adjudication.strength.value == 1 && adjudication.rubric == ["helpfulness": .perResponse(a: 4, b: 0), "correctness": .perResponse(a: 4, b: 2)])
    }

    /// In a large project review shows the first contested pair before the whole list is made:
    /// that pair is the list's first entry (why it is listed included: its flag, the model's
    /// word), its length shown once known; then the list is the whole list, entry by entry.
    @Test func theFirstPairBeforeTheListIsTheListsFirst() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        var random = SplitMix64(seed: 41)
        let items = try store.sqlitePool().read { try Int64.fetchAll($0, sql: "SELECT id FROM items ORDER BY id") }
        try store.sqlitePool().write { db in
            try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'annotator', 'x'), ('bo', 'annotator', 'x'), ('cy', 'annotator', 'x')")
            for item in items {
                for who in ["ann", "bo", "cy"] where random.next() % 5 != 0 {
                    try db.execute(sql: """
                        INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                        SELECT ?, p.id, ?, 0, '{}', 'ab', 9000, '2026-11-23T00:00:00.000Z', 'tui' FROM annotators p WHERE p.name = ?
                        """, arguments: [item, Int(random.next() % 7) - 3, who])
                }
            }
        }
        // The model sure of the first response everywhere: it contradicts every label for the second.
        let run = try store.startModelRun(lastJudgmentID: 0)
        try store.finishModelRun(run, metrics: ModelRunMetrics(pairs: 100, accuracy: 0.7, logLoss: 0.6, calibrationError: 0.05, trainSeconds: 1, parameters: .object([])),
                                 weights: [0], scores: items.map { ItemScore(itemRowID: $0, rewardA: 2, rewardB: -2, margin: -4, uncertainty: 0.1) })
        let lead = try store.person("lead").id
        // The list's first two pairs decided and made gold (they leave it), the next flagged.
        func firstListed() throws -> Int64 { try #require(try ReviewSession(store: store, lead: "lead", firstScreenBeforeList: .max).state.pair?.rowID) }
        let answer = JudgmentDraft(strength: PreferenceStrength(2)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 0)
        try store.adjudicate(itemRowID: try firstListed(), leadID: lead, draft: answer, reason: .other)
        try store.setGoldAnswer(itemRowID: try firstListed(), draft: answer, source: "test")
        let first = try firstListed()
        try store.recordEvent(.flag, itemID: first, annotatorID: lead, reason: "check the math")
        func walk(_ session: ReviewSession) -> [String] {
            (0..<70).map { _ in
                defer { session.handle(.character("s")) }
                return "\(session.state.pair?.item.id ?? "-") \(session.state.position)/\(session.state.queueCount) \(session.state.review?.why ?? "")"
            }
        }
        let whole = try ReviewSession(store: store, lead: "lead", firstScreenBeforeList: .max)
        let early = try ReviewSession(store: store, lead: "lead", firstScreenBeforeList: 0)
        #expect(early.state.pair?.rowID == first && early.state.review?.why == whole.state.review?.why)
        #expect(early.state.review?.why.contains("flagged ×1: check the math") == true && early.state.review?.why.contains("model contradicts") == true)
        let status = early.render(rows: 30, columns: 120).text(row: 29)
        #expect(early.state.queueCountComing && status.contains("1/… to review"), "\(status)")
        early.waitForList()
        #expect(!early.state.queueCountComing && early.render(rows: 30, columns: 120).text(row: 29).contains("1/\(whole.state.queueCount) to review"))
        #expect(walk(early) == walk(whole))
        #expect(whole.state.queueCount > 20)
    }

    @Test func onlyLeadsMayReview() throws {
        let directory = try TemporaryDirectory()
        let store = try contestedProject(directory)
        #expect(throws: ReviewRefused.self) { try ReviewSession(store: store, lead: "ann") }
    }
}
