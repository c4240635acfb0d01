import Foundation
import GRDB
import PairwiseCore

extension ProjectStore {
    /// Items (row id and content) that have fewer than `overlap` annotators, in import order.
    public func itemsNeedingJudgments(overlap: Int) throws -> [(rowID: Int64, item: Item, annotators: Set<String>)] {
        try pool.read { db in
            let judgments = try Self.currentJudgments(db: db, annotator: nil)
            return try Row.fetchAll(db, sql: Self.itemSQL).compactMap { row in
                let rowID: Int64 = row["id"]
                let names = Set((judgments[rowID] ?? []).map(\.annotator))
                guard names.count < overlap else { return nil }
                return (rowID, try Self.item(from: row), names)
            }
        }
    }

    /// How many judgments people made or files brought (every origin but simulation).
    public func nonSimulatedJudgmentCount() throws -> Int {
        try pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM judgments WHERE origin <> ?", arguments: [Judgment.simulatedOrigin]) ?? 0
        }
    }

    /// Adds simulated judgments in one transaction (origin `simulate`).
    public func addSimulatedJudgments(_ judgments: [(itemRowID: Int64, annotator: String, strength: Int, bothBad: Bool, order: ShownOrder, ms: Int)]) throws {
        try pool.write { db in
            let now = Timestamp.string(Date())
            let insert = try db.makeStatement(sql: """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                VALUES (?, ?, ?, ?, '{}', ?, ?, ?, '\(Judgment.simulatedOrigin)')
                """)
            var ids: [String: Int64] = [:]
            for j in judgments {
                let annotator: Int64
                if let id = ids[j.annotator] { annotator = id } else { annotator = try Self.annotatorID(j.annotator, db: db); ids[j.annotator] = annotator }
                try insert.execute(arguments: [j.itemRowID, annotator, j.strength, j.bothBad, j.order.rawValue, j.ms, now])
            }
        }
    }
}
