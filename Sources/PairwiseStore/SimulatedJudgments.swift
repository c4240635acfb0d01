import Foundation
import PairwiseCore

extension ProjectStore {
    /// Items (row id and content) that have fewer than `overlap` annotators, in import order.
    public func itemsNeedingJudgments(overlap: Int) throws -> [(rowID: Int64, item: Item, annotators: Set<String>)] {
        try read { sql in
            let judgments = try Self.currentJudgments(sql: sql, annotator: nil)
            var result: [(rowID: Int64, item: Item, annotators: Set<String>)] = []
            try Self.scanItemsInOrder(sql) { row in
                let rowID = try row.int64("id")
                let names = Set((judgments[rowID] ?? []).map(\.annotator))
                guard names.count < overlap else { return }
                result.append((rowID, try Self.item(from: row), names))
            }
            return result
        }
    }

    /// How many judgments people made or files brought (every origin but simulation).
    public func nonSimulatedJudgmentCount() throws -> Int {
        try read { sql in
            Int(try sql.integer("SELECT count(*) FROM judgments WHERE origin <> ?", [.text(Judgment.simulatedOrigin)]) ?? 0)
        }
    }

    /// Adds simulated judgments in one transaction (origin `simulate`), as multi-row INSERTs:
    /// a statement a row copies every page its trigger changes (see `ItemWriter.Buffered`).
    public func addSimulatedJudgments(_ judgments: [(itemRowID: Int64, annotator: String, strength: Int, bothBad: Bool, order: ShownOrder, ms: Int)]) throws {
        try write { sql in
            let now = SQLValue.text(Timestamp.string(Date()))
            var ids: [String: Int64] = [:]
            var rows = BatchInsert(sql, table: "judgments", columns: ["item_id", "annotator_id", "strength", "both_bad", "rubric", "shown_order", "ms", "created_at", "origin"])
            for j in judgments {
                let annotator: Int64
                if let id = ids[j.annotator] { annotator = id } else { annotator = try Self.annotatorID(j.annotator, sql: sql); ids[j.annotator] = annotator }
                try rows.add([.integer(j.itemRowID), .integer(annotator), .integer(Int64(j.strength)), .integer(j.bothBad ? 1 : 0), .text("{}"),
                               .text(j.order.rawValue), .integer(Int64(j.ms)), now, .text(Judgment.simulatedOrigin)])
            }
            try rows.flush()
        }
    }
}
