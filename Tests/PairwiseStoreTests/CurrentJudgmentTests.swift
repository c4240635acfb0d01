import Foundation
import GRDB
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// The current judgments kept by triggers are exactly what the definition gives: each
/// annotator's latest judgment of each item that was not retracted.
@Suite struct CurrentJudgmentTests {
    /// The definition, as the first schema's view computed it on every read.
    static let definition = """
        SELECT j.item_id, j.annotator_id, j.id FROM judgments j
        WHERE j.id = (SELECT max(k.id) FROM judgments k
                      WHERE k.item_id = j.item_id AND k.annotator_id = j.annotator_id
                        AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id))
        ORDER BY 1, 2
        """

    @Test(arguments: StoreKind.available)
    func randomJudgmentsAndRetractionsKeepTheDefinition(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let store = project.store
        let lines = (1...12).map { #"{"id": "i\#($0)", "prompt": "p\#($0)", "response_a": "a", "response_b": "b"}"# }.joined(separator: "\n")
        _ = try store.importFiles([try project.file("items.jsonl", lines)], options: ImportOptions())
        let people = try (1...4).map { try store.person("p\($0)").id }
        let items = try project.integers("SELECT id FROM items")
        var random = SplitMix64(seed: 42)
        func integers(_ rows: [SQLRow]) -> [[Int64?]] { rows.map { row in row.values.map(\.integer) } }
        for step in 0..<600 {
            try store.write { sql in
                if random.next() % 3 == 0 {
                    // Retract a random live judgment: current or not.
                    let live = try sql.rows("SELECT id FROM judgments j WHERE \(ProjectStore.liveJudgment)", []).compactMap { $0[0].integer }
                    guard !live.isEmpty else { return }
                    try sql.execute("INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (?, ?, 'x')",
                                    [.integer(live[Int(random.next() % UInt64(live.count))]), .integer(people[0])])
                } else {
                    try sql.execute("""
                        INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                        VALUES (?, ?, ?, 0, 'ab', 0, 'x', 'tui')
                        """, [.integer(items[Int(random.next() % UInt64(items.count))]), .integer(people[Int(random.next() % 4)]),
                              .integer(Int64(random.next() % 7) - 3)])
                }
            }
            if step % 50 == 49 {
                try store.read { sql in
                    let kept = try sql.rows("SELECT item_id, annotator_id, judgment_id FROM current_judgment_ids ORDER BY 1, 2", [])
                    let defined = try sql.rows(Self.definition, [])
                    #expect(integers(kept) == integers(defined))
                    let perItem = try sql.rows("SELECT id, judges, prefer_a, prefer_b, prefer_neither, strength_min, strength_max FROM items ORDER BY id", [])
                    let count = { (condition: String) in "CAST(coalesce(sum(CASE WHEN \(condition) THEN 1 ELSE 0 END), 0) AS BIGINT)" }
                    let counted = try sql.rows("""
                        SELECT i.id, count(j.id), \(count("j.strength < 0")), \(count("j.strength > 0")), \(count("j.strength = 0")),
                               min(j.strength), max(j.strength)
                        FROM items i LEFT JOIN (\(Self.definition)) d ON d.item_id = i.id LEFT JOIN judgments j ON j.id = d.id
                        GROUP BY i.id ORDER BY i.id
                        """, [])
                    #expect(integers(perItem) == integers(counted))
                }
            }
        }
        #expect(try project.count("judgment_retractions") > 100)
    }

    /// What `status` reports, counted from the current labels themselves (as PostgreSQL does).
    static func countedStatus(_ store: ProjectStore, overlap: Int) throws -> [Int] {
        try store.read { sql in
            let row = try sql.rows("""
                SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM items WHERE judges < \(overlap)),
                       (SELECT count(*) FROM items WHERE judges = 0), (SELECT count(*) FROM current_judgment_ids),
                       (SELECT count(*) FROM current_ranking_ids)
                """, [])[0]
            let people = try sql.rows("""
                SELECT (SELECT count(*) FROM current_judgment_ids c WHERE c.annotator_id = p.id),
                       (SELECT count(*) FROM current_ranking_ids c WHERE c.annotator_id = p.id)
                FROM annotators p ORDER BY p.name
                """, [])
            return (row.values + people.flatMap(\.values)).map { Int($0.integer ?? -1) }
        }
    }

    /// The pace's counts as a pass over every item and label gives them.
    static func countedPace(_ store: ProjectStore, overlap: Int) throws -> ProgressPace {
        try store.read { sql in
            let row = try sql.rows("""
                SELECT (SELECT count(*) FROM items i WHERE i.judges < \(overlap) AND i.id NOT IN (SELECT item_id FROM gold_answers)),
                       (SELECT CAST(coalesce(sum(\(overlap) - i.judges), 0) AS BIGINT) FROM items i
                        WHERE i.judges < \(overlap) AND i.id NOT IN (SELECT item_id FROM gold_answers)),
                       (SELECT count(*) FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id WHERE j.origin = 'tui')
                     + (SELECT count(*) FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id WHERE r.origin = 'tui')
                """, [])[0].values.map { Int($0.integer ?? -1) }
            return ProgressPace(itemsNeedingLabels: row[0], labelsNeeded: row[1], recentLabels: row[2], days: 7)
        }
    }

    static func reportedStatus(_ store: ProjectStore) throws -> [Int] {
        let status = try store.status()
        return [status.items, status.itemsNeedingLabels, status.itemsUnlabeled, status.judgments, status.rankings]
            + status.annotators.flatMap { [$0.judgments, $0.rankings] }
    }

    /// `status` on SQLite reads counts its triggers keep (v20): after any mix of judgments,
    /// revisions, undos, rankings and imported items they equal a count of the labels.
    @Test(arguments: StoreKind.available)
    func statusCountsFollowEveryLabelWrite(_ kind: StoreKind) throws {
        let project = try TemporaryProject(on: kind)
        let store = project.store
        let pairs = (1...10).map { #"{"id": "i\#($0)", "prompt": "p\#($0)", "response_a": "a", "response_b": "b"}"# }
        let ranked = try Fixtures.pandaLMRankedItems(3, responses: 3).enumerated().map { RankedImportTests.record("r\($0)", $1) }
        _ = try store.importFiles([try project.file("items.jsonl", (pairs + ranked).joined(separator: "\n"))], options: ImportOptions())
        let people = try (1...4).map { try store.person("p\($0)").id }
        let pairIDs = try project.integers("SELECT id FROM items WHERE response_count = 2")
        let rankedIDs = try project.integers("SELECT id FROM items WHERE response_count = 3")
        #expect(pairIDs.count == 10 && rankedIDs.count == 3)
        // A gold item: answered, so the pace leaves it out.
        try store.setGoldAnswer(itemRowID: pairIDs[9], draft: JudgmentDraft(strength: PreferenceStrength(2)!, bothBad: false, rubric: [:], note: nil,
                                                                            shownOrder: .ab, milliseconds: 0), source: "test")
        var random = SplitMix64(seed: 7)
        for step in 0..<300 {
            let person = people[Int(random.next() % 4)]
            do {
                switch random.next() % 4 {
                case 0: _ = try store.undoLastLabel(annotatorID: person)
                case 1:
                    let ranks = [[1, 2, 3], [3, 1, 2], [2, 2, 1]][Int(random.next() % 3)]
                    try store.submit(RankingDraft(ranking: Ranking(ranks: ranks)!, shown: [0, 1, 2], note: nil),
                                     itemID: rankedIDs[Int(random.next() % 3)], annotatorID: person)
                default:
                    try store.submit(JudgmentDraft(strength: PreferenceStrength(Int(random.next() % 7) - 3)!, bothBad: false, rubric: [:], note: nil,
                                                   shownOrder: .ab, milliseconds: 0),
                                     itemID: pairIDs[Int(random.next() % 10)], annotatorID: person)
                }
            } catch is ItemFullError {
                // A first label on an item with its overlap (SQLite refuses it before writing): nothing changed.
            }
            if step % 30 == 29 {
                #expect(try Self.reportedStatus(store) == Self.countedStatus(store, overlap: store.overlap()), "after step \(step)")
                #expect(try store.progressPace() == Self.countedPace(store, overlap: store.overlap()), "after step \(step)")
            }
        }
        let last = try Self.reportedStatus(store)
        let retracted = try project.count("judgment_retractions")
        #expect(last[3] > 10 && last[4] > 1 && retracted > 10)
        #expect(try store.progressPace().recentLabels > 10)
        // Labels made a week ago are not recent.
        #expect(try store.progressPace(now: Date().addingTimeInterval(8 * 86_400)).recentLabels == 0)
        // Items added later start at no judges.
        _ = try store.importFiles([try project.file("more.jsonl", #"{"id": "late", "prompt": "q", "response_a": "x", "response_b": "y"}"#)],
                                  options: ImportOptions())
        #expect(try Self.reportedStatus(store) == Self.countedStatus(store, overlap: store.overlap()))
        #expect(try store.status().itemsUnlabeled >= 1)
        #expect(try store.progressPace() == Self.countedPace(store, overlap: store.overlap()))
        #expect(try store.progressPace().itemsNeedingLabels >= 1)
    }

    /// A project made before v20 gets its kept counts from the labels it holds.
    @Test func upgradingCountsWhatIsThere() throws {
        let project = try TemporaryProject(on: .sqlite)
        let store = project.store
        _ = try store.importFiles([Fixtures.hhRLHF], options: ImportOptions(labelsAs: "hh"))
        let expected = try Self.countedStatus(store, overlap: store.overlap())
        try store.sqlitePool().write { db in
            try db.execute(sql: """
                DROP TRIGGER items_count_added; DROP TRIGGER items_count_removed; DROP TRIGGER items_count_judges;
                DROP TRIGGER current_judgments_count_added; DROP TRIGGER current_judgments_count_removed;
                DROP TRIGGER current_rankings_count_added; DROP TRIGGER current_rankings_count_removed;
                DROP TABLE item_judge_counts; DROP TABLE annotator_label_counts
                """)
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v20%'")
        }
        let upgraded = try ProjectStore.open(at: store.path)
        #expect(try Self.reportedStatus(upgraded) == expected)
        #expect(expected == [2312, 2312, 0, 2312, 0, 2312, 0, 0, 0])
    }

    /// A project made before v9 gets every item's strength range from its current judgments.
    @Test func upgradingFillsTheStrengthRange() throws {
        let queue = try DatabaseQueue()
        try Migrator.migrateSQLite(queue, location: "memory", through: Schema.migrations[7].identifier)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO annotators (id, name, role, created_at) VALUES (1, 'a', 'annotator', 'x'), (2, 'b', 'annotator', 'x')")
            for item in 1...3 {
                try db.execute(sql: "INSERT INTO items (id, external_id, content_hash, prompt, created_at) VALUES (?, ?, ?, '\"p\"', 'x')",
                               arguments: [item, "i\(item)", "h\(item)"])
            }
            // Item 1: a (−2, then +3), b (+1); item 2: a (−1, retracted); item 3: none.
            for (item, annotator, strength) in [(1, 1, -2), (1, 2, 1), (1, 1, 3), (2, 1, -1)] {
                try db.execute(sql: """
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                    VALUES (?, ?, ?, 0, 'ab', 0, 'x', 'tui')
                    """, arguments: [item, annotator, strength])
            }
            try db.execute(sql: "INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (4, 1, 'x')")
        }
        try Migrator.migrateSQLite(queue, location: "memory")
        let ranges = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT strength_min, strength_max FROM items ORDER BY id").map { [$0[0], $0[1]] as [Int?] }
        }
        #expect(ranges == [[1, 3], [nil, nil], [nil, nil]])
    }
}
