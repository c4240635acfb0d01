/// How the records of a file are laid out.
public enum RecordContainer: String, Sendable {
    /// One JSON object a line.
    case jsonLines = "JSON Lines"
    /// One JSON array of objects (`.json`).
    case jsonArray = "a JSON array"
    /// A header row naming the fields, then one record a row.
    case csv = "CSV"

    /// The layout of a stream: CSV when the name says so (or the format is our csv), a JSON
    /// array when the content starts with `[`, JSON Lines otherwise.
    static func of(_ stream: ByteStream, file: String, format: InputFormat?) throws(ImportError) -> RecordContainer {
        let lower = file.lowercased()
        if format == .csv || lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") { return .csv }
        var i = try stream.prefix(3).elementsEqual([0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lines = 0
        i = try stream.skipBlanks(from: i, newlines: true, keeping: true, newlinesPassed: &lines)
        return try stream.byte(at: i) == UInt8(ascii: "[") ? .jsonArray : .jsonLines
    }
}

/// Reads the records of one input file in order, one at a time, so that an importer can
/// report progress and stop at the first bad record.
public struct RecordReader {
    /// Records decoded from one input record and not returned yet (a message tree's items).
    private var pending: [ImportRecord] = []
    public let file: String
    public let format: InputFormat
    public let container: RecordContainer
    private var records: RawRecords

    /// Bytes of the file on disk read so far, and its size (for progress).
    public var fileBytesRead: Int { records.stream.fileBytesRead }
    public var fileSize: Int { records.stream.fileSize }
    /// The decompressed bytes read so far (all of them, once `next()` returned nil).
    public var bytesDecompressed: Int { records.stream.bytesDecompressed }

    /// - Parameter format: the format, or nil to detect it from the file's name and first record.
    public init(bytes: [UInt8], file: String, format: InputFormat?) throws(ImportError) {
        try self.init(stream: ByteStream(bytes: bytes, file: file), format: format)
    }

    /// Reads a file as it streams in (gzip inflated on the way), in bounded memory.
    public init(path: String, format: InputFormat?) throws(ImportError) {
        try self.init(stream: ByteStream(path: path), format: format)
    }

    public init(stream: ByteStream, format: InputFormat?) throws(ImportError) {
        let file = stream.file
        self.file = file
        if let kind = BinaryKind.of(Array(try stream.prefix(4096))) {
            throw ImportError(file: file, line: 1, field: "file", message: "this is \(kind), not text records: \(BinaryKind.advice(kind))")
        }
        container = try RecordContainer.of(stream, file: file, format: format)
        records = try RawRecords(stream: stream, container: container)
        if let format {
            self.format = format
        } else if container == .csv {
            // A CSV file's header names its fields.
            let header = JSONValue.object(records.columns.map { JSONMember(key: $0, value: .string("")) })
            self.format = try FormatDetector.detect(firstRecord: header, file: file, line: 1, container: container)
        } else {
            let first: (value: JSONValue, line: Int)?
            // A first record that is not JSON at all says nothing of the format; a JSON object
            // with a bad member reports that member.
            do { first = try records.peek() } catch where error.field == "record" && !error.message.hasPrefix("the file holds no records") {
                throw ImportError(file: file, line: error.line, field: "record",
                                  message: "cannot tell the format: the first record is not a JSON object (read as \(container.rawValue): \(error.message); pass --format)")
            }
            guard let first else {
                throw ImportError(file: file, line: 1, field: "record", message: "the file holds no records")
            }
            self.format = try FormatDetector.detect(firstRecord: first.value, file: file, line: first.line, container: container)
        }
        if self.format == .csv && container != .csv {
            throw ImportError(file: file, line: 1, field: "file", message: "--format csv needs a CSV file; this one reads as \(container.rawValue)")
        }
        if container == .csv { try records.checkCSVHeader(format: self.format) }
    }

    public mutating func next() throws(ImportError) -> ImportRecord? {
        if !pending.isEmpty { return pending.removeFirst() }
        while let raw = try records.next() {
            let source = ItemSource(format: format, file: file, line: raw.line)
            if format == .oasst && raw.value["replies"] == nil && raw.value["prompt"] == nil {
                // Flat message rows: every row read, then each tree assembled from them.
                pending = try OpenAssistantRows.records(first: raw, rest: &records, file: file)
                if pending.isEmpty { continue }
                return pending.removeFirst()
            }
            do {
                if format == .oasst {
                    // A message tree (or its root message) holds an item per prompt with ranked replies (or none).
                    pending = try RankedDecoders.oasstTree(raw.value, source: source).map {
                        ImportRecord(target: $0.target, labels: $0.labels, rankings: $0.rankings, line: raw.line)
                    }
                    if pending.isEmpty { continue }
                    return pending.removeFirst()
                }
                let decoded = try RecordDecoders.decode(raw.value, format: format, source: source, fromCSV: container == .csv)
                return ImportRecord(target: decoded.target, labels: decoded.labels, rankings: decoded.rankings, line: raw.line)
            } catch {
                throw ImportError(file: file, line: raw.line, field: error.field, message: error.message)
            }
        }
        return nil
    }
}

/// The JSON values of a file's records with the line each starts on, whatever the layout,
/// read from a stream: each record is found, parsed, and its bytes let go.
struct RawRecords {
    let stream: ByteStream
    private let file: String
    private let container: RecordContainer
    private(set) var offset = 0
    private var line = 1
    private(set) var columns: [String] = []
    private var headerLine = 1
    private var sawRecord = false
    private var arrayClosed = false
    private var peeked: (value: JSONValue, line: Int)?

    init(stream: ByteStream, container: RecordContainer) throws(ImportError) {
        self.stream = stream
        self.file = stream.file
        self.container = container
        if try stream.prefix(3).elementsEqual([0xEF, 0xBB, 0xBF]) { offset = 3 }
        switch container {
        case .jsonLines: break
        case .jsonArray:
            try skipWhitespace()
            offset += 1  // the '[' `RecordContainer.of` saw
        case .csv:
            guard let header = try nextCSVFields() else {
                throw ImportError(file: file, line: 1, field: "record", message: "the file is empty (no header, no records)")
            }
            columns = header.fields.map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
            headerLine = header.line
            for (n, name) in columns.enumerated() {
                if name.isEmpty { throw ImportError(file: file, line: header.line, field: "column \(n + 1)", message: "the header names no field") }
                if columns[..<n].contains(name) { throw ImportError(file: file, line: header.line, field: name, message: "column appears twice") }
            }
        }
    }

    /// Our csv's header may name only our fields, and must name the required ones.
    func checkCSVHeader(format: InputFormat) throws(ImportError) {
        guard format == .csv else { return }
        let known = RecordDecoders.jsonlFields.components(separatedBy: ", ")
        for name in columns where !known.contains(name) {
            throw ImportError(file: file, line: headerLine, field: name, message: "unknown column (allowed: \(RecordDecoders.jsonlFields))")
        }
        for name in RecordDecoders.jsonlRequiredFields where !columns.contains(name) {
            throw ImportError(file: file, line: headerLine, field: name, message: "missing column in the header")
        }
    }

    /// The first record, which `next()` then returns again.
    mutating func peek() throws(ImportError) -> (value: JSONValue, line: Int)? {
        if peeked == nil { peeked = try next() }
        return peeked
    }

    mutating func next() throws(ImportError) -> (value: JSONValue, line: Int)? {
        if let record = peeked {
            peeked = nil
            return record
        }
        defer { stream.discard(before: offset) }
        switch container {
        case .jsonLines: return try nextLine()
        case .jsonArray: return try nextElement()
        case .csv: return try nextRow()
        }
    }

    private func parse(_ slice: ArraySlice<UInt8>, line: Int) throws(ImportError) -> JSONValue {
        do { return try JSONParser.parse(slice) } catch {
            let field = error.path.isEmpty ? "record" : error.path
            throw ImportError(file: file, line: line, field: field, message: "\(error.message) (column \(error.offset + 1))")
        }
    }

    private mutating func nextLine() throws(ImportError) -> (value: JSONValue, line: Int)? {
        while true {
            // Blank space before a record is passed over without being kept.
            var lines = 0
            offset = try stream.skipBlanks(from: offset, newlines: true, newlinesPassed: &lines)
            line += lines
            guard try stream.byte(at: offset) != nil else { break }
            let start = offset
            let newline = try stream.firstIndex(of: 0x0A, from: start, recordStart: start, line: line)
            let end = newline ?? stream.bytesDecompressed
            if end - start > stream.maximumRecordBytes { throw stream.tooLong(line: line) }
            offset = newline.map { $0 + 1 } ?? end
            let here = line
            line += 1
            let slice = stream.slice(start..<end)
            if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            sawRecord = true
            return (try parse(slice, line: here), here)
        }
        if !sawRecord { throw ImportError(file: file, line: max(line - 1, 1), field: "record", message: "the file holds no records") }
        return nil
    }

    private mutating func skipWhitespace() throws(ImportError) {
        var lines = 0
        offset = try stream.skipBlanks(from: offset, newlines: true, newlinesPassed: &lines)
        line += lines
    }

    /// The next element of the top-level array: its extent is found by a scan that tracks
    /// strings and nesting, then it is parsed alone, so errors name its own line.
    private mutating func nextElement() throws(ImportError) -> (value: JSONValue, line: Int)? {
        guard !arrayClosed else { return nil }
        try skipWhitespace()
        if try stream.byte(at: offset) == UInt8(ascii: "]") {
            offset += 1
            arrayClosed = true
            try skipWhitespace()
            if try stream.byte(at: offset) != nil { throw ImportError(file: file, line: line, field: "file", message: "unexpected data after the closing ']' of the array") }
            if !sawRecord { throw ImportError(file: file, line: line, field: "record", message: "the file holds no records (an empty JSON array)") }
            return nil
        }
        if sawRecord {
            let byte = try stream.byte(at: offset)
            guard byte == UInt8(ascii: ",") else {
                throw ImportError(file: file, line: line, field: "file", message: byte != nil ? "expected ',' or ']' between array elements" : "the JSON array is not closed (truncated file?)")
            }
            offset += 1
            try skipWhitespace()
        }
        guard try stream.byte(at: offset) != nil else { throw ImportError(file: file, line: line, field: "file", message: "the JSON array is not closed (truncated file?)") }
        let start = offset, startLine = line
        var depth = 0
        var inString = false
        scan: while let byte = try stream.byte(at: offset) {
            if offset - start > stream.maximumRecordBytes { throw stream.tooLong(line: startLine) }
            if inString {
                if byte == UInt8(ascii: "\\") { offset += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
                if byte == 0x0A { line += 1 }
                offset += 1
                if !inString && depth == 0 { break scan }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { break scan }
                depth -= 1
                if depth == 0 { offset += 1; break scan }
            case UInt8(ascii: ","): if depth == 0 { break scan }
            case 0x0A: line += 1
            default: break
            }
            offset += 1
        }
        offset = min(offset, stream.bytesDecompressed)
        sawRecord = true
        return (try parse(stream.slice(start..<offset), line: startLine), startLine)
    }

    /// The next CSV record's fields: its extent is found by a quote-aware scan (a quoted
    /// field may hold line breaks), then it is parsed alone.
    private mutating func nextCSVFields() throws(ImportError) -> (fields: [[UInt8]], line: Int)? {
        // Blank lines between records.
        while let byte = try stream.byte(at: offset), byte == 0x0A || byte == 0x0D {
            if byte == 0x0A { line += 1 }
            offset += 1
        }
        guard try stream.byte(at: offset) != nil else { return nil }
        let start = offset, startLine = line
        var quoted = false
        var end = start
        while let byte = try stream.byte(at: end) {
            if end - start > stream.maximumRecordBytes { throw stream.tooLong(line: startLine) }
            if byte == 0x22 { quoted.toggle() }
            if byte == 0x0A {
                line += 1
                if !quoted { break }
            }
            end += 1
        }
        offset = min(end + 1, stream.bytesDecompressed)
        var parser = CSVParser(bytes: Array(stream.slice(start..<min(end + 1, stream.bytesDecompressed))), firstLine: startLine)
        do { return try parser.next() } catch { throw ImportError(file: file, line: parser.line, field: error.field, message: error.message) }
    }

    /// The next CSV row as an object of strings (empty cells left out).
    private mutating func nextRow() throws(ImportError) -> (value: JSONValue, line: Int)? {
        guard let row = try nextCSVFields() else {
            if !sawRecord { throw ImportError(file: file, line: headerLine + 1, field: "record", message: "no records after the header") }
            return nil
        }
        sawRecord = true
        var members: [JSONMember] = []
        for (name, text) in zip(columns, try CSVParser.texts(of: row, columns: columns, file: file)) {
            if text.isEmpty && !RecordDecoders.jsonlRequiredFields.contains(name) { continue }
            if ["metadata", "rubric"].contains(name) {
                do { members.append(JSONMember(key: name, value: try JSONParser.parse(text))) } catch {
                    throw ImportError(file: file, line: row.line, field: name, message: "not valid JSON: \(error.message)")
                }
            } else {
                members.append(JSONMember(key: name, value: .string(text)))
            }
        }
        return (.object(members), row.line)
    }
}

/// Guesses a file's format from the fields of its first record.
public enum FormatDetector {
    static func detect(firstRecord value: JSONValue, file: String, line: Int, container: RecordContainer) throws(ImportError) -> InputFormat {
        guard case .object = value else {
            throw ImportError(file: file, line: line, field: "record",
                              message: "cannot tell the format: the first record is not a JSON object (read as \(container.rawValue); pass --format)")
        }
        let has = { (key: String) in value[key] != nil }
        if has("item_id") && has("annotator") && has("preference_strength") { return .judgments }
        if has("winner_model_a") { return .arenaKaggle }
        if has("response_a") || has("response_b") { return container == .csv ? .csv : .jsonl }
        if has("prompt") && value["responses"]?.arrayValue != nil && container != .csv { return .jsonl }
        if has("instruction") && value["completions"]?.arrayValue != nil { return .ultrafeedbackRaw }
        if has("prompt") && value["answers"]?.arrayValue != nil { return .nectar }
        if has("message_tree_id") && value["prompt"]?["replies"] != nil { return .oasst }
        // OpenAssistant as the datasets ship it: one message per row, or a root message with its replies.
        if has("message_id") && has("parent_id") && has("role") && has("text") { return .oasst }
        if has("conversation_a") { return .arena }
        if has("response_1") && has("preference_strength") { return .helpsteer2 }
        if has("context") && has("response1") { return .helpsteer3 }
        if has("response1") && has("annotator1") { return .pandalm }
        if has("response_0") && has("better_response_id") { return .pkuSafeRLHF }
        if has("human_ref_A") { return .shp }
        if has("conversations") && has("chosen") { return .sharegpt }
        if has("instruction") && (has("output") || has("chosen")) { return .alpaca }
        if has("chosen") && has("rejected") {
            if has("score_chosen") && value["chosen"]?.arrayValue != nil { return .ultrafeedback }
            if has("prompt") { return .trl }
            // An HH transcript, perhaps after a system preamble.
            if let chosen = value["chosen"]?.stringValue,
               HHTranscript.looksLikeTranscript(chosen) || (chosen.contains("\n\nHuman: ") && chosen.contains("\n\nAssistant:")) {
                return .hhRLHF
            }
            return .trl
        }
        let keys = (value.objectMembers ?? []).map(\.key).prefix(8).joined(separator: ", ")
        throw ImportError(file: file, line: line, field: "record",
                          message: "cannot tell the format from the fields (\(keys)); pass --format")
    }
}

/// Files people pass by mistake, told apart by their first bytes.
enum BinaryKind {
    static func of(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a zip archive" }
        if bytes.starts(with: Array("PAR1".utf8)) { return "a Parquet file" }
        if bytes.starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "an xz archive" }
        if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return "a zstd archive" }
        if bytes.starts(with: Array("BZh".utf8)) { return "a bzip2 archive" }
        if bytes.starts(with: Array("SQLite format 3".utf8)) { return "an SQLite database" }
        if bytes.prefix(4096).contains(0) { return "a binary file" }
        return nil
    }

    static func advice(_ kind: String) -> String {
        switch kind {
        case "a Parquet file": return "convert it to JSON Lines first (pandas: pd.read_parquet(f).to_json(out, orient='records', lines=True))"
        case "an SQLite database": return "pass it as --db to open it as a project"
        default: return "unpack it, or pass a .jsonl, .json or .csv file (gzip is read directly)"
        }
    }
}
