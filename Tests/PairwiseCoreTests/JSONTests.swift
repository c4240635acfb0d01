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

    @Test func roundTripsThroughTheParser() throws {
        let text = #"{"a": [1, 2.25, "\u0000\u001f"], "b": {"c": null}}"#
        #expect(JSONWriter.string(try JSONParser.parse(text)) == text)
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
