import PairwiseCore

/// Reads CSV whose header must be exactly `columns`: every record as trimmed, UTF-8-checked
/// fields with its line number; errors name the file, line and field.
enum HeaderedCSV {
    static func records(_ bytes: [UInt8], file: String, columns: [String]) throws(ImportError) -> [(fields: [String], line: Int)] {
        var parser = CSVParser(bytes: bytes)
        func next() throws(ImportError) -> (fields: [[UInt8]], line: Int)? {
            do { return try parser.next() } catch { throw ImportError(file: file, line: parser.line, field: error.field, message: error.message) }
        }
        let expected = columns.joined(separator: ",")
        guard let header = try next() else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header \(expected))")
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: " ") }
        guard names == columns else {
            throw ImportError(file: file, line: header.line, field: "header", message: "expected \(expected), got \(names.joined(separator: ","))")
        }
        var records: [(fields: [String], line: Int)] = []
        while let row = try next() {
            let fields = try CSVParser.texts(of: row, columns: columns, file: file).map { $0.trimmingCharacters(in: " ") }
            records.append((fields, row.line))
        }
        return records
    }
}
