import Foundation
import PairwiseCore

/// A label as the store writes it: its kind, and the columns that are its own (strength and
/// direction for a pair, ranks for a ranked item). Everything else — the item, the person,
/// the time, the full-item check, the label it replaces, the claim of the next item — is one
/// code path for both kinds.
protocol StoredLabel {
    static var kind: LabelKind { get }
    /// The label's own columns and values, as its table names them.
    var ownColumns: [(column: String, value: SQLValue)] { get }
}

extension JudgmentDraft: StoredLabel {
    static var kind: LabelKind { .judgment }

    var ownColumns: [(column: String, value: SQLValue)] {
        [("strength", .integer(Int64(label.strength.value))), ("both_bad", .integer(label.bothBad ? 1 : 0)), ("rubric", .text(rubricJSON)),
         ("note", .optional(label.note)), ("shown_order", .text(shownOrder.rawValue)), ("ms", .integer(Int64(max(0, milliseconds)))),
         ("guidelines_version", .optional(guidelinesVersion)), ("suggestion_shown", .optional(suggestionShown))]
    }

    /// As a lead's decision: what it says, without how it was made.
    var decisionColumns: [(column: String, value: SQLValue)] {
        [("strength", .integer(Int64(label.strength.value))), ("both_bad", .integer(label.bothBad ? 1 : 0)), ("rubric", .text(rubricJSON)), ("note", .optional(label.note))]
    }
}

extension RankingDraft: StoredLabel {
    static var kind: LabelKind { .ranking }

    var ownColumns: [(column: String, value: SQLValue)] {
        [("ranks", .text(ranking.ranksJSON)), ("all_bad", .integer(ranking.allBad ? 1 : 0)), ("rubric", .text(rubric.jsonText)),
         ("note", .optional(note)), ("shown_order", .text(JSONWriter.string(.array(shown.map(JSONValue.int))))),
         ("ms", .integer(Int64(max(0, milliseconds)))), ("guidelines_version", .optional(guidelinesVersion))]
    }
}

extension ProjectStore {
    /// Commits a judgment or a ranking and, with `next`, claims the item to show next (see
    /// `claim`) in one transaction: one commit for the annotate screen's submit-to-next.
    /// Refused with `ItemFullError` when the item already has its overlap of others' labels.
    @discardableResult
    public func submit(_ draft: JudgmentDraft, itemID: Int64, annotatorID: Int64, claimingNext next: Int64? = nil, overlap: Int = 0,
                       forcingNext: Bool = false, at date: Date = Date()) throws -> SubmitOutcome {
        try submitLabel(draft, itemID: itemID, annotatorID: annotatorID, claimingNext: next, overlap: overlap, forcingNext: forcingNext, at: date)
    }

    /// As a judgment's `submit`, for a ranked item.
    @discardableResult
    public func submit(_ draft: RankingDraft, itemID: Int64, annotatorID: Int64, claimingNext next: Int64? = nil, overlap: Int = 0,
                       forcingNext: Bool = false, at date: Date = Date()) throws -> SubmitOutcome {
        try submitLabel(draft, itemID: itemID, annotatorID: annotatorID, claimingNext: next, overlap: overlap, forcingNext: forcingNext, at: date)
    }

    private func submitLabel<Label: StoredLabel>(_ label: Label, itemID: Int64, annotatorID: Int64, claimingNext next: Int64?, overlap: Int,
                                                 forcingNext: Bool, at date: Date) throws -> SubmitOutcome {
        try write(lockingItems: [itemID] + (next.map { [$0] } ?? [])) { sql in
            let replaced = try Self.ownCurrentLabelTime(Label.kind, itemID: itemID, annotatorID: annotatorID, sql: sql)
            let id = try Self.insert(label, itemID: itemID, annotatorID: annotatorID, at: date, sql: sql)
            let claimed = try next.map { try Self.claim(itemID: $0, annotatorID: annotatorID, overlap: overlap, force: forcingNext, now: date, sql: sql) } ?? false
            return SubmitOutcome(labelID: id, claimedNext: claimed, replacedLabelCreatedAt: replaced)
        }
    }

    /// When this annotator's current label of the item was made (nil: none): what a new one replaces.
    static func ownCurrentLabelTime(_ kind: LabelKind, itemID: Int64, annotatorID: Int64, sql: SQLConnection) throws -> String? {
        try sql.record("""
            SELECT l.created_at FROM \(raw: kind.currentTable) c JOIN \(raw: kind.table) l ON l.id = c.\(raw: kind.idColumn)
            WHERE c.item_id = \(itemID) AND c.annotator_id = \(annotatorID)
            """) { try $0.text("created_at") }
    }

    /// Inserts a label made in the TUI, inside the caller's transaction; its id. The label
    /// now holds the place its lease reserved: a lease of someone who labelled the item is
    /// not counted, and their next claim lets it go.
    static func insert<Label: StoredLabel>(_ label: Label, itemID: Int64, annotatorID: Int64, at date: Date, sql: SQLConnection) throws -> Int64 {
        try refuseIfFull(Label.kind, itemID: itemID, annotatorID: annotatorID, sql: sql)
        let columns = [("item_id", SQLValue.integer(itemID)), ("annotator_id", .integer(annotatorID)), ("created_at", .text(Timestamp.string(date))),
                       ("origin", .text("tui"))] + label.ownColumns
        let id: Int64?
        do {
            id = try sql.integer("""
                INSERT INTO \(Label.kind.table) (\(columns.map(\.0).joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", "))) RETURNING id
                """, columns.map(\.1))
        } catch { throw fullItemRefusal(error) }
        guard let id else { throw StoreError(.database, "the \(Label.kind.noun) was not saved") }
        return id
    }

    /// Records a lead's decision on a contested pair: it overrides the judgments in exports
    /// and training.
    public func adjudicate(itemRowID: Int64, leadID: Int64, draft: JudgmentDraft, reason: AdjudicationReason) throws {
        try decide(.judgment, draft.decisionColumns, itemRowID: itemRowID, leadID: leadID, reason: reason)
    }

    /// Records a lead's ranking of a contested ranked item, with the reason and the
    /// per-response rubric values they set (stored order): it overrides the annotators'
    /// rankings and values in exports and training.
    public func adjudicate(itemRowID: Int64, leadID: Int64, ranking: Ranking, rubric: ResponseRatings = ResponseRatings(),
                           reason: AdjudicationReason, note: String?) throws {
        try decide(.ranking, [("ranks", .text(ranking.ranksJSON)), ("all_bad", .integer(ranking.allBad ? 1 : 0)), ("rubric", .text(rubric.jsonText)),
                              ("note", .optional(note))], itemRowID: itemRowID, leadID: leadID, reason: reason)
    }

    private func decide(_ kind: LabelKind, _ own: [(column: String, value: SQLValue)], itemRowID: Int64, leadID: Int64, reason: AdjudicationReason) throws {
        let columns = [("item_id", SQLValue.integer(itemRowID)), ("lead_id", .integer(leadID)), ("reason", .text(reason.rawValue)),
                       ("created_at", .text(Timestamp.string(Date())))] + own
        try write { sql in
            try sql.execute("""
                INSERT INTO \(kind.decisions) (\(columns.map(\.0).joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """, columns.map(\.1))
        }
    }

    /// Retracts this lead's newest decision that still stands, on a pair or on a ranked item
    /// (the pair's when both were made in the same millisecond); returns its item row id.
    public func undoLastDecision(leadID: Int64) throws -> Int64? {
        try write { sql in
            var newest: (kind: LabelKind, id: Int64, itemRowID: Int64, at: String)?
            for kind in LabelKind.allCases {
                guard let found = try sql.record("""
                    SELECT a.id, a.item_id, a.created_at FROM \(raw: kind.decisions) a
                    WHERE a.lead_id = \(leadID) AND NOT EXISTS (SELECT 1 FROM \(raw: kind.decisionRetractions) r WHERE r.adjudication_id = a.id)
                    ORDER BY a.id DESC LIMIT 1
                    """, { (id: try $0.int64("id"), item: try $0.int64("item_id"), at: try $0.text("created_at")) }) else { continue }
                if newest == nil || found.at > newest!.at { newest = (kind, found.id, found.item, found.at) }
            }
            guard let newest else { return nil }
            try sql.execute("""
                INSERT INTO \(raw: newest.kind.decisionRetractions) (adjudication_id, lead_id, created_at) VALUES (\(newest.id), \(leadID), \(Timestamp.string(Date())))
                """)
            return newest.itemRowID
        }
    }
}
