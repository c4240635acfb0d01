import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStats
import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct ModelReportTests {
    /// Labels from a known reward, with the first `flipped` clear ones turned around at full
    /// strength: the mislabels the model should find. Returns their item ids.
    let world = SyntheticPreferences(vocabularySize: 60, sharpness: 12, seed: 5)

    func projectWithMislabels(_ directory: TemporaryDirectory, pairs: Int, flipped: Int) throws -> (ProjectStore, Set<String>) {
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        var wrong = Set<String>()
        let lines = world.pairs(count: pairs, seed: 6).enumerated().map { n, p -> String in
            var strength = p.strength
            if wrong.count < flipped && abs(p.trueMargin) > 1 {
                strength = p.trueMargin > 0 ? 3 : -3
                wrong.insert("question \(n)")
            }
            return JSONWriter.string(.object(["prompt": .string("question \(n)"), "response_1": .string(p.responseA),
                                              "response_2": .string(p.responseB), "preference_strength": .int(strength)]))
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("pairs.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("pairs.jsonl")], options: ImportOptions(labelsAs: "oracle"))
        // Item ids are content hashes here: find the flipped ones by their prompt.
        let ids = try store.labeledItems().filter { wrong.contains($0.item.prompt.plainText) }.map(\.item.id)
        return (store, Set(ids))
    }

    @Test func suspectsAreTheLabelsTheModelConfidentlyContradicts() throws {
        let directory = try TemporaryDirectory()
        let (store, wrong) = try projectWithMislabels(directory, pairs: 600, flipped: 30)
        #expect(wrong.count == 30)
        guard case .trained = try Trainer(store: store, options: quickOptions(hashBits: 12, ensemble: 5), holder: "t").runOnce() else {
            Issue.record("expected a run"); return
        }
        let scores = try store.latestItemScores()
        // Out-of-bag margins exist for labeled items left out of some bootstrap sample:
        // with 5 members, all but about 0.63^5 ≈ 10% of them.
        let withHeldOut = scores.values.filter { $0.heldOutMargin != nil }.count
        #expect(withHeldOut > 480 && withHeldOut < 600, "\(withHeldOut)")
        let report = try #require(try store.modelReport())
        // Most flipped labels are found, and the top of the list is labels that contradict
        // the true reward (flipped, or sampled against it by the simulated annotator).
        let generated = world.pairs(count: 600, seed: 6)
        let truth = Dictionary(uniqueKeysWithValues: try store.labeledItems().map { entry in
            (entry.item.id, generated[Int(entry.item.prompt.plainText.dropFirst("question ".count))!].trueMargin)
        })
        let found = report.suspects.filter { wrong.contains($0.itemID) }.count
        let top = report.suspects.prefix(20)
        let againstTruth = top.filter { ($0.humanStrength < 0) != (truth[$0.itemID]! > 0) }.count
        #expect(found >= 14, "\(found) of 30 flipped labels among \(report.suspects.count) suspects")
        #expect(againstTruth >= 18, "\(againstTruth) of the top 20 contradict the true reward")
        #expect(report.suspects.allSatisfy { $0.confidence >= ModelReport.suspectConfidence })
        #expect(zip(report.suspects, report.suspects.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(report.strengthPairs == withHeldOut)
        // The report read from columns and indexed queries is the one built from every judgment.
        let defined = ModelReport(run: report.run, history: report.history, judgments: try store.currentJudgments(), scores: scores,
                                  heads: report.heads, overlap: try store.overlap())
        #expect(report.suspects == defined.suspects && report.nextToLabel == defined.nextToLabel)
        #expect(report.strengthPairs == defined.strengthPairs && report.strengthPearson == defined.strengthPearson
                && report.strengthSpearman == defined.strengthSpearman)
    }

    func run(_ id: Int64, pairs: Int, accuracy: Double, heldOut: Int) -> ModelRunSummary {
        ModelRunSummary(id: id, finishedAt: "2026-11-23T00:00:00Z", pairs: pairs, accuracy: accuracy, logLoss: 0.6,
                        calibrationError: 0.05, trainSeconds: 1, heldOutPairs: heldOut)
    }

    func judgment(_ item: String, _ annotator: String, _ strength: Int, bothBad: Bool = false) -> Judgment {
        Judgment(itemID: item, annotator: annotator, strength: PreferenceStrength(strength)!, bothBad: bothBad, rubric: [:], note: nil,
                 shownOrder: .ab, milliseconds: 1000, createdAt: Date(timeIntervalSince1970: 0), origin: "test")
    }

    @Test func aReportFromKnownScores() throws {
        // margin = r(A) − r(B); ln 3 gives P(A better) = 0.75 exactly.
        let ln3 = log(3.0)
        let scores: [String: ItemScore] = [
            "x": ItemScore(itemRowID: 1, rewardA: 0, rewardB: 0, margin: 9, uncertainty: 0.3, heldOutMargin: 2),   // prefers A
            "y": ItemScore(itemRowID: 2, rewardA: 0, rewardB: 0, margin: 0, uncertainty: 0, heldOutMargin: -ln3),  // prefers B, P 0.75
            "z": ItemScore(itemRowID: 3, rewardA: 0, rewardB: 0, margin: 0.5, uncertainty: 0.5, heldOutMargin: nil), // in every sample
        ]
        let judgments = [
            judgment("x", "ann", 2), judgment("x", "bob", -1),   // ann chose B against P(A) = σ(2)
            judgment("y", "ann", -3), judgment("y", "bob", 0),   // ann chose A against P(B) = 0.75; a tie is never a suspect
            judgment("z", "ann", 3),                              // P(A) = σ(0.5) = 0.62: not confident
            judgment("w", "ann", 3, bothBad: true),               // no score, both bad
        ]
        let report = ModelReport(run: run(2, pairs: 4, accuracy: 0.75, heldOut: 20),
                                 history: [run(1, pairs: 4, accuracy: 0.5, heldOut: 0), run(2, pairs: 40, accuracy: 0.75, heldOut: 8)],
                                 judgments: judgments, scores: scores, overlap: 2)
        #expect(report.suspects.map(\.itemID) == ["x", "y"])
        #expect(report.suspects.map(\.annotator) == ["ann", "ann"])
        #expect(abs(report.suspects[0].confidence - 1 / (1 + exp(-2))) < 1e-12)
        #expect(abs(report.suspects[1].confidence - 0.75) < 1e-12)
        #expect(report.suspects[1].modelStrength == ln3)
        // Items x and y have held-out margins: human means 0.5 and −1.5, model −2 and ln 3.
        #expect(report.strengthPairs == 2)
        #expect(report.strengthPearson == -1)
        // x and y have their 2 judgments; z has 1 of 2.
        #expect(report.nextToLabel == [ModelReport.Candidate(itemID: "z", uncertainty: 0.5, judgments: 1)])
        #expect(report.summaryLines(suspectLimit: 1, showNames: false) == [
            "Reward model",
            "  run 2: 4 pairs, held-out accuracy 0.750 on 20, log loss 0.600, calibration error 0.050",
            "",
            "  Held-out accuracy as labels grew (bar from 0.5, chance, to 1.0):",
            "          4 pairs  (none held out)",
            "         40 pairs  0.750 ███████████████",
            "",
            "  Model vs human strength on 2 items (held-out): Pearson r -1.000, Spearman ρ -1.000",
            "",
            "  Next to label (most uncertain of the items still needing judgments):",
            "    z  uncertainty 0.500, 1 judgments",
            "",
            "  Suspect labels (model contradicts with P ≥ 0.75): 2",
            "    x  human +2  model -2.00  P 0.88",
        ])
    }
}
