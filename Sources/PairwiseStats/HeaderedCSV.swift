import PairwiseCore

/// Reads CSV whose header must be exactly `columns`: every record as trimmed, UTF-8-checked
/// fields with its line number; errors name the file, line and field.
enum HeaderedCSV {
    static func records(_ bytes: [UInt8], file: String, columns: [String]) throws(ImportError) -> [(fields: [String], line: Int)] {
        let expected = columns.joined(separator: ",")
        let table = try records(bytes, file: file, expecting: expected)
        guard table.names == columns else {
            throw ImportError(file: file, line: table.headerLine, field: "header", message: "expected \(expected), got \(table.names.joined(separator: ","))")
        }
        return table.records
    }

    /// The header's names and every record, each with as many fields as the header has.
    static func records(_ bytes: [UInt8], file: String, expecting expected: String)
        throws(ImportError) -> (names: [String], headerLine: Int, records: [(fields: [String], line: Int)]) {
        var parser = CSVParser(bytes: bytes)
        func next() throws(ImportError) -> (fields: [[UInt8]], line: Int)? {
            do { return try parser.next() } catch { throw ImportError(file: file, line: parser.line, field: error.field, message: error.message) }
        }
        guard let header = try next() else {
            throw ImportError(file: file, line: 1, field: "header", message: "the file is empty (expected the header \(expected))")
        }
        let names = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: " ") }
        var records: [(fields: [String], line: Int)] = []
        while let row = try next() {
            let fields = try CSVParser.texts(of: row, columns: names, file: file).map { $0.trimmingCharacters(in: " ") }
            records.append((fields, row.line))
        }
        return (names, header.line, records)
    }
}
