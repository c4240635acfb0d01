import PairwiseCore

/// Reads ratings from CSV with the header `item,annotator,value` (values numeric, or any
/// text at the nominal level). Errors name the file, line and field.
public enum RatingsCSV {
    public static func read(path: String, level: MeasurementLevel) throws(ImportError) -> RatingTable {
        try parse(InputFile.read(path: path), file: path, level: level)
    }

    public static func parse(_ bytes: [UInt8], file: String, level: MeasurementLevel) throws(ImportError) -> RatingTable {
        var parser = CSVParser(bytes: bytes)
        func next() throws(ImportError) -> (fields: [[UInt8]], line: Int)? {
            do { return try parser.next() } catch { throw ImportError(file: file, line: parser.line, field: error.field, message: error.message) }
        }
        guard let header = try next() else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header item,annotator,value)")
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: " ") }
        guard names == ["item", "annotator", "value"] else {
            throw ImportError(file: file, line: header.line, field: "header",
                              message: "expected item,annotator,value, got \(names.joined(separator: ","))")
        }
        var ratings: [(unit: String, annotator: String, value: String)] = []
        while let row = try next() {
            guard row.fields.count == 3 else {
                throw ImportError(file: file, line: row.line, field: "record", message: "expected 3 fields, got \(row.fields.count)")
            }
            var texts: [String] = []
            for (name, raw) in zip(["item", "annotator", "value"], row.fields) {
                guard let text = String(validating: raw, as: UTF8.self) else {
                    throw ImportError(file: file, line: row.line, field: name, message: "invalid UTF-8")
                }
                texts.append(text.trimmingCharacters(in: " "))
            }
            if texts[2].isEmpty { continue }  // a missing rating
            for (n, name) in ["item", "annotator"].enumerated() where texts[n].isEmpty {
                throw ImportError(file: file, line: row.line, field: name, message: "empty")
            }
            if level != .nominal {
                guard let number = Double(texts[2]), number.isFinite else {
                    throw ImportError(file: file, line: row.line, field: "value",
                                      message: "'\(texts[2])' is not a number (needed at the \(level.rawValue) level)")
                }
                if level == .ratio && number < 0 {
                    throw ImportError(file: file, line: row.line, field: "value", message: "\(texts[2]) is negative (the ratio level needs values ≥ 0)")
                }
            }
            ratings.append((unit: texts[0], annotator: texts[1], value: texts[2]))
        }
        return RatingTable(ratings: ratings)
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
