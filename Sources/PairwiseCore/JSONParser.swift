/// A failure to parse JSON: where (byte offset, and the member path when inside an
/// object) and what.
public struct JSONParseError: Error, Equatable, Sendable {
    public var offset: Int
    public var path: String
    public var message: String

    public init(offset: Int, path: String, message: String) {
        self.offset = offset
        self.path = path
        self.message = message
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes. Strings are validated as UTF-8; on error
/// it reports the member path (`prompt[1].content`) so that import errors can name the field.
public struct JSONParser {
    /// Parses exactly one JSON value; only whitespace may follow it.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let array = ContiguousArray(bytes)
        return try array.withUnsafeBufferPointer { (buffer) throws(JSONParseError) -> JSONValue in
            var parser = Cursor(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.index != buffer.count {
                throw parser.failure("unexpected data after the JSON value")
            }
            return value
        }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private static let maxDepth = 512

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func failure(_ message: String, at offset: Int? = nil) -> JSONParseError {
            JSONParseError(offset: offset ?? index, path: "", message: message)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard index < bytes.count else { throw failure("unexpected end of data (truncated JSON?)") }
            guard depth < JSONParser.maxDepth else { throw failure("nesting deeper than \(JSONParser.maxDepth) levels") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw failure("unexpected character \(describe(bytes[index]))")
            }
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw failure("unexpected end of data (truncated JSON?)") }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] {
                throw failure("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            index += 1
            var members: [JSONMember] = []
            var names: Set<String> = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of data (truncated JSON?)") }
                guard bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
                let keyStart = index
                let key = try parseString()
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of data (truncated JSON?)") }
                guard bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':' after member name") }
                index += 1
                skipWhitespace()
                let value: JSONValue
                do {
                    value = try parseValue(depth: depth + 1)
                } catch {
                    throw error.inside(member: key)
                }
                // Python's json keeps the last of two equal names, other readers the first:
                // refuse rather than pick one silently. A scan for the usual small objects,
                // a set once an object grows large.
                let repeated: Bool
                if members.count < 16 {
                    repeated = members.contains { $0.key == key }
                } else {
                    if names.isEmpty { names = Set(members.map(\.key)) }
                    repeated = names.contains(key)
                    names.insert(key)
                }
                if repeated {
                    throw failure("appears twice in one object (Python would keep the last, other readers the first)", at: keyStart).inside(member: key)
                }
                members.append(JSONMember(key: key, value: value))
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of data (truncated JSON?)") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object(members)
                default: throw failure("expected ',' or '}' in object")
                }
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                do {
                    elements.append(try parseValue(depth: depth + 1))
                } catch {
                    throw error.inside(index: elements.count)
                }
                skipWhitespace()
                guard index < bytes.count else { throw failure("unexpected end of data (truncated JSON?)") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array(elements)
                default: throw failure("expected ',' or ']' in array")
                }
            }
        }

        mutating func parseString() throws(JSONParseError) -> String {
            let quote = index
            let base = bytes.baseAddress!, end = bytes.count
            index += 1
            let start = index
            // Fast path: no escapes.
            index = JSONStringBytes.firstSpecial(base, from: index, to: end)
            guard index < end else { throw failure("unterminated string (truncated JSON?)", at: quote) }
            if bytes[index] == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(start: base + start, count: index - start)
                index += 1
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw failure("invalid UTF-8 in string", at: quote)
                }
                return string
            }
            // Slow path: decode escapes into a byte buffer, the runs between them copied whole.
            var utf8: [UInt8] = []
            utf8.reserveCapacity(2 * (index - start) + 16)
            utf8.append(contentsOf: UnsafeBufferPointer(start: base + start, count: index - start))
            while index < end {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    guard let string = String(validating: utf8, as: UTF8.self) else {
                        throw failure("invalid UTF-8 in string", at: quote)
                    }
                    return string
                }
                if byte < 0x20 { throw failure("unescaped control character in string") }
                // A backslash.
                index += 1
                guard index < end else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        if index + 1 < end && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try parseHex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw failure("invalid surrogate pair in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            throw failure("lone surrogate in \\u escape")
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw failure("lone surrogate in \\u escape")
                    } else if scalar == 0 {
                        throw failure(NUL.refusal)
                    }
                    UTF8.encode(Unicode.Scalar(scalar)!) { utf8.append($0) }
                default:
                    throw failure("invalid escape \\\(describe(escape))")
                }
                let run = index
                index = JSONStringBytes.firstSpecial(base, from: index, to: end)
                utf8.append(contentsOf: UnsafeBufferPointer(start: base + run, count: index - run))
            }
            throw failure("unterminated string (truncated JSON?)", at: quote)
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw failure("unexpected end of data in \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw failure("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func parseNumber() throws(JSONParseError) -> JSONValue {
            let start = index
            var isInteger = true
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count && isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
                while index < bytes.count && isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
                isInteger = false
                index += 1
                if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
                while index < bytes.count && isDigit(bytes[index]) { index += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger, let int = Int(text) { return .int(int) }
            guard let double = Double(text), double.isFinite else { throw failure("number out of range", at: start) }
            return .double(double)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    }
}

extension JSONParseError {
    fileprivate func inside(member key: String) -> JSONParseError {
        var copy = self
        copy.path = path.isEmpty ? key : (path.hasPrefix("[") ? key + path : key + "." + path)
        return copy
    }

    fileprivate func inside(index: Int) -> JSONParseError {
        var copy = self
        copy.path = "[\(index)]" + (path.isEmpty || path.hasPrefix("[") ? path : "." + path)
        return copy
    }
}

/// NUL (U+0000) in imported text: refused, never cut. SQLite would keep the text only up to
/// it and PostgreSQL cannot store it at all, so a record holding one is named instead.
public enum NUL {
    public static let refusal = "holds a NUL character (U+0000), which a project cannot store: remove it from the text"
}
