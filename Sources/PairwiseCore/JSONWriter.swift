/// Writes JSON compactly and deterministically: members in their stored order, non-ASCII
/// text as UTF-8 (like Python's `json.dumps(..., ensure_ascii=False)`), control
/// characters escaped.
public enum JSONWriter {
    public static func string(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    public static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): writeDouble(d, to: &out)
        case .string(let s): writeString(s, to: &out)
        case .array(let elements):
            out += "["
            for (n, element) in elements.enumerated() {
                if n > 0 { out += ", " }
                write(element, to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (n, member) in members.enumerated() {
                if n > 0 { out += ", " }
                writeString(member.key, to: &out)
                out += ": "
                write(member.value, to: &out)
            }
            out += "}"
        }
    }

    static func writeDouble(_ d: Double, to out: inout String) {
        guard d.isFinite else { out += "null"; return }
        out += d.description
    }

    public static func writeString(_ s: String, to out: inout String) {
        out += "\""
        var pendingStart = s.utf8.startIndex
        let utf8 = s.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let byte = utf8[i]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 {
                out += s[pendingStart..<i]
                switch byte {
                case 0x22: out += "\\\""
                case 0x5C: out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                default:
                    let hex = String(byte, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
                pendingStart = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        out += s[pendingStart..<utf8.endIndex]
        out += "\""
    }
}
