import Foundation
import PairwiseCore

extension ProjectStore {
    /// Fills the project with `items` synthetic pairs and `judgments` judgments spread
    /// round-robin over `annotators` synthetic annotators (`sim1`…), for benchmarks at real
    /// sizes. Each item gets at most one judgment per annotator.
    public func addSyntheticData(items: Int, judgments: Int, annotators: Int, seed: UInt64 = 1) throws {
        precondition(annotators > 0 && judgments <= items * annotators)
        try write { sql in
            let now = Timestamp.string(Date())
            let firstRow = (try sql.integer("SELECT coalesce(max(id), 0) FROM items") ?? 0) + 1
            var insertItems = BatchInsert(sql, table: "items", columns: ["id", "external_id", "content_hash", "prompt", "created_at"])
            var insertResponses = BatchInsert(sql, table: "responses", columns: ["item_id", "slot", "text"])
            let words = ["reward", "model", "the", "answer", "is", "because", "first", "second", "data", "label", "pair",
                         "prompt", "clear", "wrong", "right", "helpful", "short", "long", "code", "list"]
            var state = seed
            func sentence(_ count: Int) -> String {
                (0..<count).map { _ in state = SplitMix64.mix(state); return words[Int(state % UInt64(words.count))] }.joined(separator: " ")
            }
            // A thousand items at a time, each chunk's items written before their responses.
            for chunk in stride(from: 0, to: items, by: 1000) {
                var responses: [[SQLValue]] = []
                for n in chunk..<min(items, chunk + 1000) {
                    let row = firstRow + Int64(n)
                    let hash = SHA256.hex("synthetic-\(seed)-\(row)")
                    try insertItems.add([.integer(row), .text("syn-\(row)"), .text(hash), .text(JSONWriter.string(.string(sentence(12) + "?"))), .text(now)])
                    responses.append([.integer(row), .text("a"), .text(sentence(80) + ".")])
                    responses.append([.integer(row), .text("b"), .text(sentence(60) + ".")])
                }
                try insertItems.flush()
                for response in responses { try insertResponses.add(response) }
                try insertResponses.flush()
            }
            // Ids given here: PostgreSQL's identity must continue after them.
            try Self.advanceIdentities(["items"], sql: sql)
            var annotatorIDs: [Int64] = []
            for a in 1...annotators { annotatorIDs.append(try ProjectStore.annotatorID("sim\(a)", sql: sql)) }
            var insertJudgments = BatchInsert(sql, table: "judgments", columns: ["item_id", "annotator_id", "strength", "both_bad", "shown_order", "ms", "created_at", "origin"])
            for j in 0..<judgments {
                state = SplitMix64.mix(state)
                let item = firstRow + Int64(j % items)
                let annotator = annotatorIDs[(j / items) % annotators]
                try insertJudgments.add([.integer(item), .integer(annotator), .integer(Int64(state % 7) - 3), .integer(0), .text("ab"),
                                         .integer(5000 + Int64(state % 20000)), .text(now), .text("synthetic")])
            }
            try insertJudgments.flush()
        }
        try analyzeAfterBulkLoad()
    }

    /// On PostgreSQL, after many rows arrived at once (an import, a copy): refreshes the
    /// planner's statistics, rather than leave the first queries to plans made for empty
    /// tables until autovacuum gets there, and vacuums, so that the visibility map lets counts
    /// be read from an index (the counts' trigger leaves a dead version of an item's row per
    /// judgment: after copying 1M judgments `status` read an 842 MB heap, 0.93 s, and 0.38–0.44 s
    /// once vacuumed). Outside any transaction. SQLite plans from its indexes alone.
    func analyzeAfterBulkLoad() throws {
        guard case .postgres(let connections) = backend else { return }
        try connections.with { sql in try sql.execute("VACUUM (ANALYZE)", []) }
    }
}

extension ProjectStore {
    /// Adjudicates every `every`-th item as `lead` (strength +1, reason "other"), for benchmarks.
    public func addSyntheticAdjudications(every: Int, lead: String) throws {
        try write { sql in
            let leadID = try ProjectStore.annotatorID(lead, sql: sql)
            try sql.execute("""
                INSERT INTO adjudications (item_id, lead_id, strength, both_bad, rubric, reason, created_at)
                SELECT id, ?, 1, 0, '{}', 'other', ? FROM items WHERE id % ? = 0
                """, [.integer(leadID), .text(Timestamp.string(Date())), .integer(Int64(every))])
        }
    }
}

extension ProjectStore {
    /// After rows were inserted with ids given by the caller: PostgreSQL's identity columns
    /// go on after the largest id (SQLite's rowids always do).
    static func advanceIdentities(_ tables: [String], sql: SQLConnection) throws {
        guard sql.dialect == .postgres else { return }
        for table in tables {
            try sql.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce(max(id), 0) + 1, false) FROM \(table)", [])
        }
    }
}
