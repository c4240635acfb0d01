import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// The queue's start found without reading every open item is the whole queue's start, and
/// its length the whole queue's: 1,500 real hh-rlhf pairs at overlap 3, a third filled by
/// others, some judged or skipped by the annotator, some gold, uncertainties with many ties.
@Suite struct QueueStartTests {
    @Test(arguments: StoreKind.available)
    func theStartIsTheWholeQueuesStart(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let store = project.store
        let path = project.directory.appendingPathComponent("items.jsonl").path
        try Fixtures.hhRLHFRecords(1_500, into: path)
        _ = try store.importFiles([path], options: ImportOptions())
        try store.setOverlap(3)
        let ann = try store.person("ann").id
        guard kind == .sqlite else {
            // PostgreSQL keeps no counts to start from: the whole queue it is.
            #expect(try store.queueStart(annotatorID: ann, overlap: 3, seed: 5, count: 5, minimumOpen: 0) == nil)
            return
        }
        let rows = try project.integers("SELECT id FROM items ORDER BY id")
        var random = SplitMix64(seed: 29)
        func judge(_ item: Int64, by annotator: Int64) throws {
            try project.execute("""
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                VALUES (?, ?, 1, 0, 'ab', 1000, '2026-12-07T00:00:00.000Z', 'tui')
                """, [.integer(item), .integer(annotator)])
        }
        let others = try ["b", "c", "d"].map { try store.person($0).id }
        for item in rows where random.next() % 3 == 0 { for other in others { try judge(item, by: other) } }
        for item in rows where random.next() % 25 == 0 { try judge(item, by: ann) }
        for item in rows where random.next() % 40 == 0 { try store.recordEvent(.skip, itemID: item, annotatorID: ann) }
        let gold = Set(rows.filter { _ in random.next() % 50 == 0 })
        var uncertainties = ItemScoreTable()
        for item in rows where random.next() % 3 != 0 { uncertainties.set(Double(random.next() % 4) / 10, for: item) }

        for (count, table) in [(1, nil), (5, uncertainties), (64, uncertainties), (64, nil)] as [(Int, ItemScoreTable?)] {
            let whole = try store.queue(annotatorID: ann, overlap: 3, seed: 5, gold: gold, uncertainties: table)
            let start = try #require(try store.queueStart(annotatorID: ann, overlap: 3, seed: 5, gold: gold, uncertainties: table, count: count, minimumOpen: 0))
            #expect(start.items == Array(whole.prefix(count)))
            #expect(start.total == whole.count)
            // Fewer open candidates than asked for, or fewer open items than it pays for: no start.
            #expect(try store.queueStart(annotatorID: ann, overlap: 3, seed: 5, gold: gold, uncertainties: table, count: whole.count + 1, minimumOpen: 0) == nil)
            #expect(try store.queueStart(annotatorID: ann, overlap: 3, seed: 5, gold: gold, uncertainties: table, count: count, minimumOpen: 1_501) == nil)
        }
        // Not trivially so: the skipped items are at the end, the filled and own ones out.
        let whole = try store.queue(annotatorID: ann, overlap: 3, seed: 5, gold: gold, uncertainties: uncertainties)
        #expect(whole.count > 500 && whole.count < 1_000)
    }

    /// The gold `mix` places in a queue, counted without the queue.
    @Test func placedGoldIsCountedWithoutTheQueue() {
        for (count, gold, rate) in [(0, 5, 0.2), (10, 40, 0.2), (1_000, 40, 0.2), (1_000, 3, 0.5), (50, 0, 0.2), (50, 7, 0.0), (300, 40, 1.0)] {
            let queue = (0..<Int64(count)).map { $0 + 10_000 }
            let mixed = GoldSchedule.mix(queue: queue, unseenGold: (0..<Int64(gold)).map { $0 }, rate: rate, salt: 77)
            #expect(GoldSchedule.placedCount(queueCount: count, unseenGold: gold, rate: rate, salt: 77) == mixed.count - count)
        }
    }
}
