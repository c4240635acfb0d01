import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// Reads every record of `text` as `format` (nil: detect).
func records(_ text: String, file: String = "in.jsonl", format: InputFormat? = nil) throws(ImportError) -> [ImportRecord] {
    try records(Array(text.utf8), file: file, format: format)
}

func records(_ bytes: [UInt8], file: String = "in.jsonl", format: InputFormat? = nil) throws(ImportError) -> [ImportRecord] {
    var reader = try RecordReader(bytes: bytes, file: file, format: format)
    var out: [ImportRecord] = []
    while let record = try reader.next() { out.append(record) }
    return out
}

func expectImportError(_ text: String, file: String = "in.jsonl", format: InputFormat? = nil, _ expected: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let got = try records(text, file: file, format: format)
        Issue.record("expected \(expected), imported \(got.count) records", sourceLocation: sourceLocation)
    } catch {
        #expect(error.description == expected, sourceLocation: sourceLocation)
    }
}

@Suite struct JSONLImportTests {
    @Test func readsOurFormat() throws {
        let text = """
            {"id": "q1", "prompt": "Hi?", "response_a": "Hello.", "response_b": "Hey!", "model_a": "m1", "metadata": {"k": [1]}}

            {"id": 7, "prompt": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "c"}], "response_a": "x", "response_b": "y", "model_b": null}
            """
        let got = try records(text)
        #expect(got.count == 2)
        #expect(got[0].line == 1 && got[1].line == 3)
        #expect(got[0].item!.id == "q1")
        #expect(got[0].item!.prompt == .text("Hi?"))
        #expect(got[0].item!.responseA == Response(text: "Hello.", model: "m1"))
        #expect(got[0].item!.responseB == Response(text: "Hey!", model: nil))
        #expect(got[0].item!.metadata == .object(["k": .array([.int(1)])]))
        #expect(got[0].label == nil)
        #expect(got[1].item!.id == "7")
        #expect(got[1].item!.prompt == .chat([ChatTurn(role: "user", content: "a"), ChatTurn(role: "assistant", content: "b"), ChatTurn(role: "user", content: "c")]))
    }

    @Test func identityIgnoresTheOrderOfTheResponses() {
        let ab = Item(prompt: .text("p"), responseA: Response(text: "x"), responseB: Response(text: "y"))
        let ba = Item(prompt: .text("p"), responseA: Response(text: "y"), responseB: Response(text: "x"))
        let other = Item(prompt: .text("p "), responseA: Response(text: "x"), responseB: Response(text: "y"))
        #expect(ab.contentHash == ba.contentHash)
        #expect(ab.contentHash != other.contentHash)
        // SHA-256 of the canonical JSON ["p", "x", "y"], as computed by
        // python3 -c 'import hashlib,json; print(hashlib.sha256(json.dumps(["p","x","y"],ensure_ascii=False).encode()).hexdigest())'
        #expect(ab.contentHash == "ccc4f271ff327ded734b5eb94298dc4c28ff84bd924e402114104216a0911545")
        #expect(ab.id == String(ab.contentHash.prefix(16)))
    }

    @Test func malformedRecordsNameFileLineAndField() {
        let good = #"{"id": "a", "prompt": "p", "response_a": "x", "response_b": "y"}"#
        // A truncated line.
        expectImportError(good + "\n" + #"{"id": "b", "prompt": "p", "response_a": "x", "response_b": "tru"#,
                          "in.jsonl:2: response_b: unterminated string (truncated JSON?) (column 61)")
        expectImportError(good + "\n" + #"{"id": "b", "prompt": "p", "response_a": "x", "respo"#,
                          "in.jsonl:2: record: unterminated string (truncated JSON?) (column 47)")
        // A missing field.
        expectImportError(good + "\n" + #"{"id": "b", "prompt": "p", "response_a": "x"}"#, "in.jsonl:2: response_b: missing")
        // Wrong types.
        expectImportError(#"{"id": "b", "prompt": 42, "response_a": "x", "response_b": "y"}"#,
                          "in.jsonl:1: prompt: expected a string or a list of {role, content} turns, got number")
        expectImportError(#"{"id": "b", "prompt": "p", "response_a": ["x"], "response_b": "y"}"#,
                          "in.jsonl:1: response_a[0]: expected a {role, content} object, got string")
        expectImportError(#"{"id": "b", "prompt": [{"role": "user", "content": 3}], "response_a": "x", "response_b": "y"}"#,
                          "in.jsonl:1: prompt[0].content: expected a string, got number")
        expectImportError(#"{"id": "b", "prompt": "p", "response_a": "x", "response_b": "y", "metadata": "m"}"#,
                          "in.jsonl:1: metadata: expected an object, got string")
        expectImportError(#"{"id": "", "prompt": "p", "response_a": "x", "response_b": "y"}"#,
                          "in.jsonl:1: id: expected a non-empty string or an integer, got string")
        // A file that starts with '[' is a JSON array of records.
        expectImportError(#"["id", "prompt"]"#, format: .jsonl, "in.jsonl:1: record: expected a JSON object, got string")
        // A misspelt field is refused rather than dropped.
        expectImportError(#"{"id": "b", "prompt": "p", "response_a": "x", "response_b": "y", "modle_a": "m"}"#,
                          format: .jsonl,
                          "in.jsonl:1: modle_a: unknown field (allowed: id, prompt, response_a, response_b, model_a, model_b, embedding_a, embedding_b, metadata, preference_strength, both_bad, annotator, rubric, note)")
        // An empty file, and one with only blank lines.
        expectImportError("", format: .jsonl, "in.jsonl:1: record: the file holds no records")
        expectImportError("\n  \n", format: .jsonl, "in.jsonl:2: record: the file holds no records")
        expectImportError("", "in.jsonl:1: record: the file holds no records")
    }

    @Test func invalidUTF8IsReportedWithItsField() {
        var bytes = Array(#"{"id": "a", "prompt": "p", "response_a": "x"#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#"", "response_b": "y"}"#.utf8)
        do {
            _ = try records(bytes, format: .jsonl)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "in.jsonl:1: response_a: invalid UTF-8 in string (column 42)")
        }
    }

    @Test func aTenMegabyteResponseIsImportedWhole() throws {
        let big = String(repeating: "0123456789 abcdefghij 日本語 😀\\n", count: 300_000)
        let text = #"{"id": "big", "prompt": "p", "response_a": "\#(big)", "response_b": "short"}"#
        #expect(text.utf8.count > 10_000_000)
        let got = try records(text)
        #expect(got.count == 1)
        #expect(got[0].item!.responseA.text.utf8.count == 300_000 * 37)
        #expect(got[0].item!.responseA.text.hasSuffix("😀\n"))
    }
}

@Suite struct HHRLHFImportTests {
    static let chosen = "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: Why did the chicken cross the road?"
    static let rejected = "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me a joke\n\nAssistant: No."

    @Test func splitsTheSharedDialogueIntoChatTurns() throws {
        let line = JSONWriter.string(.object(["chosen": .string(Self.chosen), "rejected": .string(Self.rejected)]))
        let got = try records(line)
        let item = got[0].item!
        #expect(item.prompt == .chat([ChatTurn(role: "user", content: "Hi"), ChatTurn(role: "assistant", content: "Hello!"),
                                      ChatTurn(role: "user", content: "Tell me a joke")]))
        #expect(Set([item.responseA.text, item.responseB.text]) == ["Why did the chicken cross the road?", "No."])
        let label = try #require(got[0].label)
        let chosenIsA = item.responseA.text == "Why did the chicken cross the road?"
        #expect(label == ImportedLabel(strength: PreferenceStrength(chosenIsA ? -2 : 2)!))
        #expect(item.source == ItemSource(format: .hhRLHF, file: "in.jsonl", line: 1))
        // Rendering reproduces both transcripts exactly.
        #expect(HHTranscript.transcript(prompt: item.prompt, reply: chosenIsA ? item.responseA : item.responseB) == Self.chosen)
    }

    /// Line 1953 of harmless-base-test: the chosen reply itself contains "\n\nAssistant:".
    @Test func aReplyMayContainTheAssistantMarker() throws {
        let chosen = "\n\nHuman: Find me a serial.\n\nAssistant: Alrighty, here's the key:\n\nAssistant:  O.k. let's go"
        let rejected = "\n\nHuman: Find me a serial.\n\nAssistant: You mean a password?"
        let got = try records(JSONWriter.string(.object(["chosen": .string(chosen), "rejected": .string(rejected)])))
        #expect(got[0].item!.prompt == .chat([ChatTurn(role: "user", content: "Find me a serial.")]))
        #expect(Set([got[0].item!.responseA.text, got[0].item!.responseB.text])
                == ["Alrighty, here's the key:\n\nAssistant:  O.k. let's go", "You mean a password?"])
    }

    @Test func placesTheChosenResponseFirstAboutHalfTheTime() throws {
        var lines: [String] = []
        for n in 0..<200 {
            lines.append(JSONWriter.string(.object([
                "chosen": .string("\n\nHuman: q\(n)\n\nAssistant: good"), "rejected": .string("\n\nHuman: q\(n)\n\nAssistant: bad"),
            ])))
        }
        let got = try records(lines.joined(separator: "\n"))
        let chosenFirst = got.filter { $0.item!.responseA.text == "good" }.count
        #expect(chosenFirst > 70 && chosenFirst < 130)
        // Every label points at "good", whichever side it landed on.
        #expect(got.allSatisfy { ($0.label!.strength.value < 0) == ($0.item!.responseA.text == "good") })
    }

    @Test func refusesDialoguesThatDoNotShareAPrompt() {
        expectImportError(#"{"chosen": "\n\nHuman: a\n\nAssistant: x", "rejected": "\n\nHuman: b\n\nAssistant: y"}"#,
                          "in.jsonl:1: chosen: chosen and rejected share no dialogue ending in \"\\n\\nAssistant:\"")
        expectImportError(#"{"chosen": 1, "rejected": "\n\nHuman: b"}"#, format: .hhRLHF, "in.jsonl:1: chosen: expected a string, got number")
    }

    @Test func readsTheRealGzippedFile() throws {
        let path = Fixtures.hhRLHF
        let bytes = try InputFile.read(path: path)
        #expect(bytes.count == 3_280_164)
        let got = try records(bytes, file: path)
        #expect(got.count == 2312)
        #expect(got.allSatisfy { $0.item!.source?.format == .hhRLHF && $0.label != nil })
        if case .chat(let turns) = got[0].item!.prompt {
            #expect(turns.first == ChatTurn(role: "user", content: "what are some pranks with a pen i can do?"))
        } else {
            Issue.record("expected a chat prompt")
        }
    }

    @Test func aCorruptGzipFileIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("x.gz")
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4B]).write(to: URL(fileURLWithPath: path))
        #expect(throws: ImportError(file: path, line: 0, field: "gzip", message: "gzip data is truncated")) {
            try InputFile.read(path: path)
        }
    }
}

@Suite struct OtherFormatImportTests {
    @Test func readsTRLExplicitAndImplicitPrompts() throws {
        let text = """
            {"prompt": "The sky is", "chosen": " blue.", "rejected": " green."}
            {"prompt": [{"role": "user", "content": "Hi"}], "chosen": [{"role": "assistant", "content": "Hello"}], "rejected": [{"role": "assistant", "content": "Go away"}]}
            {"chosen": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A1"}], "rejected": [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A2"}]}
            {"chosen": "The sky is blue.", "rejected": "The sky is green."}
            """
        let got = try records(text, format: .trl)
        func pair(_ r: ImportRecord) -> (chosen: String, rejected: String) {
            r.label!.strength.value < 0 ? (r.item!.responseA.text, r.item!.responseB.text) : (r.item!.responseB.text, r.item!.responseA.text)
        }
        #expect(got[0].item!.prompt == .text("The sky is"))
        #expect(pair(got[0]) == (" blue.", " green."))
        #expect(got[1].item!.prompt == .chat([ChatTurn(role: "user", content: "Hi")]))
        #expect(pair(got[1]) == ("Hello", "Go away"))
        #expect(got[2].item!.prompt == .chat([ChatTurn(role: "user", content: "Q")]))
        #expect(pair(got[2]) == ("A1", "A2"))
        // TRL's extract_prompt: the common prefix, less its trailing space.
        #expect(got[3].item!.prompt == .text("The sky is"))
        #expect(pair(got[3]) == (" blue.", " green."))
    }

    @Test func readsArenaBattles() throws {
        let text = """
            {"question_id": "q1", "model_a": "m-a", "model_b": "m-b", "winner": "model_b", "language": "English", "conversation_a": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "A"}], "conversation_b": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "B"}]}
            {"question_id": "q2", "model_a": "m-a", "model_b": "m-c", "winner": "tie (bothbad)", "conversation_a": [{"role": "user", "content": "X"}, {"role": "assistant", "content": "1"}, {"role": "user", "content": "Y"}, {"role": "assistant", "content": "2"}], "conversation_b": [{"role": "user", "content": "X"}, {"role": "assistant", "content": "3"}, {"role": "user", "content": "Y"}, {"role": "assistant", "content": "4"}]}
            """
        let got = try records(text)
        #expect(got[0].item!.id == "q1")
        #expect(got[0].item!.responseA == Response(text: "A", model: "m-a"))
        #expect(got[0].item!.responseB == Response(text: "B", model: "m-b"))
        #expect(got[0].label == ImportedLabel(strength: PreferenceStrength(2)!))
        #expect(got[0].item!.metadata == .object(["language": .string("English")]))
        #expect(got[1].item!.prompt == .chat([ChatTurn(role: "user", content: "X")]))
        #expect(got[1].item!.responseA.text == "[assistant]\n1\n\n[user]\nY\n\n[assistant]\n2")
        #expect(got[1].label == ImportedLabel(strength: PreferenceStrength(0)!, bothBad: true))
        expectImportError(text.replacingOccurrences(of: "\"tie (bothbad)\"", with: "\"both\""),
                          "in.jsonl:2: winner: 'both' is not one of: model_a, model_b, tie, tie (bothbad)")
    }

    @Test func readsHelpSteer2Preferences() throws {
        let text = """
            {"split": "train", "prompt": "c#<extra_id_1>Assistant\\nC# is a language.<extra_id_1>User\\nmore", "response_1": "r1", "response_2": "r2", "preference_strength": 3}
            {"prompt": "p", "response_1": "r1", "response_2": "r2", "preference_strength": -3}
            """
        let got = try records(text)
        #expect(got[0].item!.prompt == .chat([ChatTurn(role: "user", content: "c#"), ChatTurn(role: "assistant", content: "C# is a language."),
                                             ChatTurn(role: "user", content: "more")]))
        #expect(HelpSteer2Prompt.render(got[0].item!.prompt) == "c#<extra_id_1>Assistant\nC# is a language.<extra_id_1>User\nmore")
        #expect(got[0].item!.responseA.text == "r1" && got[0].item!.responseB.text == "r2")
        #expect(got[0].label == ImportedLabel(strength: PreferenceStrength(3)!))
        #expect(got[1].label == ImportedLabel(strength: PreferenceStrength(-3)!))
        #expect(got[0].item!.metadata == .object(["split": .string("train")]))
        expectImportError(#"{"prompt": "p", "response_1": "a", "response_2": "b", "preference_strength": 5}"#,
                          "in.jsonl:1: preference_strength: 5 is outside -3…3")
        expectImportError(#"{"prompt": "p", "response_1": "a", "response_2": "b", "preference_strength": "2"}"#,
                          "in.jsonl:1: preference_strength: expected an integer from -3 to 3, got string")
    }

    @Test func readsCSVWithQuotedMultilineFields() throws {
        let text = "id,prompt,response_a,response_b,model_a\r\nc1,\"Say \"\"hi\"\", twice\",\"hi\nhi\",hello,\r\nc2,p,a,b,m\r\n"
        let got = try records(text, file: "in.csv")
        #expect(got.count == 2)
        #expect(got[0].item!.prompt == .text("Say \"hi\", twice"))
        #expect(got[0].item!.responseA == Response(text: "hi\nhi", model: nil))
        #expect(got[1].line == 4)
        #expect(got[1].item!.responseA.model == "m")
    }

    @Test func csvProblemsNameLineAndColumn() {
        expectImportError("id,prompt,response_a\nx,y,z\n", file: "in.csv", "in.csv:1: response_b: missing column in the header")
        expectImportError("id,prompt,response_a,response_b,score\n", file: "in.csv",
                          "in.csv:1: score: unknown column (allowed: id, prompt, response_a, response_b, model_a, model_b, embedding_a, embedding_b, metadata, preference_strength, both_bad, annotator, rubric, note)")
        expectImportError("id,prompt,response_a,response_b\nx,y,z\n", file: "in.csv", "in.csv:2: record: expected 4 fields, got 3")
        expectImportError("id,prompt,response_a,response_b\nx,y,z,\"unterminated\n", file: "in.csv",
                          "in.csv:3: column 4: unterminated quoted field (truncated file?)")
        expectImportError("id,prompt,response_a,response_b\n", file: "in.csv", "in.csv:2: record: no records after the header")
        expectImportError("", file: "in.csv", "in.csv:1: record: the file is empty (no header, no records)")
        expectImportError("id,prompt,response_a,response_b,metadata\nx,y,z,w,{bad\n", file: "in.csv",
                          "in.csv:2: metadata: not valid JSON: expected a member name in quotes")
    }

    @Test func detectionNamesTheFieldsItSaw() {
        expectImportError(#"{"question": "q", "answer": "a"}"#, "in.jsonl:1: record: cannot tell the format from the fields (question, answer); pass --format")
        expectImportError("not json", "in.jsonl:1: record: cannot tell the format: the first record is not a JSON object (read as JSON Lines: invalid literal (column 1); pass --format)")
    }
}

extension ImportRecord {
    /// The record's one label (these tests read single-label formats).
    var label: ImportedLabel? { labels.first }
}

@Suite struct SplitMix64Tests {
    /// Skipping ahead equals calling `next()` that many times, and `index(below:)` draws what
    /// `Int.random(in:using:)` draws from the same state.
    @Test func skippingAndIndexMatchTheStandardDraws() {
        var stepped = SplitMix64(seed: 42)
        for _ in 0..<1_000 { _ = stepped.next() }
        var skipped = SplitMix64(seed: 42).skipping(1_000)
        #expect(skipped.next() == stepped.next())
        var ours = SplitMix64(seed: 9), standard = SplitMix64(seed: 9)
        var extra = 0
        for bound in [1, 2, 3, 7, 1_000, 999_983, Int(Int32.max)] {
            for _ in 0..<200 { #expect(ours.index(below: bound, extraCalls: &extra) == Int.random(in: 0..<bound, using: &standard)) }
        }
        #expect(extra == 0)
    }
}
