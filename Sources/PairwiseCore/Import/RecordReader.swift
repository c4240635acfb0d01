/// Reads the records of one input file in order, one at a time, so that an importer can
/// report progress and stop at the first bad record.
public struct RecordReader {
    public let file: String
    public let format: InputFormat
    public let totalBytes: Int
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 0
    private var csv: CSVRecords?
    private var sawRecord = false

    /// Bytes consumed so far (of the decompressed content).
    public var bytesRead: Int { csv?.offset ?? offset }

    /// - Parameter format: the format, or nil to detect it from the file's name and first record.
    public init(bytes: [UInt8], file: String, format: InputFormat?) throws(ImportError) {
        self.bytes = bytes
        self.file = file
        self.totalBytes = bytes.count
        let resolved: InputFormat
        if let format { resolved = format } else { resolved = try FormatDetector.detect(bytes: bytes, file: file) }
        self.format = resolved
        if resolved == .csv { csv = try CSVRecords(bytes: bytes, file: file) }
    }

    public mutating func next() throws(ImportError) -> ImportRecord? {
        if csv != nil {
            let record = try csv!.next()
            if record == nil && !sawRecord { throw ImportError(file: file, line: 2, field: "record", message: "no records after the header") }
            sawRecord = sawRecord || record != nil
            return record
        }
        while let lineBytes = nextLine() {
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            sawRecord = true
            let value: JSONValue
            do { value = try JSONParser.parse(lineBytes) } catch {
                let field = error.path.isEmpty ? "record" : error.path
                throw ImportError(file: file, line: line, field: field, message: "\(error.message) (column \(error.offset + 1))")
            }
            let source = ItemSource(format: format, file: file, line: line)
            do {
                let (item, label) = try RecordDecoders.decode(value, format: format, source: source)
                return ImportRecord(item: item, label: label, line: line)
            } catch {
                throw ImportError(file: file, line: line, field: error.field, message: error.message)
            }
        }
        if !sawRecord { throw ImportError(file: file, line: max(line, 1), field: "record", message: "the file holds no records") }
        return nil
    }

    private mutating func nextLine() -> ArraySlice<UInt8>? {
        guard offset < bytes.count else { return nil }
        line += 1
        let start = offset
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        offset = end < bytes.count ? end + 1 : end
        return bytes[start..<end]
    }
}

/// Guesses a file's format from its name and the fields of its first record.
public enum FormatDetector {
    public static func detect(bytes: [UInt8], file: String) throws(ImportError) -> InputFormat {
        let lower = file.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") { return .csv }
        var start = 0
        var line = 1
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let slice = bytes[start..<end]
            if !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                guard let value = try? JSONParser.parse(slice), case .object = value else {
                    throw ImportError(file: file, line: line, field: "record",
                                      message: "cannot tell the format: the first record is not a JSON object (pass --format)")
                }
                return try detect(firstRecord: value, file: file, line: line)
            }
            start = end + 1
            line += 1
        }
        throw ImportError(file: file, line: 1, field: "record", message: "the file holds no records")
    }

    static func detect(firstRecord value: JSONValue, file: String, line: Int) throws(ImportError) -> InputFormat {
        let has = { (key: String) in value[key] != nil }
        if has("response_a") || has("response_b") { return .jsonl }
        if has("conversation_a") { return .arena }
        if has("response_1") && has("preference_strength") { return .helpsteer2 }
        if has("chosen") && has("rejected") {
            if has("prompt") { return .trl }
            if let chosen = value["chosen"]?.stringValue, HHTranscript.looksLikeTranscript(chosen) { return .hhRLHF }
            return .trl
        }
        let keys = (value.objectMembers ?? []).map(\.key).prefix(8).joined(separator: ", ")
        throw ImportError(file: file, line: line, field: "record",
                          message: "cannot tell the format from the fields (\(keys)); pass --format")
    }
}
