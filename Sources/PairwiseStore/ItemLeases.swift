import Foundation
import GRDB

/// Reserving items for the annotators who have them on screen. An item wants `overlap`
/// distinct annotators; one on someone's screen counts as taken until that person judges
/// it, moves on, quits, or their lease expires (a crashed session holds an item no longer
/// than `leaseSeconds`). Each claim is one IMMEDIATE transaction, so processes sharing the
/// database never hand out more places than the overlap.
extension ProjectStore {
    /// How long a claim lasts without renewal; the annotate screen renews it while in use.
    public static let leaseSeconds: Double = 15 * 60

    /// Reserves an item for an annotator (and releases their other leases). Returns false,
    /// reserving nothing, when they already judged it or it is full: its judges plus the
    /// other annotators holding it reach `overlap`. `force` reserves it regardless (an
    /// item asked for by id, or brought back by undo).
    public func claim(itemID: Int64, annotatorID: Int64, overlap: Int, force: Bool = false, now: Date = Date()) throws -> Bool {
        try pool.writeWithoutTransaction { db in
            var claimed = false
            try db.inTransaction(.immediate) {
                claimed = try Self.claim(itemID: itemID, annotatorID: annotatorID, overlap: overlap, force: force, now: now, db: db)
                return .commit
            }
            return claimed
        }
    }

    /// `claim` inside the caller's IMMEDIATE transaction.
    static func claim(itemID: Int64, annotatorID: Int64, overlap: Int, force: Bool, now: Date, db: Database) throws -> Bool {
        try db.execute(sql: "DELETE FROM item_leases WHERE annotator_id = ? AND item_id != ?", arguments: [annotatorID, itemID])
        if !force {
            let mine = try Int.fetchOne(db, sql: "SELECT count(*) FROM current_judgment_ids WHERE item_id = ? AND annotator_id = ?",
                                        arguments: [itemID, annotatorID]) ?? 0
            let taken = try placesTaken(itemID: itemID, besides: annotatorID, now: now, db: db)
            guard mine == 0 && taken < overlap else {
                try db.execute(sql: "DELETE FROM item_leases WHERE annotator_id = ?", arguments: [annotatorID])
                return false
            }
        }
        try db.execute(sql: "INSERT OR REPLACE INTO item_leases (item_id, annotator_id, expires_at) VALUES (?, ?, ?)",
                       arguments: [itemID, annotatorID, now.timeIntervalSince1970 + leaseSeconds])
        return true
    }

    /// Extends an annotator's lease on the item they have on screen.
    public func renewLease(itemID: Int64, annotatorID: Int64, now: Date = Date()) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE item_leases SET expires_at = ? WHERE item_id = ? AND annotator_id = ?",
                           arguments: [now.timeIntervalSince1970 + Self.leaseSeconds, itemID, annotatorID])
        }
    }

    /// Gives up every item an annotator holds (they quit).
    public func releaseLeases(annotatorID: Int64) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM item_leases WHERE annotator_id = ?", arguments: [annotatorID]) }
    }

    /// Distinct annotators with a live judgment of the item, plus others holding an unexpired
    /// lease on it who have not judged it.
    static func placesTaken(itemID: Int64, besides annotatorID: Int64, now: Date, db: Database) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT i.judges + (SELECT count(*) FROM item_leases l
                               WHERE l.item_id = ?1 AND l.annotator_id != ?2 AND l.expires_at > ?3
                                 AND NOT EXISTS (SELECT 1 FROM current_judgment_ids c WHERE c.item_id = ?1 AND c.annotator_id = l.annotator_id))
            FROM items i WHERE i.id = ?1
            """, arguments: [itemID, annotatorID, now.timeIntervalSince1970]) ?? 0
    }
}
