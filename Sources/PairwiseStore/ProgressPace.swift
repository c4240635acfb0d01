import Foundation
import PairwiseCore

/// How far the project is from done and how fast it is getting there: what a lead's next
/// steps are sized by (leads only: it reads everyone's labels).
public struct ProgressPace: Equatable, Sendable {
    /// Items short of the overlap (gold items left out: they are answered, not labelled).
    public var itemsNeedingLabels: Int
    /// The labels those items still need to reach the overlap.
    public var labelsNeeded: Int
    /// Labels made on the screen (judgments and rankings that stand) in the `days` before now.
    public var recentLabels: Int
    public var days: Int

    /// Labels a day over the recent days.
    public var labelsPerDay: Double { Double(recentLabels) / Double(max(1, days)) }
    /// Days to the labels needed at that pace; nil when no labels came.
    public var daysLeft: Double? { recentLabels > 0 ? Double(labelsNeeded) / labelsPerDay : nil }

    public init(itemsNeedingLabels: Int, labelsNeeded: Int, recentLabels: Int, days: Int) {
        (self.itemsNeedingLabels, self.labelsNeeded, self.recentLabels, self.days) = (itemsNeedingLabels, labelsNeeded, recentLabels, days)
    }
}

extension ProjectStore {
    /// The project's pace over the `days` before `now`.
    public func progressPace(days: Int = 7, now: Date = Date()) throws -> ProgressPace {
        let overlap = try self.overlap()
        let since = Timestamp.string(now.addingTimeInterval(-Double(days) * 86_400))
        return try read { sql in
            // The items short of the overlap: from SQLite's kept counts (v20), less the gold items among them.
            let short: SQLQuery = sql.dialect == .sqlite ? """
                SELECT (SELECT coalesce(sum(items), 0) FROM item_judge_counts WHERE judges < \(overlap))
                     - (SELECT count(*) FROM items i WHERE i.judges < \(overlap) AND i.id IN (SELECT item_id FROM gold_answers)) AS needing,
                       (SELECT CAST(coalesce(sum((\(overlap) - judges) * items), 0) AS BIGINT) FROM item_judge_counts WHERE judges < \(overlap))
                     - (SELECT CAST(coalesce(sum(\(overlap) - i.judges), 0) AS BIGINT) FROM items i
                        WHERE i.judges < \(overlap) AND i.id IN (SELECT item_id FROM gold_answers)) AS labels,
                """ : """
                SELECT (SELECT count(*) FROM items i WHERE i.judges < \(overlap) AND i.id NOT IN (SELECT item_id FROM gold_answers)) AS needing,
                       (SELECT CAST(coalesce(sum(\(overlap) - i.judges), 0) AS BIGINT) FROM items i
                        WHERE i.judges < \(overlap) AND i.id NOT IN (SELECT item_id FROM gold_answers)) AS labels,
                """
            // The labels made on the screen lately, by their time (v21's indexes), that stand.
            guard let found = try sql.record(short + """
                       (SELECT count(*) FROM judgments j WHERE j.origin = 'tui' AND j.created_at >= \(since)
                          AND EXISTS (SELECT 1 FROM current_judgment_ids c WHERE c.judgment_id = j.id))
                     + (SELECT count(*) FROM rankings r WHERE r.origin = 'tui' AND r.created_at >= \(since)
                          AND EXISTS (SELECT 1 FROM current_ranking_ids c WHERE c.ranking_id = r.id)) AS recent
                """, { (try $0.int("needing"), try $0.int("labels"), try $0.int("recent")) }) else {
                throw StoreError(.database, "the project's progress could not be read")
            }
            return ProgressPace(itemsNeedingLabels: found.0, labelsNeeded: found.1, recentLabels: found.2, days: days)
        }
    }

    /// The ids of items a lead has decided (a standing adjudication, of a pair or a ranking).
    public func decidedItemIDs() throws -> Set<String> {
        try read { sql in
            Set(try sql.records("""
                SELECT i.external_id FROM items i WHERE i.id IN (SELECT item_id FROM current_adjudications)
                   OR i.id IN (SELECT item_id FROM current_ranking_adjudications)
                """) { try $0.text("external_id") })
        }
    }
}

/// Labels one person made on the screen on one day (UTC), judgments and rankings that stand.
public struct DailyLabels: Equatable, Sendable {
    public var day: String
    public var annotator: String
    public var labels: Int

    public init(day: String, annotator: String, labels: Int) {
        (self.day, self.annotator, self.labels) = (day, annotator, labels)
    }
}

extension ProjectStore {
    /// Each person's labels per day over the `days` days up to `now`, by day then name.
    public func dailyLabels(days: Int = 28, now: Date = Date()) throws -> [DailyLabels] {
        let since = Timestamp.string(now.addingTimeInterval(-Double(days) * 86_400))
        return try read { sql in
            try sql.records("""
                SELECT substr(l.created_at, 1, 10) AS day, p.name, count(*) AS labels FROM (
                    SELECT j.created_at, j.annotator_id FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                    WHERE j.origin = 'tui' AND j.created_at >= \(since)
                    UNION ALL
                    SELECT r.created_at, r.annotator_id FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id
                    WHERE r.origin = 'tui' AND r.created_at >= \(since)) l
                JOIN annotators p ON p.id = l.annotator_id
                GROUP BY 1, 2 ORDER BY 1, 2
                """) { DailyLabels(day: try $0.text("day"), annotator: try $0.text("name"), labels: try $0.int("labels")) }
        }
    }
}
