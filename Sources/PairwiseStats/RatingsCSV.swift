import PairwiseCore

/// Reads ratings from CSV with the header `item,annotator,value` (values numeric, or any
/// text at the nominal level), or from the project's own `export --format csv` (`item_id`,
/// `annotator`, and the value in `column`: `preference_strength` unless told). Errors name
/// the file, line and field.
public enum RatingsCSV {
    public static func read(path: String, level: MeasurementLevel, column: String? = nil) throws(ImportError) -> RatingTable {
        try parse(InputFile.read(path: path), file: path, level: level, column: column)
    }

    public static func parse(_ bytes: [UInt8], file: String, level: MeasurementLevel, column: String? = nil) throws(ImportError) -> RatingTable {
        // Most ratings files have no quotes: scan bytes directly once the whole file is
        // known to be UTF-8. Anything else takes the general path, which names bad lines.
        if UnquotedCSV.applies(to: bytes) { return try parseUnquoted(bytes, file: file, level: level, column: column) }
        return try parseGeneral(bytes, file: file, level: level, column: column)
    }

    /// Where the item, the annotator and the value are in a record.
    struct Columns {
        var item = 0, annotator = 1, value = 2, count = 3

        static let expected = "item,annotator,value (or an export --format csv)"

        init(_ names: [String], column: String?, file: String, line: Int) throws(ImportError) {
            if names == ["item", "annotator", "value"] && (column == nil || column == "value") { return }
            guard let item = names.firstIndex(of: "item_id") ?? names.firstIndex(of: "item"), let annotator = names.firstIndex(of: "annotator") else {
                throw ImportError(file: file, line: line, field: "header", message: "expected \(Self.expected), got \(names.joined(separator: ","))")
            }
            let wanted = column ?? (names.contains("value") ? "value" : "preference_strength")
            guard let value = names.firstIndex(of: wanted) else {
                throw ImportError(file: file, line: line, field: "header", message: "no column \(wanted) (columns: \(names.joined(separator: ",")))")
            }
            (self.item, self.annotator, self.value, count) = (item, annotator, value, names.count)
        }
    }

    static func parseUnquoted(_ bytes: [UInt8], file: String, level: MeasurementLevel, column: String?) throws(ImportError) -> RatingTable {
        var units = ByteInterner(), annotators = ByteInterner(), values = ByteInterner()
        var ratings: [(unit: Int32, annotator: Int32, value: Int32)] = []
        ratings.reserveCapacity(bytes.count / 12)
        var columns: Columns?
        try bytes.withUnsafeBufferPointer { (buffer) throws(ImportError) in
            try UnquotedCSV.forEachRecord(buffer) { (fields, line) throws(ImportError) in
                guard let c = columns else {
                    columns = try Columns(fields.map { UnquotedCSV.text(buffer, $0) }, column: column, file: file, line: line)
                    return
                }
                guard fields.count == c.count else {
                    throw ImportError(file: file, line: line, field: "record", message: "expected \(c.count) fields, got \(fields.count)")
                }
                if fields[c.value].isEmpty { return }
                for (n, name) in [(c.item, "item"), (c.annotator, "annotator")] where fields[n].isEmpty {
                    throw ImportError(file: file, line: line, field: name, message: "empty")
                }
                let value = values.index(buffer, fields[c.value])
                // A value is checked where it first appears: the first line it could fail on.
                if value.isNew { try check(values.names[Int(value.index)], line: line, file: file, level: level) }
                ratings.append((units.index(buffer, fields[c.item]).index, annotators.index(buffer, fields[c.annotator]).index, value.index))
            }
        }
        guard columns != nil else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header \(Columns.expected))")
        }
        var builder = RatingTableBuilder(units: units.names, annotators: annotators.names, values: values.names)
        for r in ratings { builder.add(unit: Int(r.unit), annotator: Int(r.annotator), value: Int(r.value)) }
        return builder.build()
    }

    /// A value is a number at every level but nominal (and not negative at ratio).
    static func check(_ value: String, line: Int, file: String, level: MeasurementLevel) throws(ImportError) {
        guard level != .nominal else { return }
        guard let number = Double(value), number.isFinite else {
            throw ImportError(file: file, line: line, field: "value",
                              message: "'\(value)' is not a number (needed at the \(level.rawValue) level)")
        }
        if level == .ratio && number < 0 {
            throw ImportError(file: file, line: line, field: "value", message: "\(value) is negative (the ratio level needs values ≥ 0)")
        }
    }

    /// Checks one record and adds it; an empty value is a missing rating.
    static func add(_ texts: [String], line: Int, file: String, level: MeasurementLevel,
                    to builder: inout RatingTableBuilder) throws(ImportError) {
        guard texts.count == 3 else {
            throw ImportError(file: file, line: line, field: "record", message: "expected 3 fields, got \(texts.count)")
        }
        if texts[2].isEmpty { return }
        for (n, name) in ["item", "annotator"].enumerated() where texts[n].isEmpty {
            throw ImportError(file: file, line: line, field: name, message: "empty")
        }
        try check(texts[2], line: line, file: file, level: level)
        builder.add(unit: texts[0], annotator: texts[1], value: texts[2])
    }

    static func parseGeneral(_ bytes: [UInt8], file: String, level: MeasurementLevel, column: String?) throws(ImportError) -> RatingTable {
        var builder = RatingTableBuilder()
        let table = try HeaderedCSV.records(bytes, file: file, expecting: Columns.expected)
        let c = try Columns(table.names, column: column, file: file, line: table.headerLine)
        for (texts, line) in table.records {
            try add([texts[c.item], texts[c.annotator], texts[c.value]], line: line, file: file, level: level, to: &builder)
        }
        return builder.build()
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
