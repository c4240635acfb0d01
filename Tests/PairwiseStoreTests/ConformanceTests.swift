import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import Testing

/// Every record of the real public samples in ../shared/datasets imports with its text
/// exact and its labels pointing the right way, and exports say the same.
@Suite struct RealFormatConformanceTests {
    /// LLaMA-Factory's ShareGPT DPO demo: a JSON array of 300 records, 5 exact duplicates.
    @Test(arguments: StoreKind.available)
    func llamaFactoryShareGPT(_ kind: StoreKind) throws {
        let path = Fixtures.realFormat("llamafactory-dpo_en_demo.json")
        let source = try JSONParser.parse(try InputFile.read(path: path)).arrayValue!
        #expect(source.count == 300)
        let project = try TemporaryProject(on: kind)
        let summary = try project.store.importFiles([path], options: ImportOptions(labelsAs: "lf"))
        #expect(summary.records == 300 && summary.itemsAdded == 295 && summary.duplicates == 5)
        #expect(summary.labelsAdded == 295 && summary.labelsRepeated == 5 && summary.conflicts.isEmpty)

        // LLaMA-Factory's roles: human → user, gpt → assistant, system stays.
        let roles = ["human": "user", "gpt": "assistant", "system": "system"]
        let ids = try project.itemIDs(), picks = try project.preferredTexts("lf")
        let stored = try storedItems(project)
        for record in source {
            let turns = record["conversations"]!.arrayValue!.map {
                ChatTurn(role: roles[$0["from"]!.stringValue!]!, content: $0["value"]!.stringValue!)
            }
            let chosen = record["chosen"]!["value"]!.stringValue!, rejected = record["rejected"]!["value"]!.stringValue!
            let hash = Item.contentHash(prompt: .chat(turns), responses: Response(text: chosen), Response(text: rejected))
            let id = try #require(ids[hash], "every record's pair is stored with its exact text")
            #expect(stored[id]!.prompt == .chat(turns))
            #expect(Set([stored[id]!.responseA.text, stored[id]!.responseB.text]) == [chosen, rejected])
            #expect(picks[id] == .some(chosen))
        }
        // The export gives the pairs back: TRL conversational rows (chat prompts), chosen first.
        let trl = try project.export(.trl, ExportFilter(provenance: false))
        #expect(trl.count == 295)
        let first = try JSONParser.parse(trl[0])
        #expect(first["prompt"]!.arrayValue != nil && first["chosen"] == .array([.object(["role": .string("assistant"), "content": source[0]["chosen"]!["value"]!])]))
    }

    /// PandaLM's test set: 999 pairs, three human labels each (0 tie, 1 first, 2 second).
    /// 136 pairs appear twice (46 with the responses the other way round); 2 of their labels
    /// contradict the first appearance. Six replies are written as the JSON literal `true`.
    @Test(arguments: StoreKind.available)
    func pandaLMThreeAnnotators(_ kind: StoreKind) throws {
        let path = Fixtures.realFormat("pandalm-testset-v1.json")
        let source = try JSONParser.parse(try InputFile.read(path: path)).arrayValue!
        #expect(source.count == 999)
        let project = try TemporaryProject(on: kind)
        #expect(throws: ImportConflictError.self) { try project.store.importFiles([path], options: ImportOptions(labelsAs: "pandalm")) }
        #expect(try project.count("items") == 0)
        let summary = try project.store.importFiles([path], options: ImportOptions(labelsAs: "pandalm", onConflict: .skip))
        #expect(summary.itemsAdded == 863 && summary.duplicates == 136)
        #expect(summary.conflicts.count == 2 && summary.labelsRepeated == 406)
        #expect(summary.labelsAdded == 863 * 3 - 2)
        #expect(try project.store.annotators().map(\.name) == ["lead", "pandalm/annotator1", "pandalm/annotator2", "pandalm/annotator3"])

        let ids = try project.itemIDs()
        let stored = try storedItems(project)
        let contradicted = Set(summary.conflicts.map { "\($0.annotator) \($0.itemID)" })
        var picks: [String: [String: String?]] = [:]
        for n in 1...3 { picks["pandalm/annotator\(n)"] = try project.preferredTexts("pandalm/annotator\(n)") }
        var checked = 0
        for record in source {
            let instruction = record["instruction"]!.stringValue!, input = record["input"]!.stringValue!
            let prompt = Prompt.text(input.isEmpty ? instruction : instruction + "\n" + input)
            // Six replies are the JSON literal true: read as Python's str(True).
            func text(_ value: JSONValue) -> String { value == .bool(true) ? "True" : value.stringValue! }
            let r1 = text(record["response1"]!), r2 = text(record["response2"]!)
            let id = try #require(ids[Item.contentHash(prompt: prompt, responses: Response(text: r1), Response(text: r2))])
            #expect(stored[id]!.prompt == prompt && Set([stored[id]!.responseA.text, stored[id]!.responseB.text]) == [r1, r2])
            for n in 1...3 {
                let annotator = "pandalm/annotator\(n)"
                guard !contradicted.contains("\(annotator) \(id)") else { continue }
                let expected: String? = [0: nil, 1: r1, 2: r2][record["annotator\(n)"]!.intValue!]!
                #expect(picks[annotator]![id] == .some(expected), "\(id) \(annotator)")
                checked += 1
            }
        }
        #expect(checked == 999 * 3 - 2 * 2, "every label but the contradicting ones and the first labels they contradict")
    }

    /// Two real Chatbot Arena battles; the Chinese one runs over two turns.
    @Test(arguments: StoreKind.available)
    func arenaBattlesKeepTheirTurns(_ kind: StoreKind) throws {
        let path = Fixtures.realFormat("arena-battles.jsonl")
        let source = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let project = try TemporaryProject(on: kind)
        #expect(try project.store.importFiles([path], options: ImportOptions(labelsAs: "arena")).labelsAdded == 2)
        let stored = try storedItems(project)
        for record in source {
            let a = try ChatTurn.list(record["conversation_a"]!.arrayValue!), b = try ChatTurn.list(record["conversation_b"]!.arrayValue!)
            let item = try #require(stored[record["question_id"]!.stringValue!])
            // TRL's extract_prompt: the messages both share; each response the rest of its conversation.
            #expect(item.prompt == .chat([a[0]]))
            #expect(item.responseA.messages == Array(a.dropFirst()) && item.responseB.messages == Array(b.dropFirst()))
            #expect(item.responseA.model == record["model_a"]!.stringValue && item.responseB.model == record["model_b"]!.stringValue)
            let winner = record["winner"]!.stringValue!
            #expect(try project.preferredTexts("arena")[item.id] == .some(winner == "model_a" ? item.responseA.text : item.responseB.text))
        }
        let multi = try #require(stored["abbdc95e296d4a4b85a3d1f030768719"])
        #expect(multi.responseA.turns?.count == 3 && multi.responseA.turns?.map(\.role) == ["assistant", "user", "assistant"])
        #expect(!multi.responseA.turns!.contains { $0.content.contains("[assistant]") || $0.content.contains("[user]") })
        // TRL rows carry the turns; hh-rlhf writes them as the dialogue's continuation;
        // helpsteer2 has one reply per response and says it left the battle out.
        let trl = try project.export(.trl).map { try JSONParser.parse($0) }
        let row = try #require(trl.first { $0["id"] == .string("abbdc95e296d4a4b85a3d1f030768719") })
        #expect(row["chosen"]!.arrayValue!.count == 3 && row["prompt"] == .array([a0(source[0])]))
        let hh = try project.export(.hhRLHF, ExportFilter(provenance: false)).map { try JSONParser.parse($0) }
        let conversationB = try ChatTurn.list(source[0]["conversation_b"]!.arrayValue!)
        #expect(hh.contains { $0["chosen"]!.stringValue == HHTranscript.render(conversationB) })
        var lines: [String] = []
        let summary = try project.store.export(format: .helpsteer2, filter: ExportFilter()) { lines.append($0) }
        #expect(lines.count == 1 && summary.leftOut == [.multiTurnResponse: 1])
    }

    private func a0(_ record: JSONValue) -> JSONValue { record["conversation_a"]!.arrayValue![0] }

    /// Stored items by external id.
    func storedItems(_ project: TemporaryProject) throws -> [String: Item] {
        let rows = try project.integers("SELECT id FROM items")
        var items: [String: Item] = [:]
        for row in rows {
            let item = try #require(try project.store.item(rowID: row))
            items[item.id] = item
        }
        return items
    }
}

extension ChatTurn {
    /// Reads `{role, content}` objects (test helper over the importer's own reader).
    static func list(_ elements: [JSONValue]) throws -> [ChatTurn] {
        elements.map { ChatTurn(role: $0["role"]!.stringValue!, content: $0["content"]!.stringValue!) }
    }
}
