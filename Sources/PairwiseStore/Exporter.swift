import Foundation
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
    /// Judgments of gold items count too (they never do unless asked: those items are
    /// planted to check people, not to train on).
    public var includeGold: Bool
    /// Which pairs of a ranked item a TRL export writes.
    public var rankedPairs: RankedPairPolicy = .bestVsRandom

    /// The label policy of an export in `format` under this filter's asking.
    public func policy(for format: ExportFormat) -> LabelPolicy {
        .for(format.isPerItem ? .trainingExport : .judgmentExport, includeSimulated: includeSimulated, includeGold: includeGold)
    }

    public init(minAnnotators: Int = 1, excludeBothBad: Bool = false, annotator: String? = nil, only: Only? = nil,
                minAgreement: Double? = nil, excludedItems: Set<String> = [], provenance: Bool = true, includeSimulated: Bool = false,
                includeGold: Bool = false) {
        self.includeGold = includeGold
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
    /// Judgments of gold items not counted (`includeGold` off).
    public var goldJudgmentsLeftOut = 0
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
        if goldJudgmentsLeftOut > 0 {
            lines.append("left out \(goldJudgmentsLeftOut) judgment\(goldJudgmentsLeftOut == 1 ? "" : "s") of gold items (--include-gold counts them)")
        }
        return lines
    }
}

extension ProjectStore {
    /// Writes an export line by line to `emit`, in a deterministic order: items in import
    /// order, judgments by annotator name.
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, emit: (String) throws -> Void) throws -> ExportSummary {
        try export(format: format, filter: filter, withPrompts: false) { line, _ in try emit(String(decoding: line, as: UTF8.self)) }
    }

    /// The same, with each line's prompt (per-item formats) or nil (per-judgment formats).
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, emit: (String, Prompt?) throws -> Void) throws -> ExportSummary {
        try export(format: format, filter: filter, withPrompts: true) { line, prompt in try emit(String(decoding: line, as: UTF8.self), prompt) }
    }

    /// The same, each line given to `writer` as its UTF-8 bytes: the fastest way to a file.
    @discardableResult
    public func export(format: ExportFormat, filter: ExportFilter, into writer: some UTF8LineWriter) throws -> ExportSummary {
        try export(format: format, filter: filter, withPrompts: false) { line, _ in try writer.writeLine(utf8: line) }
    }

    /// Every export: lines as bytes, with the item's prompt when `withPrompts` (per-item formats).
    private func export(format: ExportFormat, filter: ExportFilter, withPrompts: Bool,
                        emit: (UnsafeBufferPointer<UInt8>, Prompt?) throws -> Void) throws -> ExportSummary {
        let rubric = try self.rubric()
        if format == .csv {
            var header = ExportEncoder.csvHeader(rubric: rubric)
            try header.withUTF8 { try emit($0, nil) }
        }
        if format != .ranked && format != .rankings && !withPrompts,
           let summary = try exportConcurrently(format: format, filter: filter, rubric: rubric, emit: emit) {
            return summary
        }
        return try read { sql in
            var summary = try Self.exportRankedItems(sql: sql, format: format, filter: filter, emit: emit)
            if format == .ranked || format == .rankings {
                // The pairs' judgments are counted (and what the policy leaves out of them said), not written.
                let plan = try PairExportPlan(sql: sql, format: format, filter: filter, rubric: rubric, withPrompts: false)
                var labeled = 0
                try JudgmentSpans.forEachJudgedSpan(sql) { span in labeled += try plan.labeledItems(sql, span, summary: &summary) }
                if format == .rankings, labeled > 0 { summary.leftOut[.pairItem, default: 0] += labeled }
                return summary
            }
            let plan = try PairExportPlan(sql: sql, format: format, filter: filter, rubric: rubric, withPrompts: withPrompts)
            try JudgmentSpans.forEachJudgedSpan(sql, size: PairExportPlan.span) { span in
                let piece = try plan.piece(sql, span)
                try piece.emit(emit)
                summary.add(piece.summary)
            }
            return summary
        }
    }

    /// The ranked items' part of an export, written to `emit`.
    private static func exportRankedItems(sql: SQLConnection, format: ExportFormat, filter: ExportFilter,
                                          emit: (UnsafeBufferPointer<UInt8>, Prompt?) throws -> Void) throws -> ExportSummary {
        var summary = ExportSummary()
        let gate = try LabelGate(filter.policy(for: format), sql: sql)
        try Self.exportRankedItems(sql: sql, format: format, filter: filter, gate: gate, summary: &summary) { line, prompt in
            var line = line
            try line.withUTF8 { try emit($0, prompt) }
        }
        return summary
    }

    /// The pairs' spans written by several connections at once, all reading one snapshot,
    /// and put out in span order (the ranked items first); nil when the store cannot read one
    /// snapshot on several connections (then the caller writes them on one).
    private func exportConcurrently(format: ExportFormat, filter: ExportFilter, rubric: Rubric,
                                    emit: (UnsafeBufferPointer<UInt8>, Prompt?) throws -> Void) throws -> ExportSummary? {
        let workers = Self.exportWorkers
        guard workers > 1 else { return nil }
        let channels = (0..<workers).map { _ in PieceChannel(capacity: 2) }
        let started = try readConcurrently(workers, onFailure: { for channel in channels { channel.close(throwing: $0) } }) { k, sql in
            let channel = channels[k]
            if k == 0, !channel.put(try Self.rankedPiece(sql: sql, format: format, filter: filter)) { throw CancellationError() }
            let plan = try PairExportPlan(sql: sql, format: format, filter: filter, rubric: rubric, withPrompts: false)
            var n = 0
            try JudgmentSpans.forEachJudgedSpan(sql, size: PairExportPlan.span) { span in
                defer { n += 1 }
                guard n % workers == k else { return }
                guard channel.put(try plan.piece(sql, span)) else { throw CancellationError() }
            }
            channel.close(throwing: nil)
        }
        guard let started else { return nil }
        var summary = ExportSummary()
        do {
            // The ranked items' piece, then span n from worker n % workers, until one runs out.
            var n = -1
            while let piece = try channels[max(n, 0) % workers].take() {
                try piece.emit(emit)
                summary.add(piece.summary)
                n += 1
            }
        } catch {
            for channel in channels { channel.cancel() }
            started.wait()
            throw error
        }
        started.wait()
        return summary
    }

    /// The ranked items' part of an export as one piece.
    private static func rankedPiece(sql: SQLConnection, format: ExportFormat, filter: ExportFilter) throws -> ExportPiece {
        var piece = ExportPiece()
        let summary = try exportRankedItems(sql: sql, format: format, filter: filter) { line, _ in piece.append(line, prompt: nil) }
        piece.summary = summary   // what the ranked part counted, its lines included
        return piece
    }

    /// How many connections write an export's spans at once.
    static let exportWorkers = min(4, ProcessInfo.processInfo.activeProcessorCount)

    /// Whether any item has a chat prompt or a response of several turns.
    static func holdsConversationalItems(_ sql: SQLConnection) throws -> Bool {
        try sql.integer("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM items WHERE prompt LIKE '[%')
                OR EXISTS (SELECT 1 FROM responses WHERE turns IS NOT NULL)
                OR EXISTS (SELECT 1 FROM ranked_responses WHERE turns IS NOT NULL) THEN 1 ELSE 0 END
            """) == 1
    }

    /// The SHA-256 (hex) of the stored response A text of each pair item in `itemRows`, by
    /// item row id.
    static func responseASHA256s(_ sql: SQLConnection, itemRows: ClosedRange<Int64>) throws -> [Int64: String] {
        var result: [Int64: String] = [:]
        try sql.scan("""
            SELECT r.item_id, r.text FROM responses r WHERE r.slot = 'a' AND r.item_id BETWEEN \(itemRows.lowerBound) AND \(itemRows.upperBound)
            """) { row in
            result[try row.int64("item_id")] = try row.withUTF8("text") { SHA256.hex(bytes: $0) }
        }
        return result
    }

    /// r(A) − r(B) of model run `run` by item row id, for the items in `itemRows`.
    static func margins(sql: SQLConnection, run: Int64, itemRows: ClosedRange<Int64>) throws -> [Int64: Double] {
        var result: [Int64: Double] = [:]
        try sql.scan("""
            SELECT item_id, margin FROM model_scores WHERE run_id = \(run) AND item_id BETWEEN \(itemRows.lowerBound) AND \(itemRows.upperBound)
            """) { row in result[try row.int64("item_id")] = try row.double("margin") }
        return result
    }

    /// Every pair item with its two responses (one row each; `item(from:)` reads it).
    static let itemSelect = """
        SELECT i.id, i.external_id, i.content_hash, i.prompt, i.metadata, a.text AS a_text, a.model AS a_model, a.turns AS a_turns,
               b.text AS b_text, b.model AS b_model, b.turns AS b_turns
        FROM items i
        JOIN responses a ON a.item_id = i.id AND a.slot = 'a'
        JOIN responses b ON b.item_id = i.id AND b.slot = 'b'
        """

    /// Calls `body` with every pair item's row (`itemSelect`'s columns) in import order,
    /// read a span of row ids at a time: a range on the items' key keeps SQLite walking the
    /// items and looking up their responses, where one query over all of them would have it
    /// walk the responses and sort every text into a temporary file.
    static func scanItemsInOrder(_ sql: SQLConnection, _ body: (SQLRecord) throws -> Void) throws {
        guard let rows = try itemRowIDs(sql) else { return }
        for start in stride(from: rows.lowerBound, through: rows.upperBound, by: Int(JudgmentSpans.span)) {
            try scanItems(sql, start...(start + JudgmentSpans.span - 1), body)
        }
    }

    /// The smallest and largest item row ids (from the row id index); nil without items.
    static func itemRowIDs(_ sql: SQLConnection) throws -> ClosedRange<Int64>? {
        guard let first = try sql.integer("SELECT min(id) FROM items"), let last = try sql.integer("SELECT max(id) FROM items") else { return nil }
        return first...last
    }

    /// The same for the pair items whose row ids are in `itemRows`.
    static func scanItems(_ sql: SQLConnection, _ itemRows: ClosedRange<Int64>, _ body: (SQLRecord) throws -> Void) throws {
        try sql.scan("\(raw: itemSelect) WHERE i.id BETWEEN \(itemRows.lowerBound) AND \(itemRows.upperBound) ORDER BY i.id", body)
    }

    /// The item in a row of `itemSelect`'s columns.
    static func item(from row: SQLRecord) throws -> Item {
        let id = try row.text("external_id")
        let prompt: Prompt
        do {
            prompt = try Prompt(json: JSONParser.parse(try row.text("prompt")))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.invalid, "item \(id): stored prompt is damaged (\(error))")
        }
        let metadata = (try? JSONParser.parse(try row.text("metadata"))) ?? .object([])
        return Item(id: id, prompt: prompt,
                    responseA: try response(text: try row.text("a_text"), turns: try row.optionalText("a_turns"), model: try row.optionalText("a_model")),
                    responseB: try response(text: try row.text("b_text"), turns: try row.optionalText("b_turns"), model: try row.optionalText("b_model")),
                    metadata: metadata, source: nil, knownHash: try row.text("content_hash"))
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
    static func currentJudgments(sql connection: SQLConnection, annotator: String?, itemRowID: Int64? = nil) throws -> [Int64: [Judgment]] {
        var query: SQLQuery = """
            SELECT c.item_id, i.external_id, p.name, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at, j.origin, j.source
            FROM current_judgment_ids c
            JOIN judgments j ON j.id = c.judgment_id
            JOIN items i ON i.id = c.item_id
            JOIN annotators p ON p.id = c.annotator_id
            WHERE 1 = 1
            """
        // On the kept ids' key: the view's item_id would walk every judgment ever made.
        if let annotator { query = query + " AND p.name = \(annotator)" }
        if let itemRowID { query = query + " AND c.item_id = \(itemRowID)" }
        var grouped: [Int64: [Judgment]] = [:]
        try connection.scan(query + " ORDER BY c.item_id, p.name") { row in
            grouped[try row.int64("item_id"), default: []].append(try judgment(from: row))
        }
        return grouped
    }

    /// A judgment from a row with `external_id`, `name` (the annotator) and the judgment's columns.
    static func judgment(from row: SQLRecord) throws -> Judgment {
        guard let strength = PreferenceStrength(try row.int("strength")) else { throw StoreError(.invalid, "a stored judgment's strength is out of range") }
        return Judgment(
            itemID: try row.text("external_id"), annotator: try row.text("name"), strength: strength, bothBad: try row.bool("both_bad"),
            rubric: rubricValues(try row.text("rubric")), note: try row.optionalText("note"),
            shownOrder: try row.optionalText("shown_order").flatMap(ShownOrder.init(rawValue:)) ?? .ab,
            milliseconds: try row.int("ms"), createdAt: Timestamp.date(try row.text("created_at")) ?? Date(timeIntervalSince1970: 0),
            origin: try row.text("origin"), source: try row.optionalText("source"))
    }

    static func rubricValues(_ text: String) -> [String: RubricValue] {
        guard let members = (try? JSONParser.parse(text))?.objectMembers else { return [:] }
        var values: [String: RubricValue] = [:]
        for member in members { values[member.key] = RubricValue(json: member.value) }
        return values
    }

    static func currentAdjudications(sql: SQLConnection, itemRowID: Int64? = nil) throws -> [Int64: Adjudication] {
        var result: [Int64: Adjudication] = [:]
        let all: SQLQuery = """
            SELECT a.item_id, i.external_id, p.name, a.strength, a.both_bad, a.rubric, a.reason, a.note, a.created_at
            FROM current_adjudications a JOIN items i ON i.id = a.item_id JOIN annotators p ON p.id = a.lead_id
            """
        try sql.scan(all + (itemRowID.map { " WHERE a.item_id = \($0)" } ?? "")) { row in
            guard let strength = PreferenceStrength(try row.int("strength")) else { throw StoreError(.invalid, "a stored adjudication's strength is out of range") }
            result[try row.int64("item_id")] = Adjudication(
                itemID: try row.text("external_id"), lead: try row.text("name"), strength: strength, bothBad: try row.bool("both_bad"),
                rubric: rubricValues(try row.text("rubric")), reason: AdjudicationReason(rawValue: try row.text("reason")) ?? .other,
                note: try row.optionalText("note"), createdAt: Timestamp.date(try row.text("created_at")) ?? Date(timeIntervalSince1970: 0))
        }
        return result
    }
}

/// The current judgments a label policy counts, read a span of item row ids at a time in
/// row order, so that an export holds one span's judgments, not the project's; counts what
/// the policy left out.
enum JudgmentSpans {
    /// Item row ids a span covers (ids are dense: items are numbered as they are imported).
    static let span: Int64 = 4_096

    /// Calls `body` with each span of item row ids that starts at an item with current
    /// judgments, in order, until the last such item: gaps in the ids cost no empty reads.
    static func forEachJudgedSpan(_ sql: SQLConnection, size: Int64 = span, _ body: (ClosedRange<Int64>) throws -> Void) throws {
        var from: Int64 = Int64.min
        while let start = try sql.record("SELECT min(item_id) AS first FROM current_judgment_ids WHERE item_id >= \(from)", {
            try $0.optionalInt("first")
        }) ?? nil {
            let span = Int64(start)...(Int64(start) + size - 1)
            try body(span)
            from = span.upperBound + 1
        }
    }
}

extension ProjectStore {
    /// Every current judgment (each annotator's latest live one per item), by item then annotator.
    public func currentJudgments() throws -> [Judgment] {
        try read { sql in
            let grouped = try Self.currentJudgments(sql: sql, annotator: nil)
            return grouped.keys.sorted().flatMap { grouped[$0]! }
        }
    }
}
