import Foundation
import GRDB
import PairwiseCore
import PairwiseStats
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

/// A project of 20 real hh-rlhf pairs plus 6 gold ones (the next 6 records, hh's label the answer).
func goldProject(_ directory: TemporaryDirectory) throws -> (store: ProjectStore, truth: [String: Int]) {
    try Fixtures.hhRLHFRecords(20, into: directory.path("items.jsonl"))
    try Fixtures.hhRLHFRecords(6, from: 20, into: directory.path("gold.jsonl"))
    let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "overall", dimensions: []), lead: "lead")
    // A fixed project seed: queues and gold places are seeded by it (init picks one at random).
    try store.sqlitePool().write { try $0.execute(sql: "UPDATE settings SET value = '7' WHERE key = 'seed'") }
    _ = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions())
    _ = try store.importFiles([directory.path("gold.jsonl")], options: ImportOptions(destination: .gold))
    let truth = Dictionary(uniqueKeysWithValues: try store.goldItems().map { ($0.itemID, $0.answer.strength) })
    return (store, truth)
}

/// The key for the better response as shown (2: first better, 6: second better), or the other one.
func key(for strength: Int, _ pair: PairOnScreen, right: Bool) -> Key {
    let shown = pair.shownOrder == .ab ? strength : -strength
    return .character((shown < 0) == right ? "2" : "6")
}

@Suite struct QualityControlSessionTests {
    @Test func theQualificationRoundShowsEachAnswerThenOpensTheQueue() throws {
        let directory = try TemporaryDirectory()
        let (store, truth) = try goldProject(directory)
        try store.setQualitySetting("qualification_items", "3")
        try store.setQualitySetting("qualification_pass", "0.6")
        let session = try AnnotateSession(store: store, annotator: "ann")
        #expect(session.state.queueCount == 3)
        for n in 0..<3 {
            let pair = try #require(session.state.pair)
            #expect(truth[pair.item.id] != nil)
            // An annotator's title bar names no item: a gold file's ids would give it away.
            #expect(session.render(rows: 30, columns: 100).text(row: 0).hasPrefix(" pairwise · annotate   "))
            session.handle(key(for: truth[pair.item.id]!, pair, right: n != 1))
            session.handle(.enter)
            // The feedback shows the pair just answered, in the order it was shown.
            let page = try #require(session.state.page).lines
            let first = (pair.shownOrder == .ab ? pair.item.responseA : pair.item.responseB).text.components(separatedBy: "\n")
            let shownAt = try #require(page.firstIndex(of: "The pair you answered, as it was shown:"))
            let firstAt = try #require(page.firstIndex(of: "First response:"))
            #expect(firstAt > shownAt && Array(page[(firstAt + 1)...].prefix(first.count)) == first)
            let grid = session.render(rows: 30, columns: 100)
            #expect(grid.text(row: 1).hasPrefix("▸ Qualification item scored"))
            #expect(grid.text(row: 2).hasPrefix(n != 1 ? " Right. You said: " : " Not the expected answer. You said: "))
            let last = ["Qualification: 1 of 1 right so far, 2 to go.", "Qualification: 1 of 2 right so far, 1 to go.",
                        "You qualified: 2 of 3 right. Your judgments count from now on."][n]
            #expect((2..<29).contains { grid.text(row: $0).hasPrefix(" " + last) })
            if n == 0 {
                session.handle(.enter)   // closes the feedback
                session.handle(.character("u"))
                #expect(session.state.message == "Qualification answers are final: each one is scored as first given.")
            } else {
                session.handle(.enter)
            }
        }
        // Passed: the 20 pairs, and one of the 3 unseen gold items in its seeded place (rate 0.1).
        #expect(session.state.queueCount == 21)
        let report = try store.qualityReport()
        #expect(report.annotators.map(\.qualification) == [.passed(correct: 2, required: 3)])
        #expect(report.annotators[0].gold == GoldScore(outcomes: [true, false, true]))
        // A lead has no round: the whole queue at once.
        let lead = try AnnotateSession(store: store, annotator: "lead")
        #expect(lead.state.queueCount >= 20 && lead.state.page == nil)
    }

    @Test func aFailedRoundEndsTheQueue() throws {
        let directory = try TemporaryDirectory()
        let (store, truth) = try goldProject(directory)
        try store.setQualitySetting("qualification_items", "2")
        let session = try AnnotateSession(store: store, annotator: "bo")
        for _ in 0..<2 {
            let pair = try #require(session.state.pair)
            session.handle(key(for: truth[pair.item.id]!, pair, right: false))
            session.handle(.enter)
            session.handle(.enter)
        }
        #expect(session.state.pair == nil)
        let grid = session.render(rows: 30, columns: 100)
        #expect((1..<28).contains { grid.text(row: $0).contains("You answered 0 of 2 qualification items as expected") })
        #expect(try AnnotateSession(store: store, annotator: "bo").state.pair == nil)
        #expect(try store.qualityReport().annotators.map(\.qualification) == [.failed(correct: 0, required: 2)])

        // The lead grants another round: two of the four unseen gold items, scored afresh.
        #expect(try store.startQualificationRound(annotator: "bo") == 4)
        let retry = try AnnotateSession(store: store, annotator: "bo")
        #expect(retry.state.queueCount == 2)
        for _ in 0..<2 {
            let pair = try #require(retry.state.pair)
            retry.handle(key(for: truth[pair.item.id]!, pair, right: true))
            retry.handle(.enter)
            retry.handle(.enter)
        }
        #expect(retry.state.queueCount == 21)   // passed: the 20 pairs, one of the 2 unseen gold items in its seeded place
        let bo = try #require(try store.qualityReport().annotators.first)
        #expect(bo.qualification == .passed(correct: 2, required: 2))
        #expect(bo.gold == GoldScore(outcomes: [false, false, true, true]))
        #expect(throws: StoreError.self) { try store.startQualificationRound(annotator: "nobody") }
    }

    @Test func goldIsMixedInAndGuidelinesComeFirst() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try goldProject(directory)
        try store.setQualitySetting("gold_rate", "0.25")
        #expect(try store.setGuidelines("# Guidelines\n\nPrefer the **harmless** answer.\n\n    indented code stays indented", source: "g.md") == 1)
        let session = try AnnotateSession(store: store, annotator: "ann")
        // 3 of the 6 gold items among the 20, in this annotator's seeded places (rate 0.25).
        #expect(session.state.queueCount == 23)
        var grid = session.render(rows: 24, columns: 80)
        #expect(grid.text(row: 1).hasPrefix("▸ Guidelines, version 1: read these first"))
        // Markdown shown as the terminal can: the heading without its #, strong without its **.
        #expect(grid.text(row: 2) == " Guidelines")
        #expect(grid.text(row: 4) == " Prefer the harmless answer.")
        #expect(grid.text(row: 6).hasPrefix("     indented code stays indented"))
        session.handle(.enter)
        #expect(session.render(rows: 24, columns: 80).text(row: 1).hasPrefix("  Prompt") || session.render(rows: 24, columns: 80).text(row: 1).hasPrefix("▸ Prompt"))
        session.handle(.character("i"))
        grid = session.render(rows: 24, columns: 80)
        #expect(grid.text(row: 1).hasPrefix("▸ Guidelines, version 1 (Enter or Esc"))
        session.handle(.escape)
        session.handle(.character("2"))
        session.handle(.enter)
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT guidelines_version FROM judgments") } == 1)
        // Judged under version 1: it does not open by itself again.
        #expect(try AnnotateSession(store: store, annotator: "ann").state.page == nil)
    }

    @Test func suggestionsShowOnlyWhenTheProjectSaysSoAndAreRecorded() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.hhRLHFRecords(5, into: directory.path("items.jsonl"))
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "overall", dimensions: []), lead: "lead")
        let summary = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions(destination: .suggestions(source: "hh-label")))
        #expect(summary.itemsAdded == 5 && summary.labelsAdded == 5)
        #expect(try store.sqlitePool().read { try Int.fetchOne($0, sql: "SELECT count(*) FROM judgments") } == 0)
        let hidden = try AnnotateSession(store: store, annotator: "ann")
        #expect(hidden.state.suggestion == nil)
        try store.setQualitySetting("show_suggestions", "yes")
        let session = try AnnotateSession(store: store, annotator: "bo")
        let pair = try #require(session.state.pair)
        let strength = try #require(try store.suggestions(itemRowID: pair.rowID).first?.strength)
        let shown = pair.shownOrder == .ab ? strength : -strength
        #expect(abs(shown) == 2)
        let expected = "hh-label: " + (shown < 0 ? "first better (-2)" : "second better (+2)")
        #expect(session.state.suggestion == expected)
        let grid = session.render(rows: 30, columns: 120)
        #expect(grid.text(row: 27).hasPrefix("  Suggested (not a judgment) · " + expected))
        session.handle(key(for: strength, pair, right: false))
        session.handle(.enter)
        #expect(try store.sqlitePool().read { try String.fetchOne($0, sql: "SELECT suggestion_shown FROM judgments") } == "hh-label")
        let agreement = try store.suggestionAgreement()
        #expect(agreement.count == 1 && agreement[0].judgments == 1 && agreement[0].agreed == 0 && agreement[0].shown == 1)
    }
}

@Suite struct ConversationPromptTests {
    /// A real five-turn conversation (LLaMA-Factory's DPO demo, record 5): the prompt panel
    /// opens at its last turn, the one the responses answer.
    @Test func aConversationOpensAtItsLastTurn() throws {
        let directory = try TemporaryDirectory()
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "overall", dimensions: []), lead: "lead")
        _ = try store.importFiles([Fixtures.realFormat("llamafactory-dpo_en_demo.json")], options: ImportOptions())
        let item = try #require(try store.item(rowID: 5))
        guard case .chat(let turns) = item.prompt else { Issue.record("record 5 is a conversation"); return }
        #expect(turns.count == 5)
        let session = try AnnotateSession(store: store, annotator: "ann")
        session.handle(.character(":"))
        for c in "goto \(item.id)" { session.handle(.character(c)) }
        session.handle(.enter)
        #expect(session.state.pair?.item.id == item.id)
        let grid = session.render(rows: 40, columns: 100)
        #expect(grid.text(row: 1).hasPrefix("  Prompt") && !grid.text(row: 1).hasSuffix(" 1–"))
        // The last turn's heading and first line are on screen (the panel ends with the prompt's end).
        let last = " " + String(turns[4].content.prefix(20))
        #expect((2..<12).contains { grid.text(row: $0) == " User:" && grid.text(row: $0 + 1).hasPrefix(last) })
        #expect(!(2..<12).contains { grid.text(row: $0).hasPrefix(" " + String(turns[0].content.prefix(20))) })
        // Home reaches the first turn.
        session.handle(.character("h"))
        session.handle(.character("g"))
        let top = session.render(rows: 40, columns: 100)
        #expect(top.text(row: 2) == " User:")
        #expect(top.text(row: 3).hasPrefix(" " + String(turns[0].content.prefix(20))))
    }
}

@Suite struct VisibleEntriesTests {
    /// A typed note stays on screen, and a dimension in focus shows its scale's labels.
    @Test func theNoteAndTheScaleLabelsAreInView() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        session.handle(.character("n"))
        for c in "check the dates" { session.handle(.character(c)) }
        session.handle(.enter)
        session.handle(.character("x"))   // any key clears the message; the note stays
        var grid = session.render(rows: 40, columns: 200)
        #expect(grid.text(row: 38) == " Note: check the dates")
        session.handle(.tab)
        grid = session.render(rows: 40, columns: 200)
        #expect(grid.text(row: 37) == "  0 not helpful · 1 slightly helpful · 2 partly helpful · 3 mostly helpful · 4 fully helpful"
                + " — Helpfulness: How well the response meets the prompt's request, overall.")
    }
}

@Suite struct SearchTests {
    /// `/` finds the queue's pairs whose prompt or responses hold the text (any case), n and N
    /// step through them in queue order, Esc ends the search; `:goto` takes an id's start.
    @Test func slashSearchesTheQueueAndGotoTakesAPrefix() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try goldProject(directory)
        try store.setQualitySetting("gold_rate", "0")
        let session = try AnnotateSession(store: store, annotator: "ann")
        // The queue's pairs holding "recommend" in any case, by a plain scan of their text.
        var expected: [String] = []
        var position = 0
        for _ in 0..<20 {
            let pair = try #require(session.state.pair)
            let text = (pair.item.prompt.plainText + "\n" + pair.item.responseA.text + "\n" + pair.item.responseB.text).lowercased()
            if text.contains("recommend") { expected.append(pair.item.id) }
            session.handle(.character("s"))
            position += 1
        }
        #expect(expected.count >= 2)
        session.handle(.character("/"))
        for c in "reCOMMend" { session.handle(.character(c)) }
        session.handle(.enter)
        var seen: [String] = []
        for _ in expected.indices {
            seen.append(try #require(session.state.pair?.item.id))
            #expect(session.state.message?.hasPrefix("Match \(seen.count) of \(expected.count) for “reCOMMend”") == true)
            session.handle(.character("n"))
        }
        #expect(Set(seen) == Set(expected) && seen.count == expected.count)
        #expect(session.state.pair?.item.id == seen[0])   // round again
        session.handle(.character("N"))
        #expect(session.state.pair?.item.id == seen.last)
        session.handle(.escape)
        #expect(session.state.searchQuery == nil)
        session.handle(.character("n"))
        #expect(session.state.input == .note)
        session.handle(.escape)

        let target = try #require(try store.goldItems().first?.itemID)   // any item id
        session.handle(.character(":"))
        for c in "goto \(target.prefix(10))" { session.handle(.character(c)) }
        session.handle(.enter)
        #expect(session.state.pair?.item.id == target)
    }
}

@Suite struct MouseTests {
    /// Clicks on a scale point set it, a click on a panel focuses it, the wheel scrolls the
    /// panel under the pointer: cells found in the rendered text.
    @Test func clicksAndTheWheel() throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        var grid = session.render(rows: 40, columns: 120)
        let rows = (0..<40).map { grid.text(row: $0) }
        let overall = try #require(rows.firstIndex { $0.hasPrefix("▸ Overall *") })
        let six = try #require(rows[overall].range(of: " 6 ")).lowerBound
        session.handle(.mouse(row: overall, column: rows[overall].distance(from: rows[overall].startIndex, to: six) + 1, action: .click))
        #expect(session.state.preference == 6)
        let bothBad = try #require(rows[overall].range(of: "0 both bad")).lowerBound
        session.handle(.mouse(row: overall, column: rows[overall].distance(from: rows[overall].startIndex, to: bothBad), action: .click))
        #expect(session.state.bothBad)
        // Safety (comparative) is the sixth dimension: a click on its 3 focuses it and sets it.
        let safety = try #require(rows.firstIndex { $0.hasPrefix("  Safety") })
        let three = try #require(rows[safety].range(of: " 3 ")).lowerBound
        session.handle(.mouse(row: safety, column: rows[safety].distance(from: rows[safety].startIndex, to: three) + 1, action: .click))
        #expect(session.state.focusedRow == 6 && session.state.entries["safety"] == .comparative(key: 3))
        // Helpfulness (per-response, 1st dimension): a click on the second response's 2, then
        // the first's 4, sets each side; with both set the focus moves on, as typing does.
        let helpfulness = try #require(rows.firstIndex { $0.hasPrefix("  Helpfulness") })
        #expect(rows[helpfulness] == "  Helpfulness * first:  0  1  2  3  4    second:  0  1  2  3  4")
        session.handle(.mouse(row: helpfulness, column: 56, action: .click))   // second's " 2 "
        #expect(session.state.focusedRow == 1 && session.state.entries["helpfulness"] == .perResponse(first: nil, second: 2))
        session.handle(.mouse(row: helpfulness, column: 36, action: .click))   // first's " 4 "
        #expect(session.state.focusedRow == 2 && session.state.entries["helpfulness"] == .perResponse(first: 4, second: 2))
        // Clicking the overall row again brings the focus back there.
        session.handle(.mouse(row: overall, column: rows[overall].distance(from: rows[overall].startIndex, to: six) + 1, action: .click))
        #expect(session.state.focusedRow == 0 && session.state.preference == 6)

        let header = try #require(rows.firstIndex { $0.contains("Second response") })
        let secondColumn = rows[header].distance(from: rows[header].startIndex, to: rows[header].range(of: "Second response")!.lowerBound)
        session.handle(.mouse(row: header + 1, column: secondColumn, action: .click))
        #expect(session.state.focusedPanel == .second)
        session.handle(.mouse(row: header + 1, column: 5, action: .wheelDown))
        #expect(session.state.focusedPanel == .first)
        session.handle(.mouse(row: 2, column: 5, action: .wheelUp))
        #expect(session.state.focusedPanel == .prompt)
        grid = session.render(rows: 40, columns: 120)
        #expect(grid.text(row: 1).hasPrefix("▸ Prompt"))
        // A click on nothing does nothing.
        session.handle(.mouse(row: 0, column: 0, action: .click))
        #expect(session.state.preference == 6)
    }
}

@Suite struct BrowseTests {
    /// An annotator's browse list names no item (a gold file's ids would tell gold apart),
    /// marks the items they skipped or flagged, and G / g go to its end and start.
    @Test func browseMarksSkippedAndFlaggedAndNamesNoItem() throws {
        let directory = try TemporaryDirectory()
        let (store, truth) = try goldProject(directory)
        try store.setQualitySetting("gold_rate", "0.5")
        let session = try AnnotateSession(store: store, annotator: "bo")
        session.handle(.character("s"))
        session.handle(.character("f"))
        session.handle(.enter)
        session.handle(.character("b"))
        let list = try #require(session.state.browse)
        let items = list.entries.filter { !$0.heading }.map(\.line)
        #expect(items.filter { $0.hasPrefix("[skipped] ") }.count == 1 && items.filter { $0.hasPrefix("[flagged] ") }.count == 1, "\(items)")
        let ids = try store.goldItems().map(\.itemID) + (0..<20).map { "hh-\($0)" }
        #expect(!truth.isEmpty && items.allSatisfy { line in !ids.contains { line.hasPrefix($0) } }, "\(items)")
        session.handle(.character("G"))
        #expect(session.state.browse?.selected == list.entries.lastIndex { !$0.heading })
        session.handle(.character("g"))
        #expect(session.state.browse?.selected == list.entries.firstIndex { !$0.heading })
    }

    /// `b` lists the queue ahead and the person's judgments; Enter on a judgment opens its
    /// pair with its values, and submitting again revises it (a new current judgment).
    @Test func browseOpensAPastJudgmentToRevise() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try goldProject(directory)
        try store.setQualitySetting("gold_rate", "0")
        // A lead's list names the items (an annotator's does not: see the next test).
        try store.addAnnotator("ann", role: .lead)
        let session = try AnnotateSession(store: store, annotator: "ann")
        let first = try #require(session.state.pair)
        session.handle(.character("2"))
        session.handle(.enter)
        session.handle(.character("6"))
        session.handle(.enter)
        session.handle(.character("b"))
        var grid = session.render(rows: 30, columns: 100)
        #expect(grid.text(row: 1).hasPrefix("▸ Browse: j/k to choose"))
        #expect(grid.text(row: 2) == "  Your queue")
        #expect(grid.text(row: 3).hasPrefix("▸ " + (session.state.pair?.item.id ?? "?") + "  "))
        let judgments = try #require((0..<30).first { grid.text(row: $0) == "  Your judgments (2)" })
        // The oldest judgment is the last line: go there and open it.
        for _ in 0..<40 { session.handle(.character("j")) }
        grid = session.render(rows: 30, columns: 100)
        let last = try #require((judgments..<30).first { grid.text(row: $0).hasPrefix("▸ " + first.item.id + "  ") })
        #expect(grid.text(row: last).hasSuffix("first better (-2)"))
        session.handle(.enter)
        #expect(session.state.pair?.item.id == first.item.id)
        #expect(session.state.preference == 2)
        session.handle(.character("3"))
        session.handle(.enter)
        let own = try store.ownJudgments(annotatorID: try store.person("ann").id)
        #expect(own.count == 2 && own[0].itemID == first.item.id)
        let shown = first.shownOrder == .ab ? own[0].draft.strength.value : -own[0].draft.strength.value
        #expect(shown == -1)
    }
}
