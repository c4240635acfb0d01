/// Writes JSON compactly and deterministically: members in their stored order, non-ASCII
/// text as UTF-8 (like Python's `json.dumps(..., ensure_ascii=False)`), control
/// characters escaped.
public enum JSONWriter {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func string(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the value's JSON to a byte buffer (what `string` returns, as UTF-8).
    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): appendInteger(i, to: &out)
        case .double(let d): appendDouble(d, to: &out)
        case .string(let s): appendString(s, to: &out)
        case .array(let elements):
            out.append(0x5B)
            for (n, element) in elements.enumerated() {
                if n > 0 { out.append(0x2C); out.append(0x20) }
                append(element, to: &out)
            }
            out.append(0x5D)
        case .object(let members):
            out.append(0x7B)
            for (n, member) in members.enumerated() {
                if n > 0 { out.append(0x2C); out.append(0x20) }
                appendString(member.key, to: &out)
                out.append(0x3A); out.append(0x20)
                append(member.value, to: &out)
            }
            out.append(0x7D)
        }
    }

    /// Appends an integer in decimal.
    public static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        if (0...9).contains(value) {
            out.append(UInt8(48 + value))
            return
        }
        out.append(contentsOf: String(value).utf8)
    }

    /// Appends a number as JSON writes it: the shortest text that reads back as the same
    /// double (Python's `repr`), or null when it is not finite.
    public static func appendDouble(_ d: Double, to out: inout [UInt8]) {
        guard d.isFinite else { out.append(contentsOf: "null".utf8); return }
        out.append(contentsOf: d.description.utf8)
    }

    /// Appends a string in quotes, escaping quotes, backslashes and control characters.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendString(utf8: $0, to: &out) }
    }

    /// The same for text given as UTF-8 bytes.
    public static func appendString(utf8 bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        guard let base = bytes.baseAddress else { out.append(0x22); return }
        var runStart = 0
        while true {
            let i = JSONStringBytes.firstSpecial(base, from: runStart, to: bytes.count)
            out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: i - runStart))
            guard i < bytes.count else { break }
            let byte = bytes[i]
            runStart = i + 1
            out.append(0x5C)
            switch byte {
            case 0x22, 0x5C: out.append(byte)
            case 0x0A: out.append(0x6E)
            case 0x0D: out.append(0x72)
            case 0x09: out.append(0x74)
            case 0x08: out.append(0x62)
            case 0x0C: out.append(0x66)
            default:
                out.append(contentsOf: [0x75, 0x30, 0x30])
                out.append(JSONWriter.hexDigits[Int(byte >> 4)])
                out.append(JSONWriter.hexDigits[Int(byte & 0xF)])
            }
        }
        out.append(0x22)
    }
}

/// Takes lines as UTF-8 bytes (without their line break), each valid only during the call.
public protocol UTF8LineWriter: AnyObject {
    func writeLine(utf8 line: UnsafeBufferPointer<UInt8>) throws
}
