import Foundation
import PairwiseCore

/// Writes the per-judgment export formats straight from the rows' bytes: no `Judgment` is
/// built and no string is made per field, so a million judgments cost about what reading
/// them costs. `judgments`: one JSON object per judgment (item_id, response_a_sha256 — the
/// stored A's digest, which the direction refers to, so that an import can orient the
/// judgment against an item stored the other way round — annotator, preference_strength,
/// both_bad, rubric with sorted keys, note, shown_order, ms, created_at, origin, source).
/// `csv`: `ExportEncoder.csvHeader`'s columns, fields quoted when they hold a comma, quote or
/// line break (RFC 4180).
struct JudgmentLines {
    let format: ExportFormat
    let rubric: Rubric
    /// The line being written.
    private(set) var line: [UInt8] = []

    init(format: ExportFormat, rubric: Rubric) {
        precondition(format == .judgments || format == .csv, "\(format) is not written per judgment")
        self.format = format
        self.rubric = rubric
        line.reserveCapacity(1024)
    }

    /// Writes the line of the judgment in `row` (a judgment's columns), made by `annotator`
    /// on the item with external id `itemID`; `responseASHA256` is the stored A's digest (the
    /// `judgments` format only).
    mutating func write(_ row: SQLRecord, itemID: String, annotator: String, responseASHA256: String?) throws {
        line.removeAll(keepingCapacity: true)
        guard let strength = PreferenceStrength(try row.int("strength")) else {
            throw StoreError(.invalid, "a stored judgment's strength is out of range")
        }
        if format == .csv {
            try writeCSV(row, itemID: itemID, annotator: annotator, strength: strength)
        } else {
            try writeJSON(row, itemID: itemID, annotator: annotator, strength: strength, responseASHA256: responseASHA256 ?? "")
        }
    }

    private mutating func writeJSON(_ row: SQLRecord, itemID: String, annotator: String, strength: PreferenceStrength, responseASHA256: String) throws {
        append("{\"item_id\": ")
        JSONWriter.appendString(itemID, to: &line)
        append(", \"response_a_sha256\": ")
        JSONWriter.appendString(responseASHA256, to: &line)
        append(", \"annotator\": ")
        JSONWriter.appendString(annotator, to: &line)
        append(", \"preference_strength\": ")
        JSONWriter.appendInteger(strength.value, to: &line)
        append(try row.bool("both_bad") ? ", \"both_bad\": true, \"rubric\": " : ", \"both_bad\": false, \"rubric\": ")
        try appendRubricJSON(row)
        append(", \"note\": ")
        try appendJSONText(row, "note", orNull: true)
        append(", \"shown_order\": \"")
        try appendShownOrder(row)
        append("\", \"ms\": ")
        JSONWriter.appendInteger(try row.int("ms"), to: &line)
        append(", \"created_at\": \"")
        try appendCreatedAt(row)
        append("\", \"origin\": ")
        try appendJSONText(row, "origin")
        append(", \"source\": ")
        try appendJSONText(row, "source", orNull: true)
        line.append(0x7D)
    }

    private mutating func writeCSV(_ row: SQLRecord, itemID: String, annotator: String, strength: PreferenceStrength) throws {
        var itemID = itemID, annotator = annotator
        itemID.withUTF8 { appendCSVField($0) }
        line.append(0x2C)
        annotator.withUTF8 { appendCSVField($0) }
        line.append(0x2C)
        JSONWriter.appendInteger(strength.value, to: &line)
        append(try row.bool("both_bad") ? ",1," : ",0,")
        try appendShownOrder(row)
        line.append(0x2C)
        JSONWriter.appendInteger(try row.int("ms"), to: &line)
        line.append(0x2C)
        try appendCreatedAt(row)
        line.append(0x2C)
        try appendCSVText(row, "origin")
        line.append(0x2C)
        try appendCSVText(row, "source")
        line.append(0x2C)
        try appendCSVText(row, "note")
        guard !rubric.dimensions.isEmpty else { return }
        let values = try storedRubric(row)
        for d in rubric.dimensions {
            switch (d.kind, values[d.key]) {
            case (.comparative, .comparative(let v)?): append(","); JSONWriter.appendInteger(v, to: &line)
            case (.perResponse, .perResponse(let a, let b)?):
                append(","); JSONWriter.appendInteger(a, to: &line)
                append(","); JSONWriter.appendInteger(b, to: &line)
            case (.comparative, _): append(",")
            case (.perResponse, _): append(",,")
            }
        }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { line.append(contentsOf: $0) }
    }

    /// A text column as a JSON string (null when NULL and `orNull`).
    private mutating func appendJSONText(_ row: SQLRecord, _ column: String, orNull: Bool = false) throws {
        let written = try row.withUTF8(column) { JSONWriter.appendString(utf8: $0, to: &line) }
        if written == nil {
            guard orNull else { throw StoreError(.invalid, "column \(column) is NULL where a value must be") }
            append("null")
        }
    }

    /// A text column as a CSV field (empty when NULL), quoted when it holds a comma, quote or
    /// line break (RFC 4180).
    private mutating func appendCSVText(_ row: SQLRecord, _ column: String) throws {
        _ = try row.withUTF8(column) { appendCSVField($0) }
    }

    private mutating func appendCSVField(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            line.append(contentsOf: bytes)
            return
        }
        line.append(0x22)
        for byte in bytes {
            line.append(byte)
            if byte == 0x22 { line.append(0x22) }
        }
        line.append(0x22)
    }

    /// "ab" or "ba"; anything else stored reads as "ab", as `Judgment` reads it.
    private mutating func appendShownOrder(_ row: SQLRecord) throws {
        let swapped = try row.withUTF8("shown_order") { $0.count == 2 && $0[0] == 0x62 && $0[1] == 0x61 } ?? false
        append(swapped ? "ba" : "ab")
    }

    /// The creation time in the one form we write (what reading it into a `Judgment` and
    /// writing that gives: an unreadable one reads as the epoch).
    private mutating func appendCreatedAt(_ row: SQLRecord) throws {
        let date = Timestamp.date(try row.text("created_at")) ?? Date(timeIntervalSince1970: 0)
        line.append(contentsOf: Timestamp.string(date).utf8)
    }

    /// The rubric values as a JSON object with sorted keys; the stored "{}" is copied.
    private mutating func appendRubricJSON(_ row: SQLRecord) throws {
        let empty = try row.withUTF8("rubric") { $0.count == 2 && $0[0] == 0x7B && $0[1] == 0x7D } ?? false
        if empty {
            append("{}")
        } else {
            JSONWriter.append(Judgment.rubricJSON(try storedRubric(row)), to: &line)
        }
    }

    private func storedRubric(_ row: SQLRecord) throws -> [String: RubricValue] {
        ProjectStore.rubricValues(try row.text("rubric"))
    }
}
