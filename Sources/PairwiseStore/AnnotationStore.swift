import Foundation
import PairwiseCore

extension JudgmentDraft {
    /// The rubric values as the stored JSON object (keys sorted).
    var rubricJSON: String {
        JSONWriter.string(Judgment.rubricJSON(label.rubric))
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
        try read { sql in try sql.record("SELECT value FROM settings WHERE key = 'seed'") { UInt64(try $0.text("value")) } ?? nil } ?? 1
    }

    /// The id and role of a person, adding them as an annotator if new.
    public func person(_ name: String) throws -> (id: Int64, role: Role) {
        // Someone already in the project is only read (an annotator may not take the project's write lock).
        let byName: SQLQuery = "SELECT id, role FROM annotators WHERE name = \(name)"
        func person(_ row: SQLRecord) throws -> (id: Int64, role: Role) { (try row.int64("id"), Role(rawValue: try row.text("role")) ?? .annotator) }
        if let known = try read({ sql in try sql.record(byName, person) }) { return known }
        return try write { sql in
            let id = try ProjectStore.annotatorID(name, sql: sql)
            return try sql.record("SELECT id, role FROM annotators WHERE id = \(id)", person) ?? (id, .annotator)
        }
    }

    /// The role of a person, or nil when they are not in the project.
    public func role(of name: String) throws -> Role? {
        try read { sql in try sql.record("SELECT role FROM annotators WHERE name = \(name)") { Role(rawValue: try $0.text("role")) } ?? nil }
    }

    static let liveJudgment = "NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = j.id)"

    /// The items this annotator should label, in their order: items they have no live
    /// judgment on and that have fewer than `overlap` annotators, shuffled by a seeded hash
    /// of (project seed, annotator, item) so the order is stable per annotator; items they
    /// skipped come last. Gold items are not in it (`GoldSchedule` mixes them in).
    /// With `uncertainties`, the most uncertain first (the seeded order breaking ties), in the same one sort.
    public func queue(annotatorID: Int64, overlap: Int, seed: UInt64, gold: Set<Int64> = [], uncertainties: ItemScoreTable? = nil) throws -> [Int64] {
        try read { sql in
            // Two index scans: the items short of the overlap, less the ones this annotator judged.
            var judged = gold, ids: [Int64] = []
            try sql.scan("SELECT item_id FROM current_judgment_ids WHERE annotator_id = \(annotatorID)") { judged.insert(try $0.int64("item_id")) }
            try sql.scan("SELECT item_id FROM current_ranking_ids WHERE annotator_id = \(annotatorID)") { judged.insert(try $0.int64("item_id")) }
            try sql.scan("SELECT id FROM items WHERE judges < \(overlap)") { row in
                let id = try row.int64("id")
                if !judged.contains(id) { ids.append(id) }
            }
            return try Self.seededOrder(ids, annotatorID: annotatorID, seed: seed, uncertainties: uncertainties, sql: sql)
        }
    }

    /// Items in an annotator's order: a seeded hash of (project seed, annotator, item), so
    /// the order is stable per annotator, with the items they skipped last; with
    /// `uncertainties` (the newest model's, by item), the most uncertain first and the seeded
    /// order breaking ties.
    static func seededOrder(_ ids: [Int64], annotatorID: Int64, seed: UInt64, uncertainties: ItemScoreTable? = nil,
                            sql: SQLConnection) throws -> [Int64] {
        let skipped = Set(try Self.skippedItems(annotatorID: annotatorID, sql: sql))
        let salt = seed ^ SplitMix64.mix(UInt64(bitPattern: annotatorID))
        // Keys first, as integers ordered as the values they stand for, so that the sort
        // compares plain numbers: not skipped first, then the most uncertain, then the hash.
        return QueueKey.idsInOrder(ids.map { id in
            QueueKey(skipped: skipped.contains(id), descendingUncertainty: QueueKey.descending(uncertainties?[id] ?? 0),
                     hash: SplitMix64.mix(salt ^ UInt64(bitPattern: id)), id: id)
        })
    }

    /// Items an annotator's queue may still hold: fewer than `overlap` annotators' current
    /// judgments (one index scan); for someone held to the annotators' rules on PostgreSQL,
    /// their queue as the server gives it (they may not read the counts).
    public func itemsOpen(annotatorID: Int64, overlap: Int) throws -> Set<Int64> {
        if try heldToAnnotatorRules() {
            return try read { sql in Set(try Self.serverIDs("public.pairwise_queue()", ordered: false, sql)) }
        }
        return try itemsShortOf(overlap: overlap)
    }

    /// Items with fewer than `overlap` annotators' current judgments (one index scan).
    public func itemsShortOf(overlap: Int) throws -> Set<Int64> {
        try read { sql in
            var ids = Set<Int64>()
            try sql.scan("SELECT id FROM items WHERE judges < \(overlap)") { ids.insert(try $0.int64("id")) }
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
            try sql.records("SELECT DISTINCT item_id FROM item_events WHERE annotator_id = \(annotatorID) AND kind = 'flag'") { try $0.int64("item_id") }
        }
    }

    static func skippedItems(annotatorID: Int64, sql: SQLConnection) throws -> [Int64] {
        try sql.records("SELECT item_id FROM item_events WHERE annotator_id = \(annotatorID) AND kind = 'skip'") { try $0.int64("item_id") }
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
            func holds(_ column: String) -> SQLQuery {
                sql.dialect == .postgres ? "strpos(lower(\(raw: column)), lower(\(text))) > 0" : "instr(lower(\(raw: column)), lower(\(text))) > 0"
            }
            var found = Set<Int64>()
            try sql.scan("""
                SELECT i.id FROM items i WHERE \(holds("i.prompt"))
                UNION SELECT r.item_id FROM responses r WHERE \(holds("r.text"))
                UNION SELECT r.item_id FROM ranked_responses r WHERE \(holds("r.text"))
                """) { row in
                let id = try row.int64("id")
                if candidates.contains(id) { found.insert(id) }
            }
            return found
        }
    }

    /// Items whose id starts with `prefix` (at most `limit`), by id.
    public func items(idPrefix prefix: String, limit: Int = 10) throws -> [(rowID: Int64, id: String)] {
        try read { sql in
            // A range on the unique index: ids from the prefix up to the prefix followed by the highest character.
            try sql.records("SELECT id, external_id FROM items WHERE external_id >= \(prefix) AND external_id < \(prefix + "\u{10FFFF}") ORDER BY external_id LIMIT \(limit)") {
                (try $0.int64("id"), try $0.text("external_id"))
            }
        }
    }

    /// The row id of an item by its external id.
    public func itemRowID(externalID: String) throws -> Int64? {
        try read { sql in try sql.integer("SELECT id FROM items WHERE external_id = ?", [.text(externalID)]) }
    }

    /// This annotator's current judgments, newest first (at most `limit`): item row and id,
    /// and what each said, to list them and open one to revise.
    public func ownJudgments(annotatorID: Int64, limit: Int = 500) throws -> [(itemRowID: Int64, itemID: String, draft: JudgmentDraft, createdAt: String)] {
        try read { sql in
            try sql.records("""
                SELECT c.item_id, i.external_id, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at
                FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id JOIN items i ON i.id = c.item_id
                WHERE c.annotator_id = \(annotatorID) ORDER BY c.judgment_id DESC LIMIT \(limit)
                """) { row in
                (try row.int64("item_id"), try row.text("external_id"), try Self.draft(from: row), try row.text("created_at"))
            }
        }
    }

    /// A judgment's values read back from its `strength, both_bad, rubric, note, shown_order, ms`.
    static func draft(from row: SQLRecord) throws -> JudgmentDraft {
        guard let strength = PreferenceStrength(try row.int("strength")) else { throw StoreError(.invalid, "a stored judgment's strength is out of range") }
        return JudgmentDraft(strength: strength, bothBad: try row.bool("both_bad"), rubric: rubricValues(try row.text("rubric")),
                             note: try row.optionalText("note"), shownOrder: ShownOrder(rawValue: try row.text("shown_order")) ?? .ab,
                             milliseconds: try row.int("ms"))
    }

    /// Records that an annotator skipped or flagged an item.
    public func recordEvent(_ kind: ItemEventKind, itemID: Int64, annotatorID: Int64, reason: String? = nil) throws {
        try write(lockingItems: []) { sql in
            try sql.execute("""
                INSERT INTO item_events (item_id, annotator_id, kind, reason, created_at)
                VALUES (\(itemID), \(annotatorID), \(kind.rawValue), \(reason), \(Timestamp.string(Date())))
                """)
        }
    }

    /// Items labelled in the TUI today (local time; judgments and rankings that stand) and
    /// every time spent, for the status line.
    public func figures(annotatorID: Int64, now: Date = Date()) throws -> AnnotatorFigures {
        let midnight = Timestamp.string(Calendar.current.startOfDay(for: now))
        return try read { sql in
            // Items labelled today: current judgments and rankings made on the screen today.
            let today = try sql.record("""
                SELECT (SELECT count(*) FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                        WHERE c.annotator_id = \(annotatorID) AND j.origin = 'tui' AND j.created_at >= \(midnight))
                     + (SELECT count(*) FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id
                        WHERE c.annotator_id = \(annotatorID) AND r.origin = 'tui' AND r.created_at >= \(midnight)) AS today
                """, { try $0.int("today") }) ?? 0
            var times: [Int] = []
            try sql.scan("SELECT ms FROM judgments j WHERE j.annotator_id = \(annotatorID) AND j.origin = 'tui' AND \(raw: Self.liveJudgment) ORDER BY j.id") {
                times.append(try $0.int("ms"))
            }
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
