import Foundation
import PairwiseCore

extension JudgmentDraft {
    /// The rubric values as the stored JSON object (keys sorted).
    var rubricJSON: String {
        JSONWriter.string(.object(rubric.keys.sorted().map { JSONMember(key: $0, value: rubric[$0]!.json) }))
    }
}

/// An annotator's own figures, for the status line.
public struct AnnotatorFigures: Equatable, Sendable {
    /// Items whose standing label this person made in the TUI since `since`.
    public var doneToday: Int
    /// Time spent per judgment, in milliseconds, shortest first: kept sorted, so that the
    /// median after a submit costs no sort of everything the annotator ever did.
    public private(set) var milliseconds: [Int]
    /// The local midnight `doneToday` counts from (a stored timestamp).
    public var since: String

    public init(doneToday: Int, milliseconds: [Int], since: String = "") {
        self.doneToday = doneToday
        self.milliseconds = milliseconds.sorted()
        self.since = since
    }

    /// Counts a submit as the store defines "done today": a revision of a label made today
    /// replaces one already counted; anything else is one more item.
    public mutating func count(_ outcome: SubmitOutcome, milliseconds ms: Int) {
        add(milliseconds: ms)
        if let replaced = outcome.replacedLabelCreatedAt, replaced >= since { return }
        doneToday += 1
    }

    /// Counts one more judgment that took `ms`.
    public mutating func add(milliseconds ms: Int) {
        var low = 0, high = milliseconds.count
        while low < high {
            let mid = (low + high) / 2
            if milliseconds[mid] < ms { low = mid + 1 } else { high = mid }
        }
        milliseconds.insert(ms, at: low)
    }

    public var medianSeconds: Double? {
        guard !milliseconds.isEmpty else { return nil }
        let mid = milliseconds.count / 2
        let ms = milliseconds.count % 2 == 1 ? Double(milliseconds[mid]) : Double(milliseconds[mid - 1] + milliseconds[mid]) / 2
        return ms / 1000
    }
}

extension ProjectStore {
    /// The project's random seed, fixed at `init`.
    public func seed() throws -> UInt64 {
        try read { sql in try sql.row("SELECT value FROM settings WHERE key = 'seed'")?[0].text.flatMap { UInt64($0) } } ?? 1
    }

    /// The id and role of a person, adding them as an annotator if new.
    public func person(_ name: String) throws -> (id: Int64, role: Role) {
        // Someone already in the project is only read (an annotator may not take the project's write lock).
        if let known = try read({ sql in try sql.row("SELECT id, role FROM annotators WHERE name = ?", [.text(name)]) }), let id = known[0].integer {
            return (id, known.text(1).flatMap(Role.init) ?? .annotator)
        }
        return try write { sql in
            let id = try ProjectStore.annotatorID(name, sql: sql)
            let role = try sql.row("SELECT role FROM annotators WHERE id = ?", [.integer(id)])?[0].text.flatMap(Role.init) ?? .annotator
            return (id, role)
        }
    }

    /// The role of a person, or nil when they are not in the project.
    public func role(of name: String) throws -> Role? {
        try read { sql in try sql.row("SELECT role FROM annotators WHERE name = ?", [.text(name)])?[0].text.flatMap(Role.init) }
    }

    static let liveJudgment = "NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = j.id)"

    /// The items this annotator should label, in their order: items they have no live
    /// judgment on and that have fewer than `overlap` annotators, shuffled by a seeded hash
    /// of (project seed, annotator, item) so the order is stable per annotator; items they
    /// skipped come last. Gold items are not in it (`GoldSchedule` mixes them in).
    public func queue(annotatorID: Int64, overlap: Int, seed: UInt64, gold: Set<Int64> = []) throws -> [Int64] {
        try read { sql in
            // Two index scans: the items short of the overlap, less the ones this annotator judged.
            var judged = gold, ids: [Int64] = []
            try sql.scan("SELECT item_id FROM current_judgment_ids WHERE annotator_id = ?", [.integer(annotatorID)]) { judged.insert(Int64($0.int(0))) }
            try sql.scan("SELECT item_id FROM current_ranking_ids WHERE annotator_id = ?", [.integer(annotatorID)]) { judged.insert(Int64($0.int(0))) }
            try sql.scan("SELECT id FROM items WHERE judges < ?", [.integer(Int64(overlap))]) { row in
                let id = Int64(row.int(0))
                if !judged.contains(id) { ids.append(id) }
            }
            return try Self.seededOrder(ids, annotatorID: annotatorID, seed: seed, sql: sql)
        }
    }

    /// Items in an annotator's order: a seeded hash of (project seed, annotator, item), so
    /// the order is stable per annotator, with the items they skipped last.
    static func seededOrder(_ ids: [Int64], annotatorID: Int64, seed: UInt64, sql: SQLConnection) throws -> [Int64] {
        let skipped = Set(try Self.skippedItems(annotatorID: annotatorID, sql: sql))
        let salt = seed ^ SplitMix64.mix(UInt64(bitPattern: annotatorID))
        // Keys first, so the sort compares plain numbers.
        var keyed = ids.map { id in (skipped: skipped.contains(id), hash: SplitMix64.mix(salt ^ UInt64(bitPattern: id)), id: id) }
        keyed.sort { a, b in
            if a.skipped != b.skipped { return !a.skipped }
            return (a.hash, a.id) < (b.hash, b.id)
        }
        return keyed.map(\.id)
    }

    /// Items an annotator's queue may still hold: fewer than `overlap` annotators' current
    /// judgments (one index scan); for someone held to the annotators' rules on PostgreSQL,
    /// their queue as the server gives it (they may not read the counts).
    public func itemsOpen(annotatorID: Int64, overlap: Int) throws -> Set<Int64> {
        if try heldToAnnotatorRules() {
            return try read { sql in Set(try sql.rows("SELECT * FROM public.pairwise_queue()", []).compactMap { $0[0].integer }) }
        }
        return try itemsShortOf(overlap: overlap)
    }

    /// Items with fewer than `overlap` annotators' current judgments (one index scan).
    public func itemsShortOf(overlap: Int) throws -> Set<Int64> {
        try read { sql in
            var ids = Set<Int64>()
            try sql.scan("SELECT id FROM items WHERE judges < ?", [.integer(Int64(overlap))]) { ids.insert(Int64($0.int(0))) }
            return ids
        }
    }

    /// Items this annotator skipped.
    public func skippedItems(annotatorID: Int64) throws -> [Int64] {
        try read { sql in try Self.skippedItems(annotatorID: annotatorID, sql: sql) }
    }

    /// Items this annotator flagged.
    public func flaggedItems(annotatorID: Int64) throws -> [Int64] {
        try read { sql in
            try sql.rows("SELECT DISTINCT item_id FROM item_events WHERE annotator_id = ? AND kind = 'flag'", [.integer(annotatorID)]).compactMap { $0[0].integer }
        }
    }

    static func skippedItems(annotatorID: Int64, sql: SQLConnection) throws -> [Int64] {
        try sql.rows("SELECT item_id FROM item_events WHERE annotator_id = ? AND kind = 'skip'", [.integer(annotatorID)]).compactMap { $0[0].integer }
    }

    /// The order in which this annotator sees an item's responses: random per (item,
    /// annotator), the same every time.
    public static func shownOrder(itemID: Int64, annotatorID: Int64, seed: UInt64) -> ShownOrder {
        SplitMix64.mix(seed &+ 0x5EED ^ SplitMix64.mix(UInt64(bitPattern: annotatorID) << 32 ^ UInt64(bitPattern: itemID))) & 1 == 0 ? .ab : .ba
    }

    /// One item by row id.
    public func item(rowID: Int64) throws -> Item? {
        try read { sql in
            try sql.record("\(raw: Self.itemSelect) WHERE i.id = \(rowID)", Self.item(from:))
        }
    }

    /// Items among `candidates` whose prompt or either response contains `text`, ignoring
    /// case, by row id.
    public func itemsContaining(_ text: String, among candidates: Set<Int64>) throws -> Set<Int64> {
        guard !text.isEmpty, !candidates.isEmpty else { return [] }
        // The database narrows (ASCII case folding, over the prompt's stored JSON); the text
        // as shown decides, so that "content" does not match every conversation's JSON keys.
        let needle = text.lowercased()
        return try rowsHolding(text, among: candidates).filter { id in
            if let item = try item(rowID: id) {
                return [item.prompt.plainText, item.responseA.text, item.responseB.text].contains { $0.lowercased().contains(needle) }
            }
            guard let ranked = try rankedItem(rowID: id) else { return false }
            return ([ranked.prompt.plainText] + ranked.responses.map(\.text)).contains { $0.lowercased().contains(needle) }
        }
    }

    private func rowsHolding(_ text: String, among candidates: Set<Int64>) throws -> Set<Int64> {
        try read { sql in
            let find = sql.dialect == .postgres ? "strpos(lower(%@), lower(?1)) > 0" : "instr(lower(%@), lower(?1)) > 0"
            var found = Set<Int64>()
            try sql.scan("""
                SELECT i.id FROM items i WHERE \(find.replacingOccurrences(of: "%@", with: "i.prompt"))
                UNION SELECT r.item_id FROM responses r WHERE \(find.replacingOccurrences(of: "%@", with: "r.text"))
                UNION SELECT r.item_id FROM ranked_responses r WHERE \(find.replacingOccurrences(of: "%@", with: "r.text"))
                """, [.text(text)]) { row in
                let id = Int64(row.int(0))
                if candidates.contains(id) { found.insert(id) }
            }
            return found
        }
    }

    /// Items whose id starts with `prefix` (at most `limit`), by id.
    public func items(idPrefix prefix: String, limit: Int = 10) throws -> [(rowID: Int64, id: String)] {
        try read { sql in
            // A range on the unique index: ids from the prefix up to the prefix followed by the highest character.
            try sql.rows("SELECT id, external_id FROM items WHERE external_id >= ? AND external_id < ? ORDER BY external_id LIMIT ?",
                         [.text(prefix), .text(prefix + "\u{10FFFF}"), .integer(Int64(limit))]).map { ($0[0].integer ?? 0, $0.text(1) ?? "") }
        }
    }

    /// The row id of an item by its external id.
    public func itemRowID(externalID: String) throws -> Int64? {
        try read { sql in try sql.integer("SELECT id FROM items WHERE external_id = ?", [.text(externalID)]) }
    }

    /// Stores a judgment; it is committed when this returns.
    @discardableResult
    public func submit(_ draft: JudgmentDraft, itemID: Int64, annotatorID: Int64, at date: Date = Date()) throws -> Int64 {
        try write(lockingItems: [itemID]) { sql in try Self.insert(draft, itemID: itemID, annotatorID: annotatorID, at: date, sql: sql) }
    }

    /// Commits a judgment and, with `next`, claims the item to show next (see `claim`) in one
    /// transaction: one commit for the annotate screen's submit-to-next.
    public func submit(_ draft: JudgmentDraft, itemID: Int64, annotatorID: Int64, claimingNext next: Int64?, overlap: Int,
                       forcingNext: Bool = false, at date: Date = Date()) throws -> SubmitOutcome {
        try write(lockingItems: [itemID] + (next.map { [$0] } ?? [])) { sql in
            let replaced = try Self.ownCurrentLabelTime(itemID: itemID, annotatorID: annotatorID, current: "current_judgment_ids", labels: "judgments", sql: sql)
            let id = try Self.insert(draft, itemID: itemID, annotatorID: annotatorID, at: date, sql: sql)
            let claimed = try next.map { try Self.claim(itemID: $0, annotatorID: annotatorID, overlap: overlap, force: forcingNext, now: date, sql: sql) } ?? false
            return SubmitOutcome(labelID: id, claimedNext: claimed, replacedLabelCreatedAt: replaced)
        }
    }

    /// When this annotator's current label of the item was made (nil: none): what a new one replaces.
    static func ownCurrentLabelTime(itemID: Int64, annotatorID: Int64, current: String, labels: String, sql: SQLConnection) throws -> String? {
        let id = current == "current_judgment_ids" ? "judgment_id" : "ranking_id"
        return try sql.row("""
            SELECT l.created_at FROM \(current) c JOIN \(labels) l ON l.id = c.\(id) WHERE c.item_id = ? AND c.annotator_id = ?
            """, [.integer(itemID), .integer(annotatorID)])?.text(0)
    }

    static func insert(_ draft: JudgmentDraft, itemID: Int64, annotatorID: Int64, at date: Date, sql: SQLConnection) throws -> Int64 {
        // The judgment now holds the place its lease reserved: a lease of someone who
        // judged the item is not counted, and their next claim lets it go.
        try refuseIfFull(itemID: itemID, annotatorID: annotatorID, current: "current_judgment_ids", sql: sql)
        let id: Int64?
        do { id = try sql.integer("""
            INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, note, shown_order, ms, created_at, origin,
                                   guidelines_version, suggestion_shown)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'tui', ?, ?) RETURNING id
            """, [.integer(itemID), .integer(annotatorID), .integer(Int64(draft.strength.value)), .integer(draft.bothBad ? 1 : 0),
                  .text(draft.rubricJSON), draft.note.map(SQLValue.text) ?? .null,
                  .text(draft.shownOrder.rawValue), .integer(Int64(max(0, draft.milliseconds))), .text(Timestamp.string(date)),
                  .optional(draft.guidelinesVersion), .optional(draft.suggestionShown)])
        } catch { throw fullItemRefusal(error) }
        guard let id else { throw StoreError(.database, "the judgment was not saved") }
        return id
    }

    /// Retracts this annotator's latest live judgment made in the TUI by adding a retraction
    /// row; returns the item it was about and what it said (to put back on screen), or nil
    /// when there is nothing to undo.
    public func undoLastJudgment(annotatorID: Int64) throws -> (itemID: Int64, draft: JudgmentDraft)? {
        try write(lockingItems: []) { sql in
            guard let row = try sql.row("""
                SELECT j.id, j.item_id, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms FROM judgments j
                WHERE j.annotator_id = ? AND j.origin = 'tui' AND \(Self.liveJudgment)
                ORDER BY j.id DESC LIMIT 1
                """, [.integer(annotatorID)]) else { return nil }
            try sql.execute("INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (?, ?, ?)",
                            [row[0], .integer(annotatorID), .text(Timestamp.string(Date()))])
            return (row[1].integer ?? 0, Self.draft(row, from: 2))
        }
    }

    /// This annotator's current judgments, newest first (at most `limit`): item row and id,
    /// and what each said, to list them and open one to revise.
    public func ownJudgments(annotatorID: Int64, limit: Int = 500) throws -> [(itemRowID: Int64, itemID: String, draft: JudgmentDraft, createdAt: String)] {
        try read { sql in
            try sql.rows("""
                SELECT c.item_id, i.external_id, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at
                FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id JOIN items i ON i.id = c.item_id
                WHERE c.annotator_id = ? ORDER BY c.judgment_id DESC LIMIT ?
                """, [.integer(annotatorID), .integer(Int64(limit))]).map { row in
                (row[0].integer ?? 0, row.text(1) ?? "", Self.draft(row, from: 2), row.text(8) ?? "")
            }
        }
    }

    /// A judgment's values read back from `strength, both_bad, rubric, note, shown_order, ms`
    /// starting at column `first`.
    static func draft(_ row: SQLRow, from first: Int) -> JudgmentDraft {
        JudgmentDraft(strength: PreferenceStrength(Int(row[first].integer ?? 0)) ?? PreferenceStrength(0)!, bothBad: row[first + 1].integer == 1,
                      rubric: rubricValues(row.text(first + 2) ?? "{}"), note: row.text(first + 3),
                      shownOrder: ShownOrder(rawValue: row.text(first + 4) ?? "ab") ?? .ab, milliseconds: Int(row[first + 5].integer ?? 0))
    }

    /// Records that an annotator skipped or flagged an item.
    public func recordEvent(_ kind: ItemEventKind, itemID: Int64, annotatorID: Int64, reason: String? = nil) throws {
        try write(lockingItems: []) { sql in
            try sql.execute("INSERT INTO item_events (item_id, annotator_id, kind, reason, created_at) VALUES (?, ?, ?, ?, ?)",
                            [.integer(itemID), .integer(annotatorID), .text(kind.rawValue), reason.map(SQLValue.text) ?? .null,
                             .text(Timestamp.string(Date()))])
        }
    }

    /// Items labelled in the TUI today (local time; judgments and rankings that stand) and
    /// every time spent, for the status line.
    public func figures(annotatorID: Int64, now: Date = Date()) throws -> AnnotatorFigures {
        let midnight = Timestamp.string(Calendar.current.startOfDay(for: now))
        return try read { sql in
            // Items labelled today: current judgments and rankings made on the screen today.
            let today = try sql.integer("""
                SELECT (SELECT count(*) FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                        WHERE c.annotator_id = ?1 AND j.origin = 'tui' AND j.created_at >= ?2)
                     + (SELECT count(*) FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id
                        WHERE c.annotator_id = ?1 AND r.origin = 'tui' AND r.created_at >= ?2)
                """, [.integer(annotatorID), .text(midnight)]) ?? 0
            var times: [Int] = []
            try sql.scan("SELECT ms FROM judgments j WHERE j.annotator_id = ? AND j.origin = 'tui' AND \(Self.liveJudgment) ORDER BY j.id",
                         [.integer(annotatorID)]) { times.append($0.int(0)) }
            return AnnotatorFigures(doneToday: Int(today), milliseconds: times, since: midnight)
        }
    }
}

/// What a submit committed.
public struct SubmitOutcome: Sendable, Equatable {
    /// The new judgment's or ranking's row id.
    public var labelID: Int64
    /// The judgment's row id (for pairs).
    public var judgmentID: Int64 { labelID }
    /// Whether the item to show next was reserved in the same commit.
    public var claimedNext: Bool
    /// When the annotator's label it replaced was made (a revision), or nil.
    public var replacedLabelCreatedAt: String?
}

/// What an annotator can record about an item besides a judgment.
public enum ItemEventKind: String, Sendable {
    case skip
    case flag
}
