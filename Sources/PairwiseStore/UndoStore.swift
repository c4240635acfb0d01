import Foundation
import PairwiseCore

/// What an undo took back, to put on screen again.
public enum UndoneLabel: Sendable, Equatable {
    case judgment(itemID: Int64, draft: JudgmentDraft)
    case ranking(itemID: Int64, ranking: Ranking, rubric: ResponseRatings)

    /// The item the label was about.
    public var itemID: Int64 {
        switch self {
        case .judgment(let item, _), .ranking(let item, _, _): item
        }
    }
}

extension ProjectStore {
    /// Retracts this annotator's newest live label made in the TUI, a judgment or a ranking,
    /// in one transaction (the newer by the time it was made; a judgment when both were made
    /// in the same millisecond); what it said, or nil when there is nothing to undo.
    public func undoLastLabel(annotatorID: Int64) throws -> UndoneLabel? {
        try write(lockingItems: []) { sql in
            let times = try LabelKind.allCases.map { kind in
                try sql.record("""
                    SELECT max(l.created_at) AS latest FROM \(raw: kind.table) l WHERE l.annotator_id = \(annotatorID) AND l.origin = 'tui'
                      AND NOT EXISTS (SELECT 1 FROM \(raw: kind.retractions) x WHERE x.\(raw: kind.idColumn) = l.id)
                    """) { try $0.optionalText("latest") } ?? nil
            }
            let kind: LabelKind = (times[1] ?? "") > (times[0] ?? "") ? .ranking : .judgment
            return try Self.undoLast(kind, annotatorID: annotatorID, sql: sql)
        }
    }

    /// Retracts the annotator's newest live label of `kind` made in the TUI, inside the
    /// caller's transaction.
    static func undoLast(_ kind: LabelKind, annotatorID: Int64, sql: SQLConnection) throws -> UndoneLabel? {
        let now = Timestamp.string(Date())
        switch kind {
        case .judgment:
            guard let latest = try sql.record("""
                SELECT j.id, j.item_id, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms FROM judgments j
                WHERE j.annotator_id = \(annotatorID) AND j.origin = 'tui' AND \(raw: liveJudgment)
                ORDER BY j.id DESC LIMIT 1
                """, { (id: try $0.int64("id"), item: try $0.int64("item_id"), draft: try draft(from: $0)) }) else { return nil }
            try sql.execute("INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (\(latest.id), \(annotatorID), \(now))")
            return .judgment(itemID: latest.item, draft: latest.draft)
        case .ranking:
            guard let latest = try sql.record("""
                SELECT r.id, r.item_id, r.ranks, r.all_bad, r.rubric FROM rankings r
                WHERE r.annotator_id = \(annotatorID) AND r.origin = 'tui' AND NOT EXISTS (SELECT 1 FROM ranking_retractions x WHERE x.ranking_id = r.id)
                ORDER BY r.id DESC LIMIT 1
                """, { row in (id: try row.int64("id"), item: try row.int64("item_id"), ranking: try ranking(from: row), rubric: try row.text("rubric")) }),
                  let ranking = latest.ranking else { return nil }
            try sql.execute("INSERT INTO ranking_retractions (ranking_id, annotator_id, created_at) VALUES (\(latest.id), \(annotatorID), \(now))")
            return .ranking(itemID: latest.item, ranking: ranking, rubric: ResponseRatings(stored: latest.rubric, count: ranking.count))
        }
    }
}
