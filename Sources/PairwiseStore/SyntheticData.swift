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
            let insertItem = "INSERT INTO items (id, external_id, content_hash, prompt, metadata, created_at) VALUES (?, ?, ?, ?, '{}', ?)"
            let insertResponse = "INSERT INTO responses (item_id, slot, text) VALUES (?, ?, ?)"
            let words = ["reward", "model", "the", "answer", "is", "because", "first", "second", "data", "label", "pair",
                         "prompt", "clear", "wrong", "right", "helpful", "short", "long", "code", "list"]
            var state = seed
            func sentence(_ count: Int) -> String {
                (0..<count).map { _ in state = SplitMix64.mix(state); return words[Int(state % UInt64(words.count))] }.joined(separator: " ")
            }
            for n in 0..<items {
                let row = firstRow + Int64(n)
                let hash = SHA256.hex("synthetic-\(seed)-\(row)")
                try sql.execute(insertItem, [.integer(row), .text("syn-\(row)"), .text(hash), .text(JSONWriter.string(.string(sentence(12) + "?"))), .text(now)])
                try sql.execute(insertResponse, [.integer(row), .text("a"), .text(sentence(80) + ".")])
                try sql.execute(insertResponse, [.integer(row), .text("b"), .text(sentence(60) + ".")])
            }
            // Ids given here: PostgreSQL's identity must continue after them.
            try Self.advanceIdentities(["items"], sql: sql)
            var annotatorIDs: [Int64] = []
            for a in 1...annotators { annotatorIDs.append(try ProjectStore.annotatorID("sim\(a)", sql: sql)) }
            for j in 0..<judgments {
                state = SplitMix64.mix(state)
                let item = firstRow + Int64(j % items)
                let annotator = annotatorIDs[(j / items) % annotators]
                try sql.execute("""
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                    VALUES (?, ?, ?, 0, '{}', 'ab', ?, ?, 'synthetic')
                    """, [.integer(item), .integer(annotator), .integer(Int64(state % 7) - 3), .integer(5000 + Int64(state % 20000)), .text(now)])
            }
        }
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
