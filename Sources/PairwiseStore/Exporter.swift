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
        return try withoutActuallyEscaping(emit) { emit in try read { sql in
            let emitText: (String, Prompt?) throws -> Void = { line, prompt in
                var line = line
                try line.withUTF8 { try emit($0, prompt) }
            }
            var summary = ExportSummary()
            let gate = try LabelGate(filter.policy(for: format), sql: sql)
            var judgments = JudgmentSpans(gate: gate, annotator: filter.annotator)
            try Self.exportRankedItems(sql: sql, format: format, filter: filter, gate: gate, summary: &summary, emit: emitText)
            if format == .ranked || format == .rankings {
                // The pairs' judgments are counted (and what the policy leaves out of them said), not written.
                let labeled = try judgments.countItems(sql)
                if format == .rankings, labeled > 0 { summary.leftOut[.pairItem, default: 0] += labeled }
            } else if format.isPerItem {
                try Self.exportItems(sql: sql, format: format, filter: filter, judgments: &judgments, withPrompts: withPrompts, summary: &summary, emit: emit)
            } else {
                try Self.exportJudgments(sql: sql, format: format, filter: filter, rubric: rubric, judgments: &judgments, summary: &summary, emit: emit)
            }
            return summary.adding(judgments.leftOut)
        } }
    }

    /// The per-item formats: items in import order, each with its counted judgments and the
    /// lead's decision, read a span of items at a time.
    private static func exportItems(sql: SQLConnection, format: ExportFormat, filter: ExportFilter, judgments: inout JudgmentSpans, withPrompts: Bool,
                                    summary: inout ExportSummary, emit: (UnsafeBufferPointer<UInt8>, Prompt?) throws -> Void) throws {
        let adjudications = try Self.currentAdjudications(sql: sql).filter { judgments.gate.countsAdjudication(item: $0.key) }
        let run = filter.provenance ? try Self.latestRunID(sql) : nil
        // TRL reads a file's form from its first row: one form for the whole file.
        let conversational = try format == .trl && Self.holdsConversationalItems(sql)
        var margins: [Int64: Double] = [:], marginsThrough: Int64 = -1
        // Only spans that hold judged items are read: the others have nothing to write.
        try JudgmentSpans.forEachJudgedSpan(sql) { span in try Self.scanItems(sql, span) { row in
            let rowID = try row.int64("id")
            let tally = try judgments.tally(of: rowID, sql: sql)
            guard tally.judgments >= filter.minAnnotators else { return }
            let item = try Self.item(from: row)
            let adjudication = adjudications[rowID]
            guard let provenance = LabelProvenance.of(tally, adjudicated: adjudication != nil), filter.admits(provenance, itemID: item.id) else { return }
            let label = PreferenceAggregation.aggregate(tally, adjudication: adjudication)
            if filter.excludeBothBad, label?.bothBad == true { return }
            if let run, rowID > marginsThrough {
                marginsThrough = rowID + JudgmentSpans.span - 1
                margins = try Self.margins(sql: sql, run: run, itemRows: rowID...marginsThrough)
            }
            switch ExportEncoder.line(for: item, label: label, format: format, conversational: conversational,
                                      provenance: filter.provenance ? provenance : nil, modelMargin: margins[rowID]) {
            case .written(let line):
                try line.withUnsafeBufferPointer { try emit($0, withPrompts ? item.prompt : nil) }
                summary.written += 1
            case .unlabeled: break
            case .leftOut(let reason): summary.leftOut[reason, default: 0] += 1
            }
        } }
    }

    /// The per-judgment formats: every counted judgment, items in row order, each item's by
    /// annotator name, read a span of items at a time and written from the rows' bytes.
    private static func exportJudgments(sql: SQLConnection, format: ExportFormat, filter: ExportFilter, rubric: Rubric, judgments: inout JudgmentSpans,
                                        summary: inout ExportSummary, emit: (UnsafeBufferPointer<UInt8>, Prompt?) throws -> Void) throws {
        if format == .csv {
            var header = ExportEncoder.csvHeader(rubric: rubric)
            try header.withUTF8 { try emit($0, nil) }
        }
        var writer = JudgmentLines(format: format, rubric: rubric)
        // Annotators by row id, with their place in name order (SQLite's, byte by byte).
        var annotators: [Int64: (name: String, rank: Int)] = [:]
        try sql.scan("SELECT id, name FROM annotators ORDER BY name") { row in
            annotators[try row.int64("id")] = (try row.text("name"), annotators.count)
        }
        var only = ""
        if let name = filter.annotator {
            guard let id = annotators.first(where: { $0.value.name == name })?.key else { return }
            only = " AND c.annotator_id = \(id)"
        }
        // One item's lines, held until its counted judgments are known to be enough, then
        // written in annotator name order.
        var held: [UInt8] = [], heldLines: [(rank: Int, range: Range<Int>)] = [], counted = 0, heldItem: Int64 = -1
        func release() throws {
            defer { held.removeAll(keepingCapacity: true); heldLines.removeAll(keepingCapacity: true); counted = 0 }
            guard counted >= filter.minAnnotators else { return }
            heldLines.sort { $0.rank < $1.rank }
            try held.withUnsafeBufferPointer { all in
                for entry in heldLines { try emit(UnsafeBufferPointer(rebasing: all[entry.range]), nil) }
            }
            summary.written += heldLines.count
        }
        try JudgmentSpans.forEachJudgedSpan(sql) { span in
            let range = "\(span.lowerBound) AND \(span.upperBound)"
            var itemIDs: [Int64: String] = [:]
            try sql.scan("SELECT id, external_id FROM items WHERE id BETWEEN \(raw: range)") { row in
                itemIDs[try row.int64("id")] = try row.text("external_id")
            }
            let digests = format == .judgments ? try Self.responseASHA256s(sql, itemRows: span) : [:]
            try sql.scan("""
                SELECT c.item_id, c.annotator_id, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at, j.origin, j.source
                FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                WHERE c.item_id BETWEEN \(raw: range)\(raw: only) ORDER BY c.item_id
                """) { row in
                let rowID = try row.int64("item_id")
                if rowID != heldItem {
                    try release()
                    heldItem = rowID
                }
                guard judgments.admits(item: rowID, origin: try row.text("origin")) else { return }
                counted += 1
                if filter.excludeBothBad, try row.bool("both_bad") { return }
                guard let itemID = itemIDs[rowID], let annotator = annotators[try row.int64("annotator_id")] else {
                    throw StoreError(.invalid, "a current judgment names an item or annotator that is not stored")
                }
                try writer.write(row, itemID: itemID, annotator: annotator.name, responseASHA256: digests[rowID])
                let start = held.count
                held.append(contentsOf: writer.line)
                heldLines.append((annotator.rank, start..<held.count))
            }
        }
        try release()
    }

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
        guard let first = try sql.integer("SELECT min(id) FROM items"), let last = try sql.integer("SELECT max(id) FROM items") else { return }
        for start in stride(from: first, through: last, by: Int(JudgmentSpans.span)) {
            try scanItems(sql, start...(start + JudgmentSpans.span - 1), body)
        }
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
        try currentJudgments(sql: connection, annotator: annotator, itemRows: itemRowID.map { $0...$0 })
    }

    /// The same, for the items whose row id is in `itemRows` (all when nil).
    static func currentJudgments(sql connection: SQLConnection, annotator: String?, itemRows: ClosedRange<Int64>?) throws -> [Int64: [Judgment]] {
        var grouped: [Int64: [Judgment]] = [:]
        try connection.scan(currentJudgmentsQuery(annotator: annotator, itemRows: itemRows)) { row in
            grouped[try row.int64("item_id"), default: []].append(try judgment(from: row))
        }
        return grouped
    }

    /// Current judgments with their item's external id and the annotator's name, by item row
    /// id then annotator name: `annotator`'s only when given, the items in `itemRows` when given.
    static func currentJudgmentsQuery(annotator: String?, itemRows: ClosedRange<Int64>?) -> SQLQuery {
        var query: SQLQuery = """
            SELECT c.item_id, i.external_id, p.name, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at, j.origin, j.source
            FROM current_judgment_ids c
            JOIN judgments j ON j.id = c.judgment_id
            JOIN items i ON i.id = c.item_id
            JOIN annotators p ON p.id = c.annotator_id
            WHERE 1 = 1
            """
        // Ranges on the kept ids' key: the view's item_id would walk every judgment ever made.
        if let annotator { query = query + " AND p.name = \(annotator)" }
        if let itemRows { query = query + " AND c.item_id BETWEEN \(itemRows.lowerBound) AND \(itemRows.upperBound)" }
        return query + " ORDER BY c.item_id, p.name"
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
struct JudgmentSpans {
    /// Item row ids a span covers (ids are dense: items are numbered as they are imported).
    static let span: Int64 = 4_096
    let gate: LabelGate
    let annotator: String?
    private(set) var leftOut = LeftOutLabels()
    private var tallies: [Int64: JudgmentTally] = [:]
    private var loadedThrough: Int64 = -1

    init(gate: LabelGate, annotator: String?) {
        self.gate = gate
        self.annotator = annotator
    }

    /// What the counted judgments on item `rowID` add up to, read with its span; rows must
    /// come in ascending order.
    mutating func tally(of rowID: Int64, sql: SQLConnection) throws -> JudgmentTally {
        if rowID > loadedThrough {
            loadedThrough = rowID + Self.span - 1
            tallies = try countedTallies(sql, rowID...loadedThrough)
        }
        return tallies[rowID] ?? JudgmentTally()
    }

    private mutating func countedTallies(_ sql: SQLConnection, _ span: ClosedRange<Int64>) throws -> [Int64: JudgmentTally] {
        var query: SQLQuery = """
            SELECT c.item_id, j.strength, j.both_bad, j.origin FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id BETWEEN \(span.lowerBound) AND \(span.upperBound)
            """
        if let annotator { query = query + " AND c.annotator_id IN (SELECT id FROM annotators WHERE name = \(annotator))" }
        var result: [Int64: JudgmentTally] = [:]
        try sql.scan(query) { row in
            let rowID = try row.int64("item_id")
            let strength = try row.int("strength")
            guard PreferenceStrength(strength) != nil else { throw StoreError(.invalid, "a stored judgment's strength is out of range") }
            guard admits(item: rowID, origin: try row.text("origin")) else { return }
            result[rowID, default: JudgmentTally()].add(strength: strength, bothBad: try row.bool("both_bad"))
        }
        return result
    }

    /// Calls `body` with each span holding judgments and its counted judgments by item; each
    /// span starts at the next judged item, so gaps in the ids cost no empty reads.
    mutating func forEachSpan(_ sql: SQLConnection, _ body: (ClosedRange<Int64>, [Int64: [Judgment]]) throws -> Void) throws {
        try Self.forEachJudgedSpan(sql) { span in
            let byItem = try counted(sql, span)
            if !byItem.isEmpty { try body(span, byItem) }
        }
    }

    /// Calls `body` with each span of item row ids that starts at an item with current
    /// judgments, in order, until the last such item.
    static func forEachJudgedSpan(_ sql: SQLConnection, _ body: (ClosedRange<Int64>) throws -> Void) throws {
        var from: Int64 = Int64.min
        while let start = try sql.record("SELECT min(item_id) AS first FROM current_judgment_ids WHERE item_id >= \(from)", {
            try $0.optionalInt("first")
        }) ?? nil {
            let span = Int64(start)...(Int64(start) + Self.span - 1)
            try body(span)
            from = span.upperBound + 1
        }
    }

    /// Whether the policy counts a current judgment on item `rowID` made with `origin`;
    /// counts what it leaves out.
    mutating func admits(item rowID: Int64, origin: String?) -> Bool {
        let verdict = gate.verdict(item: rowID, origin: origin)
        leftOut.add(verdict)
        return verdict == .counts
    }

    /// How many items hold counted judgments.
    mutating func countItems(_ sql: SQLConnection) throws -> Int {
        var items = 0
        try forEachSpan(sql) { _, byItem in items += byItem.count }
        return items
    }

    private mutating func counted(_ sql: SQLConnection, _ span: ClosedRange<Int64>) throws -> [Int64: [Judgment]] {
        var byItem = try ProjectStore.currentJudgments(sql: sql, annotator: annotator, itemRows: span)
        for (rowID, list) in byItem {
            let kept = list.filter { admits(item: rowID, origin: $0.origin) }
            if kept.count < list.count { byItem[rowID] = kept.isEmpty ? nil : kept }
        }
        return byItem
    }
}

extension ExportSummary {
    /// The summary with the pairs' judgments the label policy left out added.
    func adding(_ leftOut: LeftOutLabels) -> ExportSummary {
        var summary = self
        summary.simulatedJudgmentsLeftOut += leftOut.simulated
        summary.goldJudgmentsLeftOut += leftOut.gold
        return summary
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
