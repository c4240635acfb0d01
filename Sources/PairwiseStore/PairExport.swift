import Foundation
import PairwiseCore

/// One span's share of an export: its lines as UTF-8 (each ends where `lineEnds` says), their
/// prompts when asked for, and what the span counted. Spans are written independently, so
/// several connections can write them at once and the pieces be put out in span order.
struct ExportPiece: Sendable {
    var bytes: [UInt8] = []
    var lineEnds: [Int] = []
    /// Each line's item prompt (per-item formats, when the export asks for prompts).
    var prompts: [Prompt] = []
    var summary = ExportSummary()

    mutating func append(_ line: UnsafeBufferPointer<UInt8>, prompt: Prompt?) {
        bytes.append(contentsOf: line)
        lineEnds.append(bytes.count)
        if let prompt { prompts.append(prompt) }
        summary.written += 1
    }

    /// Gives each line to `emit`, in order.
    func emit(_ emit: (UnsafeBufferPointer<UInt8>, Prompt?) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { all in
            var start = 0
            for (n, end) in lineEnds.enumerated() {
                try emit(UnsafeBufferPointer(rebasing: all[start..<end]), prompts.isEmpty ? nil : prompts[n])
                start = end
            }
        }
    }
}

/// Writes the pairs' part of an export a span of item row ids at a time: everything a span
/// needs besides its own rows is read once, when the plan is made on the connection (and
/// snapshot) that writes the spans.
struct PairExportPlan {
    /// Item row ids a piece covers: about a megabyte of TRL lines, so that the pieces
    /// waiting to be put out stay small.
    static let span: Int64 = 1_024
    let format: ExportFormat
    let filter: ExportFilter
    let withPrompts: Bool
    let gate: LabelGate
    // Per-item formats.
    private var adjudications: [Int64: Adjudication] = [:]
    private var run: Int64?
    /// TRL reads a file's form from its first row: one form for the whole file.
    private var conversational = false
    // Per-judgment formats.
    private let rubric: Rubric
    /// Annotators by row id, with their place in name order (SQL's, byte by byte).
    private var annotators: [Int64: (name: String, rank: Int)] = [:]
    /// The only annotator whose judgments count (`--annotator`), by row id: nil for everyone,
    /// -1 when no one has that name.
    private var onlyAnnotator: Int64?

    init(sql: SQLConnection, format: ExportFormat, filter: ExportFilter, rubric: Rubric, withPrompts: Bool) throws {
        self.format = format
        self.filter = filter
        self.rubric = rubric
        self.withPrompts = withPrompts
        gate = try LabelGate(filter.policy(for: format), sql: sql)
        var names: [Int64: (name: String, rank: Int)] = [:]
        try sql.scan("SELECT id, name FROM annotators ORDER BY name") { row in
            names[try row.int64("id")] = (try row.text("name"), names.count)
        }
        annotators = names
        if let name = filter.annotator { onlyAnnotator = names.first(where: { $0.value.name == name })?.key ?? -1 }
        if format.isPerItem {
            adjudications = try ProjectStore.currentAdjudications(sql: sql).filter { gate.countsAdjudication(item: $0.key) }
            run = filter.provenance ? try ProjectStore.latestRunID(sql) : nil
            conversational = try format == .trl && ProjectStore.holdsConversationalItems(sql)
        }
    }

    /// The lines of the items whose row ids are in `span`.
    func piece(_ sql: SQLConnection, _ span: ClosedRange<Int64>) throws -> ExportPiece {
        var piece = ExportPiece()
        if onlyAnnotator == -1 { return piece }
        if format.isPerItem { try writeItems(sql, span, into: &piece) } else { try writeJudgments(sql, span, into: &piece) }
        return piece
    }

    /// Per-item formats: each item with counted judgments, with the lead's decision.
    private func writeItems(_ sql: SQLConnection, _ span: ClosedRange<Int64>, into piece: inout ExportPiece) throws {
        let tallies = try countedTallies(sql, span, summary: &piece.summary)
        guard !tallies.isEmpty else { return }
        let margins = try run.map { try ProjectStore.margins(sql: sql, run: $0, itemRows: span) } ?? [:]
        try ProjectStore.scanItems(sql, span) { row in
            let rowID = try row.int64("id")
            guard let tally = tallies[rowID], tally.judgments >= filter.minAnnotators else { return }
            let item = try ProjectStore.item(from: row)
            let adjudication = adjudications[rowID]
            guard let provenance = LabelProvenance.of(tally, adjudicated: adjudication != nil), filter.admits(provenance, itemID: item.id) else { return }
            let label = PreferenceAggregation.aggregate(tally, adjudication: adjudication)
            if filter.excludeBothBad, label?.bothBad == true { return }
            switch ExportEncoder.line(for: item, label: label, format: format, conversational: conversational,
                                      provenance: filter.provenance ? provenance : nil, modelMargin: margins[rowID]) {
            case .written(let line): line.withUnsafeBufferPointer { piece.append($0, prompt: withPrompts ? item.prompt : nil) }
            case .unlabeled: break
            case .leftOut(let reason): piece.summary.leftOut[reason, default: 0] += 1
            }
        }
    }

    /// How many items of `span` hold counted judgments (what the policy leaves out is
    /// counted in `summary`).
    func labeledItems(_ sql: SQLConnection, _ span: ClosedRange<Int64>, summary: inout ExportSummary) throws -> Int {
        try countedTallies(sql, span, summary: &summary).count
    }

    /// What the counted judgments on each item of `span` add up to (three columns a judgment).
    private func countedTallies(_ sql: SQLConnection, _ span: ClosedRange<Int64>, summary: inout ExportSummary) throws -> [Int64: JudgmentTally] {
        var query: SQLQuery = """
            SELECT c.item_id, j.strength, j.both_bad, j.origin FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id BETWEEN \(span.lowerBound) AND \(span.upperBound)
            """
        if let onlyAnnotator { query = query + " AND c.annotator_id = \(onlyAnnotator)" }
        var result: [Int64: JudgmentTally] = [:]
        try sql.scan(query) { row in
            let rowID = try row.int64("item_id")
            let strength = try row.int("strength")
            guard PreferenceStrength(strength) != nil else { throw StoreError(.invalid, "a stored judgment's strength is out of range") }
            guard admits(rowID, origin: try row.text("origin"), summary: &summary) else { return }
            result[rowID, default: JudgmentTally()].add(strength: strength, bothBad: try row.bool("both_bad"))
        }
        return result
    }

    /// Per-judgment formats: every counted judgment, each item's in annotator name order,
    /// written from the rows' bytes; an item with fewer counted judgments than asked for is
    /// left out whole (its judgments are held until the item's last row).
    private func writeJudgments(_ sql: SQLConnection, _ span: ClosedRange<Int64>, into piece: inout ExportPiece) throws {
        let range = "\(span.lowerBound) AND \(span.upperBound)"
        var itemIDs: [Int64: String] = [:]
        try sql.scan("SELECT id, external_id FROM items WHERE id BETWEEN \(raw: range)") { row in
            itemIDs[try row.int64("id")] = try row.text("external_id")
        }
        let digests = format == .judgments ? try ProjectStore.responseASHA256s(sql, itemRows: span) : [:]
        var writer = JudgmentLines(format: format, rubric: rubric)
        var held: [UInt8] = [], heldLines: [(rank: Int, range: Range<Int>)] = [], counted = 0, heldItem: Int64 = -1
        func release() {
            defer { held.removeAll(keepingCapacity: true); heldLines.removeAll(keepingCapacity: true); counted = 0 }
            guard counted >= filter.minAnnotators else { return }
            heldLines.sort { $0.rank < $1.rank }
            held.withUnsafeBufferPointer { all in
                for entry in heldLines { piece.append(UnsafeBufferPointer(rebasing: all[entry.range]), prompt: nil) }
            }
        }
        let only = onlyAnnotator.map { " AND c.annotator_id = \($0)" } ?? ""
        try sql.scan("""
            SELECT c.item_id, c.annotator_id, j.strength, j.both_bad, j.rubric, j.note, j.shown_order, j.ms, j.created_at, j.origin, j.source
            FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id BETWEEN \(raw: range)\(raw: only) ORDER BY c.item_id
            """) { row in
            let rowID = try row.int64("item_id")
            if rowID != heldItem {
                release()
                heldItem = rowID
            }
            guard admits(rowID, origin: try row.text("origin"), summary: &piece.summary) else { return }
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
        release()
    }

    /// Whether the label policy counts a judgment on item `rowID` made with `origin`; what it
    /// leaves out is counted in `summary`.
    private func admits(_ rowID: Int64, origin: String, summary: inout ExportSummary) -> Bool {
        switch gate.verdict(item: rowID, origin: origin) {
        case .counts: return true
        case .leftOutAsGold: summary.goldJudgmentsLeftOut += 1
        case .leftOutAsSimulated: summary.simulatedJudgmentsLeftOut += 1
        }
        return false
    }
}

extension ExportSummary {
    /// Adds what another part of the same export wrote and left out.
    mutating func add(_ other: ExportSummary) {
        written += other.written
        leftOut.merge(other.leftOut, uniquingKeysWith: +)
        simulatedJudgmentsLeftOut += other.simulatedJudgmentsLeftOut
        goldJudgmentsLeftOut += other.goldJudgmentsLeftOut
    }
}
