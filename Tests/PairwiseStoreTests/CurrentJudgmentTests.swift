import Foundation
import GRDB
import PairwiseCore
@testable import PairwiseStore
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

    @Test func randomJudgmentsAndRetractionsKeepTheDefinition() throws {
        let project = try TemporaryProject()
        let store = project.store
        let lines = (1...12).map { #"{"id": "i\#($0)", "prompt": "p\#($0)", "response_a": "a", "response_b": "b"}"# }.joined(separator: "\n")
        _ = try store.importFiles([try project.file("items.jsonl", lines)], options: ImportOptions())
        let people = try (1...4).map { try store.person("p\($0)").id }
        let items = try store.pool.read { try Int64.fetchAll($0, sql: "SELECT id FROM items") }
        var random = SplitMix64(seed: 42)
        for step in 0..<600 {
            try store.pool.write { db in
                if random.next() % 3 == 0 {
                    // Retract a random live judgment: current or not.
                    let live = try Int64.fetchAll(db, sql: "SELECT id FROM judgments j WHERE \(ProjectStore.liveJudgment)")
                    guard !live.isEmpty else { return }
                    try db.execute(sql: "INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (?, ?, 'x')",
                                   arguments: [live[Int(random.next() % UInt64(live.count))], people[0]])
                } else {
                    try db.execute(sql: """
                        INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                        VALUES (?, ?, ?, 0, 'ab', 0, 'x', 'tui')
                        """, arguments: [items[Int(random.next() % UInt64(items.count))], people[Int(random.next() % 4)], Int(random.next() % 7) - 3])
                }
            }
            if step % 50 == 49 {
                try store.pool.read { db in
                    let kept = try Row.fetchAll(db, sql: "SELECT item_id, annotator_id, judgment_id FROM current_judgment_ids ORDER BY 1, 2")
                    let defined = try Row.fetchAll(db, sql: Self.definition)
                    #expect(kept.map { [$0[0], $0[1], $0[2]] as [Int64] } == defined.map { [$0[0], $0[1], $0[2]] as [Int64] })
                    let perItem = try Row.fetchAll(db, sql: "SELECT id, judges, prefer_a, prefer_b, prefer_neither FROM items ORDER BY id")
                        .map { row in (0..<5).map { row[$0] as Int64 } }
                    let counted = try Row.fetchAll(db, sql: """
                        SELECT i.id, count(j.id), coalesce(sum(j.strength < 0), 0), coalesce(sum(j.strength > 0), 0), coalesce(sum(j.strength = 0), 0)
                        FROM items i LEFT JOIN (\(Self.definition)) d ON d.item_id = i.id LEFT JOIN judgments j ON j.id = d.id
                        GROUP BY i.id ORDER BY i.id
                        """).map { row in (0..<5).map { row[$0] as Int64 } }
                    #expect(perItem == counted)
                }
            }
        }
        let retracted = try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM judgment_retractions") ?? 0 }
        #expect(retracted > 100)
    }
}
