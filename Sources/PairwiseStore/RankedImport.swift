import Foundation
import PairwiseCore

/// A ranked item found or added by an import: its row, and where each of the record's
/// responses is stored (`positions[i]`: the stored position of the record's i-th response).
struct StoredRankedItem {
    var rowID: Int64
    var externalID: String
    var positions: [Int]
    var isNew = false
}

extension ItemWriter {

    /// Inserts the ranked item unless its content is stored; returns it with the stored
    /// position of each of the record's responses, and whether it was added.
    /// `promptJSON` is the prompt as stored, when the caller has it written.
    mutating func insertIfNew(_ item: RankedItem, promptJSON: String?, line: Int, file: String) throws -> (StoredRankedItem, Bool) {
        try flush()
        let found = try sql.records("SELECT id, external_id, content_hash FROM items WHERE content_hash = \(item.contentHash) OR external_id = \(item.id)") {
            (rowID: try $0.int64("id"), id: try $0.text("external_id"), hash: try $0.text("content_hash"))
        }
        if let same = found.first(where: { $0.hash == item.contentHash }) {
            var stored: [Response] = []
            try sql.scan("SELECT position, text, turns FROM ranked_responses WHERE item_id = \(same.rowID) ORDER BY position") { row in
                stored.append(try ProjectStore.response(text: try row.text("text"), turns: try row.optionalText("turns"), model: nil))
            }
            let storedItem = RankedItem(id: same.id, prompt: item.prompt, responses: stored, knownHash: item.contentHash)
            guard let positions = storedItem.positions(of: item.responses) else {
                throw ImportError(file: file, line: line, field: "responses", message: "has the identity of stored item '\(same.id)' but not its responses")
            }
            return (StoredRankedItem(rowID: same.rowID, externalID: same.id, positions: positions), false)
        }
        if !found.isEmpty {
            throw ImportError(file: file, line: line, field: "id", message: "'\(item.id)' already names a different item in this project")
        }
        let rowID = try insertItemRow(id: item.id, hash: item.contentHash, prompt: promptJSON ?? JSONWriter.string(item.prompt.json), metadata: item.metadata, source: item.source,
                                      responses: item.responses.count)
        lookedUp.ids.insert(item.id)   // a later pair of the batch under this id is refused
        for (position, response) in item.responses.enumerated() {
            let turns = response.turns.map { JSONWriter.string(Prompt.chat($0).json) }
            try insert(.rankedResponses, [.integer(rowID), .integer(Int64(position)), .text(response.text), .optional(response.model), .optional(turns)])
        }
        return (StoredRankedItem(rowID: rowID, externalID: item.id, positions: Array(item.responses.indices), isNew: true), true)
    }

    /// The annotator's current ranking of the item and its rubric values, in stored order.
    func currentRanking(itemRowID: Int64, annotator: String) throws -> StoredRanking? {
        try sql.record("""
            SELECT r.ranks, r.all_bad, r.rubric FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id JOIN annotators p ON p.id = c.annotator_id
            WHERE c.item_id = \(itemRowID) AND p.name = \(annotator)
            """) { row in
            try ProjectStore.ranking(from: row).map { StoredRanking(ranking: $0, rubric: try ProjectStore.ratings(from: row, of: $0)) }
        } ?? nil
    }

    /// Adds an imported ranking, in stored order, under `annotator` (created when new).
    mutating func insertRanking(_ stored: StoredRanking, itemRowID: Int64, annotator: String, origin: String, source: String) throws {
        let annotatorID = try self.annotatorID(annotator)
        try insert(.rankings, [.integer(itemRowID), .integer(annotatorID), .text(stored.ranking.ranksJSON), .integer(stored.ranking.allBad ? 1 : 0),
                               .text(stored.rubric.jsonText), .optional(stored.note), .null, .integer(0), .text(nowText), .text(origin), .text(source)])
    }
}

/// A ranking as stored: ranks and rubric values in stored order, and its note.
struct StoredRanking {
    var ranking: Ranking
    var rubric: ResponseRatings
    var note: String?

    /// The same order and values (notes may differ): a repeat, not a conflict.
    func agrees(with other: StoredRanking) -> Bool { ranking == other.ranking && rubric == other.rubric }
}

extension StoredRankedItem {
    /// An imported ranking oriented to the stored item: the record's i-th response is
    /// stored at `positions[i]`, its rank and values go there.
    func storedRanking(_ imported: ImportedRanking) -> StoredRanking {
        func stored<T>(_ values: [T]) -> [T] {
            var result = values
            for (i, position) in positions.enumerated() { result[position] = values[i] }
            return result
        }
        return StoredRanking(ranking: Ranking(ranks: stored(imported.ranking.ranks), allBad: imported.ranking.allBad)!,
                             rubric: ResponseRatings(imported.rubric.values.mapValues(stored)), note: imported.note)
    }
}

extension Ranking {
    /// The ranks as stored: a JSON list.
    public var ranksJSON: String { JSONWriter.string(.array(ranks.map { .int($0) })) }

    /// A stored ranking (`ranksJSON`); nil when the text is not a list of ranks.
    public init?(json: String, allBad: Bool) {
        guard let elements = (try? JSONParser.parse(json))?.arrayValue else { return nil }
        let ranks = elements.compactMap { $0.doubleValue.map { Int($0) } }
        guard ranks.count == elements.count else { return nil }
        self.init(ranks: ranks, allBad: allBad)
    }
}

extension ProjectStore {
    /// Ranked items with current rankings (by the filter's annotator, when it names one,
    /// and by at least `minAnnotators` people): the `ranked` format's lines, or for TRL the
    /// pairs `filter.rankedPairs` takes; other formats count them as left out. Written
    /// before the pairs (TRL) in import order.
    static func exportRankedItems(sql: SQLConnection, format: ExportFormat, filter: ExportFilter, gate: LabelGate, summary: inout ExportSummary,
                                  emit: (String, Prompt?) throws -> Void) throws {
        let (counted, leftOut) = try currentRankings(sql, gate: gate)
        summary.simulatedJudgmentsLeftOut += leftOut.simulated
        summary.goldJudgmentsLeftOut += leftOut.gold
        if format == .rankings { return try exportRankings(sql: sql, counted: counted, filter: filter, summary: &summary, emit: emit) }
        var rankings: [Int64: [Ranking]] = [:]
        var ratings: [Int64: [ResponseRatings]] = [:]
        for current in counted where filter.annotator == nil || current.annotator == filter.annotator {
            rankings[current.itemRowID, default: []].append(current.ranking)
            if !current.rubric.isEmpty { ratings[current.itemRowID, default: []].append(current.rubric) }
        }
        // A lead's decision stands in for the annotators' rankings (and passes the filters that
        // adjudicated pairs pass).
        let decided = try currentRankingAdjudications(sql).filter { gate.countsAdjudication(item: $0.key) }
        var chosen: [Int64: (rankings: [Ranking], adjudicated: Bool)] = [:]
        var filteredOut = 0
        for (rowID, list) in rankings {
            if let decision = decided[rowID] {
                if filter.only == .agreed { filteredOut += 1 } else { chosen[rowID] = ([decision.ranking], true) }
                // The lead's values stand in for the annotators' as the order does.
                if !decision.rubric.isEmpty { ratings[rowID] = [decision.rubric] }
                continue
            }
            guard list.count >= filter.minAnnotators else { continue }
            switch filter.only {
            case .adjudicated?: filteredOut += 1; continue
            case .agreed?: if list.count < 2 || Set(list).count > 1 { continue }
            case nil: break
            }
            // Rankings have no pairwise agreement figure yet: --min-agreement takes decided ones only.
            if filter.minAgreement != nil { filteredOut += 1; continue }
            chosen[rowID] = (list, false)
        }
        guard !chosen.isEmpty || filteredOut > 0 else { return }
        guard format == .trl || format == .ranked else {
            summary.leftOut[.rankedItem, default: 0] += chosen.count + filteredOut
            return
        }
        if filteredOut > 0 { summary.leftOut[.rankedItemFiltered, default: 0] += filteredOut }
        let conversational = try format == .trl && holdsConversationalItems(sql)
        for rowID in chosen.keys.sorted() {
            guard let item = try rankedItem(rowID: rowID, sql: sql), !filter.excludedItems.contains(item.id) || chosen[rowID]!.adjudicated else { continue }
            let (list, adjudicated) = chosen[rowID]!
            if filter.excludeBothBad, AggregatedRanking(list)?.allBad == true { continue }
            let lines = format == .ranked
                ? RankedExport.rankedLine(item, rankings: list, ratings: ratings[rowID] ?? [], adjudicated: adjudicated).map { [$0] } ?? []
                : RankedExport.trlLines(item, rankings: list, policy: filter.rankedPairs, conversational: conversational, adjudicated: adjudicated)
            for line in lines {
                try emit(line, item.prompt)
                summary.written += 1
            }
        }
    }

    /// The `rankings` format: every current ranking (by the filter's annotator, on items
    /// ranked by at least `minAnnotators` people; `--exclude-both-bad` leaves out "all bad"),
    /// in item then annotator order.
    static func exportRankings(sql: SQLConnection, counted: [CurrentRanking], filter: ExportFilter, summary: inout ExportSummary,
                               emit: (String, Prompt?) throws -> Void) throws {
        let byItem = Dictionary(grouping: counted, by: \.itemRowID)
        for rowID in byItem.keys.sorted() where byItem[rowID]!.count >= filter.minAnnotators {
            guard let item = try rankedItem(rowID: rowID, sql: sql) else { continue }
            for r in byItem[rowID]! where filter.annotator == nil || r.annotator == filter.annotator {
                if filter.excludeBothBad && r.ranking.allBad { continue }
                try emit(RankedExport.rankingLine(item, ranking: r.ranking, rubric: r.rubric, annotator: r.annotator, note: r.note), nil)
                summary.written += 1
            }
        }
    }

    /// A stored ranked item, its responses in stored order.
    static func rankedItem(rowID: Int64, sql: SQLConnection) throws -> RankedItem? {
        guard let stored = try sql.record("SELECT external_id, content_hash, prompt, metadata FROM items WHERE id = \(rowID) AND response_count > 2", {
            (id: try $0.text("external_id"), hash: try $0.text("content_hash"), prompt: try $0.text("prompt"), metadata: try $0.text("metadata"))
        }) else { return nil }
        let prompt: Prompt
        do { prompt = try Prompt(json: JSONParser.parse(stored.prompt)) } catch {
            throw StoreError(.invalid, "item \(stored.id): stored prompt is damaged (\(error))")
        }
        var responses: [Response] = []
        try sql.scan("SELECT text, turns, model FROM ranked_responses WHERE item_id = \(rowID) ORDER BY position") { response in
            responses.append(try Self.response(text: try response.text("text"), turns: try response.optionalText("turns"), model: try response.optionalText("model")))
        }
        return RankedItem(id: stored.id, prompt: prompt, responses: responses,
                          metadata: (try? JSONParser.parse(stored.metadata)) ?? .object([]), knownHash: stored.hash)
    }
}
