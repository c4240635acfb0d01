import Foundation
import PairwiseCore
import Testing

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValueInOrder() throws {
        let value = try JSONParser.parse(#"{"b": [1, -2.5, 3e2, true, false, null], "a": "x\ty\u00e9\ud83d\ude00", "": {}}"#)
        #expect(value == .object([
            "b": .array([.int(1), .double(-2.5), .double(300), .bool(true), .bool(false), .null]),
            "a": .string("x\tyé😀"),
            "": .object([]),
        ]))
    }

    @Test(arguments: [
        (#"{"id": "a", "prompt": "p"#, "prompt", "unterminated string (truncated JSON?)", 22),
        (#"{"id": "a", "prompt": [{"role": "user", "content": "x"}, {"role": 1"#, "prompt[1]", "unexpected end of data (truncated JSON?)", 67),
        (#"{"a": 1,}"#, "record", "expected a member name in quotes", 8),
        (#"{"a": tru}"#, "a", "invalid literal", 6),
        (#"{"a": 01}"#, "record", "expected ',' or '}' in object", 7),
        (#"{"a": "\x"}"#, "a", "invalid escape \\'x'", 9),
        (#"{"a": "\ud800"}"#, "a", "lone surrogate in \\u escape", 13),
        (#"{"a": 1} x"#, "record", "unexpected data after the JSON value", 9),
        (#""#, "record", "unexpected end of data (truncated JSON?)", 0),
    ])
    func reportsWhereAndWhat(input: String, path: String, message: String, offset: Int) {
        #expect(throws: JSONParseError(offset: offset, path: path == "record" ? "" : path, message: message)) {
            try JSONParser.parse(input)
        }
    }

    @Test func refusesInvalidUTF8InsideStrings() {
        var bytes = Array(#"{"a": "ok", "b": "x"#.utf8)
        bytes += [0xC3, 0x28]  // a lead byte followed by ASCII
        bytes += Array(#""}"#.utf8)
        #expect(throws: JSONParseError(offset: 17, path: "b", message: "invalid UTF-8 in string")) {
            try JSONParser.parse(bytes)
        }
    }

    @Test func refusesRawControlCharactersInStrings() {
        #expect(throws: JSONParseError(offset: 8, path: "a", message: "unescaped control character in string")) {
            try JSONParser.parse("{\"a\": \"x\u{01}\"}")
        }
    }

    /// Strings are scanned sixteen bytes at a time: an escape, a closing quote or a raw control
    /// character is found wherever it falls in a run, and the runs around escapes are kept.
    @Test func findsEveryEscapeWhereverItFallsInARun() throws {
        for length in 0..<40 {
            for (escaped, character) in [(#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u00e9"#, "é"), (#"\ud83d\ude00"#, "😀")] {
                let before = String(repeating: "ab", count: length / 2) + (length % 2 == 1 ? "é" : "")
                let after = String(repeating: "z", count: 39 - length)
                #expect(try JSONParser.parse("\"\(before)\(escaped)\(after)\(escaped)\"") == .string(before + character + after + character))
            }
            // The byte offset of a raw control character, wherever it is.
            let ascii = String(repeating: "q", count: length)
            #expect(throws: JSONParseError(offset: 7 + length, path: "a", message: "unescaped control character in string")) {
                try JSONParser.parse("{\"a\": \"\(ascii)\u{1F}\(ascii)\"}")
            }
            #expect(throws: JSONParseError(offset: 6, path: "a", message: "unterminated string (truncated JSON?)")) {
                try JSONParser.parse("{\"a\": \"\(ascii)\\n\(ascii)")
            }
        }
    }

    @Test func refusesRunawayNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }
}

@Suite struct JSONWriterTests {
    /// Matches Python's `json.dumps(value, ensure_ascii=False)` byte for byte.
    @Test func writesLikePythonsJSONDumps() {
        let value = JSONValue.object([
            "text": .string("quote \" backslash \\ newline \n tab \t bell \u{07} é 日本 😀"),
            "n": .int(-3), "x": .double(0.5), "list": .array([.bool(true), .null]), "empty": .object([]),
        ])
        // python3 -c 'import json; print(json.dumps({"text": "quote \" backslash \\ newline \n tab \t bell \x07 é 日本 😀", "n": -3, "x": 0.5, "list": [True, None], "empty": {}}, ensure_ascii=False))'
        #expect(JSONWriter.string(value) == #"{"text": "quote \" backslash \\ newline \n tab \t bell \u0007 é 日本 😀", "n": -3, "x": 0.5, "list": [true, null], "empty": {}}"#)
    }

    /// Every byte that needs escaping is found wherever it falls in a run of sixteen.
    @Test func escapesEveryByteWhereverItFalls() {
        for length in 0..<40 {
            let before = String(repeating: "x", count: length), after = String(repeating: "日", count: 3)
            for (raw, escaped) in [("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\r", #"\r"#), ("\u{1B}", #"\u001b"#), ("\u{7F}", "\u{7F}")] {
                #expect(JSONWriter.string(.string(before + raw + after + raw)) == "\"" + before + escaped + after + escaped + "\"")
            }
        }
        #expect(JSONWriter.string(.string("")) == #""""#)
    }

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"a": [1, 2.25, "\u0001\u001f"], "b": {"c": null}}"#
        #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
        // NUL is the one character refused: a project cannot store it (never cut it).
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a": "x\u0000y"}"#) }
    }
}

@Suite struct SHA256Tests {
    // FIPS 180-2 appendix B test vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func matchesTheStandardVectors(input: String, digest: String) {
        #expect(SHA256.hex(input) == digest)
    }

    @Test func hashesAMillionAs() {
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func byteAndStringUpdatesAgree() {
        var hasher = SHA256()
        hasher.update(Array("ab".utf8))
        hasher.update("c")
        #expect(hasher.finalize().hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

@Suite struct TimestampTests {
    /// The hand-written form equals Foundation's ISO 8601 style on dates from 1970 to 2200,
    /// leap days and millisecond edges, both ways. (Each date sits 0.4 ms into its
    /// millisecond: Foundation truncates a binary fraction, so at an exact .999 it may say
    /// .998; parsing agrees to well under a microsecond.)
    @Test func matchesFoundationsISO8601() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SplitMix64(seed: 9)
        var milliseconds: [Int64] = [0, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 1_795_393_323_456]
        for _ in 0..<2000 { milliseconds.append(Int64.random(in: 0..<7_258_118_400_000, using: &generator)) }  // 1970…2200
        for ms in milliseconds {
            let date = Date(timeIntervalSince1970: Double(ms) / 1000 + 0.0004)
            let text = Timestamp.string(date)
            #expect(text == date.formatted(style), "\(ms)")
            let parsed = try #require(Timestamp.date(text))
            let gap = parsed.timeIntervalSince(try style.parse(text))
            #expect(abs(gap) < 1e-6, "\(text): \(gap)")
            #expect(Timestamp.string(parsed) == text)
        }
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_795_393_323.456)) == "2026-11-23T00:22:03.456Z")
        #expect(Timestamp.date("2026-11-23T01:02:03Z") == Date(timeIntervalSince1970: 1_795_395_723), "other ISO forms still parse")
        #expect(Timestamp.date("2026-13-23T01:02:03.000Z") == nil)
    }
}
