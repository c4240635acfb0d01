import PairwiseCore

/// Reads ratings from CSV with the header `item,annotator,value` (values numeric, or any
/// text at the nominal level). Errors name the file, line and field.
public enum RatingsCSV {
    public static func read(path: String, level: MeasurementLevel) throws(ImportError) -> RatingTable {
        try parse(InputFile.read(path: path), file: path, level: level)
    }

    public static func parse(_ bytes: [UInt8], file: String, level: MeasurementLevel) throws(ImportError) -> RatingTable {
        // Most ratings files have no quotes: split bytes directly once the whole file is
        // known to be UTF-8. Anything else takes the general path, which names bad lines.
        if !bytes.contains(0x22), String(validating: bytes, as: UTF8.self) != nil {
            return try parseUnquoted(bytes, file: file, level: level)
        }
        return try parseGeneral(bytes, file: file, level: level)
    }

    static func parseUnquoted(_ bytes: [UInt8], file: String, level: MeasurementLevel) throws(ImportError) -> RatingTable {
        var builder = RatingTableBuilder()
        var line = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var sawHeader = false
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            line += 1
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            defer { start = end + 1 }
            if stop == start { continue }
            var fields: [String] = []
            var fieldStart = start
            for i in start...stop where i == stop || bytes[i] == 0x2C {
                fields.append(String(decoding: bytes[fieldStart..<i], as: UTF8.self).trimmingCharacters(in: " "))
                fieldStart = i + 1
            }
            if !sawHeader {
                guard fields == ["item", "annotator", "value"] else {
                    throw ImportError(file: file, line: line, field: "header", message: "expected item,annotator,value, got \(fields.joined(separator: ","))")
                }
                sawHeader = true
                continue
            }
            try add(fields, line: line, file: file, level: level, to: &builder)
        }
        guard sawHeader else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header item,annotator,value)")
        }
        return builder.build()
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
        if level != .nominal {
            guard let number = Double(texts[2]), number.isFinite else {
                throw ImportError(file: file, line: line, field: "value",
                                  message: "'\(texts[2])' is not a number (needed at the \(level.rawValue) level)")
            }
            if level == .ratio && number < 0 {
                throw ImportError(file: file, line: line, field: "value", message: "\(texts[2]) is negative (the ratio level needs values ≥ 0)")
            }
        }
        builder.add(unit: texts[0], annotator: texts[1], value: texts[2])
    }

    static func parseGeneral(_ bytes: [UInt8], file: String, level: MeasurementLevel) throws(ImportError) -> RatingTable {
        var builder = RatingTableBuilder()
        for (texts, line) in try HeaderedCSV.records(bytes, file: file, columns: ["item", "annotator", "value"]) {
            try add(texts, line: line, file: file, level: level, to: &builder)
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
