import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import Testing


func validator() throws -> JSONSchemaValidator {
    try JSONSchemaValidator(directory: Fixtures.repositoryRoot.appendingPathComponent("schemas"))
}

func jsonLines(_ text: String) throws -> [JSONValue] {
    try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
}

@Suite struct SampleDataSchemaTests {
    @Test func sampleItemsMatchTheItemSchema() throws {
        let text = try String(contentsOf: Fixtures.repositoryRoot.appendingPathComponent("sample-data/items.jsonl"), encoding: .utf8)
        let lines = try jsonLines(text)
        #expect(lines.count == 62)
        let v = try validator()
        for (n, line) in lines.enumerated() {
            #expect(v.errors(line, against: "item.schema.json") == [], "sample-data/items.jsonl:\(n + 1)")
        }
    }

    @Test func sampleRubricMatchesTheRubricSchema() throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        #expect(try validator().errors(rubric.json, against: "rubric.schema.json") == [])
    }

    /// The validator must be able to fail, or the tests above prove nothing.
    @Test func theValidatorRejectsBadRecords() throws {
        let v = try validator()
        let missing = try JSONParser.parse(#"{"id": "x", "prompt": "p", "response_a": "a"}"#)
        #expect(v.errors(missing, against: "item.schema.json") == ["$: missing required response_b"])
        let wrongType = try JSONParser.parse(#"{"id": "x", "prompt": 3, "response_a": "a", "response_b": "b"}"#)
        #expect(v.errors(wrongType, against: "item.schema.json") == ["$.prompt: matches 0 of oneOf, expected 1"])
        let extra = try JSONParser.parse(#"{"id": "x", "prompt": "p", "response_a": "a", "response_b": "b", "score": 1}"#)
        #expect(v.errors(extra, against: "item.schema.json") == ["$: unexpected property score"])
        let badTurn = try JSONParser.parse(#"{"id": "x", "prompt": [{"role": "user"}], "response_a": "a", "response_b": "b"}"#)
        #expect(v.errors(badTurn, against: "item.schema.json") == ["$.prompt: matches 0 of oneOf, expected 1"])
        let badStrength = try JSONParser.parse(#"{"prompt": "p", "response_1": "a", "response_2": "b", "preference_strength": 4}"#)
        #expect(v.errors(badStrength, against: "helpsteer2.schema.json") == ["$.preference_strength: 4 > maximum 3"])
        let badHH = try JSONParser.parse(#"{"chosen": "Human: hi", "rejected": "\n\nHuman: hi"}"#)
        #expect(v.errors(badHH, against: "hh-rlhf.schema.json") == [#"$.chosen: does not match "\\n\\nHuman: ""#])
    }
}

@Suite struct ExportSchemaTests {
    /// Imports the sample items with judgments from three annotators, then checks every
    /// line of every export format against its schema.
    @Test func everyExportMatchesItsSchema() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        let store = try ProjectStore.create(at: directory.appendingPathComponent("p.sqlite").path, rubric: rubric, lead: "lead")
        _ = try store.importFiles([Fixtures.sampleItems], options: ImportOptions())
        // Chat prompts and text prompts, ties, both-bad and rubric values all appear. (helpsteer2
        // has no place for chat-002's system prompt: 61 of 62.)
        try store.sqlitePool().write { db in
            try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'annotator', 'x'), ('bo', 'annotator', 'x')")
            try db.execute(sql: """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, note, shown_order, ms, created_at, origin)
                SELECT i.id, p.id, (i.id % 7) - 3, (i.id % 5 = 0), '{"helpfulness": {"a": 3, "b": 1}, "safety": -1}',
                       CASE WHEN i.id % 2 = 0 THEN 'a "note", with comma' END, 'ba', 1234, '2026-11-23T01:02:03.456Z', 'tui'
                FROM items i, annotators p WHERE p.name IN ('ann', 'bo')
                """)
        }
        let v = try validator()
        let expectations: [(ExportFormat, String, Int)] = [
            (.trl, "trl-export.schema.json", 53), (.hhRLHF, "hh-rlhf.schema.json", 53),
            (.helpsteer2, "helpsteer2.schema.json", 61), (.judgments, "judgment.schema.json", 124),
        ]
        for (format, schema, count) in expectations {
            var lines: [String] = []
            try store.export(format: format, filter: ExportFilter()) { lines.append($0) }
            #expect(lines.count == count, "\(format)")
            for line in lines {
                #expect(v.errors(try JSONParser.parse(line), against: schema) == [], "\(format): \(line.prefix(120))")
            }
            // The trl export also matches the import schema: what we write, we can read back.
            if format == .trl {
                for line in lines { #expect(v.errors(try JSONParser.parse(line), against: "trl.schema.json") == []) }
            }
        }
    }
}

@Suite struct ReaderSchemaTests {
    /// The JSON Schema of each format `pairwise import` reads.
    static let schemaOf: [InputFormat: String] = [
        .jsonl: "item.schema.json", .csv: "item.schema.json", .judgments: "judgment.schema.json", .hhRLHF: "hh-rlhf.schema.json",
        .trl: "trl.schema.json", .arena: "arena.schema.json", .arenaKaggle: "arena-kaggle.schema.json", .helpsteer2: "helpsteer2.schema.json",
        .helpsteer3: "helpsteer3.schema.json", .sharegpt: "sharegpt.schema.json", .alpaca: "alpaca.schema.json",
        .pkuSafeRLHF: "pku-saferlhf.schema.json", .shp: "shp.schema.json", .ultrafeedback: "ultrafeedback.schema.json", .pandalm: "pandalm.schema.json",
        .ultrafeedbackRaw: "ultrafeedback-raw.schema.json", .nectar: "nectar.schema.json", .oasst: "oasst.schema.json",
    ]

    @Test func everyReaderHasASchema() throws {
        for format in InputFormat.allCases {
            let name = try #require(Self.schemaOf[format], "\(format)")
            #expect(FileManager.default.fileExists(atPath: Fixtures.repository("schemas/\(name)")), "\(name)")
        }
    }

    /// Every record of the real samples matches its reader's schema.
    @Test func realSamplesMatchTheirSchemas() throws {
        let v = try validator()
        let arrays: [(String, String, Int)] = [("llamafactory-dpo_en_demo.json", "sharegpt.schema.json", 300), ("pandalm-testset-v1.json", "pandalm.schema.json", 999)]
        for (file, schema, count) in arrays {
            let records = try JSONParser.parse(try InputFile.read(path: Fixtures.realFormat(file))).arrayValue!
            #expect(records.count == count)
            for (n, record) in records.enumerated() { #expect(v.errors(record, against: schema) == [], "\(file)[\(n)]") }
        }
        for line in try jsonLines(try String(contentsOfFile: Fixtures.realFormat("arena-battles.jsonl"), encoding: .utf8)) {
            #expect(v.errors(line, against: "arena.schema.json") == [])
        }
        let hh = try jsonLines(String(decoding: try InputFile.read(path: Fixtures.hhRLHF), as: UTF8.self))
        #expect(hh.count == 2312)
        for line in hh { #expect(v.errors(line, against: "hh-rlhf.schema.json") == []) }
        // The schemas can fail: a PandaLM label outside 0…2, a ShareGPT turn without its text.
        let badLabel = try JSONParser.parse(#"{"instruction": "i", "response1": "a", "response2": "b", "annotator1": 3}"#)
        #expect(!v.errors(badLabel, against: "pandalm.schema.json").isEmpty)
        #expect(!v.errors(try JSONParser.parse(#"{"conversations": [{"from": "human"}], "chosen": {"from": "gpt", "value": "x"}, "rejected": {"from": "gpt", "value": "y"}}"#), against: "sharegpt.schema.json").isEmpty)
    }
}

@Suite struct RankedSchemaTests {
    /// Ranked items of real PandaLM responses: the records we read, and the ranked and TRL
    /// lines we write, match their schemas (and the TRL lines our own TRL reader's).
    @Test func rankedRecordsAndExportsMatchTheirSchemas() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let v = try validator()
        let records = try Fixtures.pandaLMRankedItems(20, responses: 5).enumerated().map { n, item in
            JSONValue.object(["id": .string("panda-\(n)"), "prompt": .string(item.prompt), "responses": .array(item.responses.map(JSONValue.string)),
                              "ranks": .array(item.ranks.map(JSONValue.int)), "annotator": .string("panda"),
                              "rubric": .object(["helpfulness": .array(item.ranks.map { .int(5 - $0) })])])
        }
        for record in records { #expect(v.errors(record, against: "ranked-item.schema.json") == []) }
        // The UltraFeedback and Nectar records the importer tests read match their schemas.
        let panda = try Fixtures.pandaLMRankedItems(2, responses: 4)
        let uf = try Fixtures.ultraFeedbackRawRecord(panda[0], ratings: Array(repeating: [5, 4, nil, 3], count: 4))
        #expect(v.errors(try JSONParser.parse(uf), against: "ultrafeedback-raw.schema.json") == [])
        let nectar = try Fixtures.nectarRecord(panda[1], ranks: [2, 1, 4, 3], earlierTurns: [("Hi.", "Hello!")])
        #expect(v.errors(try JSONParser.parse(nectar), against: "nectar.schema.json") == [])
        #expect(v.errors(try JSONParser.parse(#"{"prompt": "Hello", "answers": []}"#), against: "nectar.schema.json").count == 2)
        let five = try #require(try Fixtures.pandaLMRankedItems(1, responses: 5).first)
        #expect(v.errors(try JSONParser.parse(try Fixtures.oasstTree(five, ranks: [0, 1, 2])), against: "oasst.schema.json") == [])
        #expect(v.errors(try JSONParser.parse(#"{"id": "x", "prompt": "p", "responses": ["a"]}"#), against: "ranked-item.schema.json")
                == ["$.responses: fewer than 2 items"])
        let path = directory.appendingPathComponent("ranked.jsonl").path
        try records.map { JSONWriter.string($0) }.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let rubric = Rubric(name: "r", dimensions: [Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Meets the request.",
                                                              kind: .perResponse, scale: Scale(min: 0, max: 4), required: false)])
        let store = try ProjectStore.create(at: directory.appendingPathComponent("p.sqlite").path, rubric: rubric, lead: "lead")
        #expect(try store.importFiles([path], options: ImportOptions(keepLabels: true)).rankingsAdded == 20)
        var filter = ExportFilter()
        filter.rankedPairs = .all
        for (format, schemas, count) in [(ExportFormat.ranked, ["ranked-export.schema.json"], 20), (.rankings, ["ranked-item.schema.json"], 20),
                                         (.trl, ["trl-export.schema.json", "trl.schema.json"], 20 * 10)] {
            var lines: [JSONValue] = []
            try store.export(format: format, filter: filter) { lines.append(try JSONParser.parse($0)) }
            // trl: every pair the Copeland ranks order (ties give none), at most 10 of 5 responses.
            #expect(format == .ranked ? lines.count == count : (1...count).contains(lines.count), "\(format)")
            for line in lines { for schema in schemas { #expect(v.errors(line, against: schema) == [], "\(format): \(schema)") } }
            if format == .ranked {
                #expect(lines.allSatisfy { $0["responses"]?.arrayValue?.allSatisfy { $0["rubric"]?["helpfulness"]?.doubleValue != nil } == true })
            }
        }
    }
}
