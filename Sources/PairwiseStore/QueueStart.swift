import PairwiseCore

/// The first items of an annotator's queue and the whole queue's length, found without
/// ordering every open item (see `ProjectStore.queueStart`).
public struct QueueStart: Equatable, Sendable {
    /// The queue's first items, in its order.
    public var items: [Int64]
    /// How many items the whole queue holds.
    public var total: Int
}

extension ProjectStore {
    /// The first `count` items of `queue(annotatorID:overlap:seed:gold:uncertainties:)` and its
    /// length, for a first screen that need not wait for the whole queue (at millions of open
    /// items, reading and ordering them takes about a second). Every item row id in the items'
    /// range is keyed as the queue keys it (no read: the keys are a hash, the uncertainty table
    /// and the skipped items), the smallest keys kept, and those that are open and not this
    /// annotator's or gold, in key order, are the queue's start; the length is the kept counts'
    /// open items less the open ones among this annotator's and the gold items. Nil where this
    /// does not pay or cannot answer: on PostgreSQL, with fewer than `minimumOpen` open items
    /// (the queue's scan is quick then), item ids spread over more than twice their number, or
    /// fewer than `count` of the candidates open.
    public func queueStart(annotatorID: Int64, overlap: Int, seed: UInt64, gold: Set<Int64> = [], uncertainties: ItemScoreTable? = nil,
                           count: Int = 64, minimumOpen: Int = 200_000) throws -> QueueStart? {
        guard dialect == .sqlite, count > 0 else { return nil }
        return try read { sql -> QueueStart? in
            // v20's kept counts: items by number of judges.
            let open = Int(try sql.integer("SELECT coalesce(sum(items), 0) FROM item_judge_counts WHERE judges < \(overlap)") ?? 0)
            let items = Int(try sql.integer("SELECT coalesce(sum(items), 0) FROM item_judge_counts") ?? 0)
            guard open >= max(minimumOpen, 1), let range = try sql.row("SELECT (SELECT min(id) FROM items), (SELECT max(id) FROM items)"),
                  let low = range[0].integer, let high = range[1].integer, high - low < 2 * Int64(items) else { return nil }
            let skipped = Set(try Self.skippedItems(annotatorID: annotatorID, sql: sql))
            let salt = seed ^ SplitMix64.mix(UInt64(bitPattern: annotatorID))
            // Enough candidates for the start when a few in ten are taken.
            var smallest = SmallestOnTop<Reversed<QueueKey>>(capacity: max(8 * count, 512))
            for id in low...high {
                let key = QueueKey(skipped: !skipped.isEmpty && skipped.contains(id), descendingUncertainty: QueueKey.descending(uncertainties?[id] ?? 0),
                                   hash: SplitMix64.mix(salt ^ UInt64(bitPattern: id)), id: id)
                if !smallest.isFull || key < smallest.top.value { smallest.offer(Reversed(key)) }
            }
            let candidates = smallest.kept.map(\.value).sorted()
            var openCandidates = Set<Int64>()
            try sql.scan("SELECT id FROM items WHERE judges < \(overlap) AND id IN (\(raw: candidates.map { String($0.id) }.joined(separator: ",")))") {
                openCandidates.insert(try $0.int64("id"))
            }
            // This annotator's items that are open (their own labels do not fill them).
            var openJudged = Set<Int64>()
            for table in ["current_judgment_ids", "current_ranking_ids"] {
                try sql.scan("""
                    SELECT c.item_id FROM \(raw: table) c JOIN items i ON i.id = c.item_id
                    WHERE c.annotator_id = \(annotatorID) AND i.judges < \(overlap)
                    """) { openJudged.insert(try $0.int64("item_id")) }
            }
            let start = candidates.lazy.map(\.id).filter { openCandidates.contains($0) && !openJudged.contains($0) && !gold.contains($0) }.prefix(count)
            guard start.count == count else { return nil }
            var openGold = 0
            for chunk in Array(gold).chunked(500) {
                try sql.scan("SELECT id FROM items WHERE judges < \(overlap) AND id IN (\(raw: chunk.map(String.init).joined(separator: ",")))") {
                    if !openJudged.contains(try $0.int64("id")) { openGold += 1 }
                }
            }
            return QueueStart(items: Array(start), total: open - openJudged.count - openGold)
        }
    }
}

/// A value whose order is reversed: the largest kept of these are the smallest values.
struct Reversed<Value: Comparable>: Comparable {
    let value: Value
    init(_ value: Value) { self.value = value }
    static func < (a: Reversed, b: Reversed) -> Bool { b.value < a.value }
}

extension Array {
    /// The array in pieces of at most `size`.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
