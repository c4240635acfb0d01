import Foundation
import GRDB
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing


/// A fresh project in its own temporary directory (its files), in a SQLite file there or
/// a fresh PostgreSQL database, dropped after.
final class TemporaryProject {
    let directory: URL
    let store: ProjectStore
    /// The PostgreSQL database's admin URL (nil for SQLite).
    let database: String?

    init(on kind: StoreKind = .sqlite, rubric: Rubric = Rubric(name: "none", dimensions: [])) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = kind == .postgres ? try TestPostgres.freshDatabase() : nil
        store = try ProjectStore.create(at: database ?? directory.appendingPathComponent("p.sqlite").path, rubric: rubric, lead: "lead")
    }

    func file(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func count(_ table: String) throws -> Int {
        Int(try store.read { try $0.integer("SELECT count(*) FROM \(table)") } ?? -1)
    }

    /// The first column of every row, as integers.
    func integers(_ query: String) throws -> [Int64] {
        try store.read { try $0.rows(query, []).map { $0[0].integer ?? -1 } }
    }

    /// Runs statements in one write transaction.
    func execute(_ statement: String, _ arguments: [SQLValue] = []) throws {
        try store.write { try $0.execute(statement, arguments) }
    }

    func export(_ format: ExportFormat, _ filter: ExportFilter = ExportFilter()) throws -> [String] {
        var lines: [String] = []
        try store.export(format: format, filter: filter) { lines.append($0) }
        return lines
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
        if let database { TestPostgres.dropDatabase(database) }
    }
}

@Suite struct StoreTests {
    @Test func usesWALForeignKeysAndOwnerGroupPermissions() throws {
        let project = try TemporaryProject()
        let (journal, foreignKeys) = try project.store.sqlitePool().read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: project.store.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        #expect(throws: DatabaseError.self) {
            try project.store.sqlitePool().write { db in
                try db.execute(sql: "INSERT INTO responses (item_id, slot, text) VALUES (999, 'a', 'x')")
            }
        }
        #expect(try project.store.annotators().map(\.name) == ["lead"])
        #expect(try project.store.annotators().map(\.role) == [.lead])
    }

    @Test(arguments: StoreKind.available)
    func judgmentsCannotBeUpdatedOrDeleted(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("a.jsonl", #"{"prompt": "p", "response_1": "x", "response_2": "y", "preference_strength": 1}"#)
        _ = try project.store.importFiles([path], options: ImportOptions(labelsAs: "ann"))
        for sql in ["UPDATE judgments SET strength = 3", "DELETE FROM judgments"] {
            do {
                try project.execute(sql)
                Issue.record("\(sql) succeeded")
            } catch let error as StoreError {
                // The database's refusal, in the store's own error type.
                #expect(error.message == "judgments are append-only" && error.fault == .rejected)
            }
        }
        #expect(try project.count("judgments") == 1)
    }

    @Test(arguments: StoreKind.available)
    func aRetractionHidesTheJudgmentButKeepsItsRow(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("a.jsonl", #"{"prompt": "p", "response_1": "x", "response_2": "y", "preference_strength": 1}"#)
        _ = try project.store.importFiles([path], options: ImportOptions(labelsAs: "ann"))
        try project.execute("INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) SELECT id, annotator_id, 'x' FROM judgments")
        #expect(try project.count("judgments") == 1)
        #expect(try project.count("current_judgments") == 0)
        #expect(try project.store.status().retracted == 1)
    }

    @Test(arguments: StoreKind.available)
    func anImportIsAllOrNothingAcrossFiles(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let good = try project.file("good.jsonl", #"{"id": "a", "prompt": "p", "response_a": "x", "response_b": "y"}"#)
        let bad = try project.file("bad.jsonl", """
            {"id": "b", "prompt": "p", "response_a": "x", "response_b": "z"}
            {"id": "c", "prompt": "p", "response_a": "x"}
            """)
        do {
            _ = try project.store.importFiles([good, bad], options: ImportOptions())
            Issue.record("expected an error")
        } catch let error as ImportError {
            #expect(error.description == "\(bad):2: response_b: missing")
        }
        #expect(try project.count("items") == 0)
        #expect(try project.count("responses") == 0)
    }

    @Test(arguments: StoreKind.available)
    func reimportingAddsNothingAndIDsMustStayUnique(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let first = try project.store.importFiles([Fixtures.sampleItems], options: ImportOptions())
        #expect(first.itemsAdded == 62 && first.duplicates == 0 && first.records == 62)
        let second = try project.store.importFiles([Fixtures.sampleItems], options: ImportOptions())
        #expect(second.itemsAdded == 0 && second.duplicates == 62)
        #expect(try project.count("items") == 62)
        // Same content with A and B swapped is the same item.
        let swapped = try project.file("s.jsonl", #"{"id": "other", "prompt": "What's the capital of Australia?", "response_a": "Sydney.", "response_b": "Canberra."}"#)
        #expect(try project.store.importFiles([swapped], options: ImportOptions()).duplicates == 1)
        // A new item may not take an existing id.
        let clash = try project.file("c.jsonl", #"{"id": "math-001", "prompt": "new", "response_a": "x", "response_b": "y"}"#)
        #expect(throws: ImportError(file: clash, line: 1, field: "id", message: "'math-001' already names a different item in this project")) {
            try project.store.importFiles([clash], options: ImportOptions())
        }
    }

    /// Items are looked up a batch of records at a time: a record repeating one of the same
    /// batch, or of an earlier batch, is a duplicate; an id taken within the batch (by a
    /// ranked item too) is refused with its line, and nothing is imported.
    @Test(arguments: StoreKind.available)
    func duplicatesAndIDsHoldWithinAndAcrossLookUpBatches(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = project.directory.appendingPathComponent("hh.jsonl").path
        try Fixtures.hhRLHFRecords(300, into: path)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        lines += [lines[0], lines[1]]   // records 301 and 302: a batch after their first copies
        lines.insert(lines[5], at: 6)   // record 7: the same batch as its first copy
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let summary = try project.store.importFiles([path], options: ImportOptions())
        #expect(summary.records == 303 && summary.duplicates == 3 && summary.itemsAdded == 300)
        #expect(try project.count("items") == 300 && project.count("responses") == 600)
        // Ids are given ahead of the rows, in input order (the duplicates' lines take none).
        #expect(try project.integers("SELECT id FROM items ORDER BY source_line") == Array(1...300))

        let items = try Fixtures.pandaLMRankedItems(1, responses: 3)
        let ranked = JSONWriter.string(.object(["id": .string("taken"), "prompt": .string(items[0].prompt), "responses": .array(items[0].responses.map(JSONValue.string))]))
        let clash = try project.file("clash.jsonl", [
            #"{"id": "fresh", "prompt": "new", "response_a": "x", "response_b": "y"}"#, ranked,
            #"{"id": "taken", "prompt": "other", "response_a": "x", "response_b": "y"}"#,
        ].joined(separator: "\n"))
        #expect(throws: ImportError(file: clash, line: 3, field: "id", message: "'taken' already names a different item in this project")) {
            try project.store.importFiles([clash], options: ImportOptions())
        }
        #expect(try project.count("items") == 300)
        guard kind == .sqlite else { return }
        // The next import's items take the ids after the largest stored, as SQLite would give.
        let next = try project.file("next.jsonl", #"{"id": "fresh", "prompt": "new", "response_a": "x", "response_b": "y"}"#)
        _ = try project.store.importFiles([next], options: ImportOptions())
        #expect(try project.integers("SELECT id FROM items WHERE external_id = 'fresh'") == [301])
        #expect(try project.integers("SELECT item_id FROM responses WHERE text IN ('x', 'y')") == [301, 301])
    }

    @Test(arguments: StoreKind.available)
    func labelsAreAddedOnceAndOnlyWithLabelsAs(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let without = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions())
        #expect(without.itemsAdded == 2312 && without.labelsAdded == 0)
        #expect(try project.count("judgments") == 0)
        let with = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "hh"))
        #expect(with.itemsAdded == 0 && with.duplicates == 2312 && with.labelsAdded == 2312)
        let again = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "hh"))
        #expect(again.labelsAdded == 0 && again.labelsAlreadyThere == 2312)
        let status = try project.store.status()
        #expect(status.items == 2312 && status.judgments == 2312 && status.itemsNeedingLabels == 2312 && status.itemsUnlabeled == 0)
        #expect(status.annotators.map(\.name) == ["hh", "lead"])
        #expect(status.annotators.map(\.judgments) == [2312, 0])
    }

    /// The issue's acceptance test: all 2,312 pairs in, trl out, every chosen/rejected pair
    /// reproduced exactly.
    @Test(arguments: StoreKind.available)
    func hhRLHFRoundTripsThroughTRLAndHHExports(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        _ = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "hh"))
        let original = try InputFile.read(path: Fixtures.hhRLHF)
        let originalLines = String(decoding: original, as: UTF8.self).split(separator: "\n").map(String.init)
        var expected: [String: Int] = [:]
        for line in originalLines {
            let value = try JSONParser.parse(line)
            expected[value["chosen"]!.stringValue! + "\u{0}" + value["rejected"]!.stringValue!, default: 0] += 1
        }

        let trl = try project.export(.trl)
        #expect(trl.count == 2312)
        var fromTRL: [String: Int] = [:]
        for line in trl {
            let value = try JSONParser.parse(line)
            let prompt = try Prompt(json: value["prompt"]!)
            let chosen = value["chosen"]!.arrayValue![0]["content"]!.stringValue!
            let rejected = value["rejected"]!.arrayValue![0]["content"]!.stringValue!
            #expect(value["margin"] == .double(2))
            fromTRL[HHTranscript.transcript(prompt: prompt, reply: Response(text: chosen))! + "\u{0}"
                    + HHTranscript.transcript(prompt: prompt, reply: Response(text: rejected))!, default: 0] += 1
        }
        #expect(fromTRL == expected)

        // Without provenance (--plain) the hh-rlhf export is the original file, line for line,
        // in the original order; with it, the same transcripts followed by the provenance.
        #expect(try project.export(.hhRLHF, ExportFilter(provenance: false)) == originalLines)
        let withProvenance = try project.export(.hhRLHF)
        #expect(withProvenance.count == originalLines.count)
        #expect(withProvenance.first == String(originalLines[0].dropLast()) + #", "label_source": "single", "judgments": 1, "agreement": null, "model_margin": null}"#)

        // The stored A is the chosen response for about half of the pairs.
        let chosenIsA = try project.integers("SELECT count(*) FROM judgments WHERE strength < 0")[0]
        #expect(chosenIsA > 1056 && chosenIsA < 1256)
    }
}

@Suite struct AggregationTests {
    static func judgment(_ annotator: String, _ strength: Int, bothBad: Bool = false) -> Judgment {
        Judgment(itemID: "i", annotator: annotator, strength: PreferenceStrength(strength)!, bothBad: bothBad)
    }
    static let item = Item(id: "i", prompt: .text("p"), responseA: Response(text: "a"), responseB: Response(text: "b"))

    @Test func theMeanStrengthDecidesAndAnAdjudicationWins() {
        let labeled = LabeledItem(item: Self.item, judgments: [Self.judgment("x", -3), Self.judgment("y", 1), Self.judgment("z", -1, bothBad: true)])
        #expect(PreferenceAggregation.aggregate(labeled) == AggregatedPreference(strength: -1, bothBad: false, judgments: 3, adjudicated: false))
        var adjudicated = labeled
        adjudicated.adjudication = Adjudication(itemID: "i", lead: "l", strength: PreferenceStrength(2)!, bothBad: true, reason: .annotatorError)
        #expect(PreferenceAggregation.aggregate(adjudicated) == AggregatedPreference(strength: 2, bothBad: true, judgments: 3, adjudicated: true))
        #expect(PreferenceAggregation.aggregate(LabeledItem(item: Self.item, judgments: [])) == nil)
    }

    @Test func bothBadNeedsAMajority() {
        let half = LabeledItem(item: Self.item, judgments: [Self.judgment("x", 0, bothBad: true), Self.judgment("y", 0)])
        #expect(PreferenceAggregation.aggregate(half)?.bothBad == false)
        let most = LabeledItem(item: Self.item, judgments: [Self.judgment("x", 0, bothBad: true), Self.judgment("y", 0, bothBad: true), Self.judgment("z", 1)])
        #expect(PreferenceAggregation.aggregate(most)?.bothBad == true)
    }

    @Test(arguments: StoreKind.available)
    func exportsFollowTheRuleAndTheFilters(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let path = try project.file("a.jsonl", """
            {"id": "one", "prompt": "p1", "response_a": "A1", "response_b": "B1"}
            {"id": "two", "prompt": "p2", "response_a": "A2", "response_b": "B2"}
            {"id": "three", "prompt": "p3", "response_a": "A3", "response_b": "B3"}
            """)
        _ = try project.store.importFiles([path], options: ImportOptions())
        try project.store.write { sql in
            try sql.execute("INSERT INTO annotators (name, role, created_at) VALUES ('ann', 'annotator', 'x'), ('bo', 'annotator', 'x')", [])
            // one: ann -3, bo +1 (mean -1: A wins, margin 1); two: ann +2, then ann changes to 0 both bad, bo 0 both bad (tie);
            // three: ann only, +3.
            for (item, who, strength, bothBad) in [("one", "ann", -3, 0), ("one", "bo", 1, 0), ("two", "ann", 2, 0), ("two", "ann", 0, 1),
                                                   ("two", "bo", 0, 1), ("three", "ann", 3, 0)] {
                try sql.execute("""
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                    SELECT i.id, p.id, ?, ?, 'ab', 10, '2026-11-23T00:00:00.000Z', 'tui' FROM items i, annotators p
                    WHERE i.external_id = ? AND p.name = ?
                    """, [.integer(Int64(strength)), .integer(Int64(bothBad)), .text(item), .text(who)])
            }
        }
        #expect(try project.export(.trl) == [
            #"{"id": "one", "prompt": "p1", "chosen": "A1", "rejected": "B1", "margin": 1.0, "label_source": "majority", "judgments": 2, "agreement": 0.0, "model_margin": null}"#,
            #"{"id": "three", "prompt": "p3", "chosen": "B3", "rejected": "A3", "margin": 3.0, "label_source": "single", "judgments": 1, "agreement": null, "model_margin": null}"#,
        ])
        #expect(try project.export(.helpsteer2) == [
            #"{"id": "one", "prompt": "p1", "response_1": "A1", "response_2": "B1", "preference_strength": -1, "label_source": "majority", "judgments": 2, "agreement": 0.0, "model_margin": null}"#,
            #"{"id": "two", "prompt": "p2", "response_1": "A2", "response_2": "B2", "preference_strength": 0, "label_source": "unanimous", "judgments": 2, "agreement": 1.0, "model_margin": null}"#,
            #"{"id": "three", "prompt": "p3", "response_1": "A3", "response_2": "B3", "preference_strength": 3, "label_source": "single", "judgments": 1, "agreement": null, "model_margin": null}"#,
        ])
        #expect(try project.export(.trl, ExportFilter(minAnnotators: 2)).count == 1)
        #expect(try project.export(.helpsteer2, ExportFilter(excludeBothBad: true)).map { String($0.prefix(12)) } == [#"{"id": "one""#, #"{"id": "thre"#])
        #expect(try project.export(.trl, ExportFilter(annotator: "bo", provenance: false)) == [
            #"{"id": "one", "prompt": "p1", "chosen": "B1", "rejected": "A1", "margin": 1.0}"#,
        ])
        #expect(try project.export(.judgments, ExportFilter(annotator: "ann")) == [
            #"{"item_id": "one", "response_a_sha256": "16a36e86f6fed5d465ff332511a0ce1a863b55d364b25a7cdaa25db19abf9648", "annotator": "ann", "preference_strength": -3, "both_bad": false, "rubric": {}, "note": null, "shown_order": "ab", "ms": 10, "created_at": "2026-11-23T00:00:00.000Z", "origin": "tui", "source": null}"#,
            #"{"item_id": "two", "response_a_sha256": "c8361f9b468e68c86da024270e0949ce139cb704b8d7cce586681b99f3a7ea56", "annotator": "ann", "preference_strength": 0, "both_bad": true, "rubric": {}, "note": null, "shown_order": "ab", "ms": 10, "created_at": "2026-11-23T00:00:00.000Z", "origin": "tui", "source": null}"#,
            #"{"item_id": "three", "response_a_sha256": "1398b376fdcce25c5a5399367e76891e85121c010ec919cc243b1a519d95bbc6", "annotator": "ann", "preference_strength": 3, "both_bad": false, "rubric": {}, "note": null, "shown_order": "ab", "ms": 10, "created_at": "2026-11-23T00:00:00.000Z", "origin": "tui", "source": null}"#,
        ])
        // An adjudication overrides the tie on "two".
        try project.execute("""
            INSERT INTO adjudications (item_id, lead_id, strength, both_bad, reason, created_at)
            SELECT i.id, p.id, 1, 0, 'ambiguous', 'x' FROM items i, annotators p WHERE i.external_id = 'two' AND p.name = 'lead'
            """)
        #expect(try project.export(.trl).map { String($0.prefix(12)) } == [#"{"id": "one""#, #"{"id": "two""#, #"{"id": "thre"#])
        #expect(try project.export(.trl)[1].hasSuffix(#""margin": 1.0, "label_source": "adjudicated", "judgments": 2, "agreement": 1.0, "model_margin": null}"#))

        // Filters on provenance.
        func ids(_ filter: ExportFilter) throws -> [String] {
            try project.export(.helpsteer2, filter).map { try JSONParser.parse($0)["id"]!.stringValue! }
        }
        #expect(try ids(ExportFilter(only: .adjudicated)) == ["two"])
        #expect(try ids(ExportFilter(only: .agreed)) == [])
        #expect(try ids(ExportFilter(minAgreement: 0.5)) == ["two"], "one disagrees, three has one judgment, two is adjudicated")
        #expect(try ids(ExportFilter(minAgreement: 0)) == ["one", "two"])
        #expect(try ids(ExportFilter(excludedItems: ["one", "two"])) == ["two", "three"], "an adjudicated item is never excluded")

        // With a model: its margin, oriented toward the chosen response (helpsteer2: toward response_2).
        let run = try project.store.startModelRun(lastJudgmentID: 0)
        let rows = try project.integers("SELECT id FROM items ORDER BY id")
        try project.store.finishModelRun(run, metrics: ModelRunMetrics(pairs: 3, accuracy: 1, logLoss: 0, calibrationError: 0, trainSeconds: 0,
                                                                       parameters: .object([])),
                                         weights: [0], scores: zip(rows, [0.5, -0.25, 2]).map {
                                             ItemScore(itemRowID: $0, rewardA: $1, rewardB: 0, margin: $1, uncertainty: 0)
                                         })
        let margins = try project.export(.trl).map { try JSONParser.parse($0)["model_margin"]! }
        #expect(margins == [.double(0.5), .double(0.25), .double(-2)], "one: A chosen; two: B chosen (adjudicated +1); three: B chosen")
        #expect(try project.export(.helpsteer2).map { try JSONParser.parse($0)["model_margin"]! } == [.double(-0.5), .double(0.25), .double(-2)])
    }

    @Test(arguments: StoreKind.available)
    func csvExportFlattensTheRubric(_ kind: StoreKind) throws {
        let rubric = try RubricFile.load(path: Fixtures.sampleRubric)
        let project = try TemporaryProject(on: kind, rubric: rubric)
        let path = try project.file("a.jsonl", #"{"id": "one", "prompt": "p", "response_a": "a", "response_b": "b"}"#)
        _ = try project.store.importFiles([path], options: ImportOptions())
        try project.execute("""
            INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, note, shown_order, ms, created_at, origin)
            VALUES (1, 1, -2, 0, '{"helpfulness": {"a": 4, "b": 2}, "safety": -1}', 'says "hi", twice', 'ba', 5000, '2026-11-23T00:00:00.000Z', 'tui')
            """)
        #expect(try project.export(.csv) == [
            "item_id,annotator,preference_strength,both_bad,shown_order,ms,created_at,origin,source,note,helpfulness_a,helpfulness_b,correctness_a,correctness_b,coherence_a,coherence_b,complexity_a,complexity_b,verbosity_a,verbosity_b,safety",
            #"one,lead,-2,0,ba,5000,2026-11-23T00:00:00.000Z,tui,,"says ""hi"", twice",4,2,,,,,,,,,-1"#,
        ])
    }
}

@Suite(.enabled(if: TestPostgres.isAvailable)) struct PostgresTrainerLockTests {
    /// One trainer at a time, by an advisory lock the server lets go when its connection
    /// ends: a trainer killed while it holds the lock blocks no one.
    @Test func oneTrainerAtATimeAndAnEndedConnectionFreesTheLock() throws {
        let project = try TemporaryProject(on: .postgres)
        let url = try #require(project.database)
        let other = try ProjectStore.open(at: url)
        #expect(try project.store.acquireTrainerLease(holder: "a", seconds: 60))
        #expect(try project.store.acquireTrainerLease(holder: "a", seconds: 60), "held already")
        #expect(try !other.acquireTrainerLease(holder: "b", seconds: 60))
        try project.store.releaseTrainerLease(holder: "a")
        #expect(try other.acquireTrainerLease(holder: "b", seconds: 60))
        #expect(try !project.store.acquireTrainerLease(holder: "a", seconds: 60))
        // The server ends the holder's connection (as when its process is killed); trainers of
        // other tests' databases on the same server hold the same lock number in theirs.
        let ended = TestPostgres.runPsql(url, """
            SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(UInt32(truncatingIfNeeded: ProjectStore.postgresTrainerLock))
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """)
        #expect(ended.output == "1\n", "\(ended.error)")
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try project.store.acquireTrainerLease(holder: "a", seconds: 60))
    }
}

@Suite struct CheckpointerTests {
    @Test func checkpointsMoveOffTheWriterAndComeBackOnStop() throws {
        let project = try TemporaryProject()
        let store = project.store
        func writerSetting() throws -> Int? { try store.sqlitePool().writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } }
        #expect(try writerSetting() == 1000)
        let checkpointer = BackgroundCheckpointer(store: store, interval: 0.05)
        try checkpointer.start()
        #expect(try writerSetting() == 0)
        // Enough writes for several thousand WAL pages, which the writer no longer checkpoints.
        let blob = String(repeating: "x", count: 4000)
        for n in 0..<3000 {
            try store.sqlitePool().write { try $0.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?)", arguments: ["k\(n)", blob]) }
        }
        Thread.sleep(forTimeInterval: 0.5)
        // Pages reach the database file only through checkpoints: the background thread's.
        let size = try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int ?? 0
        #expect(size > 12_000_000, "\(size) bytes")
        checkpointer.stop()
        #expect(try writerSetting() == 1000)
    }
}

/// Exports written by several connections at once (SQLite): the same lines as one connection
/// writes, one snapshot for all of them, and a failed write that stops them all.
@Suite struct ConcurrentExportTests {
    /// Takes lines as the command's output does; fails at line `failAt` when given.
    final class Lines: UTF8LineWriter {
        var lines: [String] = []
        let failAt: Int?
        init(failAt: Int? = nil) { self.failAt = failAt }
        func writeLine(utf8 line: UnsafeBufferPointer<UInt8>) throws {
            if lines.count == failAt { throw StoreError(.invalid, "disk full") }
            lines.append(String(decoding: line, as: UTF8.self))
        }
    }

    /// The hh-rlhf file (2,312 pairs: three export spans) with its labels, two simulated
    /// annotators on half of it and a handful of people's judgments: the pieces written at
    /// once come out in the order one connection writes them.
    @Test(arguments: StoreKind.available)
    func concurrentPiecesComeOutAsOneConnectionWritesThem(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        _ = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "hh"))
        _ = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "second"))
        for format: ExportFormat in [.trl, .judgments, .csv, .hhRLHF, .helpsteer2] {
            for filter in [ExportFilter(), ExportFilter(minAnnotators: 2, annotator: nil), ExportFilter(annotator: "second")] {
                let concurrent = Lines()
                let summary = try project.store.export(format: format, filter: filter, into: concurrent)
                var single: [String] = []
                // With prompts asked for, one connection writes every span.
                let one = try project.store.export(format: format, filter: filter) { line, _ in single.append(line) }
                #expect(concurrent.lines == single && summary == one, "\(format)")
                if format == .trl || format == .judgments || format == .csv {
                    #expect(summary.written == (format == .trl || filter.annotator != nil ? 2312 : 4624), "\(format) \(String(describing: filter.annotator))")
                }
            }
        }
    }

    /// A write that fails ends the export with its error, the connections let go: the
    /// project takes a write and another export at once.
    @Test func aFailedWriteStopsEveryConnection() throws {
        let project = try TemporaryProject()
        _ = try project.store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "hh"))
        for failAt in [0, 5, 1500] {
            #expect(throws: StoreError.self) { try project.store.export(format: .trl, filter: ExportFilter(), into: Lines(failAt: failAt)) }
        }
        #expect(try project.store.addAnnotator("after", role: .annotator))
        let again = Lines()
        #expect(try project.store.export(format: .trl, filter: ExportFilter(), into: again).written == 2312 && again.lines.count == 2312)
    }

    /// Every reader takes its snapshot while the write lock is held: with another connection
    /// committing as fast as it can, the readers of one call always count the same rows.
    @Test func concurrentReadersShareOneSnapshot() throws {
        let project = try TemporaryProject()
        let writer = try ProjectStore.open(at: project.store.path)
        let stop = ManagedAtomicFlag()
        let commits = CountSlots()
        let writing = Thread {
            var n = 0
            while !stop.isSet {
                if (try? writer.addAnnotator("w\(n)", role: .annotator)) == true { commits.set(0, n + 1) }
                n += 1
            }
        }
        writing.start()
        defer { stop.set() }
        // Under load the writer may take a while to start: the readers go once it commits,
        // and go on until it has committed 20 more times meanwhile (40 calls at least).
        let deadline = Date().addingTimeInterval(60)
        while commits.values[0] < 1 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        let before = commits.values[0]
        var calls = 0
        while (calls < 40 || commits.values[0] < before + 20) && Date() < deadline {
            let counts = CountSlots()
            let reads = try #require(try project.store.readConcurrently(2, onFailure: { Issue.record($0) }) { k, sql in
                counts.set(k, Int(try sql.integer("SELECT count(*) FROM annotators") ?? -1))
            })
            reads.wait()
            #expect(counts.values[0] == counts.values[1] && counts.values[0] > 0)
            calls += 1
        }
        stop.set()
        #expect(commits.values[0] >= before + 20 && before >= 1, "the other connection committed while the readers read")
    }

    final class ManagedAtomicFlag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    final class CountSlots: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values = [-1, -1]
        func set(_ k: Int, _ value: Int) { lock.withLock { values[k] = value } }
    }
}
