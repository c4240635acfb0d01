import Foundation
import PairwiseCore

extension ProjectStore {
    /// The review list's material, read from the tallies items keep (an index holds the
    /// split ones) rather than from the judgments; only the dimension filter reads rubrics.
    /// Judgments in one direction span at most 2 strengths, so split is what makes an item
    /// contested.
    /// - Parameter suspects: row ids of items the model contradicts.
    public func reviewMaterial(filter: ReviewFilter = ReviewFilter(), suspects: Set<Int64> = []) throws -> ReviewMaterial {
        try reviewMaterial(filter: filter, suspects: { suspects })
    }

    /// The same, asking for the suspects only once the contested items are read (so that a
    /// caller can find them meanwhile, on another connection).
    public func reviewMaterial(filter: ReviewFilter = ReviewFilter(), suspects: () throws -> Set<Int64>) throws -> ReviewMaterial {
        try read { sql in
            var flags: [Int64: [String?]] = [:]
            try sql.scan("SELECT item_id, reason FROM item_events WHERE kind = 'flag' ORDER BY id") { row in
                flags[try row.int64("item_id"), default: []].append(try row.optionalText("reason"))
            }
            let decided = try Self.decidedItems(sql)
            // Gold items have their answer: listed when flagged (the answer may be wrong), not as contested.
            let gold = try Self.goldItemIDs(sql)
            var annotatorID: Int64?
            if let name = filter.annotator {
                guard let id = try sql.integer("SELECT id FROM annotators WHERE name = ?", [.text(name)]) else {
                    return ReviewMaterial(tallies: [:], flags: [:])
                }
                annotatorID = id
            }
            let judgedBy: SQLQuery = annotatorID.map { " AND id IN (SELECT item_id FROM current_judgment_ids WHERE annotator_id = \($0))" } ?? ""
            func tally(_ row: SQLRecord) throws -> ItemTally {
                let low = try row.optionalInt("strength_min"), high = try row.optionalInt("strength_max")
                return ItemTally(preferA: try row.int("prefer_a"), preferB: try row.int("prefer_b"), preferNeither: try row.int("prefer_neither"),
                                 strengths: low.flatMap { low in high.map { low...max(low, $0) } })
            }
            let tallyColumns = "SELECT id, prefer_a, prefer_b, prefer_neither, strength_min, strength_max FROM items"
            var groups: [ItemTally: [Int64]] = [:]
            let excluded = decided.union(gold)
            if !filter.flaggedOnly {
                // The partial index's own condition, so that both stores read the index alone,
                // in its order: items with one tally come together, row ids ascending.
                let (index, condition) = Self.splitIndex(sql.dialect)
                let split = index + " WHERE " + condition
                var current: (tally: ItemTally, rowIDs: [Int64])?
                try sql.scan("""
                    \(raw: tallyColumns)\(raw: split)\(judgedBy) ORDER BY prefer_a, prefer_b, prefer_neither, strength_min, strength_max, id
                    """) { row in
                    let rowID = try row.int64("id")
                    if !excluded.isEmpty && excluded.contains(rowID) { return }
                    let rowTally = try tally(row)
                    if current?.tally == rowTally {
                        current!.rowIDs.append(rowID)
                    } else {
                        if let current { groups[current.tally, default: []].append(contentsOf: current.rowIDs) }
                        current = (rowTally, [rowID])
                    }
                }
                if let current { groups[current.tally, default: []].append(contentsOf: current.rowIDs) }
            }
            // Flagged items and the model's suspects, where not listed as split already.
            let others = filter.flaggedOnly ? Set(flags.keys) : Set(flags.keys).union(try suspects().subtracting(gold))
            var added: Set<ItemTally> = [], othersTallies: [Int64: ItemTally] = [:]
            for rowID in others.sorted() where !decided.contains(rowID) {
                guard let found = try sql.record("\(raw: tallyColumns) WHERE id = \(rowID)\(judgedBy)", tally) else { continue }
                othersTallies[rowID] = found
                let listedAsSplit = !filter.flaggedOnly && !gold.contains(rowID)
                    && [found.preferA, found.preferB, found.preferNeither].filter { $0 > 0 }.count >= 2
                if !listedAsSplit {
                    groups[found, default: []].append(rowID)
                    added.insert(found)
                }
            }
            for kind in added { groups[kind]!.sort() }
            if let key = filter.dimension {
                let listed = Set(groups.values.joined())
                var values: [Int64: [RubricValue]] = [:]
                try sql.scan("""
                    SELECT c.item_id, j.rubric FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id WHERE j.rubric <> '{}'
                    """) { row in
                    let rowID = try row.int64("item_id")
                    guard listed.contains(rowID), let value = Self.rubricValues(try row.text("rubric"))[key] else { return }
                    values[rowID, default: []].append(value)
                }
                groups = groups.mapValues { $0.filter { ReviewFilter.disagree(values[$0] ?? []) } }
            }
            var material = ReviewMaterial(groups: groups, flags: [:])
            // Every flagged item that can be listed was read among the others.
            let listedFlags = flags.filter { rowID, _ in othersTallies[rowID].map { material.lists(rowID, tally: $0) } ?? false }
            material.flags = listedFlags
            return material
        }
    }

    /// The review list's first item when it is a contested pair (under no filter), and its
    /// tally: what `reviewMaterial` and the review's order put first, found without reading
    /// every split item. The kinds of split tally (a few hundred at a million judgments) come
    /// from the split index, a seek each; of the most contested kinds (agreement lowest, then
    /// strengths spread widest), the lowest row id neither decided nor gold. Nil in a project
    /// of fewer than `minimumItems` items (by the highest row id: the whole list is quick
    /// then), and when no pair is contested.
    public func firstContestedItem(minimumItems: Int = 0) throws -> (rowID: Int64, tally: ItemTally)? {
        try read { sql -> (rowID: Int64, tally: ItemTally)? in
            guard try Self.itemRowIDs(sql)?.upperBound ?? 0 >= Int64(minimumItems) else { return nil }
            let excluded = try Self.decidedItems(sql).union(try Self.goldItemIDs(sql))
            var kinds: [(key: ReviewOrderKey, columns: [SQLValue], tally: ItemTally)] = []
            for row in try Self.splitKinds(sql) {
                guard let low = row[3].integer, let high = row[4].integer else { continue }
                let tally = ItemTally(preferA: Int(row[0].integer ?? 0), preferB: Int(row[1].integer ?? 0), preferNeither: Int(row[2].integer ?? 0),
                                      strengths: Int(low)...max(Int(low), Int(high)))
                if let key = ReviewOrderKey(contested: tally) { kinds.append((key, row.values, tally)) }
            }
            // The most contested key whose kinds hold an item neither decided nor gold.
            let (index, split) = Self.splitIndex(sql.dialect)
            for key in Set(kinds.map(\.key)).sorted() {
                var first: (rowID: Int64, tally: ItemTally)?
                for found in kinds where found.key == key {
                    // SQLite's index holds the row ids in order after the tally; PostgreSQL's
                    // gives a kind's entries in no order, all read.
                    try sql.scan(SQLQuery("""
                        SELECT id FROM items\(index) WHERE \(split)
                        AND prefer_a = ? AND prefer_b = ? AND prefer_neither = ? AND strength_min = ? AND strength_max = ?
                        \(sql.dialect == .sqlite ? "ORDER BY id LIMIT \(excluded.count + 1)" : "")
                        """, found.columns)) { row in
                        let rowID = try row.int64("id")
                        if !excluded.contains(rowID) && first.map({ rowID < $0.rowID }) ?? true { first = (rowID, found.tally) }
                    }
                }
                if let first { return first }
            }
            return nil
        }
    }

    /// The split index's name as SQLite is told to use it (PostgreSQL picks it from the
    /// condition), and the condition of its entries.
    static func splitIndex(_ dialect: SQLDialect) -> (index: String, condition: String) {
        dialect == .sqlite
            ? (" INDEXED BY items_split", "(prefer_a > 0) + (prefer_b > 0) + (prefer_neither > 0) >= 2")
            : ("", "(prefer_a > 0)::integer + (prefer_b > 0)::integer + (prefer_neither > 0)::integer >= 2")
    }

    /// Every kind of split tally in the split index, in its order: (prefer_a, prefer_b,
    /// prefer_neither, strength_min, strength_max), each found by a seek past the one before.
    static func splitKinds(_ sql: SQLConnection) throws -> [SQLRow] {
        let columns = ["prefer_a", "prefer_b", "prefer_neither", "strength_min", "strength_max"], kind = columns.joined(separator: ", ")
        let (index, split) = splitIndex(sql.dialect)
        if sql.dialect == .postgres {
            // One statement: the seeks as a recursive query, each past the last on the five
            // columns at once (PostgreSQL seeks a row comparison in the index). Unqualified,
            // the inner query's columns are its own items'.
            let previous = columns.map { "k." + $0 }.joined(separator: ", ")
            return try sql.rows("""
                WITH RECURSIVE kinds AS (
                    (SELECT \(kind) FROM items WHERE \(split) ORDER BY \(kind) LIMIT 1)
                    UNION ALL
                    SELECT n.* FROM kinds k CROSS JOIN LATERAL (
                        SELECT \(kind) FROM items WHERE \(split) AND (\(kind)) > (\(previous)) ORDER BY \(kind) LIMIT 1) n
                )
                SELECT \(kind) FROM kinds
                """, [])
        }
        /// The next kind after `after` in the index (the first for nil): the same leading
        /// columns and a greater next one, the longest such prefix first (a seek each: a
        /// comparison of the five at once makes SQLite step through the entries).
        func next(after: [SQLValue]?) throws -> SQLRow? {
            guard let after else { return try sql.row("SELECT \(kind) FROM items\(index) WHERE \(split) ORDER BY \(kind) LIMIT 1", []) }
            for equal in stride(from: columns.count - 1, through: 0, by: -1) {
                let conditions = columns[..<equal].map { "\($0) = ?" } + ["\(columns[equal]) > ?"]
                if let row = try sql.row("SELECT \(kind) FROM items\(index) WHERE \(split) AND \(conditions.joined(separator: " AND ")) ORDER BY \(kind) LIMIT 1",
                                         Array(after[...equal])) { return row }
            }
            return nil
        }
        var kinds: [SQLRow] = []
        while let row = try next(after: kinds.last?.values) { kinds.append(row) }
        return kinds
    }

    /// Items with a lead's current decision (pairs and ranked).
    static func decidedItems(_ sql: SQLConnection) throws -> Set<Int64> {
        var decided = Set<Int64>()
        try sql.scan("SELECT item_id FROM current_adjudications") { decided.insert(try $0.int64("item_id")) }
        try sql.scan("SELECT item_id FROM current_ranking_adjudications") { decided.insert(try $0.int64("item_id")) }
        return decided
    }

    /// An item's flag reasons, oldest first (nil: flagged without a reason).
    public func flagReasons(itemRowID: Int64) throws -> [String?] {
        try read { sql in
            try sql.records("SELECT reason FROM item_events WHERE kind = 'flag' AND item_id = \(itemRowID) ORDER BY id") { try $0.optionalText("reason") }
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
}
