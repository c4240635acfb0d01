import Foundation
import GRDB
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

extension TemporaryProject {
    /// Each annotator's preferred response text per item (external id): nil for a tie.
    func preferredTexts(_ annotator: String) throws -> [String: String?] {
        try store.read { sql in
            var result: [String: String?] = [:]
            let rows = try sql.rows("""
                SELECT i.external_id, j.strength, a.text, b.text FROM current_judgments j
                JOIN annotators p ON p.id = j.annotator_id JOIN items i ON i.id = j.item_id
                JOIN responses a ON a.item_id = i.id AND a.slot = 'a' JOIN responses b ON b.item_id = i.id AND b.slot = 'b'
                WHERE p.name = ?
                """, [.text(annotator)])
            for row in rows {
                let strength = row.int(1)
                let text: String? = strength < 0 ? row.text(2) : (strength > 0 ? row.text(3) : nil)
                result.updateValue(text, forKey: row.text(0) ?? "")  // a tie is stored as nil, not dropped
            }
            return result
        }
    }

    /// The item id of each pair, by its prompt JSON and response texts in either order.
    func itemIDs() throws -> [String: String] {
        try store.read { sql in
            var result: [String: String] = [:]
            for row in try sql.rows("SELECT i.external_id, i.content_hash FROM items i", []) { result[row.text(1) ?? ""] = row.text(0) }
            return result
        }
    }
}

/// Reads every record of a file as its format decides.
func readRecords(_ path: String, format: InputFormat? = nil) throws -> [ImportRecord] {
    var reader = try RecordReader(bytes: try InputFile.read(path: path), file: path, format: format)
    var records: [ImportRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

@Suite struct LabelOrientationTests {
    /// The issue's acceptance test: the hh pairs stored in a random A/B order first, then their
    /// labels imported as hh-rlhf under one name and swapped under another: no label points at
    /// the wrong text, and the two annotators disagree on every pair.
    @Test(arguments: StoreKind.available)
    func reimportedPairsAreOrientedByText(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let records = try readRecords(Fixtures.hhRLHF)
        #expect(records.count == 2312)
        var generator = SplitMix64(seed: 2026)
        var items: [String] = [], swappedFile: [String] = []
        var chosenByHash: [String: String] = [:]
        for record in records {
            let item = record.item!
            let label = record.labels[0]
            let chosen = label.strength.value < 0 ? item.responseA : item.responseB
            let rejected = label.strength.value < 0 ? item.responseB : item.responseA
            chosenByHash[item.contentHash] = chosen.text
            let flip = Bool.random(using: &generator)
            let (a, b) = flip ? (item.responseB, item.responseA) : (item.responseA, item.responseB)
            items.append(JSONWriter.string(.object([
                "id": .string(String(item.contentHash.prefix(12))), "prompt": item.prompt.json,
                "response_a": .string(a.text), "response_b": .string(b.text),
            ])))
            swappedFile.append(JSONWriter.string(.object([
                "chosen": .string(HHTranscript.transcript(prompt: item.prompt, reply: rejected)!),
                "rejected": .string(HHTranscript.transcript(prompt: item.prompt, reply: chosen)!),
            ])))
        }
        let itemsPath = try project.file("items.jsonl", items.joined(separator: "\n"))
        let swappedPath = try project.file("swapped.jsonl", swappedFile.joined(separator: "\n"))
        #expect(try project.store.importFiles([itemsPath], options: ImportOptions()).itemsAdded == 2312)

        let first = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "first"))
        #expect(first.itemsAdded == 0 && first.labelsAdded == 2312)
        #expect(first.labelsReoriented > 1000 && first.labelsReoriented < 1312, "about half the pairs are stored the other way round")
        let second = try project.store.importFiles([swappedPath], options: ImportOptions(format: .hhRLHF, labelsAs: "second"))
        #expect(second.itemsAdded == 0 && second.labelsAdded == 2312)

        let ids = try project.itemIDs()
        let firstPicks = try project.preferredTexts("first"), secondPicks = try project.preferredTexts("second")
        var inverted = 0, disagreements = 0
        for (hash, chosen) in chosenByHash {
            let id = ids[hash]!
            if firstPicks[id] != .some(chosen) { inverted += 1 }
            if secondPicks[id] != .some(chosen) && secondPicks[id]! != nil { disagreements += 1 }
        }
        #expect(inverted == 0)
        #expect(disagreements == 2312)
    }

    @Test(arguments: StoreKind.available)
    func aLabelOnAnItemStoredTheOtherWayRoundSwapsItsRubricToo(_ kind: StoreKind) throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        let project = try TemporaryProject(on: kind, rubric: rubric)
        let items = try project.file("items.jsonl", #"{"id": "q", "prompt": "p", "response_a": "first", "response_b": "second"}"#)
        _ = try project.store.importFiles([items], options: ImportOptions())
        let labels = try project.file("labels.jsonl", """
            {"id": "q2", "prompt": "p", "response_a": "second", "response_b": "first", "preference_strength": -3, "annotator": "ann", "rubric": {"helpfulness": {"a": 4, "b": 1}, "safety": -1}, "note": "n"}
            """)
        let summary = try project.store.importFiles([labels], options: ImportOptions(keepLabels: true))
        #expect(summary.labelsAdded == 1 && summary.labelsReoriented == 1 && summary.duplicates == 1)
        let judgment = try #require(try project.store.currentJudgments().first)
        #expect(judgment.itemID == "q" && judgment.annotator == "ann" && judgment.note == "n")
        #expect(judgment.strength.value == 3, "the record's A (\"second\") is the stored B")
        #expect(judgment.rubric == ["helpfulness": .perResponse(a: 1, b: 4), "safety": .comparative(1)])
        #expect(judgment.origin == "import:jsonl" && judgment.source == "labels.jsonl")
    }
}

@Suite struct LabelConflictTests {
    static let pair = #"{"prompt": "p", "chosen": "yes", "rejected": "no"}"#
    static let reversed = #"{"prompt": "p", "chosen": "no", "rejected": "yes"}"#

    @Test(arguments: StoreKind.available)
    func contradictingLabelsAreRefusedWithTheirLines(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("t.jsonl", [Self.pair, #"{"prompt": "q", "chosen": "a", "rejected": "b"}"#, Self.reversed, Self.pair].joined(separator: "\n"))
        do {
            _ = try project.store.importFiles([path], options: ImportOptions(labelsAs: "src"))
            Issue.record("expected the import to be refused")
        } catch let error as ImportConflictError {
            #expect(error.description == """
                1 label contradicts another label by the same annotator on the same pair (1 pair); nothing was imported. The first:
                  \(path):3: label: src's label on item \(error.conflicts[0].itemID) contradicts \(path):1
                Fix the source, or pass --on-conflict skip to import the rest and keep no label from this input on those pairs.
                """)
        }
        #expect(try project.count("items") == 0 && project.count("judgments") == 0)

        let skipped = try project.store.importFiles([path], options: ImportOptions(labelsAs: "src", onConflict: .skip))
        #expect(skipped.itemsAdded == 2 && skipped.labelsAdded == 1 && skipped.conflicts.count == 1)
        #expect(skipped.labelsRepeated == 1, "line 4 repeats line 1")
        #expect(try project.preferredTexts("src").values.compactMap { $0 } == ["a"])
    }

    /// Rows go in as statements of many rows: a contradiction thousands of records after the
    /// label it contradicts still refuses everything, and under `skip` still keeps neither;
    /// the other labels are stored in input order across statements.
    @Test(arguments: StoreKind.available)
    func aContradictionManyStatementsLaterIsFoundToo(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let others = (0..<3000).map { #"{"prompt": "q\#($0)", "chosen": "a\#($0)", "rejected": "b"}"# }
        let path = try project.file("t.jsonl", ([Self.pair] + others + [Self.reversed]).joined(separator: "\n"))
        do {
            _ = try project.store.importFiles([path], options: ImportOptions(labelsAs: "src"))
            Issue.record("expected the import to be refused")
        } catch let error as ImportConflictError {
            #expect(error.conflicts.map(\.line) == [3002] && error.conflicts.map(\.otherLine) == [1])
        }
        #expect(try project.count("items") == 0 && project.count("judgments") == 0)

        let skipped = try project.store.importFiles([path], options: ImportOptions(labelsAs: "src", onConflict: .skip))
        #expect(skipped.itemsAdded == 3001 && skipped.labelsAdded == 3000 && skipped.conflicts.count == 1)
        let prompts = try project.store.read { sql in
            try sql.rows("SELECT i.prompt FROM judgments j JOIN items i ON i.id = j.item_id ORDER BY j.id", []).map { $0.text(0) ?? "" }
        }
        #expect(prompts == (0..<3000).map { #""q\#($0)""# })
        let chosen = try project.preferredTexts("src")
        #expect(chosen.count == 3000 && Set(chosen.values.compactMap { $0 }) == Set((0..<3000).map { "a\($0)" }))
    }

    @Test(arguments: StoreKind.available)
    func aLabelThatContradictsAStoredJudgmentIsAConflict(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let one = try project.file("one.jsonl", Self.pair)
        let other = try project.file("other.jsonl", Self.reversed)
        _ = try project.store.importFiles([one], options: ImportOptions(labelsAs: "src"))
        let again = try project.store.importFiles([one], options: ImportOptions(labelsAs: "src"))
        #expect(again.labelsAlreadyThere == 1 && again.labelsAdded == 0)
        #expect(throws: ImportConflictError.self) { try project.store.importFiles([other], options: ImportOptions(labelsAs: "src")) }
        let skipped = try project.store.importFiles([other], options: ImportOptions(labelsAs: "src", onConflict: .skip))
        #expect(skipped.conflicts.map(\.otherFile) == [nil])
        #expect(try project.preferredTexts("src").values.compactMap { $0 } == ["yes"], "the stored judgment stays")
    }
}

@Suite struct JudgmentsRoundTripTests {
    /// A project's judgments export imports back exactly, into a project that stores the
    /// pairs the same way; into one that stores them the other way round, every judgment
    /// is oriented by text.
    @Test(arguments: StoreKind.available)
    func judgmentsExportImportsBackExactly(_ kind: StoreKind) throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        let source = try TemporaryProject(on: kind, rubric: rubric)
        _ = try source.store.importFiles([Fixtures.sampleItems], options: ImportOptions())
        try source.execute("""
                INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'annotator', 'x'), ('bo', 'annotator', 'x');
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, note, shown_order, ms, created_at, origin, source)
                SELECT i.id, p.id, (i.id % 7) - 3, CASE WHEN i.id % 5 = 0 THEN 1 ELSE 0 END, '{"helpfulness": {"a": 3, "b": 1}, "safety": -1}',
                       CASE WHEN i.id % 2 = 0 THEN 'a "note", with comma' END, CASE WHEN i.id % 3 = 0 THEN 'ba' ELSE 'ab' END,
                       1234 + i.id, '2026-11-23T01:02:03.456Z', CASE WHEN p.name = 'ann' THEN 'tui' ELSE 'import:trl' END,
                       CASE WHEN p.name = 'bo' THEN 'labels.jsonl' END
                FROM items i, annotators p WHERE p.name IN ('ann', 'bo')
                """)
        let exported = try source.export(.judgments)
        #expect(exported.count == 124)
        let file = try source.file("judgments.jsonl", exported.joined(separator: "\n") + "\n")

        let same = try TemporaryProject(on: kind, rubric: rubric)
        _ = try same.store.importFiles([Fixtures.sampleItems], options: ImportOptions())
        let summary = try same.store.importFiles([file], options: ImportOptions(keepLabels: true))
        #expect(summary.labelsAdded == 124 && summary.labelsReoriented == 0)
        #expect(try same.export(.judgments) == exported)

        // The same items with every A and B exchanged.
        let swappedItems = try readRecords(Fixtures.sampleItems).map { record -> String in
            let item = record.item!
            return JSONWriter.string(.object([
                "id": .string(item.id), "prompt": item.prompt.json, "response_a": .string(item.responseB.text), "response_b": .string(item.responseA.text),
            ]))
        }
        let swapped = try TemporaryProject(on: kind, rubric: rubric)
        _ = try swapped.store.importFiles([try swapped.file("items.jsonl", swappedItems.joined(separator: "\n"))], options: ImportOptions())
        let oriented = try swapped.store.importFiles([file], options: ImportOptions(keepLabels: true))
        #expect(oriented.labelsAdded == 124 && oriented.labelsReoriented == 124)
        let before = try source.store.currentJudgments(), after = try swapped.store.currentJudgments()
        #expect(after.count == 124)
        for (b, a) in zip(before, after) {
            #expect(a.itemID == b.itemID && a.annotator == b.annotator && a.note == b.note && a.milliseconds == b.milliseconds)
            #expect(a.strength.value == -b.strength.value)
            #expect(a.shownOrder != b.shownOrder)
            #expect(a.rubric == ["helpfulness": .perResponse(a: 1, b: 3), "safety": .comparative(1)])
            #expect(a.origin == b.origin && a.source == b.source && a.createdAt == b.createdAt)
        }
    }

    @Test(arguments: StoreKind.available)
    func judgmentsNamingUnknownItemsOrTextsAreRefused(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        _ = try project.store.importFiles([try project.file("i.jsonl", #"{"id": "q", "prompt": "p", "response_a": "x", "response_b": "y"}"#)],
                                          options: ImportOptions())
        func refusal(_ line: String) throws -> String {
            let path = try project.file("j.jsonl", line)
            do { _ = try project.store.importFiles([path], options: ImportOptions(keepLabels: true)) } catch let error as ImportError {
                return error.description.replacingOccurrences(of: path, with: "j.jsonl")
            }
            return "imported"
        }
        #expect(try refusal(#"{"item_id": "nope", "annotator": "a", "preference_strength": 1}"#)
                == "j.jsonl:1: item_id: 'nope' is not an item of this project (import the items first)")
        #expect(try refusal(#"{"item_id": "q", "annotator": "a", "preference_strength": 1, "response_a_sha256": "\#(String(repeating: "0", count: 64))"}"#)
                == "j.jsonl:1: response_a_sha256: matches neither response of item 'q'")
        #expect(try refusal(#"{"item_id": "q", "annotator": "a", "preference_strength": 1, "rubric": {"depth": 2}}"#)
                == "j.jsonl:1: rubric.depth: this project's rubric rates no dimensions besides the overall preference")
        #expect(try project.count("judgments") == 0)
    }
}

@Suite struct SimulatedLabelTests {
    @Test(arguments: StoreKind.available)
    func exportsLeaveSimulatedJudgmentsOutUnlessAsked(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("t.jsonl", """
            {"prompt": "p1", "chosen": "good", "rejected": "bad"}
            {"prompt": "p2", "chosen": "fine", "rejected": "poor"}
            """)
        _ = try project.store.importFiles([path], options: ImportOptions(labelsAs: "human"))
        let rows = try project.integers("SELECT id FROM items ORDER BY id")
        try project.store.addSimulatedJudgments(rows.map { ($0, "sim1", 3, false, .ab, 1000) })
        #expect(try project.store.nonSimulatedJudgmentCount() == 2)
        var lines: [String] = []
        let summary = try project.store.export(format: .trl, filter: ExportFilter(provenance: false)) { lines.append($0) }
        #expect(lines.map { try! JSONParser.parse($0)["chosen"]! } == [.string("good"), .string("fine")])
        #expect(summary.simulatedJudgmentsLeftOut == 2)
        #expect(summary.notices == ["left out 2 judgments by simulated annotators (--include-simulated counts them)"])
        let all = try project.export(.trl, ExportFilter(includeSimulated: true))
        #expect(all.allSatisfy { $0.contains(#""judgments": 2"#) })
        #expect(Set(try project.store.currentJudgments().map(\.origin)) == ["import:trl", "simulate"])
    }
}
