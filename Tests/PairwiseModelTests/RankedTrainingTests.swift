import Foundation
import PairwiseCore
import PairwiseModel
@testable import PairwiseWorkflow
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

/// What the trainer reads of a ranked item: the annotators' rankings and mean values, or a
/// lead's decision in their place (its values too, when the lead set some).
@Suite struct RankedTrainingRowsTests {

    @Test func aLeadsDecisionReplacesTheRankingsAndTheValues() throws {
        let directory = try TemporaryDirectory()
        let rubric = Rubric(name: "r", dimensions: [
            Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Meets the request.", kind: .perResponse, scale: Scale(min: 0, max: 4), required: false),
        ])
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: rubric, lead: "lead")
        let responses = ["first answer", "second answer", "third answer", "fourth answer"]
        let lines = [([1, 2, 3, 4], [4, 3, 2, 0], "ann"), ([4, 3, 2, 1], [0, 2, 2, 4], "bo")].map { ranks, values, who in
            JSONWriter.string(.object(["id": .string("r"), "prompt": .string("which?"), "responses": .array(responses.map(JSONValue.string)),
                                       "ranks": .array(ranks.map(JSONValue.int)), "rubric": .object(["helpfulness": .array(values.map(JSONValue.int))]),
                                       "annotator": .string(who)]))
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("r.jsonl"), atomically: true, encoding: .utf8)
        #expect(try store.importFiles([directory.path("r.jsonl")], options: ImportOptions(keepLabels: true)).rankingsAdded == 2)
        let featurizer = Featurizer(hashBits: 10)
        var set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:])
        // Opposite rankings: every response's Borda score ties, so each implied pair is a tie.
        #expect(set.data.pairs.map(\.label) == Array(repeating: .tie, count: 6))
        #expect(set.rankedRatings.map(\.firstRow) == [0] && set.rankedRatings.first?.means == ["helpfulness": [2, 2.5, 2, 2]])

        let rowID = try #require(try store.itemRowID(externalID: "r"))
        try store.adjudicate(itemRowID: rowID, leadID: try store.person("lead").id, ranking: Ranking(ranks: [2, 1, 3, 4])!,
                                    rubric: ResponseRatings(["helpfulness": [3, 4, 1, 0]]), reason: .annotatorError, note: nil)
        set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:])
        // The lead's order (rows 0…3 the responses in stored order): 1, then 0, 2, 3; "x>y" x better.
        let order = set.data.pairs.map { pair -> String in
            switch pair.label {
            case .aBetter: return "\(pair.a)>\(pair.b)"
            case .bBetter: return "\(pair.b)>\(pair.a)"
            case .tie: return "\(pair.a)=\(pair.b)"
            }
        }
        #expect(order == ["1>0", "0>2", "0>3", "1>2", "1>3", "2>3"])
        #expect(set.pairWeights == Array(repeating: 0.5, count: 6))
        #expect(set.rankedRatings.first?.means == ["helpfulness": [3, 4, 1, 0]])
        // A decision without values keeps the annotators' means.
        try store.adjudicate(itemRowID: rowID, leadID: try store.person("lead").id, ranking: Ranking(ranks: [2, 1, 3, 4])!,
                                    reason: .annotatorError, note: nil)
        set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:])
        #expect(set.rankedRatings.first?.means == ["helpfulness": [2, 2.5, 2, 2]])
    }
}
