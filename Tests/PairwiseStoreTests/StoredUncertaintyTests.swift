import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// A run's uncertainties stored in one value (v18) read back as the run's rows say, on both
/// stores; a run without it (made before v18, or over sparse ids) is read from its rows.
@Suite struct StoredUncertaintyTests {
    @Test(arguments: StoreKind.available)
    func theStoredTableEqualsTheRows(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let store = project.store
        let items = """
            {"id": "a", "prompt": "p1", "response_a": "x", "response_b": "y"}
            {"id": "b", "prompt": "p2", "response_a": "x", "response_b": "y"}
            {"id": "c", "prompt": "p3", "response_a": "x", "response_b": "y"}
            """
        _ = try store.importFiles([try project.file("items.jsonl", items)], options: ImportOptions())
        let rows = try project.integers("SELECT id FROM items ORDER BY id")
        // Values a run could give: ordinary, 0, −0, tiny, the largest.
        let values = [0.25, -0.0, .leastNonzeroMagnitude]
        let run = try store.startModelRun(lastJudgmentID: 0)
        try store.finishModelRun(run, metrics: ModelRunMetrics(pairs: 3, accuracy: 0.5, logLoss: 0.7, calibrationError: 0, trainSeconds: 0, parameters: .object([])),
                                 weights: [0], scores: zip(rows, values).map { ItemScore(itemRowID: $0, rewardA: 0, rewardB: 0, margin: 0, uncertainty: $1) })
        #expect(try project.integers("SELECT count(*) FROM model_runs WHERE uncertainties IS NOT NULL") == [1])
        let stored = try store.latestUncertainties()
        try project.execute("UPDATE model_runs SET uncertainties = NULL")
        let fromRows = try store.latestUncertainties()
        #expect(stored == fromRows)
        #expect(stored.count == 3)
        for (row, value) in zip(rows, values) { #expect(stored[row].bitPattern == value.bitPattern) }
        #expect(stored[rows.max()! + 1] == 0)
    }

    @Test func sparseIdsAreNotStoredAsAnArray() {
        #expect(ItemScoreTable.blob([(1, 0.5), (2, 0.25)])?.count == 24)
        #expect(ItemScoreTable.blob([(1, 0.5), (1_000_000, 0.25)]) == nil)
        #expect(ItemScoreTable.blob([(1, .nan)]) == nil)
        let table = ItemScoreTable(blob: ItemScoreTable.blob([(1, 0.5), (3, 0.25)])!)!
        #expect(table.count == 2 && table[1] == 0.5 && table[2] == 0 && table[3] == 0.25)
    }
}

/// A long queue is sorted in two halves at once and merged: the order one sort gives.
@Suite struct QueueOrderTests {
    @Test func halvesSortedAtOnceMergeToTheOneOrder() throws {
        var random = SplitMix64(seed: 11)
        // Few distinct uncertainties (most ties go to the hash), some skipped items.
        let keys = (0..<300_000).map { id in
            QueueKey(skipped: random.next() % 50 == 0, descendingUncertainty: QueueKey.descending(Double(random.next() % 8) / 8),
                     hash: random.next() % 1_000, id: Int64(id))
        }.shuffled(using: &random)
        let expected = keys.sorted().map(\.id)
        #expect(QueueKey.idsInOrder(keys) == expected)
        #expect(QueueKey.idsInOrder(Array(keys.prefix(1_000))) == keys.prefix(1_000).sorted().map(\.id))
        #expect(Set(expected).count == 300_000 && expected != keys.map(\.id))
    }
}
