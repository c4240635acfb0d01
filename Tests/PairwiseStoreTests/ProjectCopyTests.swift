import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// `pairwise copy`: a project copied SQLite → PostgreSQL → SQLite keeps every row, every id
/// and every export.
@Suite struct ProjectCopyTests {
    /// Real labels (PandaLM's three annotators), a retraction, a flag, an adjudication and its
    /// retraction, another adjudication, and a model run with scores.
    func sourceProject() throws -> TemporaryProject {
        let project = try TemporaryProject(rubric: try RubricFile.load(path: Fixtures.sampleRubric))
        let store = project.store
        _ = try store.importFiles([Fixtures.realFormat("pandalm-testset-v1.json")], options: ImportOptions(labelsAs: "pandalm", onConflict: .skip))
        let lead = try store.person("lead").id
        try project.execute("""
            INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) SELECT id, annotator_id, '2026-11-23T00:00:00.000Z' FROM judgments WHERE id % 97 = 0;
            INSERT INTO item_events (item_id, annotator_id, kind, reason, created_at) VALUES (5, 2, 'flag', 'unclear', '2026-11-23T00:00:00.000Z');
            INSERT INTO item_events (item_id, annotator_id, kind, created_at) VALUES (6, 3, 'skip', '2026-11-23T00:00:00.000Z');
            """)
        let draft = JudgmentDraft(strength: PreferenceStrength(2)!, bothBad: false, rubric: ["safety": .comparative(1)], note: "B is safer",
                                  shownOrder: .ab, milliseconds: 0)
        for item: Int64 in [5, 7, 9] { try store.adjudicate(itemRowID: item, leadID: lead, draft: draft, reason: .annotatorError) }
        _ = try store.undoLastDecision(leadID: lead)
        let run = try store.startModelRun(lastJudgmentID: 10)
        let items = try project.integers("SELECT id FROM items ORDER BY id")
        try store.finishModelRun(run, metrics: ModelRunMetrics(pairs: items.count, accuracy: 0.75, logLoss: 0.5, calibrationError: 0.125,
                                                               trainSeconds: 1.5, parameters: .object([JSONMember(key: "held_out_pairs", value: .int(100))])),
                                 weights: [0.5, -0.25], scores: items.map {
                                     ItemScore(itemRowID: $0, rewardA: Double($0) / 8, rewardB: 0.5, margin: Double($0) / 8 - 0.5, uncertainty: 0.25,
                                               heldOutMargin: $0 % 2 == 0 ? 0.125 : nil)
                                 },
                                 heads: [ModelHeadFigures(dimension: "helpfulness", examples: 12, heldOutRMSE: 0.5, heldOutPearson: nil, weights: [1, 2])])
        return project
    }

    /// Everything a project holds, as text: every copied table's rows, the kept counts and
    /// current judgments, and each export.
    func contents(_ store: ProjectStore) throws -> [String: [String]] {
        var result: [String: [String]] = try store.read { sql in
            var tables: [String: [String]] = [:]
            for table in ProjectCopy.tables {
                tables[table.name] = try sql.rows("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)", [])
                    .map { "\($0.values)" }
            }
            tables["kept"] = try sql.rows("""
                SELECT id, judges, prefer_a, prefer_b, prefer_neither, strength_min, strength_max FROM items ORDER BY id
                """, []).map { "\($0.values)" }
            tables["current"] = try sql.rows("SELECT item_id, annotator_id, judgment_id FROM current_judgment_ids ORDER BY 1, 2", []).map { "\($0.values)" }
            return tables
        }
        for format in [ExportFormat.trl, .hhRLHF, .helpsteer2, .judgments, .csv] {
            var lines: [String] = []
            try store.export(format: format, filter: ExportFilter(includeSimulated: true)) { lines.append($0) }
            result["export \(format)"] = lines
        }
        return result
    }

    @Test func aProjectCopiedThroughPostgreSQLAndBackKeepsEveryRowAndExport() throws {
        let source = try sourceProject()
        let original = try contents(source.store)
        #expect(original["judgments"]?.count == 863 * 3 - 2)
        #expect(original["judgment_retractions"]?.count == 26)
        #expect(original["export judgments"]?.count == 863 * 3 - 2 - 26)
        #expect(original["adjudication_retractions"]?.count == 1)
        #expect(original["model_scores"]?.count == 863)

        var hops = [source.directory.appendingPathComponent("copy.sqlite").path]
        var databases: [String] = []
        if TestPostgres.isAvailable {
            databases.append(try TestPostgres.freshDatabase())
            hops = databases + hops
        }
        defer { databases.forEach(TestPostgres.dropDatabase) }
        var from = source.store, copies: [ProjectStore] = []
        for hop in hops {
            let (copy, summary) = try ProjectCopy.copy(from: from, to: hop)
            #expect(summary.rows["judgments"] == 863 * 3 - 2)
            let copied = try contents(copy)
            for key in original.keys.sorted() {
                #expect(copied[key] == original[key], "\(key) differs after copying to \(copy.dialect)")
            }
            copies.append(copy)
            from = copy
        }
        // New rows continue after the copied ids.
        for copy in copies {
            let next = try copy.submit(JudgmentDraft(strength: PreferenceStrength(1)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 1),
                                       itemID: 1, annotatorID: 1).labelID
            #expect(next == 863 * 3 - 2 + 1)
        }
    }

    @Test func aCopyNeverOverwritesAndLeavesNothingWhenItFails() throws {
        let source = try sourceProject()
        let existing = try source.file("taken.sqlite", "not empty")
        #expect(throws: StoreError.self) { try ProjectCopy.copy(from: source.store, to: existing) }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "not empty")
        // Into a project that already exists on PostgreSQL: refused, the project unchanged.
        if TestPostgres.isAvailable {
            let target = try TemporaryProject(on: .postgres)
            #expect(throws: StoreError.self) { try ProjectCopy.copy(from: source.store, to: target.database!) }
            #expect(try target.count("items") == 0)
        }
    }

    /// Every column of the schema is copied, remade by the destination, or named as left out:
    /// a new migration's columns cannot be forgotten by `copy`.
    @Test func copiedColumnsCoverTheSchema() throws {
        let project = try TemporaryProject()
        let schema: [String: Set<String>] = try project.store.read { sql in
            var result: [String: Set<String>] = [:]
            for table in try sql.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'", []) {
                let name = table.text(0)!
                result[name] = Set(try sql.rows("SELECT name FROM pragma_table_info(?)", [.text(name)]).compactMap { $0.text(0) })
            }
            return result
        }
        var covered: [String: Set<String>] = [:]
        for table in ProjectCopy.tables { covered[table.name] = Set(table.columns).union(ProjectCopy.remade[table.name] ?? []) }
        #expect(Set(schema.keys) == Set(covered.keys).union(ProjectCopy.notCopied))
        for (table, columns) in covered { #expect(schema[table] == columns, "\(table)") }
    }
}
