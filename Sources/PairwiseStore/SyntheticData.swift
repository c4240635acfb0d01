import Foundation
import GRDB
import PairwiseCore

extension ProjectStore {
    /// Fills the project with `items` synthetic pairs and `judgments` judgments spread
    /// round-robin over `annotators` synthetic annotators (`sim1`…), for benchmarks at real
    /// sizes. Each item gets at most one judgment per annotator.
    public func addSyntheticData(items: Int, judgments: Int, annotators: Int, seed: UInt64 = 1) throws {
        precondition(annotators > 0 && judgments <= items * annotators)
        try pool.write { db in
            let now = Timestamp.string(Date())
            let firstRow = (try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM items") ?? 0) + 1
            let insertItem = try db.makeStatement(sql: """
                INSERT INTO items (id, external_id, content_hash, prompt, metadata, created_at) VALUES (?, ?, ?, ?, '{}', ?)
                """)
            let insertResponse = try db.makeStatement(sql: "INSERT INTO responses (item_id, slot, text) VALUES (?, ?, ?)")
            let words = ["reward", "model", "the", "answer", "is", "because", "first", "second", "data", "label", "pair",
                         "prompt", "clear", "wrong", "right", "helpful", "short", "long", "code", "list"]
            var state = seed
            func sentence(_ count: Int) -> String {
                (0..<count).map { _ in state = SplitMix64.mix(state); return words[Int(state % UInt64(words.count))] }.joined(separator: " ")
            }
            for n in 0..<items {
                let row = firstRow + Int64(n)
                let hash = SHA256.hex("synthetic-\(seed)-\(row)")
                try insertItem.execute(arguments: [row, "syn-\(row)", hash, JSONWriter.string(.string(sentence(12) + "?")), now])
                try insertResponse.execute(arguments: [row, "a", sentence(80) + "."])
                try insertResponse.execute(arguments: [row, "b", sentence(60) + "."])
            }
            var annotatorIDs: [Int64] = []
            for a in 1...annotators { annotatorIDs.append(try ProjectStore.annotatorID("sim\(a)", db: db)) }
            let insertJudgment = try db.makeStatement(sql: """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                VALUES (?, ?, ?, 0, '{}', 'ab', ?, ?, 'synthetic')
                """)
            for j in 0..<judgments {
                state = SplitMix64.mix(state)
                let item = firstRow + Int64(j % items)
                let annotator = annotatorIDs[(j / items) % annotators]
                try insertJudgment.execute(arguments: [item, annotator, Int(state % 7) - 3, 5000 + Int(state % 20000), now])
            }
        }
    }
}

extension ProjectStore {
    /// Adjudicates every `every`-th item as `lead` (strength +1, reason "other"), for benchmarks.
    public func addSyntheticAdjudications(every: Int, lead: String) throws {
        try pool.write { db in
            let leadID = try ProjectStore.annotatorID(lead, db: db)
            try db.execute(sql: """
                INSERT INTO adjudications (item_id, lead_id, strength, both_bad, rubric, reason, created_at)
                SELECT id, ?, 1, 0, '{}', 'other', ? FROM items WHERE id % ? = 0
                """, arguments: [leadID, Timestamp.string(Date()), every])
        }
    }
}
