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
            let count = { (query: SQLQuery) in try sql.record(query) { try $0.int("n") } ?? 0 }
            // SQLite reads the counts its triggers keep (v20); PostgreSQL counts, and an
            // annotator reads the totals from the server.
            let kept = sql.dialect == .sqlite
            let items = try count(kept ? "SELECT coalesce(sum(items), 0) AS n FROM item_judge_counts" : "SELECT count(*) AS n FROM items")
            let totals: SQLQuery = restricted ? "SELECT needing, unlabeled, judgments, retracted, rankings FROM public.pairwise_progress()" : kept ? """
                SELECT (SELECT coalesce(sum(items), 0) FROM item_judge_counts WHERE judges < \(overlap)) AS needing,
                       (SELECT coalesce(sum(items), 0) FROM item_judge_counts WHERE judges = 0) AS unlabeled,
                       (SELECT coalesce(sum(judgments), 0) FROM annotator_label_counts) AS judgments,
                       (SELECT count(*) FROM judgment_retractions) AS retracted,
                       (SELECT coalesce(sum(rankings), 0) FROM annotator_label_counts) AS rankings
                """ : """
                SELECT (SELECT count(*) FROM items WHERE judges < \(overlap)) AS needing, (SELECT count(*) FROM items WHERE judges = 0) AS unlabeled,
                       (SELECT count(*) FROM current_judgment_ids) AS judgments, (SELECT count(*) FROM judgment_retractions) AS retracted,
                       (SELECT count(*) FROM current_ranking_ids) AS rankings
                """
            guard let progress = try sql.record(totals, {
                (needing: try $0.int("needing"), unlabeled: try $0.int("unlabeled"), judgments: try $0.int("judgments"),
                 retracted: try $0.int("retracted"), rankings: try $0.int("rankings"))
            }) else { throw StoreError(.database, "the project's totals could not be read") }
            let annotators = try sql.records(kept ? """
                SELECT p.name, p.role, coalesce(k.judgments, 0) AS n, coalesce(k.rankings, 0) AS r
                FROM annotators p LEFT JOIN annotator_label_counts k ON k.annotator_id = p.id ORDER BY p.name
                """ : """
                SELECT p.name, p.role, (SELECT count(*) FROM current_judgment_ids c WHERE c.annotator_id = p.id) AS n,
                       (SELECT count(*) FROM current_ranking_ids c WHERE c.annotator_id = p.id) AS r
                FROM annotators p \(raw: restricted ? "WHERE p.name = session_user " : "")ORDER BY p.name
                """) { row in
                StatusReport.AnnotatorCount(name: try row.text("name"), role: Role(rawValue: try row.text("role")) ?? .annotator, judgments: try row.int("n"),
                                            rankings: try row.int("r"))
            }
            var report = StatusReport(items: items, judgments: progress.judgments, retracted: progress.retracted, overlap: overlap,
                                      itemsNeedingLabels: progress.needing, itemsUnlabeled: progress.unlabeled, annotators: annotators)
            report.rankedItems = try count("SELECT count(DISTINCT item_id) AS n FROM ranked_responses")
            report.rankings = progress.rankings
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
            try sql.scan(sql.dialect == .postgres ? "SELECT prefer_a, prefer_b, prefer_neither, items FROM public.pairwise_direction_counts()" : """
                SELECT prefer_a, prefer_b, prefer_neither, count(*) AS items FROM items
                WHERE judges >= 2 AND id NOT IN (SELECT item_id FROM gold_answers) GROUP BY 1, 2, 3
                """) { row in
                let triple = [Int32(try row.int("prefer_a")), Int32(try row.int("prefer_b")), Int32(try row.int("prefer_neither"))]
                for _ in 0..<(try row.int("items")) { out += triple }
            }
            return out
        }
    }
}
