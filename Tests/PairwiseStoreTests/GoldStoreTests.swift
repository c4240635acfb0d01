import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct GoldStoreTests {
    /// Real hh-rlhf pairs stored in a random A/B order; the first eight become gold from the
    /// hh-rlhf file itself: every expected answer points at hh's chosen text, gold items leave
    /// the queue, agreement and exports (unless asked), a contradicting answer is refused, and
    /// an annotator's first answer to a gold item is the one scored.
    @Test(arguments: StoreKind.available)
    func goldAnswersAreOrientedByTextAndKeptApart(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let store = project.store
        let records = Array(try readRecords(Fixtures.hhRLHF).prefix(30))
        var generator = SplitMix64(seed: 15)
        var items: [String] = [], goldFile: [String] = [], contradicting: [String] = []
        var chosenByHash: [String: String] = [:]
        for (n, record) in records.enumerated() {
            let item = record.item!
            let chosen = record.labels[0].strength.value < 0 ? item.responseA : item.responseB
            let rejected = record.labels[0].strength.value < 0 ? item.responseB : item.responseA
            chosenByHash[item.contentHash] = chosen.text
            let (a, b) = Bool.random(using: &generator) ? (item.responseB, item.responseA) : (item.responseA, item.responseB)
            items.append(JSONWriter.string(.object([
                "id": .string("hh-\(n)"), "prompt": item.prompt.json, "response_a": .string(a.text), "response_b": .string(b.text),
            ])))
            if n < 8 {
                goldFile.append(JSONWriter.string(.object([
                    "chosen": .string(HHTranscript.transcript(prompt: item.prompt, reply: chosen)!),
                    "rejected": .string(HHTranscript.transcript(prompt: item.prompt, reply: rejected)!),
                ])))
                contradicting.append(JSONWriter.string(.object([
                    "chosen": .string(HHTranscript.transcript(prompt: item.prompt, reply: rejected)!),
                    "rejected": .string(HHTranscript.transcript(prompt: item.prompt, reply: chosen)!),
                ])))
            }
        }
        _ = try store.importFiles([try project.file("items.jsonl", items.joined(separator: "\n"))], options: ImportOptions())
        let added = try store.importFiles([try project.file("gold.jsonl", goldFile.joined(separator: "\n"))], options: ImportOptions(destination: .gold))
        #expect(added.itemsAdded == 0 && added.labelsAdded == 8)
        let gold = try store.goldItems()
        #expect(gold.map(\.itemID) == (0..<8).map { "hh-\($0)" }.sorted())
        for entry in gold {
            let rowID = try #require(try store.itemRowID(externalID: entry.itemID))
            let item = try #require(try store.item(rowID: rowID))
            let pointed = entry.answer.strength < 0 ? item.responseA.text : item.responseB.text
            #expect(pointed == chosenByHash[item.contentHash])
        }
        #expect(added.labelsReoriented == gold.filter { $0.answer.strength > 0 }.count)
        #expect(added.labelsReoriented > 0 && added.labelsReoriented < 8)

        // The same pairs with the opposite answer: refused, nothing changed.
        #expect(throws: ImportConflictError.self) {
            try store.importFiles([try project.file("bad.jsonl", contradicting.joined(separator: "\n"))], options: ImportOptions(destination: .gold))
        }
        #expect(try store.goldItems().map { "\($0.itemID) \($0.answer.strength)" } == gold.map { "\($0.itemID) \($0.answer.strength)" })

        // Out of the queue, and scored by the first answer.
        let ann = try store.person("ann").id
        let goldIDs = try store.goldItemIDs()
        #expect(goldIDs.count == 8)
        #expect(Set(try store.queue(annotatorID: ann, overlap: 3, seed: 1, gold: goldIDs)).isDisjoint(with: goldIDs))
        #expect(try store.queue(annotatorID: ann, overlap: 3, seed: 1, gold: goldIDs).count == 22)
        let first = try #require(try store.itemRowID(externalID: gold[0].itemID))
        let expected = gold[0].answer.strength
        func draft(_ strength: Int) -> JudgmentDraft {
            JudgmentDraft(strength: PreferenceStrength(strength)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 900)
        }
        try store.submit(draft(-expected), itemID: first, annotatorID: ann)
        _ = try store.undoLastLabel(annotatorID: ann)
        try store.submit(draft(expected), itemID: first, annotatorID: ann)
        let scored = try #require(try store.scoredJudgments()["ann"])
        #expect(scored.count == 1 && scored[0].gold && scored[0].label != scored[0].reference)
        #expect(try store.unseenGoldItems(annotatorID: ann).count == 7)

        // Out of agreement and exports unless asked.
        #expect(try store.currentJudgmentColumns().count == 0)
        #expect(try store.currentJudgmentColumns(policy: .for(.agreement, includeGold: true)).count == 1)
        var lines: [String] = []
        let left = try store.export(format: .trl, filter: ExportFilter(provenance: false)) { lines.append($0) }
        #expect(lines.isEmpty && left.goldJudgmentsLeftOut == 1)
        let asked = try store.export(format: .trl, filter: ExportFilter(provenance: false, includeGold: true)) { _ in }
        #expect(asked.written == 1 && asked.goldJudgmentsLeftOut == 0)

        #expect(try store.removeGold(externalIDs: [gold[0].itemID]) == 1)
        #expect(try store.goldItemIDs().count == 7)
    }
}

/// Agreement by guidelines version, from the judgment columns statistics read: against the
/// definition from every current judgment, item by item (gold items and retracted judgments
/// left out alike), first with no guidelines, then with items judged under two versions.
@Suite struct DirectionCountsTests {
    @Test(arguments: StoreKind.available)
    func columnsGiveWhatTheJudgmentsGive(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        try project.store.addSyntheticData(items: 300, judgments: 900, annotators: 4, seed: 3)
        try project.execute("INSERT INTO gold_answers (item_id, strength, both_bad, created_at) VALUES (1, 2, 0, 'x'), (7, -1, 0, 'x')")
        try project.execute("INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) SELECT id, annotator_id, 'x' FROM judgments WHERE id IN (2, 3, 50)")
        func triples(_ counts: [Int32]) -> [[Int32]] {
            stride(from: 0, to: counts.count, by: 3).map { Array(counts[$0..<$0 + 3]) }.sorted { $0.lexicographicallyPrecedes($1) }
        }
        func check(versions expectedVersions: [Int?]) throws {
            var perItem: [Int64: (versions: Set<Int>, counts: [Int32])] = [:]
            var expectedJudgments: [Int: Int] = [:]
            try project.store.read { sql in
                try sql.scan("""
                    SELECT c.item_id, coalesce(j.guidelines_version, 0), j.strength FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                    WHERE c.item_id NOT IN (SELECT item_id FROM gold_answers)
                    """, []) { row in
                    var entry = perItem[Int64(row.int(0))] ?? ([], [0, 0, 0])
                    entry.versions.insert(row.int(1))
                    entry.counts[row.int(2) < 0 ? 0 : row.int(2) > 0 ? 1 : 2] += 1
                    perItem[Int64(row.int(0))] = entry
                    expectedJudgments[row.int(1), default: 0] += 1
                }
            }
            let versions = try project.store.currentJudgmentColumns().directionCountsByGuidelinesVersion()
            #expect(versions.map(\.version) == expectedVersions)
            #expect(versions.map(\.judgments) == expectedVersions.map { expectedJudgments[$0 ?? 0] ?? -1 })
            for entry in versions {
                let expected = perItem.values.filter { $0.versions == [entry.version ?? 0] && $0.counts.reduce(0, +) >= 2 }.map(\.counts)
                #expect(triples(entry.counts) == expected.sorted { $0.lexicographicallyPrecedes($1) }, "version \(String(describing: entry.version))")
            }
            #expect(versions.contains { $0.counts.count > 90 })
        }
        try check(versions: [nil])
        try project.execute("INSERT INTO guidelines (version, text, created_at) VALUES (1, 'one', 'x'), (2, 'two', 'x')")
        for (version, every) in [(1, 3), (2, 7)] {
            // Judgments are append-only: a new judgment under the version supersedes the old.
            try project.execute("""
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin, guidelines_version)
                SELECT item_id, annotator_id, -strength, 0, '{}', 'ab', 1, 'x', 'test', \(version) FROM judgments WHERE id <= 900 AND id % \(every) = 0
                """)
        }
        try check(versions: [nil, 1, 2])
    }
}
