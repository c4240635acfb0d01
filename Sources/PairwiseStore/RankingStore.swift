import Foundation
import PairwiseCore

extension ProjectStore {
    /// A stored ranked item (nil for a pair or an unknown row).
    public func rankedItem(rowID: Int64) throws -> RankedItem? {
        try read { sql in try Self.rankedItem(rowID: rowID, sql: sql) }
    }

    /// The annotator's current ranking of an item, if any.
    public func currentRanking(itemRowID: Int64, annotatorID: Int64) throws -> Ranking? {
        try read { sql in
            try sql.record("SELECT r.ranks, r.all_bad FROM current_rankings r WHERE r.item_id = \(itemRowID) AND r.annotator_id = \(annotatorID)",
                           Self.ranking(from:)) ?? nil
        }
    }

    /// An item's current rankings by annotator name, each with its rubric values, the order
    /// its responses were shown in (stored positions; nil for an imported ranking) and its note.
    public func currentRankings(itemRowID: Int64) throws -> [(annotator: String, ranking: Ranking, rubric: ResponseRatings, shown: [Int]?, note: String?)] {
        try read { sql in
            try sql.records("""
                SELECT p.name, r.ranks, r.all_bad, r.shown_order, r.note, r.rubric FROM current_rankings r JOIN annotators p ON p.id = r.annotator_id
                WHERE r.item_id = \(itemRowID) ORDER BY p.name
                """) { row -> (annotator: String, ranking: Ranking, rubric: ResponseRatings, shown: [Int]?, note: String?)? in
                guard let ranking = try Self.ranking(from: row) else { return nil }
                let shown = try row.optionalText("shown_order").flatMap { try? JSONParser.parse($0) }?.arrayValue?.compactMap { $0.doubleValue.map { Int($0) } }
                return (try row.text("name"), ranking, try Self.ratings(from: row, of: ranking), shown, try row.optionalText("note"))
            }.compactMap { $0 }
        }
    }

    /// This annotator's current rankings, newest first (for the browse list): each item's
    /// row and id, the ranking, its rubric values, note, and when it was made.
    public func ownRankings(annotatorID: Int64, limit: Int = 500)
        throws -> [(itemRowID: Int64, itemID: String, ranking: Ranking, rubric: ResponseRatings, note: String?, createdAt: String)] {
        try read { sql in
            try sql.records("""
                SELECT r.item_id, i.external_id, r.ranks, r.all_bad, r.rubric, r.note, r.created_at
                FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id JOIN items i ON i.id = c.item_id
                WHERE c.annotator_id = \(annotatorID) ORDER BY c.ranking_id DESC LIMIT \(limit)
                """) { row -> (itemRowID: Int64, itemID: String, ranking: Ranking, rubric: ResponseRatings, note: String?, createdAt: String)? in
                guard let ranking = try Self.ranking(from: row) else { return nil }
                return (try row.int64("item_id"), try row.text("external_id"), ranking, try Self.ratings(from: row, of: ranking),
                        try row.optionalText("note"), try row.text("created_at"))
            }.compactMap { $0 }
        }
    }

}

/// A current ranking as the store keeps it: its item's row, the annotator's name, the
/// ranking and its rubric values in stored order, and its note.
public struct CurrentRanking: Sendable {
    public var itemRowID: Int64
    public var annotator: String
    public var ranking: Ranking
    public var rubric: ResponseRatings
    public var note: String?
    /// How the ranking came about (`tui`, `import:FORMAT`), as a judgment's origin.
    public var origin: String?
}

extension ProjectStore {
    /// Every current ranking, by item row id then annotator name (exports, statistics,
    /// review and the trainer all read them from here).
    public func allCurrentRankings() throws -> [CurrentRanking] {
        try read { sql in try Self.allCurrentRankings(sql) }
    }

    /// The current rankings `policy` counts, and how many it left out.
    public func currentRankings(policy: LabelPolicy) throws -> (rankings: [CurrentRanking], leftOut: LeftOutLabels) {
        try read { sql in try Self.currentRankings(sql, gate: LabelGate(policy, sql: sql)) }
    }

    static func currentRankings(_ sql: SQLConnection, gate: LabelGate) throws -> (rankings: [CurrentRanking], leftOut: LeftOutLabels) {
        var leftOut = LeftOutLabels()
        let kept = try allCurrentRankings(sql).filter { current in
            let verdict = gate.verdict(item: current.itemRowID, origin: current.origin)
            leftOut.add(verdict)
            return verdict == .counts
        }
        return (kept, leftOut)
    }

    /// The ranking in a row's `ranks` and `all_bad` (nil when the stored ranks are damaged).
    static func ranking(from row: SQLRecord) throws -> Ranking? {
        Ranking(json: try row.text("ranks"), allBad: try row.bool("all_bad"))
    }

    /// The per-response values in a row's `rubric`, for `ranking`'s responses.
    static func ratings(from row: SQLRecord, of ranking: Ranking) throws -> ResponseRatings {
        ResponseRatings(stored: try row.text("rubric"), count: ranking.count)
    }

    static func allCurrentRankings(_ sql: SQLConnection) throws -> [CurrentRanking] {
        var result: [CurrentRanking] = []
        try sql.scan("""
            SELECT r.item_id, p.name, r.ranks, r.all_bad, r.rubric, r.note, r.origin FROM current_rankings r JOIN annotators p ON p.id = r.annotator_id
            ORDER BY r.item_id, p.name
            """) { row in
            guard let ranking = try Self.ranking(from: row) else { return }
            result.append(CurrentRanking(itemRowID: try row.int64("item_id"), annotator: try row.text("name"), ranking: ranking,
                                         rubric: try Self.ratings(from: row, of: ranking), note: try row.optionalText("note"),
                                         origin: try row.text("origin")))
        }
        return result
    }

    /// Every ranked item's id and the current rankings `policy` counts by annotator name, with
    /// their rubric values (where they rate any), in import order.
    public func rankingsByItem(policy: LabelPolicy = .for(.agreement)) throws
        -> [(itemID: String, rankings: [String: Ranking], ratings: [String: ResponseRatings])] {
        try read { sql in
            let gate = try LabelGate(policy, sql: sql)
            var ids: [Int64: String] = [:]
            // Only the ranked items' ids, by row: not a pass over every item (with its prompt).
            try sql.scan("SELECT id, external_id FROM items WHERE id IN (SELECT item_id FROM current_ranking_ids)") { ids[try $0.int64("id")] = try $0.text("external_id") }
            var result: [(itemID: String, rankings: [String: Ranking], ratings: [String: ResponseRatings])] = []
            var last: Int64?
            for current in try Self.currentRankings(sql, gate: gate).rankings {
                if last != current.itemRowID { result.append((ids[current.itemRowID] ?? "", [:], [:])) }
                last = current.itemRowID
                result[result.count - 1].rankings[current.annotator] = current.ranking
                if !current.rubric.isEmpty { result[result.count - 1].ratings[current.annotator] = current.rubric }
            }
            return result
        }
    }
}

/// A lead's standing decision on a ranked item: the ranking and the per-response rubric
/// values (stored order; empty when the lead set none).
public struct RankingDecision: Equatable, Sendable {
    public var ranking: Ranking
    public var rubric: ResponseRatings

    public init(ranking: Ranking, rubric: ResponseRatings = ResponseRatings()) {
        self.ranking = ranking
        self.rubric = rubric
    }
}

extension ProjectStore {
    /// Every standing decision on a ranked item, by item row id.
    public func currentRankingAdjudications() throws -> [Int64: RankingDecision] {
        try read { sql in try Self.currentRankingAdjudications(sql) }
    }

    /// The leads' current decisions `policy` counts as their items' labels: on pairs and on
    /// ranked items, by item row id (none where adjudications settle nothing).
    public func settledLabels(policy: LabelPolicy) throws -> (pairs: [Int64: Adjudication], ranked: [Int64: RankingDecision]) {
        try read { sql in
            let gate = try LabelGate(policy, sql: sql)
            return (try Self.currentAdjudications(sql: sql).filter { gate.countsAdjudication(item: $0.key) },
                    try Self.currentRankingAdjudications(sql).filter { gate.countsAdjudication(item: $0.key) })
        }
    }

    /// The standing decision on a ranked item, if any.
    public func currentRankingAdjudication(itemRowID: Int64) throws -> RankingDecision? {
        try read { sql in try Self.currentRankingAdjudications(sql, itemRowID: itemRowID)[itemRowID] }
    }

    static func currentRankingAdjudications(_ sql: SQLConnection, itemRowID: Int64? = nil) throws -> [Int64: RankingDecision] {
        var result: [Int64: RankingDecision] = [:]
        let all: SQLQuery = "SELECT item_id, ranks, all_bad, rubric FROM current_ranking_adjudications"
        try sql.scan(all + (itemRowID.map { " WHERE item_id = \($0)" } ?? "")) { row in
            if let ranking = try Self.ranking(from: row) {
                result[try row.int64("item_id")] = RankingDecision(ranking: ranking, rubric: try Self.ratings(from: row, of: ranking))
            }
        }
        return result
    }

    /// Ranked items that no lead has decided whose two or more current rankings differ, by
    /// row id. The review filter narrows them as it does pairs: to items `annotator` ranked;
    /// with `dimension`, to items whose values on it are 2 or more apart on some response
    /// (whether or not the orders differ); `flaggedOnly` lists none (flags list themselves).
    public func contestedRankedItems(filter: ReviewFilter = ReviewFilter()) throws -> [(rowID: Int64, rankings: [Ranking])] {
        guard !filter.flaggedOnly else { return [] }
        let decided = try currentRankingAdjudications()
        let byItem = Dictionary(grouping: try allCurrentRankings(), by: \.itemRowID)
        return byItem.filter { rowID, list in
            guard decided[rowID] == nil, list.count >= 2 else { return false }
            if let name = filter.annotator, !list.contains(where: { $0.annotator == name }) { return false }
            if let key = filter.dimension {
                let values = list.compactMap { $0.rubric[key] }
                return values.count >= 2 && values[0].indices.contains { i in
                    let column = values.map { $0[i] }
                    return column.max()! - column.min()! >= 2
                }
            }
            return Set(list.map(\.ranking)).count > 1
        }.map { (rowID: $0.key, rankings: $0.value.map(\.ranking)) }.sorted { $0.rowID < $1.rowID }
    }
}
