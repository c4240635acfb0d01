import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// Items of several responses, imported from our jsonl's `responses`: real PandaLM
/// instructions with four of their answers, ranked as PandaLM's first annotator's votes say.
@Suite struct RankedImportTests {
    static func record(_ id: String, _ item: Fixtures.PandaLMRankedItem, order: [Int]? = nil, ranks: [Int]? = nil,
                       annotator: String? = "panda", rubric: [String: [Int]] = [:]) -> String {
        let order = order ?? Array(item.responses.indices)
        var members: [JSONMember] = [JSONMember(key: "id", value: .string(id)), JSONMember(key: "prompt", value: .string(item.prompt)),
                                     JSONMember(key: "responses", value: .array(order.map { .string(item.responses[$0]) }))]
        if let annotator {
            members.append(JSONMember(key: "ranks", value: .array(order.map { .int((ranks ?? item.ranks)[$0]) })))
            members.append(JSONMember(key: "annotator", value: .string(annotator)))
        }
        if !rubric.isEmpty {
            members.append(JSONMember(key: "rubric", value: .object(rubric.keys.sorted().map { key in
                JSONMember(key: key, value: .array(order.map { .int(rubric[key]![$0]) }))
            })))
        }
        return JSONWriter.string(.object(members))
    }

    @Test(arguments: StoreKind.available)
    func rankedItemsAreStoredAndTheirRankingsOrientedByText(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let items = try Fixtures.pandaLMRankedItems(12, responses: 4)
        #expect(items.count == 12)
        let file = try project.file("ranked.jsonl", items.enumerated().map { Self.record("panda-\($0)", $1) }.joined(separator: "\n"))
        let first = try project.store.importFiles([file], options: ImportOptions(keepLabels: true))
        #expect(first.itemsAdded == 12 && first.rankingsAdded == 12 && first.labelsAdded == 0)
        #expect(try project.integers("SELECT response_count FROM items ORDER BY id") == Array(repeating: 4, count: 12))
        #expect(try project.count("ranked_responses") == 48 && project.count("responses") == 0 && project.count("judgments") == 0)
        // The stored ranks are the file's, response by response.
        let stored = try project.store.read { sql in try sql.rows("SELECT ranks FROM current_rankings ORDER BY item_id", []).map { $0.text(0) ?? "" } }
        #expect(stored == items.map { Ranking(ranks: $0.ranks)!.ranksJSON })
        #expect(try project.integers("SELECT judges FROM items ORDER BY id") == Array(repeating: 1, count: 12))

        // The same items with their responses reversed, and the ranks with them: the same
        // items and the same rankings (already there).
        let reversed = try project.file("reversed.jsonl", items.enumerated().map { n, item in
            Self.record("other-\(n)", item, order: Array(item.responses.indices.reversed()))
        }.joined(separator: "\n"))
        let again = try project.store.importFiles([reversed], options: ImportOptions(keepLabels: true))
        #expect(again.itemsAdded == 0 && again.duplicates == 12 && again.rankingsAdded == 0 && again.labelsAlreadyThere == 12)
        #expect(again.labelsReoriented == 12)

        // A different ranking of one item by the same annotator is a conflict: nothing is written.
        var swapped = items[0].ranks
        swapped.swapAt(0, 1)
        if swapped == items[0].ranks { swapped = [4, 3, 2, 1] }
        let conflicting = try project.file("conflict.jsonl", Self.record("x", items[0], ranks: swapped))
        #expect(throws: ImportConflictError.self) { try project.store.importFiles([conflicting], options: ImportOptions(keepLabels: true)) }
        // Another annotator's ranking of it is a second ranking: the item has two judges.
        let second = try project.file("second.jsonl", Self.record("y", items[0], ranks: swapped, annotator: "bo"))
        #expect(try project.store.importFiles([second], options: ImportOptions(keepLabels: true)).rankingsAdded == 1)
        #expect(try project.integers("SELECT judges FROM items ORDER BY id").first == 2)
    }

    /// Per-response rubric values travel with the ranking, oriented by response text like
    /// its ranks; values the rubric does not allow are refused naming the field.
    @Test(arguments: StoreKind.available)
    func rubricValuesAreStoredInStoredOrder(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind, rubric: Rubric(name: "r", dimensions: [
            Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Rate it.", kind: .perResponse, scale: Scale(min: 0, max: 4), required: true),
            Dimension(key: "safer", title: "Safer", guideline: "Rate it.", kind: .comparative, scale: Scale(min: -1, max: 1), required: false),
        ]))
        let items = try Fixtures.pandaLMRankedItems(2, responses: 4)
        let values = [4, 1, 3, 0]
        let file = try project.file("ranked.jsonl", Self.record("r0", items[0], rubric: ["helpfulness": values]))
        #expect(try project.store.importFiles([file], options: ImportOptions(keepLabels: true)).rankingsAdded == 1)
        let rowID = try #require(try project.store.itemRowID(externalID: "r0"))
        #expect(try project.store.currentRankings(itemRowID: rowID).first?.rubric == ResponseRatings(["helpfulness": values]))
        // The same values with the responses in another order are the same label; other values conflict.
        let shuffled = try project.file("shuffled.jsonl", Self.record("x", items[0], order: [2, 0, 3, 1], rubric: ["helpfulness": values]))
        let again = try project.store.importFiles([shuffled], options: ImportOptions(keepLabels: true))
        #expect(again.labelsAlreadyThere == 1 && again.labelsReoriented == 1 && again.rankingsAdded == 0)
        let other = try project.file("other.jsonl", Self.record("x", items[0], rubric: ["helpfulness": [4, 1, 3, 1]]))
        #expect(throws: ImportConflictError.self) { try project.store.importFiles([other], options: ImportOptions(keepLabels: true)) }

        func refused(_ rubric: JSONValue) throws -> String {
            let line = JSONWriter.string(.object(["id": .string("r1"), "prompt": .string(items[1].prompt),
                                                  "responses": .array(items[1].responses.map(JSONValue.string)),
                                                  "ranks": .array([1, 2, 3, 4].map(JSONValue.int)), "annotator": .string("panda"), "rubric": rubric]))
            let path = try project.file("bad.jsonl", line)
            do { _ = try project.store.importFiles([path], options: ImportOptions(keepLabels: true)) } catch let error as ImportError { return error.description }
            return "accepted"
        }
        #expect(try refused(.object(["helpfulness": .array([1, 2, 3].map(JSONValue.int))]))
            .hasSuffix("bad.jsonl:1: rubric.helpfulness: expected 4 values (one per response), got 3"))
        #expect(try refused(.object(["helpfulness": .array([1, 2, 3, 5].map(JSONValue.int))])).hasSuffix("bad.jsonl:1: rubric.helpfulness: 5 is outside 0…4"))
        #expect(try refused(.object(["helpfulness": .array([.int(1), .int(2), .double(2.5), .int(0)])]))
            .hasSuffix("bad.jsonl:1: rubric.helpfulness: expected whole numbers, got 2.5"))
        #expect(try refused(.object(["safer": .array([1, 0, 0, 1].map(JSONValue.int))]))
            .hasSuffix("bad.jsonl:1: rubric.safer: a comparative dimension rates pairs; a ranked item's ranking is its comparison"))
        #expect(try refused(.object(["tone": .array([1, 0, 0, 1].map(JSONValue.int))]))
            .hasSuffix("bad.jsonl:1: rubric.tone: not a dimension of this project's rubric (helpfulness, safer)"))
        #expect(try project.count("items") == 1 && project.count("rankings") == 1)

        // The ranked export gives each response the mean of the annotators' values.
        let second = try project.file("bo.jsonl", Self.record("x", items[0], annotator: "bo", rubric: ["helpfulness": [3, 1, 2, 0]]))
        #expect(try project.store.importFiles([second], options: ImportOptions(keepLabels: true)).rankingsAdded == 1)
        var lines: [JSONValue] = []
        try project.store.export(format: .ranked, filter: ExportFilter()) { lines.append(try JSONParser.parse($0)) }
        let order = Ranking(ranks: items[0].ranks)!.order
        #expect(lines.count == 1 && lines[0]["responses"]?.arrayValue?.map { $0["response"]?.stringValue } == order.map { items[0].responses[$0] })
        #expect(lines[0]["responses"]?.arrayValue?.map { $0["rubric"]?["helpfulness"]?.doubleValue } == order.map { [3.5, 1, 2.5, 0][$0] })

        // `rankings` writes each ranking as our jsonl: it reads back into another project as the
        // same labels, and exports again the same.
        var raw: [String] = []
        try project.store.export(format: .rankings, filter: ExportFilter()) { raw.append($0) }
        #expect(raw.count == 2 && raw.map { try? JSONParser.parse($0)["annotator"]?.stringValue } == ["bo", "panda"])
        #expect(try JSONParser.parse(raw[1])["rubric"] == .object(["helpfulness": .array(values.map(JSONValue.int))]))
        let copy = try TemporaryProject(on: kind, rubric: try project.store.rubric())
        let back = try copy.store.importFiles([try copy.file("rankings.jsonl", raw.joined(separator: "\n"))], options: ImportOptions(keepLabels: true))
        #expect(back.itemsAdded == 1 && back.rankingsAdded == 2)
        var reexported: [String] = []
        try copy.store.export(format: .rankings, filter: ExportFilter()) { reexported.append($0) }
        #expect(reexported == raw)
        var mine: [String] = []
        try project.store.export(format: .rankings, filter: ExportFilter(annotator: "bo")) { mine.append($0) }
        #expect(mine == [raw[0]])
    }

    @Test func twoResponsesMakeAPairAndBadListsNameTheField() throws {
        let project = try TemporaryProject()
        let item = try #require(try Fixtures.pandaLMRankedItems(1, responses: 5).first)
        let pair = Fixtures.PandaLMRankedItem(prompt: item.prompt, responses: Array(item.responses.prefix(2)), ranks: [2, 1])
        let file = try project.file("pair.jsonl", Self.record("pair-1", pair))
        let summary = try project.store.importFiles([file], options: ImportOptions(keepLabels: true))
        #expect(summary.itemsAdded == 1 && summary.labelsAdded == 1 && summary.rankingsAdded == 0)
        #expect(try project.integers("SELECT strength FROM judgments") == [2])
        #expect(try project.count("responses") == 2)

        func refused(_ line: String) throws -> String {
            let path = try project.file("bad.jsonl", line)
            do { _ = try project.store.importFiles([path], options: ImportOptions(keepLabels: true)) } catch let error as ImportError { return error.description }
            return "accepted"
        }
        let ten = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array((0..<10).map { .string("r\($0)") })]))
        #expect(try refused(ten).hasSuffix("bad.jsonl:1: responses: holds 10 responses; an item has 2 to 9"))
        let repeated = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array([.string("a"), .string("b"), .string("a")])]))
        #expect(try refused(repeated).hasSuffix("bad.jsonl:1: responses[2]: repeats an earlier response: each response of an item differs"))
        let short = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array([.string("a"), .string("b"), .string("c")]),
                                               "ranks": .array([.int(1), .int(2)])]))
        #expect(try refused(short).hasSuffix("bad.jsonl:1: ranks: has 2 ranks for 3 responses"))
        let zero = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array([.string("a"), .string("b"), .string("c")]),
                                              "ranks": .array([.int(1), .int(0), .int(2)])]))
        #expect(try refused(zero).hasSuffix("bad.jsonl:1: ranks[1]: expected a whole number from 1 (the best) to 3 (the number of responses), got 0"))
        // Ranks far past the responses are no ranking (they once read as "all tied").
        let far = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array((0..<4).map { .string("r\($0)") }),
                                             "ranks": .array([.int(99), .int(99), .int(99), .int(99)])]))
        #expect(try refused(far).hasSuffix("bad.jsonl:1: ranks[0]: expected a whole number from 1 (the best) to 4 (the number of responses), got 99"))
        let noBest = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array((0..<4).map { .string("r\($0)") }),
                                                "ranks": .array([.int(2), .int(2), .int(3), .int(4)])]))
        #expect(try refused(noBest).hasSuffix("bad.jsonl:1: ranks: has no rank 1: the best response is ranked 1 (equal ranks tie)"))
        // One rule for names, as annotators add has it: no control characters, at most 63 bytes.
        for (name, problem) in [("ann\u{1B}[2J", "a name may not hold control characters"),
                                (String(repeating: "n", count: 65), "a name has at most 63 bytes of UTF-8 (this one has 65)")] {
            let labeled = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "response_a": .string("a"), "response_b": .string("b"),
                                                     "preference_strength": .int(1), "annotator": .string(name)]))
            #expect(try refused(labeled).hasSuffix("bad.jsonl:1: annotator: \(problem)"))
        }
        // A chosen/rejected pair of one response twice is no preference.
        let same = JSONWriter.string(.object(["chosen": .string("\n\nHuman: hi\n\nAssistant: hello"), "rejected": .string("\n\nHuman: hi\n\nAssistant: hello")]))
        #expect(try refused(same).hasSuffix("bad.jsonl:1: rejected: is the same response as the chosen one: a preference needs two different responses"))
        let typo = JSONWriter.string(.object(["id": .string("t"), "prompt": .string("p"), "responses": .array([.string("a"), .string("b"), .string("c")]),
                                              "rank": .array([.int(1), .int(2), .int(3)])]))
        #expect(try refused(typo).hasSuffix("bad.jsonl:1: rank: unknown field (allowed: id, prompt, responses, metadata, ranks, all_bad, rubric, annotator, note)"))
        #expect(try project.count("items") == 1)
    }
}

/// Ranked items in exports: the consensus by Borda count, the `ranked` lines, and the pairs
/// each `--ranked-pairs` policy gives TRL.
@Suite struct RankedExportTests {
    @Test(arguments: StoreKind.available)
    func rankedAndTRLLinesCarryTheConsensus(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let items = try Fixtures.pandaLMRankedItems(2, responses: 4)
        let lines = [RankedImportTests.record("r0", items[0], ranks: [1, 2, 3, 4]),
                     RankedImportTests.record("r0", items[0], ranks: [1, 2, 3, 4], annotator: "bo"),
                     RankedImportTests.record("r1", items[1], ranks: [1, 1, 2, 3]),
                     RankedImportTests.record("r1", items[1], ranks: [2, 1, 3, 3], annotator: "bo")]
        let file = try project.file("ranked.jsonl", lines.joined(separator: "\n"))
        #expect(try project.store.importFiles([file], options: ImportOptions(keepLabels: true)).rankingsAdded == 4)

        func export(_ format: ExportFormat, _ policy: RankedPairPolicy = .bestVsRandom) throws -> [JSONValue] {
            var filter = ExportFilter()
            filter.rankedPairs = policy
            var out: [JSONValue] = []
            try project.store.export(format: format, filter: filter) { out.append(try JSONParser.parse($0)) }
            return out
        }
        // r1: panda's Borda scores 2/3, 2/3, 1/3, 0 and bo's 2/3, 1, 0, 0: means 2/3, 5/6, 1/6, 0.
        let ranked = try export(.ranked)
        #expect(ranked.count == 2)
        #expect(ranked[1]["responses"]?.arrayValue?.map { $0["response"]?.stringValue } == [1, 0, 2, 3].map { items[1].responses[$0] })
        #expect(ranked[1]["responses"]?.arrayValue?.map { $0["rank"] } == [.int(1), .int(2), .int(3), .int(4)])
        #expect(ranked[1]["responses"]?.arrayValue?.map { $0["score"]?.doubleValue } == [0.833333, 0.666667, 0.166667, 0])
        #expect(ranked[1]["label_source"] == .string("majority") && ranked[0]["label_source"] == .string("unanimous"))
        #expect(ranked[0]["rankings"] == .int(2))

        let all = try export(.trl, .all)
        #expect(all.map { $0["id"]?.stringValue } == ["r0/1>2", "r0/1>3", "r0/1>4", "r0/2>3", "r0/2>4", "r0/3>4",
                                                       "r1/2>1", "r1/2>3", "r1/2>4", "r1/1>3", "r1/1>4", "r1/3>4"])
        #expect(all[2]["margin"] == .double(3) && all[0]["margin"] == .double(1))
        #expect(all[2]["chosen"] == .string(items[0].responses[0]) && all[2]["rejected"] == .string(items[0].responses[3]))
        #expect(try export(.trl, .bestVsRest).map { $0["id"]?.stringValue } == ["r0/1>2", "r0/1>3", "r0/1>4", "r1/2>1", "r1/2>3", "r1/2>4"])
        let random = try export(.trl)
        #expect(random.count == 2 && random.map { $0["id"]?.stringValue?.prefix(5) } == ["r0/1>", "r1/2>"])
        #expect(try export(.trl).map { $0["id"] } == random.map { $0["id"] })
        // Formats for pairs leave ranked items out, and say so.
        var summary = try project.store.export(format: .helpsteer2, filter: ExportFilter()) { _ in }
        #expect(summary.written == 0 && summary.notices == ["left out 2 labeled items with three or more ranked responses (--format trl, ranked or rankings writes them)"])
        summary = try project.store.export(format: .trl, filter: ExportFilter(minAnnotators: 3)) { _ in }
        #expect(summary.written == 0)
        summary = try project.store.export(format: .trl, filter: ExportFilter(only: .adjudicated)) { _ in }
        #expect(summary.written == 0 && summary.notices == ["left out 2 labeled items with three or more ranked responses, which --only and --min-agreement do not select yet"])
        // A lead's decision on r1 replaces its two rankings, and passes --only adjudicated.
        let lead = try project.store.person("lead").id
        try project.store.adjudicate(itemRowID: try #require(try project.store.itemRowID(externalID: "r1")), leadID: lead,
                                            ranking: Ranking(ranks: [4, 3, 2, 1])!, rubric: ResponseRatings(["helpfulness": [0, 1, 3, 4]]),
                                            reason: .annotatorError, note: "the last is right")
        let decided = try export(.ranked)
        // The lead's values come with the decision (on PostgreSQL through the view made again in v16).
        #expect(decided[1]["responses"]?.arrayValue?.map { $0["rubric"]?["helpfulness"] } == [4, 3, 1, 0].map { .double($0) })
        #expect(decided[1]["label_source"] == .string("adjudicated") && decided[1]["rankings"] == .int(1))
        #expect(decided[1]["responses"]?.arrayValue?.map { $0["response"]?.stringValue } == [3, 2, 1, 0].map { items[1].responses[$0] })
        var only: [JSONValue] = []
        try project.store.export(format: .trl, filter: ExportFilter(only: .adjudicated)) { only.append(try JSONParser.parse($0)) }
        #expect(only.count == 1 && only[0]["id"]?.stringValue?.hasPrefix("r1/4>") == true && only[0]["label_source"] == .string("adjudicated"))
        #expect(try project.store.undoLastDecision(leadID: lead) != nil)
        #expect(try export(.ranked)[1]["label_source"] == .string("majority"))
    }
}

/// UltraFeedback (raw) and Nectar, written from their dataset cards' field lists around real
/// PandaLM instructions and responses.
@Suite struct RankedFormatTests {
    @Test func ultraFeedbackRatingsRankTheCompletions() throws {
        let project = try TemporaryProject()
        let items = try Fixtures.pandaLMRankedItems(2, responses: 4)
        // Means: 4.5, 2, 4.5 (two N/A left out), 1; the second record has a completion never rated.
        let first = try Fixtures.ultraFeedbackRawRecord(items[0], ratings: [[5, 4, 5, 4], [2, 2, 2, 2], [nil, nil, 5, 4], [1, 1, 1, 1]])
        let second = try Fixtures.ultraFeedbackRawRecord(items[1], ratings: [[5, 5, 5, 5], [nil, nil, nil, nil], [3, 3, 3, 3], [4, 4, 4, 4]])
        let file = try project.file("uf.jsonl", first + "\n" + second)
        let summary = try project.store.importFiles([file], options: ImportOptions(labelsAs: "gpt-4"))
        #expect(summary.itemsAdded == 2 && summary.rankingsAdded == 1)
        let rankings = try project.store.rankingsByItem()
        #expect(rankings.count == 1 && rankings[0].rankings["gpt-4"]?.ranks == [1, 2, 1, 3])
        let stored = try #require(try project.store.rankedItem(rowID: 1))
        #expect(stored.responses.map(\.text) == items[0].responses && stored.responses.map(\.model) == ["model-0", "model-1", "model-2", "model-3"])
        #expect(stored.prompt == .text(items[0].prompt) && stored.metadata["source"] == .string("evol_instruct"))
        let withoutLabels = try project.file("again.jsonl", first)
        #expect(throws: ImportError.self) { try project.store.importFiles([withoutLabels], options: ImportOptions(keepLabels: true)) }
        // This project rates nothing per response: the aspect ratings are counted as left out.
        // (helpfulness and honesty have an N/A: only aspects every completion has a rating of count)
        #expect(summary.rubricValuesLeftOut == ["instruction_following": 1, "truthfulness": 1])
        #expect(try project.store.currentRankings(itemRowID: 1).first?.rubric == ResponseRatings())
    }

    /// Where the project rates an aspect per response on UltraFeedback's 1–5 scale, its
    /// ratings become the ranking's values for it.
    @Test func ultraFeedbackAspectRatingsBecomeRubricValues() throws {
        let project = try TemporaryProject(rubric: Rubric(name: "uf", dimensions: [
            Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Rate it.", kind: .perResponse, scale: Scale(min: 1, max: 5), required: false),
            Dimension(key: "honesty", title: "Honesty", guideline: "Rate it.", kind: .perResponse, scale: Scale(min: 0, max: 4), required: false),
        ]))
        let item = try #require(try Fixtures.pandaLMRankedItems(1, responses: 4).first)
        let record = try Fixtures.ultraFeedbackRawRecord(item, ratings: [[5, 5, 5, 4], [2, 2, 2, 2], [3, 1, 5, 4], [1, 1, 1, 1]])
        let summary = try project.store.importFiles([try project.file("uf.jsonl", record)], options: ImportOptions(labelsAs: "gpt-4"))
        #expect(summary.rankingsAdded == 1)
        // Honesty is rated 0–4 here: 5 does not fit, so it is left out, as are the aspects not rated.
        #expect(summary.rubricValuesLeftOut == ["honesty": 1, "instruction_following": 1, "truthfulness": 1])
        #expect(try project.store.currentRankings(itemRowID: 1).first?.rubric == ResponseRatings(["helpfulness": [5, 2, 3, 1]]))
    }

    @Test func nectarRanksAndConversationsAreKept() throws {
        let project = try TemporaryProject()
        let items = try Fixtures.pandaLMRankedItems(2, responses: 5)
        let single = try Fixtures.nectarRecord(items[0], ranks: [3, 1, 5, 2, 4])
        let multi = try Fixtures.nectarRecord(items[1], ranks: [1, 2, 3, 4, 5], earlierTurns: [("Hello there.", "Hi! How can I help?")])
        let file = try project.file("nectar.jsonl", single + "\n" + multi)
        let summary = try project.store.importFiles([file], options: ImportOptions(labelsAs: "gpt-4"))
        #expect(summary.itemsAdded == 2 && summary.rankingsAdded == 2)
        #expect(try project.store.rankingsByItem().map { $0.rankings["gpt-4"]?.ranks ?? [] } == [[3, 1, 5, 2, 4], [1, 2, 3, 4, 5]])
        #expect(try project.store.rankedItem(rowID: 1)?.prompt == .text(items[0].prompt))
        #expect(try project.store.rankedItem(rowID: 2)?.prompt == .chat([ChatTurn(role: "user", content: "Hello there."),
                                                                         ChatTurn(role: "assistant", content: "Hi! How can I help?"),
                                                                         ChatTurn(role: "user", content: items[1].prompt)]))
        // The leaderboard breaks each ranking into its pairs between named models: 10 of 5 each.
        let battles = try project.store.modelBattles().battles
        #expect(battles.count == 20)
        #expect(battles.prefix(4).map { "\($0.modelA) \($0.modelB) \($0.strength)" } == ["model-0 model-1 2", "model-0 model-2 -2", "model-0 model-3 2", "model-0 model-4 -2"])
        let bad = try project.file("bad.jsonl", #"{"prompt": "Human: hi\n\nAssistant:", "answers": [{"answer": "a", "rank": 1}, {"answer": "b", "rank": 0.5}]}"#)
        #expect(throws: ImportError.self) { try project.store.importFiles([bad], options: ImportOptions(labelsAs: "gpt-4")) }
        do { _ = try project.store.importFiles([bad], options: ImportOptions(labelsAs: "gpt-4")) } catch let error as ImportError {
            #expect(error.description.hasSuffix("bad.jsonl:1: answers[1].rank: expected a whole number from 1, got 0.5"))
        }
    }

    @Test func oasstTreesGiveAnItemPerRankedPrompt() throws {
        let project = try TemporaryProject()
        let item = try #require(try Fixtures.pandaLMRankedItems(1, responses: 5).first)
        let file = try project.file("trees.jsonl", try Fixtures.oasstTree(item, ranks: [1, 0, 2]))
        let summary = try project.store.importFiles([file], options: ImportOptions(labelsAs: "oasst"))
        // The first prompt: a ranked item of 3 (the deleted reply passed by); the follow-up: a pair.
        #expect(summary.records == 2 && summary.itemsAdded == 2 && summary.rankingsAdded == 1 && summary.labelsAdded == 1)
        let ranked = try #require(try project.store.rankedItem(rowID: 1))
        #expect(ranked.id == "m-q1" && ranked.responses.map(\.text) == Array(item.responses.prefix(3)))
        #expect(try project.store.rankingsByItem().first?.rankings["oasst"]?.ranks == [2, 1, 3])
        let pair = try #require(try project.store.item(rowID: 2))
        #expect(pair.id == "m-q2" && pair.prompt == .chat([ChatTurn(role: "user", content: item.prompt), ChatTurn(role: "assistant", content: item.responses[0]),
                                                           ChatTurn(role: "user", content: "Can you say that more briefly?")]))
        // The second reply (response 4) ranked first: B better.
        #expect(try project.integers("SELECT strength FROM judgments") == [2])
    }
}

/// OpenAssistant as people download it: the datasets' flat message rows (one message per
/// line) and root messages with their replies, besides the trees export. The real oasst2
/// sample, laid out each way, gives the same items and rankings.
@Suite struct OpenAssistantLayoutTests {
    /// The sample's trees as flat rows, depth first (the datasets' own order), without replies.
    static func rows(_ trees: [JSONValue]) -> [JSONValue] {
        var out: [JSONValue] = []
        func walk(_ message: JSONValue, tree: JSONValue?) {
            var members = (message.objectMembers ?? []).filter { $0.key != "replies" }
            if let tree, message["message_tree_id"] == nil { members.append(JSONMember(key: "message_tree_id", value: tree)) }
            out.append(.object(members))
            for reply in message["replies"]?.arrayValue ?? [] { walk(reply, tree: tree) }
        }
        for tree in trees { walk(tree["prompt"]!, tree: tree["message_tree_id"]) }
        return out
    }

    func imported(_ layout: String, _ lines: [JSONValue]) throws -> (summary: ImportSummary, ranked: [String]) {
        let project = try TemporaryProject()
        // One file name for every layout: the labels record the file they came from.
        let file = try project.file("oasst.jsonl", lines.map(JSONWriter.string).joined(separator: "\n"))
        let summary = try project.store.importFiles([file], options: ImportOptions(labelsAs: "oasst"))
        var ranked: [String] = []
        _ = try project.store.export(format: .ranked, filter: ExportFilter()) { ranked.append($0) }
        var pairs: [String] = []
        _ = try project.store.export(format: .judgments, filter: ExportFilter()) { pairs.append($0) }
        return (summary, ranked.sorted() + pairs.map { $0.replacingOccurrences(of: #""created_at": "[^"]*""#, with: "", options: .regularExpression) }.sorted())
    }

    @Test func flatRowsAndRootMessagesReadAsTheTrees() throws {
        let text = try String(contentsOfFile: Fixtures.realFormat("oasst2-trees-sample.jsonl"), encoding: .utf8)
        let trees = try text.split(separator: "\n").prefix(120).map { try JSONParser.parse(String($0)) }
        let expected = try imported("trees.jsonl", trees)
        #expect(expected.summary.itemsAdded > 20 && expected.summary.rankingsAdded > 5, "\(expected.summary)")
        let roots = try imported("roots.jsonl", trees.map { $0["prompt"]! })
        #expect(roots.summary.itemsAdded == expected.summary.itemsAdded && roots.ranked == expected.ranked)
        let flat = Self.rows(trees)
        let rows = try imported("messages.jsonl", flat)
        #expect(rows.summary.itemsAdded == expected.summary.itemsAdded && rows.summary.rankingsAdded == expected.summary.rankingsAdded)
        #expect(rows.ranked == expected.ranked)
        // Deleted messages never become responses: none of their texts is stored.
        let deleted = flat.filter { $0["deleted"] == .bool(true) }.compactMap { $0["text"]?.stringValue }
        #expect(!deleted.isEmpty)
        #expect(deleted.allSatisfy { text in !rows.ranked.contains { $0.contains(JSONWriter.string(.string(text))) } })
        // A row refused where it stands.
        var broken = flat
        broken[3] = .object((broken[3].objectMembers ?? []).filter { $0.key != "role" } + [JSONMember(key: "role", value: .string("moderator"))])
        let project = try TemporaryProject()
        let file = try project.file("bad.jsonl", broken.map(JSONWriter.string).joined(separator: "\n"))
        do {
            _ = try project.store.importFiles([file], options: ImportOptions(labelsAs: "oasst"))
            Issue.record("accepted")
        } catch let error as ImportError {
            #expect(error.description.hasSuffix("bad.jsonl:4: role: expected prompter or assistant, got moderator"), "\(error)")
        }
    }
}

/// A lead's undo takes back their newest standing decision, whether on a pair or on a
/// ranked item, and then the one before.
@Suite struct DecisionUndoTests {
    @Test(arguments: StoreKind.available)
    func undoTakesBackTheNewestDecisionOfEitherKind(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let items = try Fixtures.pandaLMRankedItems(2, responses: 4)
        let pair = JSONWriter.string(.object(["id": .string("p0"), "prompt": .string(items[1].prompt),
                                              "response_a": .string(items[1].responses[0]), "response_b": .string(items[1].responses[1])]))
        let file = try project.file("items.jsonl", [RankedImportTests.record("r0", items[0], annotator: nil), pair].joined(separator: "\n"))
        #expect(try project.store.importFiles([file], options: ImportOptions()).itemsAdded == 2)
        let store = project.store
        let lead = try store.person("lead").id
        let ranked = try #require(try store.itemRowID(externalID: "r0")), paired = try #require(try store.itemRowID(externalID: "p0"))
        let draft = JudgmentDraft(strength: PreferenceStrength(-2)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 0)
        // Decisions of the two kinds are ordered by their times (to the millisecond): a lead's
        // keys are milliseconds apart at the very least.
        try store.adjudicate(itemRowID: paired, leadID: lead, draft: draft, reason: .ambiguous)
        Thread.sleep(forTimeInterval: 0.002)
        try store.adjudicate(itemRowID: ranked, leadID: lead, ranking: Ranking(ranks: [1, 2, 3, 4])!, reason: .other, note: nil)
        Thread.sleep(forTimeInterval: 0.002)
        try store.adjudicate(itemRowID: paired, leadID: lead, draft: draft, reason: .other)
        #expect(try store.undoLastDecision(leadID: lead) == paired)
        #expect(try store.currentAdjudication(itemRowID: paired)?.reason == .ambiguous)
        #expect(try store.undoLastDecision(leadID: lead) == ranked)
        #expect(try store.currentRankingAdjudication(itemRowID: ranked) == nil)
        #expect(try store.undoLastDecision(leadID: lead) == paired)
        #expect(try store.currentAdjudication(itemRowID: paired) == nil)
        #expect(try store.undoLastDecision(leadID: lead) == nil)
    }
}

/// NUL (U+0000) is never cut: a record holding one, as a JSON escape in any string (an id
/// included) or as a raw byte in a CSV field far into the file, is refused naming
/// file:line:field, and nothing is imported.
@Suite struct NULByteTests {
    @Test(arguments: StoreKind.available)
    func aNULIsRefusedNeverCut(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        func refused(_ name: String, _ text: String) throws -> String {
            let path = try project.file(name, text)
            do { _ = try project.store.importFiles([path], options: ImportOptions(keepLabels: true)) } catch let error as ImportError { return error.description }
            return "accepted"
        }
        let response = #"{"id": "n1", "prompt": "p", "response_a": "keep\u0000AFTER", "response_b": "b"}"#
        #expect(try refused("a.jsonl", response).hasSuffix("a.jsonl:1: response_a: holds a NUL character (U+0000), which a project cannot store: remove it from the text (column 54)"))
        let ids = #"{"id": "x\u0000one", "prompt": "p", "response_a": "a", "response_b": "b"}"# + "\n"
            + #"{"id": "x\u0000two", "prompt": "q", "response_a": "a", "response_b": "b"}"#
        #expect(try refused("ids.jsonl", ids).hasSuffix("ids.jsonl:1: id: holds a NUL character (U+0000), which a project cannot store: remove it from the text (column 16)"))
        // A raw NUL byte in a CSV field after 120 KB of good rows.
        var csv = "id,prompt,response_a,response_b\n"
        var row = 0
        while csv.utf8.count < 130_000 {
            row += 1
            csv += "r\(row),prompt \(row) \(String(repeating: "é", count: 200)),a\(row),b\(row)\n"
        }
        csv += "last,p,keep\u{0}AFTER,b\n"
        #expect(try refused("big.csv", csv).hasSuffix("big.csv:\(row + 2): response_a: holds a NUL character (U+0000), which a project cannot store: remove it from the text"))
        #expect(try project.count("items") == 0)
    }
}
