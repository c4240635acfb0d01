import PairwiseCore

extension ProjectStore {
    /// Every current judgment as columns, items in row id order, each item's judgments in
    /// annotator row id order: one pass over the kept current ids, no `Judgment` values.
    /// The judgments `policy` counts (by default agreement's: all but those of gold items,
    /// which have their answer).
    public func currentJudgmentColumns(policy: LabelPolicy = .for(.agreement)) throws -> JudgmentColumns {
        try read { sql in
            let gate = try LabelGate(policy, sql: sql)
            var columns = JudgmentColumns()
            var annotatorIndex: [Int64: Int32] = [:]
            try sql.scan("SELECT id, name FROM annotators ORDER BY id") { row in
                annotatorIndex[try row.int64("id")] = Int32(columns.annotatorNames.count)
                columns.annotatorNames.append(try row.text("name"))
            }
            // Item ids in sorted order from their unique index; by row id for the merge below.
            var named: [(rowID: Int64, id: String)] = []
            try sql.scan("SELECT id, external_id FROM items ORDER BY external_id") { named.append((try $0.int64("id"), try $0.text("external_id"))) }
            // SQLite orders UTF-8 bytes; Swift orders canonically equivalent strings alike.
            var rank = [Int32](repeating: 0, count: named.count)
            if zip(named, named.dropFirst()).allSatisfy({ $0.id < $1.id }) {
                for n in named.indices { rank[n] = Int32(n) }
            } else {
                rank = JudgmentColumns.ranks(of: named.map(\.id))
            }
            let byRow = named.indices.sorted { named[$0].rowID < named[$1].rowID }
            var next = 0

            var currentItem: Int64 = -1
            try sql.scan("""
                SELECT c.item_id, c.annotator_id, j.strength, j.both_bad, CASE WHEN j.shown_order = 'ab' THEN 1 ELSE 0 END AS a_first, j.ms,
                       CASE WHEN j.rubric = '{}' THEN NULL ELSE j.rubric END AS rubric, coalesce(j.guidelines_version, 0) AS guidelines_version, j.origin,
                       j.created_at
                FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                ORDER BY c.item_id, c.annotator_id
                """) { row in
                let item = try row.int64("item_id")
                if !gate.admitsEverything {
                    // The origin is read only where the policy asks about it.
                    if gate.verdict(item: item, origin: gate.policy.simulated ? nil : try row.text("origin")) != .counts { return }
                }
                if item != currentItem {
                    if currentItem >= 0 { columns.itemStarts.append(Int32(columns.count)) }
                    currentItem = item
                    while next < byRow.count && named[byRow[next]].rowID < item { next += 1 }
                    guard next < byRow.count, named[byRow[next]].rowID == item else {
                        throw StoreError(.invalid, "a judgment names item row \(item), which does not exist")
                    }
                    columns.itemRowIDs.append(item)
                    columns.itemIDs.append(named[byRow[next]].id)
                    columns.itemIDRanks.append(rank[byRow[next]])
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
    }
}

