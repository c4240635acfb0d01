/// Writes JSON compactly and deterministically: members in their stored order, non-ASCII
/// text as UTF-8 (like Python's `json.dumps(..., ensure_ascii=False)`), control
/// characters escaped.
public enum JSONWriter {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

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
        var utf8 = s
        let escapedText: String? = utf8.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) else { return nil }
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + bytes.count / 8 + 16)
            var runStart = 0
            for (i, byte) in bytes.enumerated() where byte == 0x22 || byte == 0x5C || byte < 0x20 {
                escaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
                runStart = i + 1
                escaped.append(0x5C)
                switch byte {
                case 0x22, 0x5C: escaped.append(byte)
                case 0x0A: escaped.append(0x6E)
                case 0x0D: escaped.append(0x72)
                case 0x09: escaped.append(0x74)
                case 0x08: escaped.append(0x62)
                case 0x0C: escaped.append(0x66)
                default:
                    escaped.append(contentsOf: [0x75, 0x30, 0x30])
                    escaped.append(JSONWriter.hexDigits[Int(byte >> 4)])
                    escaped.append(JSONWriter.hexDigits[Int(byte & 0xF)])
                }
            }
            escaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            return String(decoding: escaped, as: UTF8.self)
        }
        out += escapedText ?? s
        out += "\""
    }
}
