import PairwiseCore

/// Counts for `pairwise status`.
public struct StatusReport: Equatable, Sendable {
    public struct AnnotatorCount: Equatable, Sendable {
        public var name: String
        public var role: Role
        public var judgments: Int
        public var rankings = 0
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
    /// Items of three or more responses, and their current rankings.
    public var rankedItems = 0
    public var rankings = 0
}

extension ProjectStore {
    /// The project's progress. Someone held to the annotators' rules on PostgreSQL gets the
    /// totals from the server (`pairwise_progress`) and, per person, their own counts only.
    public func status() throws -> StatusReport {
        let overlap = try self.overlap()
        let restricted = try heldToAnnotatorRules()
        return try read { sql in
            let count = { (query: String, arguments: [SQLValue]) in Int(try sql.integer(query, arguments) ?? 0) }
            let items = try count("SELECT count(*) FROM items", [])
            let progress = restricted ? try sql.row("SELECT needing, unlabeled, judgments, retracted, rankings FROM public.pairwise_progress()") : nil
            let judgments = try progress.map { Int($0[2].integer ?? 0) } ?? count("SELECT count(*) FROM current_judgment_ids", [])
            let retracted = try progress.map { Int($0[3].integer ?? 0) } ?? count("SELECT count(*) FROM judgment_retractions", [])
            let needing = try progress.map { Int($0[0].integer ?? 0) } ?? count("SELECT count(*) FROM items WHERE judges < ?", [.integer(Int64(overlap))])
            let unlabeled = try progress.map { Int($0[1].integer ?? 0) } ?? count("SELECT count(*) FROM items WHERE judges = 0", [])
            let annotators = try sql.rows("""
                SELECT p.name, p.role, (SELECT count(*) FROM current_judgment_ids c WHERE c.annotator_id = p.id) AS n,
                       (SELECT count(*) FROM current_ranking_ids c WHERE c.annotator_id = p.id) AS r
                FROM annotators p \(restricted ? "WHERE p.name = session_user " : "")ORDER BY p.name
                """, []).map { row in
                StatusReport.AnnotatorCount(name: row.text(0) ?? "", role: row.text(1).flatMap(Role.init(rawValue:)) ?? .annotator, judgments: row.int(2),
                                            rankings: row.int(3))
            }
            var report = StatusReport(items: items, judgments: judgments, retracted: retracted, overlap: overlap,
                                      itemsNeedingLabels: needing, itemsUnlabeled: unlabeled, annotators: annotators)
            report.rankedItems = try count("SELECT count(DISTINCT item_id) FROM ranked_responses", [])
            report.rankings = try progress.map { Int($0[4].integer ?? 0) } ?? count("SELECT count(*) FROM current_ranking_ids", [])
            return report
        }
    }
}

extension ProjectStore {
    /// For each item with two or more current judgments, how many prefer A, B, and neither
    /// (three counts per item, item after item): what agreement on the direction needs,
    /// kept per item at write time. Gold items are left out.
    /// Read as a histogram of count triples (on PostgreSQL through `pairwise_direction_counts`
    /// for everyone: an annotator reads no item's counts), in no particular item order.
    public func directionCounts() throws -> [Int32] {
        try read { sql in
            var out: [Int32] = []
            try sql.scan(sql.dialect == .postgres ? "SELECT * FROM public.pairwise_direction_counts()" : """
                SELECT prefer_a, prefer_b, prefer_neither, count(*) FROM items
                WHERE judges >= 2 AND id NOT IN (SELECT item_id FROM gold_answers) GROUP BY 1, 2, 3
                """, []) { row in
                for _ in 0..<row.int(3) { out += [Int32(row.int(0)), Int32(row.int(1)), Int32(row.int(2))] }
            }
            return out
        }
    }
}
