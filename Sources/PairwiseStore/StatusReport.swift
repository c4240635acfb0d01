import GRDB
import PairwiseCore

/// Counts for `pairwise status`.
public struct StatusReport: Equatable, Sendable {
    public struct AnnotatorCount: Equatable, Sendable {
        public var name: String
        public var role: Role
        public var judgments: Int
    }

    public var items: Int
    public var judgments: Int
    public var retracted: Int
    public var overlap: Int
    /// Items with fewer than `overlap` annotators' current judgments.
    public var itemsNeedingLabels: Int
    /// Items with no current judgment at all.
    public var itemsUnlabeled: Int
    public var annotators: [AnnotatorCount]
}

extension ProjectStore {
    public func status() throws -> StatusReport {
        let overlap = try self.overlap()
        return try pool.read { db in
            let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0
            let judgments = try Int.fetchOne(db, sql: "SELECT count(*) FROM current_judgment_ids") ?? 0
            let retracted = try Int.fetchOne(db, sql: "SELECT count(*) FROM judgment_retractions") ?? 0
            let needing = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE judges < ?", arguments: [overlap]) ?? 0
            let unlabeled = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE judges = 0") ?? 0
            let annotators = try Row.fetchAll(db, sql: """
                SELECT p.name, p.role, (SELECT count(*) FROM current_judgment_ids c WHERE c.annotator_id = p.id) AS n
                FROM annotators p ORDER BY p.name
                """).map { row in
                StatusReport.AnnotatorCount(name: row["name"], role: Role(rawValue: row["role"]) ?? .annotator, judgments: row["n"])
            }
            return StatusReport(items: items, judgments: judgments, retracted: retracted, overlap: overlap,
                                itemsNeedingLabels: needing, itemsUnlabeled: unlabeled, annotators: annotators)
        }
    }
}

extension ProjectStore {
    /// For each item with two or more current judgments, how many prefer A, B, and neither
    /// (three counts per item, item after item): what agreement on the direction needs,
    /// kept per item at write time.
    public func directionCounts() throws -> [Int32] {
        try pool.read { db in
            var out: [Int32] = []
            let rows = try RawRows(db, sql: "SELECT prefer_a, prefer_b, prefer_neither FROM items WHERE judges >= 2")
            while try rows.next() { out += [Int32(rows.int(0)), Int32(rows.int(1)), Int32(rows.int(2))] }
            return out
        }
    }
}
