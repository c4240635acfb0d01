import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct RankedTrainingTests {
    /// On simulated annotators with a known reward, rankings of 4 responses train a better
    /// model than one random pair per item from the same rankings (`pairwise bench ranked`
    /// prints the figures at larger sizes).
    @Test func rankedItemsBeatOneRandomPairPerItem() {
        let results = RankedTrainingBenchmark.run(items: 300, responses: 4, seeds: [1, 2])
        #expect(results.map(\.pairs) == [1800, 1800, 300])
        #expect(results[0].accuracy > results[2].accuracy + 0.02, "\(results.map(\.accuracy))")
    }

    /// The trainer takes every pair a ranked item's consensus implies: 6 of 4 responses.
    @Test func theTrainerTrainsOnImpliedPairs() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 40)
        let world = SyntheticPreferences(vocabularySize: 60, sharpness: 12, seed: 5)
        var generator = SplitMix64(seed: 9)
        let lines = (0..<10).map { n -> String in
            let responses = (0..<4).map { _ in world.response(using: &generator) }
            let ranks = Ranking(scores: responses.map(\.reward))!.ranks
            return JSONWriter.string(.object(["id": .string("ranked-\(n)"), "prompt": .string("ranked question \(n)"),
                                              "responses": .array(responses.map { .string($0.text) }), "ranks": .array(ranks.map(JSONValue.int))]))
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("ranked.jsonl"), atomically: true, encoding: .utf8)
        #expect(try store.importFiles([directory.path("ranked.jsonl")], options: ImportOptions(labelsAs: "oracle")).rankingsAdded == 10)
        let outcome = try Trainer(store: store, options: quickOptions(), holder: "test").runOnce()
        guard case .trained(_, let metrics) = outcome else { Issue.record("expected a run, got \(outcome)"); return }
        // 40 judged pairs (ties too) and 10 rankings of 4 responses.
        #expect(try store.currentJudgments().count == 40 && metrics.pairs == 40 + 10 * 6)
        // New rankings alone bring the next run.
        var options = quickOptions()
        options.minNew = 2
        #expect(try Trainer(store: store, options: options, holder: "test").runOnce() == .nothingNew(newJudgments: 0))
        let more = (10..<12).map { n -> String in
            let responses = (0..<3).map { _ in world.response(using: &generator) }
            return JSONWriter.string(.object(["id": .string("ranked-\(n)"), "prompt": .string("ranked question \(n)"),
                                              "responses": .array(responses.map { .string($0.text) }), "ranks": .array([.int(1), .int(2), .int(3)])]))
        }
        try more.joined(separator: "\n").write(toFile: directory.path("more.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("more.jsonl")], options: ImportOptions(labelsAs: "oracle"))
        guard case .trained(_, let again) = try Trainer(store: store, options: options, holder: "test").runOnce() else {
            Issue.record("new rankings did not bring a run"); return
        }
        #expect(again.pairs == 40 + 10 * 6 + 2 * 3)
    }
}
