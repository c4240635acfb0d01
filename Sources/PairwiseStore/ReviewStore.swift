import Foundation
import GRDB
import PairwiseCore

/// What a lead's review reads: every current judgment and adjudication by item row id,
/// and the flags raised on items.
public struct ReviewMaterial: Sendable {
    public var judgments: [Int64: [Judgment]]
    public var adjudications: [Int64: Adjudication]
    /// Flag reasons per item row id (nil: flagged without a reason).
    public var flags: [Int64: [String?]]

    public init(judgments: [Int64: [Judgment]], adjudications: [Int64: Adjudication] = [:], flags: [Int64: [String?]] = [:]) {
        self.judgments = judgments
        self.adjudications = adjudications
        self.flags = flags
    }
}

extension ProjectStore {
    public func reviewMaterial() throws -> ReviewMaterial {
        try pool.read { db in
            var flags: [Int64: [String?]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT item_id, reason FROM item_events WHERE kind = 'flag' ORDER BY id")
            while let row = try rows.next() { flags[row[0], default: []].append(row[1]) }
            return ReviewMaterial(judgments: try Self.currentJudgments(db: db, annotator: nil),
                                  adjudications: try Self.currentAdjudications(db: db), flags: flags)
        }
    }

    /// One item's current judgments, by annotator name.
    public func currentJudgments(itemRowID: Int64) throws -> [Judgment] {
        try pool.read { db in try Self.currentJudgments(db: db, annotator: nil, itemRowID: itemRowID)[itemRowID] ?? [] }
    }

    /// The current adjudication of one item, if any.
    public func currentAdjudication(itemRowID: Int64) throws -> Adjudication? {
        try pool.read { db in try Self.currentAdjudications(db: db, itemRowID: itemRowID)[itemRowID] }
    }

    /// Records a lead's decision on an item; it overrides the judgments in exports.
    public func adjudicate(itemRowID: Int64, leadID: Int64, draft: JudgmentDraft, reason: AdjudicationReason) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO adjudications (item_id, lead_id, strength, both_bad, rubric, reason, note, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [itemRowID, leadID, draft.strength.value, draft.bothBad, draft.rubricJSON,
                                 reason.rawValue, draft.note, Timestamp.string(Date())])
        }
    }

    /// Retracts this lead's newest adjudication that still stands; returns its item row id.
    public func undoLastAdjudication(leadID: Int64) throws -> Int64? {
        try pool.write { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT a.id, a.item_id FROM adjudications a
                WHERE a.lead_id = ? AND NOT EXISTS (SELECT 1 FROM adjudication_retractions r WHERE r.adjudication_id = a.id)
                ORDER BY a.id DESC LIMIT 1
                """, arguments: [leadID]) else { return nil }
            try db.execute(sql: "INSERT INTO adjudication_retractions (adjudication_id, lead_id, created_at) VALUES (?, ?, ?)",
                           arguments: [row[0] as Int64, leadID, Timestamp.string(Date())])
            return row[1]
        }
    }
}
