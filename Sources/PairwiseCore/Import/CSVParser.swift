/// RFC 4180 CSV over UTF-8 bytes: comma-separated, fields optionally in double quotes
/// (`""` inside quotes is a quote), records ending in LF or CRLF; quoted fields may span lines.
public struct CSVParser {
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// The 1-based line where the next record starts.
    public private(set) var line = 1

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        // Skip a UTF-8 byte order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    /// The next record's fields and the line it starts on, or nil at the end.
    public mutating func next() throws(FieldError) -> (fields: [[UInt8]], line: Int)? {
        // Skip empty lines between records.
        while offset < bytes.count && (bytes[offset] == 0x0A || bytes[offset] == 0x0D) {
            if bytes[offset] == 0x0A { line += 1 }
            offset += 1
        }
        guard offset < bytes.count else { return nil }
        let startLine = line
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        var fieldStarted = false
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            if quoted {
                if byte == 0x22 {
                    if offset < bytes.count && bytes[offset] == 0x22 { field.append(0x22); offset += 1 } else { quoted = false }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x22 where !fieldStarted:
                quoted = true
                fieldStarted = true
            case 0x22:
                throw FieldError(field: "column \(fields.count + 1)", message: "a quote inside an unquoted field (quote the whole field and double the quote)")
            case 0x2C:
                fields.append(field); field = []; fieldStarted = false
            case 0x0D where offset < bytes.count && bytes[offset] == 0x0A:
                break
            case 0x0A:
                line += 1
                fields.append(field)
                return (fields, startLine)
            default:
                field.append(byte)
                fieldStarted = true
            }
        }
        if quoted { throw FieldError(field: "column \(fields.count + 1)", message: "unterminated quoted field (truncated file?)") }
        fields.append(field)
        return (fields, startLine)
    }
}

/// Reads items from CSV whose header names the columns of our `jsonl` format.
struct CSVRecords {
    static let known = ["id", "prompt", "response_a", "response_b", "model_a", "model_b", "metadata"]
    static let required = ["id", "prompt", "response_a", "response_b"]

    private var parser: CSVParser
    private let columns: [String]
    let file: String

    var offset: Int { parser.offset }

    init(bytes: [UInt8], file: String) throws(ImportError) {
        self.file = file
        parser = CSVParser(bytes: bytes)
        let header: (fields: [[UInt8]], line: Int)?
        do { header = try parser.next() } catch { throw ImportError(file: file, line: 1, field: error.field, message: error.message) }
        guard let header else { throw ImportError(file: file, line: 1, field: "record", message: "the file is empty (no header, no records)") }
        columns = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        for (n, name) in columns.enumerated() {
            guard CSVRecords.known.contains(name) else {
                throw ImportError(file: file, line: header.line, field: name.isEmpty ? "column \(n + 1)" : name,
                                  message: "unknown column (allowed: \(CSVRecords.known.joined(separator: ", ")))")
            }
            if columns[..<n].contains(name) { throw ImportError(file: file, line: header.line, field: name, message: "column appears twice") }
        }
        for name in CSVRecords.required where !columns.contains(name) {
            throw ImportError(file: file, line: header.line, field: name, message: "missing column in the header")
        }
    }

    mutating func next() throws(ImportError) -> ImportRecord? {
        let row: (fields: [[UInt8]], line: Int)?
        do { row = try parser.next() } catch { throw ImportError(file: file, line: parser.line, field: error.field, message: error.message) }
        guard let row else { return nil }
        guard row.fields.count == columns.count else {
            throw ImportError(file: file, line: row.line, field: "record", message: "expected \(columns.count) fields, got \(row.fields.count)")
        }
        var members: [JSONMember] = []
        for (name, raw) in zip(columns, row.fields) {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw ImportError(file: file, line: row.line, field: name, message: "invalid UTF-8")
            }
            if text.isEmpty && !CSVRecords.required.contains(name) { continue }
            if name == "metadata" {
                do { members.append(JSONMember(key: name, value: try JSONParser.parse(text))) } catch {
                    throw ImportError(file: file, line: row.line, field: "metadata", message: "not valid JSON: \(error.message)")
                }
            } else {
                members.append(JSONMember(key: name, value: .string(text)))
            }
        }
        let source = ItemSource(format: .csv, file: file, line: row.line)
        do {
            var fields = try RecordFields(.object(members))
            return ImportRecord(item: try RecordDecoders.jsonl(&fields, source: source), label: nil, line: row.line)
        } catch {
            throw ImportError(file: file, line: row.line, field: error.field, message: error.message)
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
