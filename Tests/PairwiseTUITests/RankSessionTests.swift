import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

/// A project of `count` real PandaLM instructions, each with four of its responses to rank.
func rankedProject(_ directory: TemporaryDirectory, count: Int = 3,
                   rubric: Rubric = Rubric(name: "none", dimensions: [])) throws -> (ProjectStore, [Fixtures.PandaLMRankedItem]) {
    let items = try Fixtures.pandaLMRankedItems(count, responses: 4)
    let lines = items.enumerated().map { n, item in
        JSONWriter.string(.object(["id": .string("rank-\(n)"), "prompt": .string(item.prompt), "responses": .array(item.responses.map(JSONValue.string))]))
    }
    try lines.joined(separator: "\n").write(toFile: directory.path("ranked.jsonl"), atomically: true, encoding: .utf8)
    let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: rubric, lead: "lead")
    _ = try store.importFiles([directory.path("ranked.jsonl")], options: ImportOptions())
    return (store, items)
}

/// One optional per-response dimension, rated 0–4.
let helpfulnessRubric = Rubric(name: "r", dimensions: [
    Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Meets the request.", kind: .perResponse,
              scale: Scale(min: 0, max: 4), required: false),
])

@Suite struct RankSessionTests {
    /// "done today" counts rankings as well as judgments, and follows undo: rank one item,
    /// judge two pairs (3), undo (2), submit again (3); a new session says 3 too.
    @Test func doneTodayCountsRankingsAndFollowsUndo() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try rankedProject(directory)
        _ = try store.importFiles([Fixtures.sampleItems], options: ImportOptions())
        let session = try AnnotateSession(store: store, annotator: "ann")
        func type(_ text: String) { for key in [Key.character(":")] + text.map({ Key.character($0) }) + [.enter] { session.handle(key) } }
        type("goto rank-0")
        for key in [Key.character("1"), .character("2"), .character("3"), .enter] { session.handle(key) }
        #expect(session.state.doneToday == 1, "\(session.state.message ?? "")")
        for id in ["math-001", "code-001"] {
            type("goto \(id)")
            for key in [Key.character("3"), .enter] { session.handle(key) }
        }
        #expect(session.state.doneToday == 3, "\(session.state.message ?? "")")
        session.handle(.character("u"))
        #expect(session.state.doneToday == 2)
        session.handle(.enter)
        #expect(session.state.doneToday == 3)
        #expect(try AnnotateSession(store: store, annotator: "ann").state.doneToday == 3)
    }

    /// Keys place the panels best first (= ties), Enter places the one left last and saves
    /// the ranking in stored order; undo brings it back on screen.
    @Test func keysRankTheResponsesAndUndoBringsThemBack() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try rankedProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        let rank = try #require(session.state.ranking)
        #expect(session.state.queueCount == 3 && rank.panels == 4)
        #expect(Set(rank.item.shown) == [0, 1, 2, 3])

        for key in [Key.character("3"), .character("="), .character("1"), .character("4")] { session.handle(key) }
        #expect(session.state.ranking?.line == "3 = 1 > 4 > …")
        session.handle(.character("3"))
        #expect(session.state.message == "3 is placed already (Backspace takes the last one back).")
        session.handle(.backspace)
        #expect(session.state.ranking?.line == "3 = 1 > …")
        session.handle(.character("4"))
        var grid = session.render(rows: 40, columns: 160)
        #expect(grid.text(row: 36) == "▸ Ranking (best first)  3 = 1 > 4 > …")
        #expect(grid.text(row: 38).hasPrefix(" 1-4 rank · = tie · Backspace back · 0 all bad · Enter submit"))
        let headers = (0..<40).map { grid.text(row: $0) }.first { $0.contains("Response 1") } ?? ""
        #expect(headers.contains("▸ Response 1 · ranked #1") && headers.contains("  Response 2 ") && headers.contains("  Response 4 · ranked #2"))

        session.handle(.enter)
        // Panels 3 and 1 best (tied), then 4, then 2 (placed last): in stored order.
        let expected = Ranking(ranks: (0..<4).map { stored in [1: 1, 3: 1, 4: 2, 2: 3][rank.item.shown.firstIndex(of: stored)! + 1]! })!
        let rowID = rank.item.rowID
        #expect(try store.currentRanking(itemRowID: rowID, annotatorID: try store.person("ann").id) == expected)
        #expect(session.state.message == "Saved: 1 = 3 > 4 > 2.")
        #expect(session.state.ranking?.item.rowID != rowID && session.state.position == 2)

        session.handle(.character("u"))
        #expect(session.state.ranking?.item.rowID == rowID && session.state.position == 1)
        #expect(session.state.ranking?.line == "1 = 3 > 4 > 2")
        #expect(try store.currentRanking(itemRowID: rowID, annotatorID: try store.person("ann").id) == nil)

        // At 80×24 one response at a time, under tabs.
        grid = session.render(rows: 24, columns: 80)
        let tabs = try #require((0..<24).map { grid.text(row: $0) }.first { $0.hasPrefix(" 1 #1 ") })
        #expect(tabs == " 1 #1   2 #3   3 #1   4 #2   Tab / h l: another response")
        session.handle(.tab)
        grid = session.render(rows: 24, columns: 80)
        #expect((0..<24).contains { grid.text(row: $0).hasPrefix("▸ Response 2 · ranked #3") })
        session.handle(.character("?"))
        grid = session.render(rows: 24, columns: 80)
        #expect(grid.text(row: 1) == " Keys for ranking" && grid.text(row: 3).hasPrefix("  =                       tie the next response"))
        session.handle(.escape)
        // Enter with two panels unplaced is refused with which.
        for _ in 0..<4 { session.handle(.backspace) }
        session.handle(.enter)
        #expect(session.state.message == "Place every response: 1, 2, 3, 4 are not placed yet.")
    }

    /// The rubric's per-response dimensions are rated for every response (Tab moves to
    /// them, digits rate the panels in turn), stored in stored order with the ranking, and
    /// come back with it on undo; a comparative dimension is not asked.
    @Test func perResponseDimensionsAreRatedForEveryResponse() throws {
        let directory = try TemporaryDirectory()
        let rubric = Rubric(name: "r", dimensions: [
            Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Meets the request.", kind: .perResponse,
                      scale: Scale(min: 1, max: 5), required: true),
            Dimension(key: "safer", title: "Safer", guideline: "Which is safer.", kind: .comparative, scale: Scale(min: -2, max: 2), required: true),
            Dimension(key: "clarity", title: "Clarity", guideline: "Reads clearly.", kind: .perResponse,
                      scale: Scale(min: 0, max: 4, labels: ["none", "poor", "fair", "good", "clear"]), required: false),
        ])
        let (store, _) = try rankedProject(directory, rubric: rubric)
        let session = try AnnotateSession(store: store, annotator: "ann")
        let rank = try #require(session.state.ranking)
        #expect(rank.dimensions.map(\.key) == ["helpfulness", "clarity"])
        for key in ["2", "1", "3"] { session.handle(.character(Character(key))) }
        session.handle(.enter)
        #expect(session.state.message == "Helpfulness is required: one value per response.")
        #expect(session.state.ranking?.row == 1)
        session.handle(.character("9"))
        #expect(session.state.message == "Helpfulness runs 1–5.")
        session.handle(.character("5"))
        session.handle(.character("4"))
        session.handle(.enter)
        #expect(session.state.message == "Helpfulness: rate every response (2 of 4 so far), or Backspace to clear.")
        for key in ["3", "1"] { session.handle(.character(Character(key))) }
        // Every panel rated: the focus moves on to Clarity.
        #expect(session.state.ranking?.row == 2)
        session.handle(.character("2"))
        #expect(session.state.ranking?.values(rubric.dimensions[2]) == [2, nil, nil, nil])
        var grid = session.render(rows: 40, columns: 160)
        // The ranking, both dimensions, the guideline of the one in focus.
        #expect(grid.text(row: 34) == "  Ranking (best first)  2 > 1 > 3 > …")
        #expect(grid.text(row: 35) == "  Helpfulness *         1–5   1:5  2:4  3:3  4:1")
        #expect(grid.text(row: 36) == "▸ Clarity               0–4   1:2  2:·  3:·  4:·")
        #expect(grid.text(row: 37).hasPrefix("  Clarity: Reads clearly.  [0 none · 1 poor · 2 fair · 3 good · 4 clear]"))
        #expect(grid.text(row: 38).hasPrefix(" 0-4 rate each response · Backspace back · Tab next row"))
        session.handle(.backspace)
        #expect(session.state.ranking?.ratings["clarity"] == nil)
        // Tab cycles the rows (back to the ranking); h and l still move between panels.
        session.handle(.tab)
        #expect(session.state.ranking?.row == 0)
        session.handle(.character("l"))
        #expect(session.state.ranking?.focused == 1 && session.state.ranking?.row == 0)
        session.handle(.enter)
        let stored = try #require(try store.currentRankings(itemRowID: rank.item.rowID).first)
        var helpfulness = [0, 0, 0, 0]
        for (panel, value) in [5, 4, 3, 1].enumerated() { helpfulness[rank.item.shown[panel]] = value }
        #expect(stored.rubric == ResponseRatings(["helpfulness": helpfulness]))
        session.handle(.character("u"))
        #expect(session.state.ranking?.ratings == ["helpfulness": [5, 4, 3, 1]])
        #expect(session.state.ranking?.line == "2 > 1 > 3 > 4")
        // With a small terminal, one dimension row: the one in focus, or a summary.
        grid = session.render(rows: 24, columns: 80)
        #expect(grid.text(row: 19) == "▸ Ranking (best first)  2 > 1 > 3 > 4")
        #expect(grid.text(row: 20) == "  Rubric: 2 dimensions per response (Tab to rate, r shows all)")
    }

    /// The browse list holds ranked items in the queue and the person's own rankings; one
    /// opens with its ranking and values, to revise.
    @Test func browseListsOwnRankingsAndOpensThemToRevise() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try rankedProject(directory, rubric: helpfulnessRubric)
        try store.addAnnotator("ann", role: .lead)   // a lead's browse list names the items
        let session = try AnnotateSession(store: store, annotator: "ann")
        let first = try #require(session.state.ranking)
        for key in "321" { session.handle(.character(key)) }
        session.handle(.tab)
        for key in "4021" { session.handle(.character(key)) }
        session.handle(.enter)
        #expect(session.state.message == "Saved: 3 > 2 > 1 > 4.")
        session.handle(.character("b"))
        let lines = try #require(session.state.browse).entries.map(\.line)
        #expect(lines.count == 6 && lines[0] == "Your queue" && lines[3] == "Your judgments (0)" && lines[4] == "Your rankings (1)")
        let others = ["rank-0", "rank-1", "rank-2"].filter { $0 != first.item.item.id }
        #expect(Set(lines[1...2].map { String($0.prefix(21)) }) == Set(others.map { $0 + "  [4 to rank]  " }), "\(lines)")
        #expect(lines[5].hasPrefix(first.item.item.id + "  ") && lines[5].hasSuffix("  3 > 2 > 1 > 4"), "\(lines)")
        session.handle(.character("j"))
        session.handle(.character("j"))
        session.handle(.enter)
        #expect(session.state.ranking?.item.rowID == first.item.rowID)
        #expect(session.state.ranking?.line == "3 > 2 > 1 > 4" && session.state.ranking?.ratings == ["helpfulness": [4, 0, 2, 1]])
        #expect(session.state.message == "Your ranking of this item, to revise: submitting adds the new one (the old one stays on record).")
    }

    /// The mouse: a click on a response's title places it next, on its text focuses it, on a
    /// rubric row focuses that row; the wheel scrolls the panel under the pointer.
    @Test func clicksPlaceAndFocusPanels() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try rankedProject(directory, rubric: helpfulnessRubric)
        let session = try AnnotateSession(store: store, annotator: "ann")
        var grid = session.render(rows: 40, columns: 160)
        let titles = try #require((0..<40).first { grid.text(row: $0).contains("Response 3") })
        let column = try #require(grid.text(row: titles).range(of: "Response 3")).lowerBound.utf16Offset(in: grid.text(row: titles))
        session.handle(.mouse(row: titles, column: column, action: .click))
        #expect(session.state.ranking?.line == "3 > …")
        session.handle(.mouse(row: titles + 3, column: column, action: .click))
        #expect(session.state.ranking?.focused == 2)
        session.handle(.mouse(row: titles + 3, column: 2, action: .wheelDown))
        #expect(session.state.ranking?.focused == 0 && session.state.ranking?.scroll[0] == 3)
        // The Helpfulness row, then a title again: back to the ranking's row to place it.
        grid = session.render(rows: 40, columns: 160)
        let dimensionRow = try #require((0..<40).first { grid.text(row: $0).hasPrefix("  Helpfulness") })
        session.handle(.mouse(row: dimensionRow, column: 4, action: .click))
        #expect(session.state.ranking?.row == 1)
        session.handle(.mouse(row: titles, column: 2, action: .click))
        #expect(session.state.ranking?.row == 0 && session.state.ranking?.line == "3 > 1 > …")
    }

    /// `/` finds ranked items by any of their responses.
    @Test func searchFindsRankedItemsByAnyResponse() throws {
        let directory = try TemporaryDirectory()
        let (store, items) = try rankedProject(directory)
        let session = try AnnotateSession(store: store, annotator: "ann")
        // A word of some item's second, third or fourth response that no other text holds.
        let texts = items.enumerated().flatMap { n, item in ([item.prompt] + item.responses).enumerated().map { (n, $0, $1) } }
        let found = texts.lazy.filter { $0.1 > 1 }.compactMap { n, k, text -> (Int, String)? in
            let unique = text.split(whereSeparator: { !$0.isLetter }).map(String.init).first { w in
                w.count > 4 && texts.filter { $0.0 != n || $0.1 != k }.allSatisfy { !$0.2.lowercased().contains(w.lowercased()) }
            }
            return unique.map { (n, $0) }
        }.first
        let (n, word) = try #require(found)
        session.handle(.character("/"))
        for c in word { session.handle(.character(c)) }
        session.handle(.enter)
        #expect(session.state.ranking?.item.item.id == "rank-\(n)", "\(word): \(session.state.message ?? "")")
        #expect(session.state.message?.hasPrefix("Match 1 of 1 for") == true)
    }

    /// Best–worst mode: the first panel pressed is the best, the second the worst, the
    /// others tie between them.
    @Test func bestWorstModeStoresBestMiddleWorst() throws {
        let directory = try TemporaryDirectory()
        let (store, _) = try rankedProject(directory)
        try store.setQualitySetting("ranking_mode", "best-worst")
        let session = try AnnotateSession(store: store, annotator: "ann")
        let rank = try #require(session.state.ranking)
        #expect(rank.bestWorst)
        session.handle(.enter)
        #expect(session.state.message == "Press the best response's number, then the worst's.")
        session.handle(.character("2"))
        #expect(session.state.ranking?.line == "best 2 · worst …")
        session.handle(.character("4"))
        session.handle(.character("1"))
        #expect(session.state.message == "Best and worst are picked (Backspace takes the worst back).")
        let grid = session.render(rows: 40, columns: 160)
        #expect(grid.text(row: 36) == "▸ Best and worst  best 2 · worst 4")
        session.handle(.enter)
        var ranks = [2, 2, 2, 2]
        ranks[rank.item.shown[1]] = 1
        ranks[rank.item.shown[3]] = 3
        #expect(try store.currentRanking(itemRowID: rank.item.rowID, annotatorID: try store.person("ann").id) == Ranking(ranks: ranks))
        session.handle(.character("u"))
        #expect(session.state.ranking?.line == "best 2 · worst 4")
    }
}

@Suite struct RankReviewTests {
    /// Review lists ranked items whose rankings differ, shows them with each annotator's
    /// ranking; the lead's ranking with a reason overrides them in exports; u takes it back.
    @Test func aLeadDecidesAContestedRanking() throws {
        let directory = try TemporaryDirectory()
        let (store, items) = try rankedProject(directory)
        let lines = [("rank-0", [1, 2, 3, 4], "ann"), ("rank-0", [4, 3, 2, 1], "bo"), ("rank-1", [1, 2, 3, 4], "ann"), ("rank-1", [1, 2, 3, 4], "bo")]
            .map { id, ranks, who -> String in
                let item = items[Int(id.suffix(1))!]
                return JSONWriter.string(.object(["id": .string(id), "prompt": .string(item.prompt), "responses": .array(item.responses.map(JSONValue.string)),
                                                  "ranks": .array(ranks.map(JSONValue.int)), "annotator": .string(who)]))
            }
        try lines.joined(separator: "\n").write(toFile: directory.path("rankings.jsonl"), atomically: true, encoding: .utf8)
        #expect(try store.importFiles([directory.path("rankings.jsonl")], options: ImportOptions(keepLabels: true)).rankingsAdded == 4)

        let session = try ReviewSession(store: store, lead: "lead")
        #expect(session.state.queueCount == 1 && session.state.ranking?.item.item.id == "rank-0")
        var grid = session.render(rows: 40, columns: 160)
        let text = (0..<40).map { grid.text(row: $0) }
        #expect(text.contains { $0.hasPrefix("  Rankings (2, names hidden, N reveals) · rankings differ (2 rankings, Kendall's W 0.00)") })
        #expect(text.contains("  Annotator 1  ·  1 > 2 > 3 > 4") && text.contains("  Annotator 2  ·  4 > 3 > 2 > 1"))
        session.handle(.character("N"))
        grid = session.render(rows: 40, columns: 160)
        #expect((0..<40).contains { grid.text(row: $0) == "  bo  ·  4 > 3 > 2 > 1" })
        // Scrolling past the end stays at the end, as on the annotate screen.
        for _ in 0..<500 { session.handle(.character("j")) }
        _ = session.render(rows: 40, columns: 160)
        #expect((session.state.ranking?.scroll[0] ?? 500) < 500)

        // A click on a response's title places it, as on the annotate screen.
        grid = session.render(rows: 40, columns: 160)
        let titles = try #require((0..<40).first { grid.text(row: $0).contains("Response 2") })
        let column = try #require(grid.text(row: titles).range(of: "Response 2")).lowerBound.utf16Offset(in: grid.text(row: titles))
        session.handle(.mouse(row: titles, column: column, action: .click))
        #expect(session.state.ranking?.line == "2 > …")
        for key in [Key.character("1"), .character("3"), .enter] { session.handle(key) }
        #expect(session.state.input == .reason)
        session.handle(.character("1"))
        let rowID = try #require(try store.itemRowID(externalID: "rank-0"))
        #expect(try store.currentRankingAdjudication(itemRowID: rowID) == RankingDecision(ranking: Ranking(ranks: [2, 1, 3, 4])!))
        #expect(session.state.message == "Decided (ambiguous). It now overrides the rankings in exports.")
        #expect(session.state.ranking == nil && session.state.review?.decided == 1)
        var exported: [JSONValue] = []
        try store.export(format: .ranked, filter: ExportFilter()) { exported.append(try JSONParser.parse($0)) }
        #expect(exported.first?["label_source"] == .string("adjudicated") && exported.first?["rankings"] == .int(1))
        #expect(exported.first?["responses"]?.arrayValue?.first?["response"]?.stringValue == items[0].responses[1])
        var adjudicatedOnly: [String] = []
        try store.export(format: .trl, filter: ExportFilter(only: .adjudicated)) { adjudicatedOnly.append($0) }
        #expect(adjudicatedOnly.count == 1)

        session.handle(.character("u"))
        #expect(try store.currentRankingAdjudication(itemRowID: rowID) == nil)
        #expect(session.state.ranking?.item.item.id == "rank-0" && session.state.message == "Undone: your last decision is retracted.")
    }

    /// The rubric values a lead sets when deciding a ranked item are kept with the decision
    /// and stand in for the annotators' in the ranked export and the trainer's rows, as the
    /// decision's order does; undone, the annotators' means come back.
    @Test func aLeadsDecisionKeepsTheValuesTheLeadSet() throws {
        let directory = try TemporaryDirectory()
        let (store, items) = try rankedProject(directory, count: 1, rubric: helpfulnessRubric)
        let lines = [([1, 2, 3, 4], [4, 3, 2, 0], "ann"), ([4, 3, 2, 1], [0, 2, 2, 4], "bo")].map { ranks, values, who -> String in
            JSONWriter.string(.object(["id": .string("rank-0"), "prompt": .string(items[0].prompt), "responses": .array(items[0].responses.map(JSONValue.string)),
                                       "ranks": .array(ranks.map(JSONValue.int)), "rubric": .object(["helpfulness": .array(values.map(JSONValue.int))]),
                                       "annotator": .string(who)]))
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("rankings.jsonl"), atomically: true, encoding: .utf8)
        #expect(try store.importFiles([directory.path("rankings.jsonl")], options: ImportOptions(keepLabels: true)).rankingsAdded == 2)
        func exportedValues() throws -> [JSONValue] {
            var exported: [JSONValue] = []
            try store.export(format: .ranked, filter: ExportFilter()) { exported.append(try JSONParser.parse($0)) }
            return try #require(exported.first?["responses"]?.arrayValue).map { $0["rubric"]?["helpfulness"] ?? .null }
        }
        // Ties in the consensus keep stored order: responses 1…4 with means 2, 2.5, 2, 2.
        #expect(try exportedValues() == [.double(2), .double(2.5), .double(2), .double(2)])

        let session = try ReviewSession(store: store, lead: "lead")
        #expect(session.state.ranking?.item.item.id == "rank-0")
        for key in [Key.character("2"), .character("1"), .character("3"), .tab, .character("3"), .character("4"), .character("1"), .character("0"), .enter] {
            session.handle(key)
        }
        #expect(session.state.input == .reason)
        session.handle(.character("2"))
        let rowID = try #require(try store.itemRowID(externalID: "rank-0"))
        let decision = try #require(try store.currentRankingAdjudication(itemRowID: rowID))
        #expect(decision == RankingDecision(ranking: Ranking(ranks: [2, 1, 3, 4])!, rubric: ResponseRatings(["helpfulness": [3, 4, 1, 0]])))
        // Best first: responses 2, 1, 3, 4 with the lead's values.
        #expect(try exportedValues() == [.double(4), .double(3), .double(1), .double(0)])

        session.handle(.character("u"))
        #expect(try store.currentRankingAdjudication(itemRowID: rowID) == nil)
        #expect(try exportedValues() == [.double(2), .double(2.5), .double(2), .double(2)])
    }

    /// Review's filters narrow ranked items as they do pairs: by who ranked them, by values
    /// far apart on a dimension, and flagged ones; a decided item leaves the list.
    @Test func filtersNarrowRankedItems() throws {
        let directory = try TemporaryDirectory()
        let (store, items) = try rankedProject(directory, rubric: helpfulnessRubric)
        // rank-0: orders differ, values agree; rank-1: orders agree, values 3 apart on the third; rank-2: zed alone.
        let lines = [(0, [1, 2, 3, 4], [4, 3, 2, 1], "ann"), (0, [4, 3, 2, 1], [4, 3, 2, 1], "bo"),
                     (1, [1, 2, 3, 4], [4, 3, 3, 1], "ann"), (1, [1, 2, 3, 4], [4, 3, 0, 1], "bo"), (2, [1, 2, 3, 4], [1, 1, 1, 1], "zed")]
            .map { n, ranks, values, who in
                JSONWriter.string(.object(["id": .string("rank-\(n)"), "prompt": .string(items[n].prompt),
                                           "responses": .array(items[n].responses.map(JSONValue.string)), "ranks": .array(ranks.map(JSONValue.int)),
                                           "rubric": .object(["helpfulness": .array(values.map(JSONValue.int))]), "annotator": .string(who)]))
            }
        try lines.joined(separator: "\n").write(toFile: directory.path("rankings.jsonl"), atomically: true, encoding: .utf8)
        #expect(try store.importFiles([directory.path("rankings.jsonl")], options: ImportOptions(keepLabels: true)).rankingsAdded == 5)
        let session = try ReviewSession(store: store, lead: "lead")
        /// The ids listed under a filter alone (filters add up: the last is cleared first).
        func filter(_ text: String) -> (ids: [String], why: String?) {
            for command in ["filter", "filter " + text] {
                for key in [Key.character(":")] + command.map({ Key.character($0) }) + [.enter] { session.handle(key) }
            }
            var ids: [String] = []
            for _ in 0..<session.state.queueCount {
                if let id = session.state.ranking?.item.item.id { ids.append(id) }
                session.handle(.character("s"))
            }
            return (ids, session.state.review?.why)
        }
        #expect(session.state.queueCount == 1 && session.state.ranking?.item.item.id == "rank-0")
        #expect(filter("annotator bo").ids == ["rank-0"])
        #expect(filter("annotator zed").ids == [])
        let byValues = filter("dimension helpfulness")
        #expect(byValues.ids == ["rank-1"] && byValues.why == "helpfulness values differ (2 rankings, Kendall's W 1.00)", "\(byValues) \(session.state.message ?? "")")
        #expect(filter("flagged").ids == [])
        let zed = try #require(try store.itemRowID(externalID: "rank-2"))
        try store.recordEvent(.flag, itemID: zed, annotatorID: try store.person("zed").id, reason: "truncated")
        #expect(filter("flagged").ids == ["rank-2"])
        #expect(filter("").ids == ["rank-2", "rank-0"])
        // Decided, a flagged ranked item leaves the list too.
        try store.adjudicate(itemRowID: zed, leadID: try store.person("lead").id, ranking: Ranking(ranks: [1, 2, 3, 4])!,
                                    reason: .annotatorError, note: nil)
        #expect(filter("").ids == ["rank-0"])
        // A ranked item both contested and flagged is listed once, as flagged.
        let split = try #require(try store.itemRowID(externalID: "rank-0"))
        try store.recordEvent(.flag, itemID: split, annotatorID: try store.person("zed").id, reason: "ties")
        let flaggedAndSplit = filter("")
        #expect(flaggedAndSplit.ids == ["rank-0"] && flaggedAndSplit.why == "flagged ×1: ties", "\(flaggedAndSplit)")
    }
}
