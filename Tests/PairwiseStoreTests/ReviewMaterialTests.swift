import Foundation
import PairwiseCore
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// Review's material read from the tallies items keep is what the definition gives from
/// every current judgment, under each filter; its first contested pair comes first alone.
@Suite struct ReviewMaterialTests {
    @Test(arguments: StoreKind.available)
    func keptTalliesGiveTheDefinitionUnderEveryFilter(_ kind: StoreKind) throws {
        let rubric = Rubric(name: "r", dimensions: [Dimension(key: "help", title: "Helpful", guideline: "How helpful each response is.", kind: .perResponse, scale: Scale(min: 1, max: 5), required: false)])
        let project = try TemporaryProject(on: kind, rubric: rubric)
        let store = project.store
        let lines = (1...40).map { #"{"id": "i\#($0)", "prompt": "p\#($0)", "response_a": "a", "response_b": "b"}"# }.joined(separator: "\n")
        _ = try store.importFiles([try project.file("items.jsonl", lines)], options: ImportOptions())
        let people = try (1...4).map { try store.person("p\($0)").id }
        let lead = try store.person("lead").id
        let items = try project.integers("SELECT id FROM items")
        var random = SplitMix64(seed: 7)
        func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }
        for _ in 0..<500 {
            try store.write { sql in
                switch random.next() % 10 {
                case 0:
                    let live = try sql.rows("SELECT id FROM judgments j WHERE \(ProjectStore.liveJudgment)", []).compactMap { $0[0].integer }
                    if !live.isEmpty {
                        try sql.execute("INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (?, ?, 'x')",
                                        [.integer(pick(live)), .integer(people[0])])
                    }
                case 1:
                    try sql.execute("INSERT INTO item_events (item_id, annotator_id, kind, reason, created_at) VALUES (?, ?, 'flag', ?, 'x')",
                                    [.integer(pick(items)), .integer(pick(people)), random.next() % 2 == 0 ? .null : .text("unclear")])
                case 2:
                    let id = try sql.integer("INSERT INTO adjudications (item_id, lead_id, strength, both_bad, reason, created_at) VALUES (?, ?, 1, 0, 'other', 'x') RETURNING id",
                                             [.integer(pick(items)), .integer(lead)])
                    if random.next() % 2 == 0 {
                        try sql.execute("INSERT INTO adjudication_retractions (adjudication_id, lead_id, created_at) VALUES (?, ?, 'x')",
                                        [.optional(id.map { Int($0) }), .integer(lead)])
                    }
                default:
                    let help = random.next() % 3 == 0 ? "{}" : #"{"help": {"a": \#(1 + random.next() % 5), "b": \#(1 + random.next() % 5)}}"#
                    try sql.execute("""
                        INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                        VALUES (?, ?, ?, 0, ?, 'ab', 0, 'x', 'tui')
                        """, [.integer(pick(items)), .integer(pick(people)), .integer(Int64(random.next() % 7) - 3), .text(help)])
                }
            }
        }
        let suspects = Set(items.filter { _ in random.next() % 5 == 0 })
        let judgments = try store.read { try ProjectStore.currentJudgments(sql: $0, annotator: nil) }
        let adjudications = try store.read { try ProjectStore.currentAdjudications(sql: $0) }
        let flags = try store.read { sql in
            try sql.rows("SELECT item_id, reason FROM item_events WHERE kind = 'flag' ORDER BY id", [])
                .reduce(into: [Int64: [String?]]()) { $0[$1[0].integer ?? -1, default: []].append($1[1].text) }
        }
        #expect(!adjudications.isEmpty && flags.count > 5)
        for filter in [ReviewFilter(), ReviewFilter(annotator: "p2"), ReviewFilter(annotator: "nobody"), ReviewFilter(dimension: "help"),
                       ReviewFilter(flaggedOnly: true), ReviewFilter(annotator: "p3", dimension: "help", flaggedOnly: true)] {
            let kept = try store.reviewMaterial(filter: filter, suspects: suspects)
            let defined = ReviewMaterial(judgments: judgments, adjudications: adjudications, flags: flags, suspects: suspects, filter: filter)
            #expect(kept == defined, "\(filter)")
            #expect(!kept.tallies.isEmpty || filter.annotator == "nobody", "\(filter)")
        }
        // The first contested pair, found by a seek per kind of tally on the split index, is
        // the whole list's first: the lowest review key, then the lowest row id.
        let listed = try store.reviewMaterial(filter: ReviewFilter(), suspects: [])
        let expected = try #require(listed.tallies.compactMap { rowID, tally in ReviewOrderKey(contested: tally).map { (key: $0, rowID: rowID, tally: tally) } }
            .min { ($0.key, $0.rowID) < ($1.key, $1.rowID) })
        let first = try #require(try store.firstContestedItem())
        #expect(first.rowID == expected.rowID && first.tally == expected.tally)
        #expect(try store.firstContestedItem(minimumItems: items.count + 1) == nil, "a small project lists all at once")
    }
}
