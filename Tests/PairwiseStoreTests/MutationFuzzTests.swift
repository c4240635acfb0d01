import Foundation
import GRDB
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// Seeded mutation fuzzing of every importer and the rubric reader. Each seed (a real file
/// where we have one, else a record of the format) is mutated at the byte level (flips,
/// inserted tokens, cuts, repeats, truncation, swapped lines, gzip, a corrupt gzip) and at
/// the JSON level (a member dropped, repeated, or given a value of another type), then
/// imported. Whatever the input: no crash; success, or an `ImportError` naming
/// file:line:field (or a conflict report), with the database exactly as before. The same
/// input read through a 5-byte window gives the same records or the same error.
///
/// `PAIRWISE_FUZZ_SEED` and `PAIRWISE_FUZZ_ROUNDS` run it longer or elsewhere; a failing
/// input is kept under the temporary folder and named in the failure.
@Suite struct MutationFuzzTests {
    static let seed = UInt64(ProcessInfo.processInfo.environment["PAIRWISE_FUZZ_SEED"] ?? "") ?? 0x5EED_F022
    static let rounds = Int(ProcessInfo.processInfo.environment["PAIRWISE_FUZZ_ROUNDS"] ?? "") ?? 24

    struct Seed {
        var name: String
        var format: InputFormat
        var bytes: [UInt8]
    }

    /// One seed per reader: real files first, a record of the format where we have none.
    static func seeds(judgmentLines: [String]) throws -> [Seed] {
        func lines(_ path: String, _ count: Int) throws -> [UInt8] {
            let text = String(decoding: try InputFile.read(path: path), as: UTF8.self)
            return Array((text.split(separator: "\n").prefix(count).joined(separator: "\n") + "\n").utf8)
        }
        func elements(_ path: String, _ count: Int) throws -> [UInt8] {
            let array = try JSONParser.parse(try InputFile.read(path: path)).arrayValue ?? []
            return Array(JSONWriter.string(.array(Array(array.prefix(count)))).utf8)
        }
        func record(_ text: String) -> [UInt8] { Array((text + "\n").utf8) }
        return [
            Seed(name: "hh.jsonl", format: .hhRLHF, bytes: try lines(Fixtures.hhRLHF, 12)),
            Seed(name: "sharegpt.json", format: .sharegpt, bytes: try elements(Fixtures.realFormat("llamafactory-dpo_en_demo.json"), 6)),
            Seed(name: "pandalm.json", format: .pandalm, bytes: try elements(Fixtures.realFormat("pandalm-testset-v1.json"), 8)),
            Seed(name: "arena.jsonl", format: .arena, bytes: try lines(Fixtures.realFormat("arena-battles.jsonl"), 2)),
            Seed(name: "items.jsonl", format: .jsonl, bytes: try lines(Fixtures.sampleItems, 4)),
            Seed(name: "judgments.jsonl", format: .judgments, bytes: Array((judgmentLines.prefix(4).joined(separator: "\n") + "\n").utf8)),
            Seed(name: "items.csv", format: .csv, bytes: Array("id,prompt,response_a,response_b,preference_strength,note\nc1,\"two\nlines\",a,b,-2,\"say \"\"hi\"\"\"\nc2,p,x,y,3,\n".utf8)),
            Seed(name: "trl.jsonl", format: .trl, bytes: record(#"{"prompt": [{"role": "user", "content": "p"}], "chosen": [{"role": "assistant", "content": "a"}], "rejected": [{"role": "assistant", "content": "b"}]}"#)),
            Seed(name: "kaggle.jsonl", format: .arenaKaggle, bytes: record(#"{"id": 7, "model_a": "m1", "model_b": "m2", "prompt": "[\"p\"]", "response_a": "[\"a\"]", "response_b": "[\"b\"]", "winner_model_a": 1, "winner_model_b": 0, "winner_tie": 0}"#)),
            Seed(name: "helpsteer2.jsonl", format: .helpsteer2, bytes: record(#"{"prompt": "p", "response_1": "a", "response_2": "b", "preference_strength": 2, "preference_statement": "s"}"#)),
            Seed(name: "helpsteer3.jsonl", format: .helpsteer3, bytes: record(#"{"domain": "general", "language": "english", "context": [{"role": "user", "content": "p"}], "response1": "a", "response2": "b", "overall_preference": -1}"#)),
            Seed(name: "alpaca.jsonl", format: .alpaca, bytes: record(#"{"instruction": "i", "input": "x", "chosen": "a", "rejected": "b"}"#)),
            Seed(name: "pku.jsonl", format: .pkuSafeRLHF, bytes: record(#"{"prompt": "p", "response_0": "a", "response_1": "b", "better_response_id": 0, "safer_response_id": 1}"#)),
            Seed(name: "shp.jsonl", format: .shp, bytes: record(#"{"post_id": "x", "history": "p", "human_ref_A": "a", "human_ref_B": "b", "labels": 1, "score_A": 3, "score_B": 1}"#)),
            Seed(name: "ultrafeedback.jsonl", format: .ultrafeedback, bytes: record(#"{"prompt": "p", "prompt_id": "u1", "chosen": [{"role": "user", "content": "p"}, {"role": "assistant", "content": "a"}], "rejected": [{"role": "user", "content": "p"}, {"role": "assistant", "content": "b"}], "score_chosen": 8.0, "score_rejected": 5.0}"#)),
        ]
    }

    /// Every row of every table, as one string: "unchanged" means equal.
    static func snapshot(_ store: ProjectStore) throws -> String {
        try store.sqlitePool().read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            return try tables.map { table in
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map(\.description).sorted()
                return table + ":" + rows.joined(separator: "|")
            }.joined(separator: "\n")
        }
    }

    static let tokens: [[UInt8]] = [
        "\"", "\\", "{", "}", "[", "]", ",", ":", "\n", "\r\n", "\u{0}", "\u{1B}]0;x\u{07}", "null", "-1e999", "1e400",
        "\"\\ud800\"", "99999999999999999999999", "-0", "true", "\"\"", "{}", "[]", String(repeating: "[", count: 600), "\u{FEFF}",
        "\\u0000", "é", "👨‍👩‍👧", "\u{202E}",
    ].map { Array($0.utf8) } + [[0xFF, 0xFE], [0xC3], [0xED, 0xA0, 0x80], [0x1F, 0x8B]]

    static let values: [JSONValue] = [.null, .int(0), .int(-7), .int(4), .double(3.5), .string(""), .string("x"), .array([]), .object([]),
                                      .bool(true), .string(String(repeating: "w", count: 3000)), .array([.int(1), .string("a")])]

    /// A JSON-level change: a member of the first record dropped, repeated, or retyped.
    static func mutateStructure(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8]? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let firstLine = text.split(separator: "\n").first, let value = try? JSONParser.parse(String(firstLine)),
              case .object(var members) = value, !members.isEmpty else { return nil }
        let n = Int(random.next() % UInt64(members.count))
        switch random.next() % 3 {
        case 0: members.remove(at: n)
        case 1: members.append(members[n])
        default: members[n].value = values[Int(random.next() % UInt64(values.count))]
        }
        let rest = text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
        return Array((JSONWriter.string(.object(members)) + "\n" + rest).utf8)
    }

    static func mutateBytes(_ input: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = input
        func position() -> Int { bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count + 1)) }
        for _ in 0..<(1 + Int(random.next() % 3)) {
            switch random.next() % 7 {
            case 0 where !bytes.isEmpty:
                bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
            case 1:
                bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position())
            case 2 where !bytes.isEmpty:
                let a = position(), b = min(bytes.count, a + Int(random.next() % 40))
                bytes.removeSubrange(a..<b)
            case 3 where !bytes.isEmpty:
                let a = position(), b = min(bytes.count, a + Int(random.next() % 200))
                bytes.insert(contentsOf: bytes[a..<b], at: position())
            case 4:
                bytes = Array(bytes.prefix(position()))
            case 5:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                if lines.count > 2 {
                    let i = Int(random.next() % UInt64(lines.count)), j = Int(random.next() % UInt64(lines.count))
                    lines.swapAt(i, j)
                    bytes = Array(lines.joined(separator: [0x0A]))
                }
            default:
                bytes = Array(bytes.prefix(position())) + tokens[Int(random.next() % UInt64(tokens.count))]
            }
        }
        return bytes
    }

    static func gzip(_ bytes: [UInt8], in directory: TemporaryDirectory) throws -> [UInt8] {
        let plain = directory.path("gzip-input")
        try Data(bytes).write(to: URL(fileURLWithPath: plain))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", plain]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    /// Reads every record of a file, or the error that stops the reading.
    static func read(_ reader: () throws(ImportError) -> RecordReader) -> Result<[ImportRecord], ImportError> {
        do {
            var reader = try reader()
            var records: [ImportRecord] = []
            while let record = try reader.next() { records.append(record) }
            return .success(records)
        } catch {
            return .failure(error)
        }
    }

    @Test func mutatedInputsNeverCrashAlwaysNameTheirPlaceAndLeaveTheDatabaseAsItWas() throws {
        let project = try TemporaryProject(rubric: try RubricFile.load(path: Fixtures.sampleRubric))
        let store = project.store
        let directory = try TemporaryDirectory("pairwise-fuzz")
        // Judgments to export as the judgments reader's seed.
        let labeled = try Self.seeds(judgmentLines: [])[0]
        try Data(labeled.bytes).write(to: URL(fileURLWithPath: directory.path("labeled.jsonl")))
        _ = try store.importFiles([Fixtures.sampleItems, directory.path("labeled.jsonl")], options: ImportOptions(labelsAs: "ann"))
        var judgmentLines: [String] = []
        _ = try store.export(format: .judgments, filter: ExportFilter()) { judgmentLines.append($0) }
        let seeds = try Self.seeds(judgmentLines: judgmentLines)
        var random = SplitMix64(seed: Self.seed)
        var outcomes = (imported: 0, refused: 0)

        for seed in seeds {
            // The seed itself reads: the fuzzer starts from valid input of each format.
            let seedPath = directory.path("seed-" + seed.name)
            try Data(seed.bytes).write(to: URL(fileURLWithPath: seedPath))
            if case .failure(let error) = Self.read({ () throws(ImportError) in try RecordReader(path: seedPath, format: seed.format) }) {
                Issue.record("seed \(seed.name) does not read: \(error)")
            }
            for round in 0..<Self.rounds {
                var bytes = (round % 4 == 0 ? Self.mutateStructure(seed.bytes, &random) : nil) ?? Self.mutateBytes(seed.bytes, &random)
                if round % 8 == 5 {
                    bytes = try Self.gzip(bytes, in: directory)
                    if round % 16 == 13, bytes.count > 20 { bytes[10 + Int(random.next() % UInt64(bytes.count - 20))] ^= 0x5A }
                }
                let path = directory.path("r\(round)-" + seed.name)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                // Detected format half the time, the seed's otherwise.
                let format: InputFormat? = round % 2 == 0 ? seed.format : nil
                let options = ImportOptions(format: format, labelsAs: seed.format == .judgments ? nil : "fuzz",
                                            keepLabels: seed.format == .judgments, onConflict: round % 3 == 0 ? .skip : .refuse)
                let before = try Self.snapshot(store)
                do {
                    _ = try store.importFiles([path], options: options)
                    outcomes.imported += 1
                } catch let error as ImportError {
                    outcomes.refused += 1
                    #expect(error.file == path, "\(path): \(error)")
                    #expect(!error.field.isEmpty && !error.message.isEmpty, "\(path): \(error)")
                    #expect(error.line >= 1 || ["file", "gzip"].contains(error.field), "\(path): \(error)")
                    #expect(error.description.hasPrefix("\(path):\(error.line): \(error.field): "), "\(path): \(error)")
                    #expect(try Self.snapshot(store) == before, "\(path): the database changed after \(error)")
                } catch let error as ImportConflictError {
                    outcomes.refused += 1
                    #expect("\(error)".contains(path), "\(path): \(error)")
                    #expect(try Self.snapshot(store) == before, "\(path): the database changed after \(error)")
                } catch {
                    Issue.record("\(path): not an import error: \(type(of: error)): \(error)")
                }
                // Streaming through a 5-byte window changes nothing (except that a corrupt
                // gzip may first show as a bad record: the stream reads in order).
                let whole = Self.read { () throws(ImportError) in try RecordReader(bytes: InputFile.read(path: path), file: path, format: format) }
                let windowed = Self.read { () throws(ImportError) in try RecordReader(stream: ByteStream(path: path, chunkBytes: 5), format: format) }
                switch (whole, windowed) {
                case (.success(let a), .success(let b)): #expect(a == b, "\(path)")
                case (.failure(let a), .failure(let b)): #expect(a == b || a.field == "gzip", "\(path)")
                default: Issue.record("\(path): read whole \(whole), through a window \(windowed)")
                }
            }
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        #expect(outcomes.imported > 20 && outcomes.refused > 100, "\(outcomes)")
    }

    /// A NUL, raw or as a JSON escape, put anywhere in each seed: refused naming
    /// file:line:field with the database as it was, never stored cut. The one way through is
    /// an escape that lands after a backslash (`\\u0000` is the text "\u0000", no NUL) or in
    /// CSV (where it is text too).
    @Test func aNULAnywhereIsRefusedNeverCut() throws {
        let project = try TemporaryProject(rubric: try RubricFile.load(path: Fixtures.sampleRubric))
        let store = project.store
        let directory = try TemporaryDirectory("pairwise-fuzz-nul")
        var random = SplitMix64(seed: Self.seed ^ 0x0000_4E55_4C00)
        var refused = 0
        for seed in try Self.seeds(judgmentLines: []) where seed.format != .judgments {
            for round in 0..<Self.rounds {
                let raw = round % 2 == 0
                var bytes = seed.bytes
                let at = Int(random.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: raw ? [0] : Array("\\u0000".utf8), at: at)
                let path = directory.path("nul\(round)-" + seed.name)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let before = try Self.snapshot(store)
                do {
                    _ = try store.importFiles([path], options: ImportOptions(format: seed.format, labelsAs: "fuzz", onConflict: .skip))
                    // In CSV the escape is six characters of text, not a NUL.
                    let escaped = !raw && (seed.format == .csv || at > 0 && bytes[at - 1] == UInt8(ascii: "\\"))
                    #expect(escaped, "\(path): a NUL at byte \(at) was imported")
                } catch let error as ImportError {
                    refused += 1
                    #expect(error.description.hasPrefix("\(path):\(error.line): \(error.field): "), "\(path): \(error)")
                    #expect(try Self.snapshot(store) == before, "\(path): the database changed after \(error)")
                } catch {
                    refused += 1
                    #expect(try Self.snapshot(store) == before, "\(path): the database changed after \(error)")
                }
            }
        }
        #expect(refused > 100, "\(refused)")
    }

    @Test func mutatedRubricsNeverCrashAndNameTheirPlace() throws {
        let yaml = try String(contentsOfFile: Fixtures.sampleRubric, encoding: .utf8)
        let json = JSONWriter.string(try RubricFile.load(path: Fixtures.sampleRubric).json)
        var random = SplitMix64(seed: Self.seed ^ 0xB0B)
        var outcomes = (read: 0, refused: 0)
        for (name, text) in [("rubric.yaml", yaml), ("rubric.json", json)] {
            let bytes = Array(text.utf8)
            for round in 0..<(Self.rounds * 8) {
                let mutated = round % 3 == 0 ? (Self.mutateStructure(bytes, &random) ?? Self.mutateBytes(bytes, &random)) : Self.mutateBytes(bytes, &random)
                let file = "r\(round)-\(name)"
                do {
                    _ = try RubricFile.parse(String(decoding: mutated, as: UTF8.self), file: file)
                    outcomes.read += 1
                } catch {
                    outcomes.refused += 1
                    #expect(error.file == file)
                    #expect(error.description.hasPrefix(file + (error.line.map { ":\($0)" } ?? "") + ": "), "\(error)")
                    #expect(error.line != nil || error.field == "file", "\(file): \(error)")
                    #expect(!error.description.contains("\n"), "\(file): \(error)")
                    #expect(!error.message.isEmpty)
                }
            }
        }
        #expect(outcomes.read > 5 && outcomes.refused > 50, "\(outcomes)")
    }
}
