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
    /// Judgments by simulated annotators count too (they never do unless asked).
    public var includeSimulated: Bool

    public init(minAnnotators: Int = 1, excludeBothBad: Bool = false, annotator: String? = nil, only: Only? = nil,
                minAgreement: Double? = nil, excludedItems: Set<String> = [], provenance: Bool = true, includeSimulated: Bool = false) {
        self.minAnnotators = minAnnotators
        self.excludeBothBad = excludeBothBad
        self.annotator = annotator
        self.only = only
        self.minAgreement = minAgreement
        self.excludedItems = excludedItems
        self.provenance = provenance
        self.includeSimulated = includeSimulated
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

/// What an export wrote and what it left out.
public struct ExportSummary: Equatable, Sendable {
    /// Lines written (items or judgments, the csv header not counted).
    public var written = 0
    /// Labeled items the format cannot carry, by reason.
    public var leftOut: [ExportOmission: Int] = [:]
    /// Simulated judgments not counted (`includeSimulated` off).
    public var simulatedJudgmentsLeftOut = 0
    public init() {}

    /// Sentences for stderr about what was left out, or none.
    public var notices: [String] {
        var lines: [String] = []
        for reason in ExportOmission.allCases {
            guard let count = leftOut[reason], count > 0 else { continue }
            lines.append("left out \(count) labeled item\(count == 1 ? "" : "s") with \(reason.rawValue)")
        }
        if simulatedJudgmentsLeftOut > 0 {
            lines.append("left out \(simulatedJudgmentsLeftOut) judgment\(simulatedJudgmentsLeftOut == 1 ? "" : "s") by simulated annotators (--include-simulated counts them)")
        }
        return lines
    }
}

extension ProjectStore {
    /// Writes an export line by line to `emit`, in a deterministic order: items in import
    /// order, judgments by annotator name.
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, emit: (String) throws -> Void) throws -> ExportSummary {
        try export(format: format, filter: filter) { line, _ in try emit(line) }
    }

    /// The same, with each line's item (per-item formats) or nil (the csv header).
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, emit: (String, Item?) throws -> Void) throws -> ExportSummary {
        let rubric = try self.rubric()
        return try pool.read { db in
            var summary = ExportSummary()
            var judgments = try Self.currentJudgments(db: db, annotator: filter.annotator)
            let adjudications = format.isPerItem ? try Self.currentAdjudications(db: db) : [:]
            if !filter.includeSimulated {
                // A lead's adjudication is a person's label whatever the judgments it settled.
                for (rowID, list) in judgments where adjudications[rowID] == nil && list.contains(where: \.isSimulated) {
                    let human = list.filter { !$0.isSimulated }
                    summary.simulatedJudgmentsLeftOut += list.count - human.count
                    judgments[rowID] = human.isEmpty ? nil : human
                }
            }
            if format.isPerItem {
                let margins = filter.provenance ? try Self.latestMargins(db: db) : [:]
                // TRL reads a file's form from its first row: one form for the whole file.
                let conversational = try format == .trl && Self.holdsConversationalItems(db)
                let rows = try Row.fetchCursor(db, sql: Self.itemSQL)
                while let row = try rows.next() {
                    let rowID: Int64 = row["id"]
                    let itemJudgments = judgments[rowID] ?? []
                    guard itemJudgments.count >= filter.minAnnotators else { continue }
                    let item = try Self.item(from: row)
                    let labeled = LabeledItem(item: item, judgments: itemJudgments, adjudication: adjudications[rowID])
                    guard let provenance = LabelProvenance.of(labeled), filter.admits(provenance, itemID: item.id) else { continue }
                    if filter.excludeBothBad, PreferenceAggregation.aggregate(labeled)?.bothBad == true { continue }
                    switch ExportEncoder.line(for: labeled, format: format, conversational: conversational,
                                              provenance: filter.provenance ? provenance : nil, modelMargin: margins[rowID]) {
                    case .written(let line):
                        try emit(line, item)
                        summary.written += 1
                    case .unlabeled: break
                    case .leftOut(let reason): summary.leftOut[reason, default: 0] += 1
                    }
                }
                return summary
            }
            if format == .csv { try emit(ExportEncoder.csvHeader(rubric: rubric), nil) }
            let digests = format == .judgments ? try Self.responseASHA256s(db) : [:]
            for rowID in judgments.keys.sorted() {
                let itemJudgments = judgments[rowID]!
                guard itemJudgments.count >= filter.minAnnotators else { continue }
                for judgment in itemJudgments where !(filter.excludeBothBad && judgment.bothBad) {
                    if format == .csv {
                        try emit(ExportEncoder.csvLine(judgment, rubric: rubric), nil)
                    } else {
                        try emit(ExportEncoder.judgmentLine(judgment, responseASHA256: digests[rowID]!), nil)
                    }
                    summary.written += 1
                }
            }
            return summary
        }
    }

    /// Whether any item has a chat prompt or a response of several turns.
    static func holdsConversationalItems(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM items WHERE prompt LIKE '[%')
                OR EXISTS (SELECT 1 FROM responses WHERE turns IS NOT NULL)
            """) ?? false
    }

    /// The SHA-256 (hex) of each judged item's stored response A text, by item row id.
    static func responseASHA256s(_ db: Database) throws -> [Int64: String] {
        var result: [Int64: String] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT r.item_id, r.text FROM responses r WHERE r.slot = 'a' AND r.item_id IN (SELECT item_id FROM judgments)
            """)
        while let row = try rows.next() { result[row[0]] = SHA256.hex(row[1] as String) }
        return result
    }

    /// r(A) − r(B) of the newest finished model by item row id.
    static func latestMargins(db: Database) throws -> [Int64: Double] {
        var result: [Int64: Double] = [:]
        try forEachLatestScore(db) { _, score in result[score.itemRowID] = score.margin }
        return result
    }

    static let itemSQL = """
        SELECT i.id, i.external_id, i.content_hash, i.prompt, i.metadata, a.text AS a_text, a.model AS a_model, a.turns AS a_turns,
               b.text AS b_text, b.model AS b_model, b.turns AS b_turns
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
        return Item(id: id, prompt: prompt, responseA: try response(text: row["a_text"], turns: row["a_turns"], model: row["a_model"]),
                    responseB: try response(text: row["b_text"], turns: row["b_turns"], model: row["b_model"]), metadata: metadata, source: nil,
                    knownHash: row["content_hash"])
    }

    /// A stored response: its text, or its turns (JSON) when it has several.
    static func response(text: String, turns: String?, model: String?) throws -> Response {
        guard let turns else { return Response(text: text, model: model) }
        guard case .chat(let list)? = try? Prompt(json: JSONParser.parse(turns)) else {
            throw StoreError(.invalid, "a stored response's turns are damaged")
        }
        return Response(turns: list, model: model)
    }

    /// Current judgments grouped by item row id, each group ordered by annotator name.
    static func currentJudgments(db: Database, annotator: String?, itemRowID: Int64? = nil) throws -> [Int64: [Judgment]] {
        var sql = """
            SELECT j.item_id, i.external_id, p.name, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at, j.origin, j.source
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
            milliseconds: row[8], createdAt: Timestamp.date(createdAt) ?? Date(timeIntervalSince1970: 0), origin: row[10], source: row[11])
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
