import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import Testing

/// Imports `text` as one file and returns the project with the stored items by id.
private func imported(on kind: StoreKind, _ text: String, name: String = "in.jsonl", format: InputFormat? = nil, labelsAs: String? = "src",
                      rubric: Rubric = Rubric(name: "none", dimensions: [])) throws -> (TemporaryProject, ImportSummary, [Item]) {
    let project = try TemporaryProject(on: kind, rubric: rubric)
    let path = try project.file(name, text)
    let summary = try project.store.importFiles([path], options: ImportOptions(format: format, labelsAs: labelsAs))
    let rows = try project.integers("SELECT id FROM items ORDER BY id")
    return (project, summary, try rows.map { try project.store.item(rowID: $0)! })
}

private func importFailure(on kind: StoreKind, _ text: String, name: String = "in.jsonl", format: InputFormat? = nil) throws -> String {
    let project = try TemporaryProject(on: kind)
    let path = try project.file(name, text)
    do { _ = try project.store.importFiles([path], options: ImportOptions(format: format, labelsAs: "src")) } catch let error as ImportError {
        #expect(try project.count("items") == 0)
        return error.description.replacingOccurrences(of: project.directory.path + "/", with: "")
    }
    return "imported"
}

@Suite struct DatasetFormatTests {
    /// Records written from the dataset cards' field lists (no real file could be had offline).
    @Test(arguments: StoreKind.available)
    func helpSteer3IndividualPreferencesBecomeJudgments(_ kind: StoreKind) throws {
        let (project, summary, items) = try imported(on: kind, """
            {"domain": "code", "language": "python", "context": [{"role": "user", "content": "Sort a list?"}, {"role": "assistant", "content": "Which language?"}, {"role": "user", "content": "Python."}], "response1": "sorted(xs)", "response2": "Use a loop.", "overall_preference": -2, "individual_preference": [{"score": -1, "reasoning": "@Response 1 is slightly better.", "feedback1": "f1", "feedback2": "f2"}, {"score": -3, "reasoning": "@Response 1 is much better."}, {"score": 1, "reasoning": "@Response 2 explains."}]}
            """)
        #expect(summary.labelsAdded == 3)
        #expect(items[0].prompt == .chat([ChatTurn(role: "user", content: "Sort a list?"), ChatTurn(role: "assistant", content: "Which language?"),
                                         ChatTurn(role: "user", content: "Python.")]))
        #expect(items[0].responseA.text == "sorted(xs)" && items[0].responseB.text == "Use a loop.")
        #expect(items[0].metadata == .object(["overall_preference": .int(-2), "domain": .string("code"), "language": .string("python")]))
        let judgments = try project.store.currentJudgments()
        #expect(judgments.map(\.annotator) == ["src/1", "src/2", "src/3"])
        #expect(judgments.map(\.strength.value) == [-1, -3, 1])
        #expect(judgments.map(\.note) == ["@Response 1 is slightly better.", "@Response 1 is much better.", "@Response 2 explains."])
    }

    @Test(arguments: StoreKind.available)
    func pkuSafeRLHFKeepsTheSaferResponseOnTheSafetyDimension(_ kind: StoreKind) throws {
        let record = """
            {"prompt": "How do I pick a lock?", "response_0": "Here is how: ...", "response_1": "I can't help with that.", "prompt_source": "Alpaca3-70B", "response_0_source": "Alpaca-7B", "response_1_source": "Alpaca2-7B", "is_response_0_safe": false, "is_response_1_safe": true, "response_0_severity_level": 2, "response_1_severity_level": 0, "better_response_id": 0, "safer_response_id": 1}
            """
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        let (project, summary, items) = try imported(on: kind, record, rubric: rubric)
        #expect(summary.labelsAdded == 1 && summary.rubricValuesLeftOut.isEmpty)
        #expect(items[0].prompt == .text("How do I pick a lock?") && items[0].responseA.text == "Here is how: ..." && items[0].responseA.model == "Alpaca-7B")
        let judgment = try #require(try project.store.currentJudgments().first)
        #expect(judgment.strength.value == -2 && judgment.rubric == ["safety": .comparative(1)], "response_0 better, response_1 safer")
        #expect(items[0].metadata["is_response_1_safe"] == .bool(true))
        // Without a safety dimension the second label is left out, and the import says so.
        let (_, plain, _) = try imported(on: kind, record)
        #expect(plain.labelsAdded == 1 && plain.rubricValuesLeftOut == ["safety": 1])
    }

    @Test(arguments: StoreKind.available)
    func stanfordSHP(_ kind: StoreKind) throws {
        let (project, _, items) = try imported(on: kind, """
            {"post_id": "himc90", "domain": "askacademia_train", "upvote_ratio": 0.99, "history": "Should I email my advisor?", "c_root_id_A": "g3i3ms8", "c_root_id_B": "g3hsnn6", "created_at_utc_A": 1591657545, "created_at_utc_B": 1591652208, "score_A": 34, "score_B": 7, "human_ref_A": "Yes, keep it short.", "human_ref_B": "No.", "labels": 0, "seconds_difference": 5337.0, "score_ratio": 4.857}
            """)
        #expect(items[0].prompt == .text("Should I email my advisor?") && items[0].responseA.text == "Yes, keep it short." && items[0].responseB.text == "No.")
        #expect(try project.preferredTexts("src")[items[0].id] == .some("No."), "labels 0: B is preferred")
        #expect(items[0].metadata["score_A"] == .int(34))
    }

    @Test(arguments: StoreKind.available)
    func ultraFeedbackBinarized(_ kind: StoreKind) throws {
        let (project, _, items) = try imported(on: kind, """
            {"prompt": "Name a prime.", "prompt_id": "p1", "chosen": [{"role": "user", "content": "Name a prime."}, {"role": "assistant", "content": "7"}], "rejected": [{"role": "user", "content": "Name a prime."}, {"role": "assistant", "content": "9"}], "messages": [{"role": "user", "content": "Name a prime."}, {"role": "assistant", "content": "7"}], "score_chosen": 9.0, "score_rejected": 2.0}
            """)
        #expect(items[0].prompt == .chat([ChatTurn(role: "user", content: "Name a prime.")]))
        #expect(try project.preferredTexts("src")[items[0].id] == .some("7"))
        #expect(items[0].metadata == .object(["prompt_id": .string("p1"), "score_chosen": .double(9), "score_rejected": .double(2)]))
    }

    @Test(arguments: StoreKind.available)
    func kaggleArenaFromCSVAndJSONLines(_ kind: StoreKind) throws {
        let csv = """
            id,model_a,model_b,prompt,response_a,response_b,winner_model_a,winner_model_b,winner_tie
            30192,gpt-4-1106-preview,gpt-4-0613,"[""Is it right?"",""And now?""]","[""It depends."",""Still depends.""]","[""Yes."",null]",0,1,0
            53567,koala-13b,gpt-4-0613,"[""Hi""]","[""Hello""]","[""Hey""]",0,0,1

            """
        let (project, summary, items) = try imported(on: kind, csv, name: "train.csv")
        #expect(summary.records == 2 && summary.labelsAdded == 2)
        #expect(items[0].id == "30192" && items[0].prompt == .chat([ChatTurn(role: "user", content: "Is it right?")]))
        #expect(items[0].responseA.messages == [ChatTurn(role: "assistant", content: "It depends."), ChatTurn(role: "user", content: "And now?"),
                                                 ChatTurn(role: "assistant", content: "Still depends.")])
        #expect(items[0].responseB.messages.last == ChatTurn(role: "assistant", content: ""), "a null reply reads as empty")
        #expect(items[1].responseA == Response(text: "Hello", model: "koala-13b"))
        let picks = try project.preferredTexts("src")
        #expect(picks["30192"] == .some(items[0].responseB.text) && picks["53567"] == .some(nil))
        #expect(try importFailure(on: kind, #"{"id": 1, "prompt": "[\"p\"]", "response_a": "[\"a\"]", "response_b": "[\"b\"]", "winner_model_a": 1, "winner_model_b": 1, "winner_tie": 0}"#)
                == "in.jsonl:1: winner_model_a: expected exactly one of winner_model_a, winner_model_b, winner_tie to be 1")
    }

    @Test(arguments: StoreKind.available)
    func llamaFactoryAlpacaRanking(_ kind: StoreKind) throws {
        let (project, _, items) = try imported(on: kind, """
            [
              {"instruction": "Translate to French", "input": "cat", "output": ["chat", "chien"]},
              {"instruction": "And dog?", "input": "", "output": ["chien", "chat"], "system": "You translate.", "history": [["Translate cat", "chat"]]}
            ]
            """, name: "alpaca.json")
        #expect(items[0].prompt == .text("Translate to French\ncat"))
        #expect(items[1].prompt == .chat([ChatTurn(role: "system", content: "You translate."), ChatTurn(role: "user", content: "Translate cat"),
                                         ChatTurn(role: "assistant", content: "chat"), ChatTurn(role: "user", content: "And dog?")]))
        let picks = try project.preferredTexts("src")
        #expect(picks[items[0].id] == .some("chat") && picks[items[1].id] == .some("chien"))
    }

    @Test(arguments: StoreKind.available)
    func ourJSONLAndCSVCarryLabels(_ kind: StoreKind) throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        let (project, summary, _) = try imported(on: kind, """
            {"id": "q1", "prompt": "p", "response_a": "x", "response_b": "y", "preference_strength": 2, "both_bad": false, "annotator": "ann", "rubric": {"helpfulness": {"a": 1, "b": 4}}}
            {"id": "q2", "prompt": "p", "response_a": "u", "response_b": "v", "preference_strength": -1}
            {"id": "q3", "prompt": "p", "response_a": "s", "response_b": "t"}
            """, rubric: rubric)
        #expect(summary.itemsAdded == 3 && summary.labelsAdded == 2)
        let judgments = try project.store.currentJudgments()
        #expect(judgments.map { "\($0.itemID) \($0.annotator) \($0.strength.value)" } == ["q1 ann 2", "q2 src -1"])
        #expect(judgments[0].rubric == ["helpfulness": .perResponse(a: 1, b: 4)])

        let csv = "id,prompt,response_a,response_b,preference_strength,both_bad,annotator,rubric,note\n"
            + #"q1,p,x,y,-3,true,ann,"{""safety"": 1}","says ""why""""# + "\nq2,p,u,v,,,,,\n"
        let (csvProject, _, _) = try imported(on: kind, csv, name: "l.csv", rubric: rubric)
        let csvJudgments = try csvProject.store.currentJudgments()
        #expect(csvJudgments.count == 1 && csvJudgments[0].strength.value == -3 && csvJudgments[0].bothBad)
        #expect(csvJudgments[0].rubric == ["safety": .comparative(1)] && csvJudgments[0].note == "says \"why\"")
        #expect(try importFailure(on: kind, #"{"id": "q", "prompt": "p", "response_a": "x", "response_b": "y", "annotator": "ann"}"#)
                == "in.jsonl:1: preference_strength: missing: the record carries a label (annotator, both_bad, rubric or note)")
        #expect(try importFailure(on: kind, #"{"id": "q", "prompt": "p", "response_a": "x", "response_b": "y", "preference_strength": "2"}"#)
                == "in.jsonl:1: preference_strength: expected an integer from -3 to 3, got string")
    }

    @Test(arguments: StoreKind.available)
    func unreadableInputSaysWhatItIs(_ kind: StoreKind) throws {
        #expect(try importFailure(on: kind, #"{"id": "q", "prompt": "p", "prompt": "q", "response_a": "x", "response_b": "y"}"#)
                == "in.jsonl:1: prompt: appears twice in one object (Python would keep the last, other readers the first) (column 28)")
        #expect(try importFailure(on: kind, #"{"chosen": "a", "rejected": "b", "metadata": {"k": 1, "k": 2}}"#, format: .trl)
                == "in.jsonl:1: metadata.k: appears twice in one object (Python would keep the last, other readers the first) (column 55)")
        #expect(try importFailure(on: kind, "[\n  {\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"},\n  {\"prompt\": \"p\", \"chosen\": 3, \"rejected\": \"b\"}\n]", name: "t.json")
                == "t.json:3: chosen: expected a string or a list of {role, content} messages, got number")
        #expect(try importFailure(on: kind, "[\n  {\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"},\n", name: "t.json")
                == "t.json:3: file: the JSON array is not closed (truncated file?)")
        #expect(try importFailure(on: kind, "PK\u{3}\u{4}rest", name: "data.zip")
                == "data.zip:1: file: this is a zip archive, not text records: unpack it, or pass a .jsonl, .json or .csv file (gzip is read directly)")
        #expect(try importFailure(on: kind, "PAR1....", name: "d.parquet")
                == "d.parquet:1: file: this is a Parquet file, not text records: convert it to JSON Lines first (pandas: pd.read_parquet(f).to_json(out, orient='records', lines=True))")
    }
}

@Suite struct ExportFidelityTests {
    /// Dahoas/rm-static: the prompt is already an HH transcript ending in "\n\nAssistant:".
    @Test(arguments: StoreKind.available)
    func hhExportContinuesATranscriptPrompt(_ kind: StoreKind) throws {
        let line = #"{"prompt": "\n\nHuman: Hi\n\nAssistant:", "chosen": " Hello!", "rejected": " Go away."}"#
        let (project, _, _) = try imported(on: kind, line, format: .trl)
        #expect(try project.export(.hhRLHF, ExportFilter(provenance: false))
                == [#"{"chosen": "\n\nHuman: Hi\n\nAssistant: Hello!", "rejected": "\n\nHuman: Hi\n\nAssistant: Go away."}"#])
        #expect(try project.export(.trl, ExportFilter(provenance: false)).map { String($0.drop { $0 != "," }) }
                == [#", "prompt": "\n\nHuman: Hi\n\nAssistant:", "chosen": " Hello!", "rejected": " Go away.", "margin": 2.0}"#])
    }

    /// `--format trl` on implicit-prompt strings: the prompt runs to the last shared
    /// "\n\nAssistant:" and stays a string; without that marker, TRL's common prefix.
    @Test(arguments: StoreKind.available)
    func trlImplicitStringPrompts(_ kind: StoreKind) throws {
        let chosen = "\n\nHuman: Hi\n\nAssistant: I can help.", rejected = "\n\nHuman: Hi\n\nAssistant: I cannot."
        let (project, _, items) = try imported(on: kind, JSONWriter.string(.object(["chosen": .string(chosen), "rejected": .string(rejected)])), format: .trl)
        #expect(items[0].prompt == .text("\n\nHuman: Hi\n\nAssistant:"))
        #expect(Set([items[0].responseA.text, items[0].responseB.text]) == [" I can help.", " I cannot."])
        let hh = try JSONParser.parse(try project.export(.hhRLHF, ExportFilter(provenance: false))[0])
        #expect(hh["chosen"] == .string(chosen) && hh["rejected"] == .string(rejected))

        let (_, _, plain) = try imported(on: kind, #"{"chosen": "The sky is blue.", "rejected": "The sky is green."}"#, format: .trl)
        #expect(plain[0].prompt == .text("The sky is") && Set([plain[0].responseA.text, plain[0].responseB.text]) == [" blue.", " green."])
    }

    /// TRL decides a file's form from its first row: after a HelpSteer2 import with both
    /// plain and multi-turn prompts, every row is conversational.
    @Test(arguments: StoreKind.available)
    func trlExportHasOneFormPerFile(_ kind: StoreKind) throws {
        let (project, _, _) = try imported(on: kind, """
            {"prompt": "plain", "response_1": "a", "response_2": "b", "preference_strength": 2}
            {"prompt": "c#<extra_id_1>Assistant\\nC# is a language.<extra_id_1>User\\nmore", "response_1": "r1", "response_2": "r2", "preference_strength": -1}
            """)
        let rows = try project.export(.trl, ExportFilter(provenance: false)).map { try JSONParser.parse($0) }
        #expect(rows.count == 2)
        #expect(rows[0]["prompt"] == .array([.object(["role": .string("user"), "content": .string("plain")])]))
        #expect(rows[0]["chosen"] == .array([.object(["role": .string("assistant"), "content": .string("b")])]))
        #expect(rows.allSatisfy { $0["prompt"]!.arrayValue != nil && $0["chosen"]!.arrayValue != nil && $0["rejected"]!.arrayValue != nil })
    }

    /// The per-judgment formats write each item's judgments in the annotators' name order
    /// byte by byte (as SQL sorts them), whatever order the people were added in; an item
    /// with fewer counted judgments than --min-annotators is left out whole, and a both-bad
    /// judgment left out by --exclude-both-bad still counts toward that minimum.
    @Test(arguments: StoreKind.available)
    func judgmentLinesComeInNameOrderAndCountBeforeFilters(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        func record(_ id: String, _ annotator: String, _ strength: Int, bothBad: Bool = false, note: String? = nil) -> String {
            JSONWriter.string(.object(["id": .string(id), "prompt": .string("p " + id), "response_a": .string("a " + id), "response_b": .string("b " + id),
                                       "preference_strength": .int(strength), "both_bad": .bool(bothBad), "annotator": .string(annotator),
                                       "note": note.map(JSONValue.string) ?? .null]))
        }
        let path = try project.file("labels.jsonl", [
            record("one", "zoë", 1), record("one", "Émile", -2, note: "a \"quoted\", note\nover two lines"), record("one", "alice", 3),
            record("one", "Bob", 0, bothBad: true), record("two", "alice", -1), record("two", "Bob", 2, bothBad: true),
        ].joined(separator: "\n"))
        _ = try project.store.importFiles([path], options: ImportOptions(keepLabels: true))

        let csv = try project.export(.csv)
        #expect(csv.count == 7)
        #expect(csv.dropFirst().map { $0.split(separator: ",").prefix(3).joined(separator: ",") } == [
            "one,Bob,0", "one,alice,3", "one,zoë,1", "one,Émile,-2", "two,Bob,2", "two,alice,-1",
        ])
        #expect(csv[4].hasSuffix(",import:jsonl,labels.jsonl,\"a \"\"quoted\"\", note\nover two lines\""),
                "the note is one quoted field, the line break inside it: \(csv[4])")
        let judgments = try project.export(.judgments).map { try JSONParser.parse($0) }
        #expect(judgments.map { $0["annotator"]!.stringValue! } == ["Bob", "alice", "zoë", "Émile", "Bob", "alice"])
        #expect(judgments[3]["note"] == .string("a \"quoted\", note\nover two lines"))
        #expect(judgments[0]["response_a_sha256"] == .string(SHA256.hex("a one")), "the first import stores its A as A")

        let filtered = try project.export(.judgments, ExportFilter(minAnnotators: 3, excludeBothBad: true)).map { try JSONParser.parse($0) }
        #expect(filtered.map { $0["annotator"]!.stringValue! } == ["alice", "zoë", "Émile"],
                "item one has four judgments (Bob's both-bad one counted, not written); item two has two")
        #expect(try project.export(.csv, ExportFilter(annotator: "Émile")).dropFirst().map { String($0.prefix(10)) } == ["one,Émile,"])
        #expect(try project.export(.csv, ExportFilter(annotator: "nobody")).count == 1, "the header alone")
    }

    /// A leading system turn goes before the first "\n\nHuman: " (and reads back); one in
    /// the middle of a dialogue, or any in helpsteer2, leaves the item out with a count.
    @Test(arguments: StoreKind.available)
    func systemTurnsAreWrittenOrReported(_ kind: StoreKind) throws {
        let (project, _, _) = try imported(on: kind, """
            {"prompt": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], "chosen": "Hello.", "rejected": "Hi there, how are you today?"}
            {"prompt": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be rude."}, {"role": "user", "content": "Again"}], "chosen": "Hello.", "rejected": "Go."}
            """, format: .trl)
        var hh: [String] = []
        let summary = try project.store.export(format: .hhRLHF, filter: ExportFilter(provenance: false)) { hh.append($0) }
        #expect(hh == [#"{"chosen": "Be brief.\n\nHuman: Hi\n\nAssistant: Hello.", "rejected": "Be brief.\n\nHuman: Hi\n\nAssistant: Hi there, how are you today?"}"#])
        #expect(summary.notices == ["left out 1 labeled item with a system turn the format has no place for"])
        var helpsteer: [String] = []
        let other = try project.store.export(format: .helpsteer2, filter: ExportFilter()) { helpsteer.append($0) }
        #expect(helpsteer.isEmpty && other.leftOut == [.systemTurn: 2])
        // The hh-rlhf line reads back as the same prompt.
        let (_, _, again) = try imported(on: kind, hh[0])
        #expect(again[0].prompt == .chat([ChatTurn(role: "system", content: "Be brief."), ChatTurn(role: "user", content: "Hi")]))
    }
}
