import Foundation

/// Reserving items for the annotators who have them on screen. An item wants `overlap`
/// distinct annotators; one on someone's screen counts as taken until that person judges
/// it, moves on, quits, or their lease expires (a crashed session holds an item no longer
/// than `leaseSeconds`). Each claim is one IMMEDIATE transaction (on PostgreSQL, one that
/// holds the item's row lock), so processes sharing the project never hand out more places
/// than the overlap.
extension ProjectStore {
    /// How long a claim lasts without renewal; the annotate screen renews it while in use.
    public static let leaseSeconds: Double = 15 * 60

    /// Reserves an item for an annotator (and releases their other leases). Returns false,
    /// reserving nothing, when they already judged it or it is full: its judges plus the
    /// other annotators holding it reach `overlap`. Gold items are never full (everyone
    /// answers each once). `force` reserves it regardless (an item asked for by id, or
    /// brought back by undo). On PostgreSQL the server decides (`pairwise_claim`, with the
    /// project's overlap): an annotator's `force` holds only for an item they judged before,
    /// and an item someone else's open transaction has locked is passed over.
    public func claim(itemID: Int64, annotatorID: Int64, overlap: Int, force: Bool = false, now: Date = Date()) throws -> Bool {
        try write(lockingItems: [itemID]) { sql in try Self.claim(itemID: itemID, annotatorID: annotatorID, overlap: overlap, force: force, now: now, sql: sql) }
    }

    /// `claim` inside the caller's write transaction.
    static func claim(itemID: Int64, annotatorID: Int64, overlap: Int, force: Bool, now: Date, sql: SQLConnection) throws -> Bool {
        // An annotator on PostgreSQL claims through the server; a lead (perhaps acting as
        // someone) claims here, as on SQLite.
        if sql.dialect == .postgres, let claimed = try sql.integer(
            "SELECT CASE WHEN NOT public.pairwise_restricted() THEN NULL WHEN public.pairwise_claim(?, \(force)) THEN 1 ELSE 0 END",
            [.integer(itemID)]) {
            return claimed == 1
        }
        // Past the overlap: a lead, or an annotator on an item they judged before (undo), as the
        // server rules (asked only when forcing, rare beside the claim after each submit).
        let force = try force && (sql.integer("""
            SELECT (SELECT count(*) FROM annotators WHERE id = ?1 AND role = 'lead')
                 + (SELECT count(*) FROM judgments WHERE item_id = ?2 AND annotator_id = ?1)
                 + (SELECT count(*) FROM rankings WHERE item_id = ?2 AND annotator_id = ?1)
            """, [.integer(annotatorID), .integer(itemID)]) ?? 0) > 0
        try sql.execute("DELETE FROM item_leases WHERE annotator_id = ? AND item_id != ?", [.integer(annotatorID), .integer(itemID)])
        if !force {
            // A judgment of a pair, or a ranking of a ranked item.
            let mine = try sql.integer("""
                SELECT (SELECT count(*) FROM current_judgment_ids WHERE item_id = ?1 AND annotator_id = ?2)
                     + (SELECT count(*) FROM current_ranking_ids WHERE item_id = ?1 AND annotator_id = ?2)
                """, [.integer(itemID), .integer(annotatorID)]) ?? 0
            let taken = try placesTaken(itemID: itemID, besides: annotatorID, now: now, sql: sql)
            // A gold item is never full (asked only when the item would be refused).
            let open = try mine == 0 && taken < overlap
                || sql.integer("SELECT count(*) FROM gold_answers WHERE item_id = ?", [.integer(itemID)]) ?? 0 > 0
            guard open else {
                try sql.execute("DELETE FROM item_leases WHERE annotator_id = ?", [.integer(annotatorID)])
                return false
            }
        }
        try sql.execute("""
            INSERT INTO item_leases (item_id, annotator_id, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET expires_at = excluded.expires_at
            """, [.integer(itemID), .integer(annotatorID), .real(now.timeIntervalSince1970 + leaseSeconds)])
        return true
    }

    /// Extends an annotator's lease on the item they have on screen.
    public func renewLease(itemID: Int64, annotatorID: Int64, now: Date = Date()) throws {
        try write(lockingItems: []) { sql in
            try sql.execute("UPDATE item_leases SET expires_at = ? WHERE item_id = ? AND annotator_id = ?",
                            [.real(now.timeIntervalSince1970 + Self.leaseSeconds), .integer(itemID), .integer(annotatorID)])
        }
    }

    /// Gives up every item an annotator holds (they quit).
    public func releaseLeases(annotatorID: Int64) throws {
        try write(lockingItems: []) { sql in try sql.execute("DELETE FROM item_leases WHERE annotator_id = ?", [.integer(annotatorID)]) }
    }

    /// Distinct annotators with a live judgment of the item, plus others holding an unexpired
    /// lease on it who have not judged it.
    static func placesTaken(itemID: Int64, besides annotatorID: Int64, now: Date, sql: SQLConnection) throws -> Int {
        Int(try sql.integer("""
            SELECT i.judges + (SELECT count(*) FROM item_leases l
                               WHERE l.item_id = ?1 AND l.annotator_id != ?2 AND l.expires_at > ?3
                                 AND NOT EXISTS (SELECT 1 FROM current_judgment_ids c WHERE c.item_id = ?1 AND c.annotator_id = l.annotator_id)
                                 AND NOT EXISTS (SELECT 1 FROM current_ranking_ids c WHERE c.item_id = ?1 AND c.annotator_id = l.annotator_id))
            FROM items i WHERE i.id = ?1
            """, [.integer(itemID), .integer(annotatorID), .real(now.timeIntervalSince1970)]) ?? 0)
    }
}

/// A judgment or ranking of an item that has, by now, every annotator it needs: it filled
/// up while it was on this annotator's screen (a lease that ran out, or an open screen).
public struct ItemFullError: Error, CustomStringConvertible {
    /// The project's overlap, when known (a refused PostgreSQL transaction cannot ask).
    public let overlap: Int?
    public var description: String {
        "that item filled up while it was on your screen: it has the annotators it needs" + (overlap.map { " (\($0))" } ?? "")
    }
}

extension ProjectStore {
    /// Refuses a first label on a full item by someone who is not a lead (gold items are never
    /// full), before it is written. On PostgreSQL the owner's triggers refuse it for annotators
    /// (SQLSTATE 23514 "… is full"), whatever their client; this maps that refusal.
    static func refuseIfFull(_ kind: LabelKind, itemID: Int64, annotatorID: Int64, sql: SQLConnection) throws {
        guard sql.dialect == .sqlite else { return }
        let overlap = try sql.record("""
            SELECT CASE WHEN i.judges >= o.overlap
                         AND NOT EXISTS (SELECT 1 FROM gold_answers g WHERE g.item_id = i.id)
                         AND NOT EXISTS (SELECT 1 FROM \(raw: kind.currentTable) c WHERE c.item_id = i.id AND c.annotator_id = \(annotatorID))
                         AND NOT EXISTS (SELECT 1 FROM annotators p WHERE p.id = \(annotatorID) AND p.role = 'lead') THEN o.overlap ELSE 0 END AS full_at
            FROM items i, (SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'overlap'), \(defaultOverlap)) AS overlap) o
            WHERE i.id = \(itemID)
            """) { try $0.int("full_at") }
        if let overlap, overlap > 0 { throw ItemFullError(overlap: overlap) }
    }

    /// The server's refusal of a label on a full item, as `ItemFullError`.
    static func fullItemRefusal(_ error: Error) -> Error {
        guard let error = error as? SQLError, error.code == "23514", error.message.contains("is full") else { return error }
        return ItemFullError(overlap: nil)
    }
}

