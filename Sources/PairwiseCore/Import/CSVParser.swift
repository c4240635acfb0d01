/// RFC 4180 CSV over UTF-8 bytes: comma-separated, fields optionally in double quotes
/// (`""` inside quotes is a quote), records ending in LF or CRLF; quoted fields may span lines.
public struct CSVParser {
    private let bytes: [UInt8]
    private(set) var offset = 0
    /// The 1-based line where the next record starts.
    public private(set) var line = 1

    /// - Parameter firstLine: the line number of the first byte (for a piece of a file).
    public init(bytes: [UInt8], firstLine: Int = 1) {
        self.bytes = bytes
        line = firstLine
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

extension CSVParser {
    /// A record's fields as text, one per column: the count and the UTF-8 checked, errors
    /// naming the file, the record's line and the column.
    public static func texts(of row: (fields: [[UInt8]], line: Int), columns: [String], file: String) throws(ImportError) -> [String] {
        guard row.fields.count == columns.count else {
            throw ImportError(file: file, line: row.line, field: "record", message: "expected \(columns.count) fields, got \(row.fields.count)")
        }
        var texts: [String] = []
        texts.reserveCapacity(columns.count)
        for (name, raw) in zip(columns, row.fields) {
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw ImportError(file: file, line: row.line, field: name, message: "invalid UTF-8")
            }
            if raw.contains(0) { throw ImportError(file: file, line: row.line, field: name, message: NUL.refusal) }
            texts.append(text)
        }
        return texts
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
