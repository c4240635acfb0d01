import Foundation
import PairwiseCore

/// Narrows a lead's review list.
public struct ReviewFilter: Equatable, Sendable {
    /// Only items this annotator judged (or ranked).
    public var annotator: String?
    /// Only items whose judgments (or rankings' values) disagree on this rubric dimension.
    public var dimension: String?
    public var flaggedOnly = false

    public init(annotator: String? = nil, dimension: String? = nil, flaggedOnly: Bool = false) {
        self.annotator = annotator
        self.dimension = dimension
        self.flaggedOnly = flaggedOnly
    }

    /// No narrowing: the whole list.
    public var isEmpty: Bool { annotator == nil && dimension == nil && !flaggedOnly }

    /// Whether the values differ on a rubric dimension: a different side on a comparative
    /// one, ratings 2 or more apart on a per-response one.
    public static func disagree(_ values: [RubricValue]) -> Bool {
        var sides = Set<Int>(), a: [Int] = [], b: [Int] = []
        for value in values {
            switch value {
            case .comparative(let v): sides.insert(v.signum())
            case .perResponse(let x, let y): a.append(x); b.append(y)
            }
        }
        let spread = { (v: [Int]) in (v.max() ?? 0) - (v.min() ?? 0) }
        return sides.count > 1 || spread(a) >= 2 || spread(b) >= 2
    }
}

/// One item's current judgments in brief: how many prefer A, B and neither, and the
/// range of their strengths (what the item row keeps at write time).
public struct ItemTally: Equatable, Sendable {
    public var preferA = 0, preferB = 0, preferNeither = 0
    /// Lowest…highest strength; nil without judgments.
    public var strengths: ClosedRange<Int>?

    public init(preferA: Int, preferB: Int, preferNeither: Int, strengths: ClosedRange<Int>?) {
        (self.preferA, self.preferB, self.preferNeither, self.strengths) = (preferA, preferB, preferNeither, strengths)
    }

    public init(_ judgments: [Judgment]) {
        let values = judgments.map(\.strength.value)
        for v in values {
            if v < 0 { preferA += 1 } else if v > 0 { preferB += 1 } else { preferNeither += 1 }
        }
        if let low = values.min(), let high = values.max() { strengths = low...high }
    }

    /// Share of pairs of judgments agreeing on the direction; nil below two judgments.
    public var directionAgreement: Double? { LabelProvenance.pairwiseAgreement(counts: [preferA, preferB, preferNeither]) }
}

/// What a lead's review lists: the items whose judgments split on the direction, are
/// flagged, or the model contradicts, that pass the filter and have no standing
/// adjudication, each in brief, and the flags raised on them.
public struct ReviewMaterial: Equatable, Sendable {
    public var tallies: [Int64: ItemTally]
    /// Flag reasons per item row id (nil: flagged without a reason).
    public var flags: [Int64: [String?]]

    public init(tallies: [Int64: ItemTally], flags: [Int64: [String?]]) {
        self.tallies = tallies
        self.flags = flags
    }

    /// The definition, from every current judgment (by item row id): what
    /// `ProjectStore.reviewMaterial` reads from the kept tallies.
    public init(judgments: [Int64: [Judgment]], adjudications: [Int64: Adjudication] = [:], flags: [Int64: [String?]] = [:],
                suspects: Set<Int64> = [], filter: ReviewFilter = ReviewFilter()) {
        tallies = [:]
        self.flags = [:]
        for rowID in Set(judgments.keys).union(flags.keys).union(suspects) where adjudications[rowID] == nil {
            let list = judgments[rowID] ?? []
            if let name = filter.annotator, !list.contains(where: { $0.annotator == name }) { continue }
            if let key = filter.dimension, !ReviewFilter.disagree(list.compactMap { $0.rubric[key] }) { continue }
            if filter.flaggedOnly && flags[rowID] == nil { continue }
            let tally = ItemTally(list)
            guard (tally.directionAgreement ?? 1) < 1 || flags[rowID] != nil || suspects.contains(rowID) else { continue }
            tallies[rowID] = tally
            self.flags[rowID] = flags[rowID]
        }
    }
}

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
