import Foundation
import PairwiseCore

extension ProjectStore {
    /// The review list's material, read from the tallies items keep (an index holds the
    /// split ones) rather than from the judgments; only the dimension filter reads rubrics.
    /// Judgments in one direction span at most 2 strengths, so split is what makes an item
    /// contested.
    /// - Parameter suspects: row ids of items the model contradicts.
    public func reviewMaterial(filter: ReviewFilter = ReviewFilter(), suspects: Set<Int64> = []) throws -> ReviewMaterial {
        try read { sql in
            var flags: [Int64: [String?]] = [:]
            try sql.scan("SELECT item_id, reason FROM item_events WHERE kind = 'flag' ORDER BY id", []) { row in
                flags[Int64(row.int(0)), default: []].append(row.text(1))
            }
            var decided = Set<Int64>()
            try sql.scan("SELECT item_id FROM current_adjudications", []) { decided.insert(Int64($0.int(0))) }
            try sql.scan("SELECT item_id FROM current_ranking_adjudications", []) { decided.insert(Int64($0.int(0))) }
            // Gold items have their answer: listed when flagged (the answer may be wrong), not as contested.
            let gold = try Self.goldItemIDs(sql)
            var annotatorID: Int64?
            if let name = filter.annotator {
                guard let id = try sql.integer("SELECT id FROM annotators WHERE name = ?", [.text(name)]) else {
                    return ReviewMaterial(tallies: [:], flags: [:])
                }
                annotatorID = id
            }
            let judgedBy = "id IN (SELECT item_id FROM current_judgment_ids WHERE annotator_id = ?)"
            func tally(_ row: any SQLScanRow) -> ItemTally {
                ItemTally(preferA: row.int(1), preferB: row.int(2), preferNeither: row.int(3),
                          strengths: row.isNull(4) || row.isNull(5) ? nil : row.int(4)...max(row.int(4), row.int(5)))
            }
            var tallies: [Int64: ItemTally] = [:]
            if !filter.flaggedOnly {
                // The partial index's own condition, so that both stores read the index alone.
                let split = sql.dialect == .sqlite
                    ? "FROM items INDEXED BY items_split WHERE (prefer_a > 0) + (prefer_b > 0) + (prefer_neither > 0) >= 2"
                    : "FROM items WHERE (prefer_a > 0)::integer + (prefer_b > 0)::integer + (prefer_neither > 0)::integer >= 2"
                try sql.scan("SELECT id, prefer_a, prefer_b, prefer_neither, strength_min, strength_max " + split
                             + (annotatorID == nil ? "" : " AND " + judgedBy), annotatorID.map { [.integer($0)] } ?? []) { row in
                    let rowID = Int64(row.int(0))
                    if !decided.contains(rowID) && !gold.contains(rowID) { tallies[rowID] = tally(row) }
                }
            }
            let others = filter.flaggedOnly ? Set(flags.keys) : Set(flags.keys).union(suspects.subtracting(gold))
            let one = "SELECT id, prefer_a, prefer_b, prefer_neither, strength_min, strength_max FROM items WHERE id = ?"
                + (annotatorID == nil ? "" : " AND " + judgedBy)
            for rowID in others where tallies[rowID] == nil && !decided.contains(rowID) {
                if let row = try sql.row(one, [.integer(rowID)] + (annotatorID.map { [.integer($0)] } ?? [])) { tallies[rowID] = tally(row) }
            }
            if let key = filter.dimension {
                var values: [Int64: [RubricValue]] = [:]
                try sql.scan("""
                    SELECT c.item_id, j.rubric FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id WHERE j.rubric <> '{}'
                    """, []) { row in
                    let rowID = Int64(row.int(0))
                    guard tallies[rowID] != nil, let value = Self.rubricValues(row.text(1) ?? "{}")[key] else { return }
                    values[rowID, default: []].append(value)
                }
                tallies = tallies.filter { ReviewFilter.disagree(values[$0.key] ?? []) }
            }
            return ReviewMaterial(tallies: tallies, flags: flags.filter { tallies[$0.key] != nil })
        }
    }

    /// One item's current judgments, by annotator name.
    public func currentJudgments(itemRowID: Int64) throws -> [Judgment] {
        try read { sql in try Self.currentJudgments(sql: sql, annotator: nil, itemRowID: itemRowID)[itemRowID] ?? [] }
    }

    /// The current adjudication of one item, if any.
    public func currentAdjudication(itemRowID: Int64) throws -> Adjudication? {
        try read { sql in try Self.currentAdjudications(sql: sql, itemRowID: itemRowID)[itemRowID] }
    }

    /// Records a lead's decision on an item; it overrides the judgments in exports.
    public func adjudicate(itemRowID: Int64, leadID: Int64, draft: JudgmentDraft, reason: AdjudicationReason) throws {
        try write { sql in
            try sql.execute("""
                INSERT INTO adjudications (item_id, lead_id, strength, both_bad, rubric, reason, note, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(itemRowID), .integer(leadID), .integer(Int64(draft.strength.value)), .integer(draft.bothBad ? 1 : 0),
                      .text(draft.rubricJSON), .text(reason.rawValue), .optional(draft.note), .text(Timestamp.string(Date()))])
        }
    }

    /// Retracts this lead's newest decision that still stands, on a pair or on a ranked item
    /// (the pair's when both were made in the same millisecond); returns its item row id.
    public func undoLastDecision(leadID: Int64) throws -> Int64? {
        try write { sql in
            var newest: (retractions: String, id: SQLValue, itemRowID: Int64?, at: String)?
            for (decisions, retractions) in [("adjudications", "adjudication_retractions"), ("ranking_adjudications", "ranking_adjudication_retractions")] {
                guard let row = try sql.row("""
                    SELECT a.id, a.item_id, a.created_at FROM \(decisions) a
                    WHERE a.lead_id = ? AND NOT EXISTS (SELECT 1 FROM \(retractions) r WHERE r.adjudication_id = a.id)
                    ORDER BY a.id DESC LIMIT 1
                    """, [.integer(leadID)]) else { continue }
                let at = row.text(2) ?? ""
                if newest == nil || at > newest!.at { newest = (retractions, row[0], row[1].integer, at) }
            }
            guard let newest else { return nil }
            try sql.execute("INSERT INTO \(newest.retractions) (adjudication_id, lead_id, created_at) VALUES (?, ?, ?)",
                            [newest.id, .integer(leadID), .text(Timestamp.string(Date()))])
            return newest.itemRowID
        }
    }
}
