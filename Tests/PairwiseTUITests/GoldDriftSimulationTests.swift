import Foundation
import GRDB
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStats
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

/// A simulated annotator who answers the hh-rlhf label (chosen better) with probability
/// `accuracy` and the opposite otherwise, through the annotate screen's keys.
struct SimulatedPerson {
    let name: String
    let accuracy: Double
    let session: AnnotateSession
    var judged = 0

    /// Judges the pair on screen; false when the queue is empty.
    mutating func judge(truth: [String: Int], generator: inout SplitMix64) -> Bool {
        guard let pair = session.state.pair, let strength = truth[pair.item.id] else { return false }
        let shownTruth = pair.shownOrder == .ab ? strength : -strength
        let right = Double.random(in: 0..<1, using: &generator) < accuracy
        let firstBetter = (shownTruth < 0) == right
        session.handle(.character(firstBetter ? "2" : "6"))
        session.handle(.enter)
        judged += 1
        return true
    }
}

@Suite struct GoldDriftSimulationTests {
    /// Five annotators share real hh-rlhf pairs at overlap 3, with gold items mixed in at
    /// 20%; four answer right 90% of the time, one 55%. The drift check (last 30 judgments,
    /// level 75%) must list the planted one within 30 of their judgments, and nobody else.
    @Test func theDriftCheckFindsThePlantedBadAnnotatorWithinThirtyJudgments() throws {
        let directory = try TemporaryDirectory()
        try Fixtures.hhRLHFRecords(60, into: directory.path("items.jsonl"))
        try Fixtures.hhRLHFRecords(40, from: 60, into: directory.path("gold.jsonl"))
        // The truth for every pair: hh-rlhf's own label, as gold answers of a scratch project.
        let scratch = try ProjectStore.create(at: directory.path("truth.sqlite"), rubric: Rubric(name: "overall", dimensions: []), lead: "lead")
        _ = try scratch.importFiles([directory.path("items.jsonl"), directory.path("gold.jsonl")], options: ImportOptions(destination: .gold))
        let truth = Dictionary(uniqueKeysWithValues: try scratch.goldItems().map { ($0.itemID, $0.answer.strength) })
        #expect(truth.count == 100)

        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "overall", dimensions: []), lead: "lead")
        try store.setOverlap(3)
        // A fixed project seed: queues and gold places are seeded by it (init picks one at random).
        try store.sqlitePool().write { try $0.execute(sql: "UPDATE settings SET value = '7' WHERE key = 'seed'") }
        _ = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions())
        let gold = try store.importFiles([directory.path("gold.jsonl")], options: ImportOptions(destination: .gold))
        #expect(gold.labelsAdded == 40 && gold.itemsAdded == 40)
        try store.setQualitySetting("gold_rate", "0.2")

        var people = try [("ann", 0.9), ("bo", 0.9), ("cy", 0.9), ("di", 0.9), ("planted", 0.55)].map {
            SimulatedPerson(name: $0.0, accuracy: $0.1, session: try AnnotateSession(store: store, annotator: $0.0))
        }
        var generator = SplitMix64(seed: 2026)
        var foundAt: Int?
        var wronglyListed: Set<String> = []
        rounds: for _ in 0..<60 {
            for n in people.indices {
                guard people[n].judge(truth: truth, generator: &generator) else { continue }
                let drifting = Set(try store.qualityReport().drifting.map(\.name))
                wronglyListed.formUnion(drifting.subtracting(["planted"]))
                if foundAt == nil && drifting.contains("planted") { foundAt = people[4].judged }
                if foundAt != nil && people[4].judged >= 40 { break rounds }
            }
        }
        // With these seeds: listed at its 27th judgment (over 40 seeds, 34 found it within 30).
        let found = try #require(foundAt)
        #expect(found == 27)
        #expect(found <= 30)
        #expect(wronglyListed.isEmpty)
        let report = try store.qualityReport()
        #expect(report.annotators.map { "\($0.name) \($0.gold.correct)/\($0.gold.judged)" }
                == ["ann 7/7", "bo 9/11", "cy 9/10", "di 8/8", "planted 7/9"])
    }
}
