import Foundation
import PairwiseCore

extension ProjectStore {
    /// Every current judgment as columns, items in row id order, each item's judgments in
    /// annotator row id order: one pass over the kept current ids, no `Judgment` values.
    /// The judgments `policy` counts (by default agreement's: all but those of gold items,
    /// which have their answer). Unnamed (`named` false, for the trainer), the items are
    /// their row ids alone: no ids, no id order.
    public func currentJudgmentColumns(policy: LabelPolicy = .for(.agreement), named: Bool = true) throws -> JudgmentColumns {
        try judgmentColumnsConcurrently(policy: policy, named: named) ?? read { sql in
            var columns = try Self.judgmentColumns(sql, policy: policy, items: nil)
            if named { try Self.nameItems(&columns, named: Self.namedItems(sql)) }
            return columns
        }
    }

    /// Ranges of item row ids the concurrent readers take in turn: more than the readers, so
    /// that none is left reading alone (split in two halves, one half of a 10M-judgment
    /// project took 8.5 s and the other 6.6 s).
    static let columnRanges = 32

    /// The columns read by two readers at once (three when the items are named: one reads
    /// the names first), each taking the next range of item row ids until none is left, on
    /// one snapshot; nil when the store cannot read one snapshot on several connections.
    private func judgmentColumnsConcurrently(policy: LabelPolicy, named: Bool) throws -> JudgmentColumns? {
        let pieces = ColumnPieces(count: Self.columnRanges)
        let started = try readConcurrently(named ? 3 : 2, onFailure: pieces.fail) { k, sql in
            if k == 2 { pieces.store(named: try Self.namedItems(sql)) }
            let last = try sql.integer("SELECT coalesce(max(id), 0) FROM items") ?? 0, count = Int64(Self.columnRanges)
            // Range r ends at ⌊last · (r + 1) / count⌋ (in full width: any id is safe).
            func end(_ r: Int) -> Int64 { count.dividingFullWidth(last.multipliedFullWidth(by: Int64(r + 1))).quotient }
            while let r = pieces.take() {
                let low = r == 0 ? Int64.min : end(r - 1) + 1, high = r == Self.columnRanges - 1 ? Int64.max : end(r)
                // With fewer items than ranges, some ranges hold no row id.
                pieces.store(low > high ? JudgmentColumns() : try Self.judgmentColumns(sql, policy: policy, items: low...high), at: r)
            }
        }
        guard let started else { return nil }
        started.wait()
        var (columns, names) = try pieces.joined()
        if named { try Self.nameItems(&columns, named: names) }
        return columns
    }

    /// The judgment columns of the items whose row ids are in `items` (all, for nil), with the
    /// annotators; the items named after (`nameItems`).
    private static func judgmentColumns(_ sql: SQLConnection, policy: LabelPolicy, items: ClosedRange<Int64>?) throws -> JudgmentColumns {
        let gate = try LabelGate(policy, sql: sql)
        var columns = JudgmentColumns()
        var annotatorIndex: [Int64: Int32] = [:]
        try sql.scan("SELECT id, name FROM annotators ORDER BY id") { row in
            annotatorIndex[try row.int64("id")] = Int32(columns.annotatorNames.count)
            columns.annotatorNames.append(try row.text("name"))
        }
        var currentItem: Int64 = -1
        try sql.scan(SQLQuery("""
            SELECT c.item_id, c.annotator_id, j.strength, j.both_bad, CASE WHEN j.shown_order = 'ab' THEN 1 ELSE 0 END AS a_first, j.ms,
                   CASE WHEN j.rubric = '{}' THEN NULL ELSE j.rubric END AS rubric, coalesce(j.guidelines_version, 0) AS guidelines_version, j.origin,
                   j.created_at
            FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            \(items == nil ? "" : "WHERE c.item_id BETWEEN ? AND ?")
            ORDER BY c.item_id, c.annotator_id
            """, items.map { [.integer($0.lowerBound), .integer($0.upperBound)] } ?? [])) { row in
            let item = try row.int64("item_id")
            if !gate.admitsEverything {
                // The origin is read only where the policy asks about it.
                if gate.verdict(item: item, origin: gate.policy.simulated ? nil : try row.text("origin")) != .counts { return }
            }
            if item != currentItem {
                if currentItem >= 0 { columns.itemStarts.append(Int32(columns.count)) }
                currentItem = item
                columns.itemRowIDs.append(item)
            }
            if let text = try row.optionalText("rubric") {
                for (key, value) in Self.rubricValues(text) { columns.rubric[key, default: []].append((Int32(columns.count), value)) }
            }
            columns.append(annotator: annotatorIndex[try row.int64("annotator_id")] ?? 0, strength: try row.int("strength"), bothBad: try row.bool("both_bad"),
                           shownAFirst: try row.bool("a_first"), milliseconds: try row.int("ms"), guidelinesVersion: try row.int("guidelines_version"),
                           day: (try row.withUTF8("created_at", Timestamp.dayNumber(utf8:)) ?? nil) ?? 0)
        }
        if currentItem >= 0 { columns.itemStarts.append(Int32(columns.count)) }
        return columns
    }

    /// Every item's row id and id, in id order from the ids' unique index.
    private static func namedItems(_ sql: SQLConnection) throws -> [(rowID: Int64, id: String)] {
        var named: [(rowID: Int64, id: String)] = []
        try sql.scan("SELECT id, external_id FROM items ORDER BY external_id") { named.append((try $0.int64("id"), try $0.text("external_id"))) }
        return named
    }

    /// Gives the columns' items (by row id) their ids and their places in id order.
    private static func nameItems(_ columns: inout JudgmentColumns, named: [(rowID: Int64, id: String)]) throws {
        // SQLite orders UTF-8 bytes; Swift orders canonically equivalent strings alike.
        var rank = [Int32](repeating: 0, count: named.count)
        if zip(named, named.dropFirst()).allSatisfy({ $0.id < $1.id }) {
            for n in named.indices { rank[n] = Int32(n) }
        } else {
            rank = JudgmentColumns.ranks(of: named.map(\.id))
        }
        let byRow = named.indices.sorted { named[$0].rowID < named[$1].rowID }
        var next = 0
        columns.itemIDs.reserveCapacity(columns.itemCount)
        columns.itemIDRanks.reserveCapacity(columns.itemCount)
        for item in columns.itemRowIDs {
            while next < byRow.count && named[byRow[next]].rowID < item { next += 1 }
            guard next < byRow.count, named[byRow[next]].rowID == item else {
                throw StoreError(.invalid, "a judgment names item row \(item), which does not exist")
            }
            columns.itemIDs.append(named[byRow[next]].id)
            columns.itemIDRanks.append(rank[byRow[next]])
        }
    }
}

/// The ranges `judgmentColumnsConcurrently`'s readers take and read, and the items' names.
private final class ColumnPieces: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [JudgmentColumns?]
    private var next = 0
    private var named: [(rowID: Int64, id: String)] = []
    private var failure: Error?

    init(count: Int) { pieces = Array(repeating: nil, count: count) }

    /// The next range to read; nil when none is left, or a reader failed.
    func take() -> Int? {
        lock.withLock {
            guard next < pieces.count, failure == nil else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ columns: JudgmentColumns, at r: Int) { lock.withLock { pieces[r] = columns } }
    func store(named: [(rowID: Int64, id: String)]) { lock.withLock { self.named = named } }
    @Sendable func fail(_ error: Error) { lock.withLock { failure = failure ?? error } }

    /// The ranges in order, with the names; or the first error a reader had.
    func joined() throws -> (columns: JudgmentColumns, named: [(rowID: Int64, id: String)]) {
        try lock.withLock {
            if let failure { throw failure }
            var columns = pieces[0]!
            for piece in pieces.dropFirst() { columns.append(contentsOf: piece!) }
            return (columns, named)
        }
    }
}
