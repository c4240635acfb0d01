import Foundation
import GRDB
import PairwiseCore

/// Which labels an export considers, and what each line says.
public struct ExportFilter: Sendable {
    /// Which labels an item must have.
    public enum Only: String, Sendable, CaseIterable {
        /// Decided by a lead.
        case adjudicated
        /// Two or more judgments, all in the same direction.
        case agreed
    }

    /// Only items with current judgments from at least this many annotators.
    public var minAnnotators: Int
    /// Leave out items whose aggregated label says both responses are bad
    /// (for per-judgment formats: judgments that say so).
    public var excludeBothBad: Bool
    /// Only this annotator's judgments count.
    public var annotator: String?
    public var only: Only?
    /// Only items whose annotators agree at least this much on the direction (share of
    /// agreeing pairs); items with one judgment have no agreement and are left out, while
    /// adjudicated items pass (a lead settled them).
    public var minAgreement: Double?
    /// Item ids to leave out unless a lead adjudicated them (the model's suspects).
    public var excludedItems: Set<String>
    /// Per-item lines end with label_source, judgments, agreement and model_margin.
    public var provenance: Bool

    public init(minAnnotators: Int = 1, excludeBothBad: Bool = false, annotator: String? = nil, only: Only? = nil,
                minAgreement: Double? = nil, excludedItems: Set<String> = [], provenance: Bool = true) {
        self.minAnnotators = minAnnotators
        self.excludeBothBad = excludeBothBad
        self.annotator = annotator
        self.only = only
        self.minAgreement = minAgreement
        self.excludedItems = excludedItems
        self.provenance = provenance
    }

    /// Whether an item with this provenance is exported.
    func admits(_ provenance: LabelProvenance, itemID: String) -> Bool {
        let adjudicated = provenance.source == .adjudicated
        switch only {
        case .adjudicated?: if !adjudicated { return false }
        case .agreed?: if provenance.source != .unanimous { return false }
        case nil: break
        }
        if let minAgreement, !adjudicated, (provenance.agreement ?? -1) < minAgreement { return false }
        if !adjudicated && excludedItems.contains(itemID) { return false }
        return true
    }
}

extension ProjectStore {
    /// Writes an export line by line to `emit`, in a deterministic order: items in import
    /// order, judgments by annotator name. Returns the number of records written.
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, emit: (String) throws -> Void) throws -> Int {
        try export(format: format, filter: filter) { line, _ in try emit(line) }
    }

    /// The same, with each line's item (per-item formats) or nil (the csv header).
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, emit: (String, Item?) throws -> Void) throws -> Int {
        let rubric = try self.rubric()
        return try pool.read { db in
            let judgments = try Self.currentJudgments(db: db, annotator: filter.annotator)
            var written = 0
            if format.isPerItem {
                let adjudications = try Self.currentAdjudications(db: db)
                let margins = filter.provenance ? try Self.latestMargins(db: db) : [:]
                let rows = try Row.fetchCursor(db, sql: Self.itemSQL)
                while let row = try rows.next() {
                    let rowID: Int64 = row["id"]
                    let itemJudgments = judgments[rowID] ?? []
                    guard itemJudgments.count >= filter.minAnnotators else { continue }
                    let item = try Self.item(from: row)
                    let labeled = LabeledItem(item: item, judgments: itemJudgments, adjudication: adjudications[rowID])
                    guard let provenance = LabelProvenance.of(labeled), filter.admits(provenance, itemID: item.id) else { continue }
                    if filter.excludeBothBad, PreferenceAggregation.aggregate(labeled)?.bothBad == true { continue }
                    if let line = ExportEncoder.line(for: labeled, format: format, provenance: filter.provenance ? provenance : nil,
                                                     modelMargin: margins[rowID]) {
                        try emit(line, item)
                        written += 1
                    }
                }
                return written
            }
            if format == .csv { try emit(ExportEncoder.csvHeader(rubric: rubric), nil) }
            for rowID in judgments.keys.sorted() {
                let itemJudgments = judgments[rowID]!
                guard itemJudgments.count >= filter.minAnnotators else { continue }
                for judgment in itemJudgments where !(filter.excludeBothBad && judgment.bothBad) {
                    try emit(format == .csv ? ExportEncoder.csvLine(judgment, rubric: rubric) : ExportEncoder.judgmentLine(judgment), nil)
                    written += 1
                }
            }
            return written
        }
    }

    /// r(A) − r(B) of the newest finished model by item row id.
    static func latestMargins(db: Database) throws -> [Int64: Double] {
        var result: [Int64: Double] = [:]
        try forEachLatestScore(db) { _, score in result[score.itemRowID] = score.margin }
        return result
    }

    static let itemSQL = """
        SELECT i.id, i.external_id, i.content_hash, i.prompt, i.metadata, a.text AS a_text, a.model AS a_model, b.text AS b_text, b.model AS b_model
        FROM items i
        JOIN responses a ON a.item_id = i.id AND a.slot = 'a'
        JOIN responses b ON b.item_id = i.id AND b.slot = 'b'
        ORDER BY i.id
        """

    static func item(from row: Row) throws -> Item {
        let id: String = row["external_id"]
        let promptText: String = row["prompt"]
        let metadataText: String = row["metadata"]
        let prompt: Prompt
        do {
            prompt = try Prompt(json: JSONParser.parse(promptText))
        } catch {
            throw StoreError(.invalid, "item \(id): stored prompt is damaged (\(error))")
        }
        let metadata = (try? JSONParser.parse(metadataText)) ?? .object([])
        return Item(id: id, prompt: prompt, responseA: Response(text: row["a_text"], model: row["a_model"]),
                    responseB: Response(text: row["b_text"], model: row["b_model"]), metadata: metadata, source: nil,
                    knownHash: row["content_hash"])
    }

    /// Current judgments grouped by item row id, each group ordered by annotator name.
    static func currentJudgments(db: Database, annotator: String?, itemRowID: Int64? = nil) throws -> [Int64: [Judgment]] {
        var sql = """
            SELECT j.item_id, i.external_id, p.name, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at, j.origin
            FROM current_judgments j
            JOIN items i ON i.id = j.item_id
            JOIN annotators p ON p.id = j.annotator_id
            """
        var arguments = StatementArguments()
        var conditions: [String] = []
        if let annotator {
            conditions.append("p.name = ?")
            arguments += [annotator]
        }
        if let itemRowID {
            conditions.append("j.item_id = ?")
            arguments += [itemRowID]
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY j.item_id, p.name"
        var grouped: [Int64: [Judgment]] = [:]
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let itemRowID: Int64 = row[0]
            grouped[itemRowID, default: []].append(try judgment(from: row))
        }
        return grouped
    }

    static func judgment(from row: Row) throws -> Judgment {
        let createdAt: String = row[9]
        return Judgment(
            itemID: row[1], annotator: row[2], strength: PreferenceStrength(row[3])!, bothBad: row[4],
            rubric: rubricValues(row[5]), note: row[6], shownOrder: ShownOrder(rawValue: row[7]) ?? .ab,
            milliseconds: row[8], createdAt: Timestamp.date(createdAt) ?? Date(timeIntervalSince1970: 0), origin: row[10])
    }

    static func rubricValues(_ text: String) -> [String: RubricValue] {
        guard let members = (try? JSONParser.parse(text))?.objectMembers else { return [:] }
        var values: [String: RubricValue] = [:]
        for member in members { values[member.key] = RubricValue(json: member.value) }
        return values
    }

    static func currentAdjudications(db: Database, itemRowID: Int64? = nil) throws -> [Int64: Adjudication] {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT a.item_id, i.external_id, p.name, a.strength, a.both_bad, a.rubric, a.reason, a.note, a.created_at
            FROM current_adjudications a JOIN items i ON i.id = a.item_id JOIN annotators p ON p.id = a.lead_id
            """ + (itemRowID == nil ? "" : " WHERE a.item_id = ?"), arguments: itemRowID.map { [$0] } ?? [])
        var result: [Int64: Adjudication] = [:]
        while let row = try rows.next() {
            let createdAt: String = row[8]
            result[row[0]] = Adjudication(
                itemID: row[1], lead: row[2], strength: PreferenceStrength(row[3])!, bothBad: row[4], rubric: rubricValues(row[5]),
                reason: AdjudicationReason(rawValue: row[6]) ?? .other, note: row[7],
                createdAt: Timestamp.date(createdAt) ?? Date(timeIntervalSince1970: 0))
        }
        return result
    }
}

extension ProjectStore {
    /// Every current judgment (each annotator's latest live one per item), by item then annotator.
    public func currentJudgments() throws -> [Judgment] {
        try pool.read { db in
            let grouped = try Self.currentJudgments(db: db, annotator: nil)
            return grouped.keys.sorted().flatMap { grouped[$0]! }
        }
    }
}
