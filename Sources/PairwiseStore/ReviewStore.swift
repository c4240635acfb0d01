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
            var decided = Set<Int64>()
            try sql.scan("SELECT item_id FROM current_adjudications") { decided.insert(try $0.int64("item_id")) }
            try sql.scan("SELECT item_id FROM current_ranking_adjudications") { decided.insert(try $0.int64("item_id")) }
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
                let split = sql.dialect == .sqlite
                    ? " INDEXED BY items_split WHERE (prefer_a > 0) + (prefer_b > 0) + (prefer_neither > 0) >= 2"
                    : " WHERE (prefer_a > 0)::integer + (prefer_b > 0)::integer + (prefer_neither > 0)::integer >= 2"
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

    /// One item's current judgments, by annotator name.
    public func currentJudgments(itemRowID: Int64) throws -> [Judgment] {
        try read { sql in try Self.currentJudgments(sql: sql, annotator: nil, itemRowID: itemRowID)[itemRowID] ?? [] }
    }

    /// The current adjudication of one item, if any.
    public func currentAdjudication(itemRowID: Int64) throws -> Adjudication? {
        try read { sql in try Self.currentAdjudications(sql: sql, itemRowID: itemRowID)[itemRowID] }
    }
}
