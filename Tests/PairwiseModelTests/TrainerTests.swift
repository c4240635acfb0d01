import Foundation
import GRDB
import PairwiseCore
import PairwiseModel
import PairwiseStore
import PairwiseTestSupport
import Testing

/// A project whose labels come from a known reward.
func syntheticProject(_ directory: TemporaryDirectory, pairs: Int) throws -> ProjectStore {
    let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
    let world = SyntheticPreferences(vocabularySize: 60, sharpness: 12, seed: 5)
    let lines = world.pairs(count: pairs, seed: 6).enumerated().map { n, p in
        JSONWriter.string(.object(["prompt": .string("question \(n)"), "response_1": .string(p.responseA),
                                   "response_2": .string(p.responseB), "preference_strength": .int(p.strength)]))
    }
    try lines.joined(separator: "\n").write(toFile: directory.path("pairs.jsonl"), atomically: true, encoding: .utf8)
    _ = try store.importFiles([directory.path("pairs.jsonl")], options: ImportOptions(labelsAs: "oracle"))
    return store
}

/// Small, quick trainer settings for tests.
func quickOptions(hashBits: Int = 10, ensemble: Int = 2) -> Trainer.Options {
    var options = Trainer.Options()
    options.hashBits = hashBits
    options.ensembleSize = ensemble
    return options
}

@Suite struct TrainerTests {
    @Test func aRunStoresMetricsAndScoresEveryItem() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 400)
        let options = quickOptions(hashBits: 12, ensemble: 3)
        let outcome = try Trainer(store: store, options: options, holder: "test").runOnce()
        guard case .trained(let runID, let metrics) = outcome else { Issue.record("expected a run, got \(outcome)"); return }
        #expect(metrics.pairs == 400)
        // The best achievable: how often the true reward agrees with the sampled labels.
        let truth = SyntheticPreferences(vocabularySize: 60, sharpness: 12, seed: 5).pairs(count: 400, seed: 6).filter { $0.strength != 0 }
        let best = Double(truth.filter { ($0.trueMargin > 0) == ($0.strength < 0) }.count) / Double(truth.count)
        // 80 held-out pairs after training on 320: within 0.1 of the best achievable.
        #expect(metrics.accuracy > best - 0.1, "held-out \(metrics.accuracy), best achievable \(best)")
        #expect(metrics.accuracy > 0.5)
        let (scores, status) = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM model_scores WHERE run_id = ?", arguments: [runID]),
             try String.fetchOne(db, sql: "SELECT status FROM model_runs WHERE id = ?", arguments: [runID]))
        }
        #expect(scores == 400 && status == "done")
        #expect(try store.latestModelRun()?.id == runID)
        // Nothing new: no refit.
        #expect(try Trainer(store: store, options: options, holder: "test").runOnce() == .nothingNew(newJudgments: 0))
    }

    @Test func onlyOneTrainerFitsAndADeadOnesLeaseExpires() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 50)
        let options = quickOptions()
        #expect(try store.acquireTrainerLease(holder: "other", seconds: 600))
        #expect(try Trainer(store: store, options: options, holder: "me").runOnce() == .leaseHeldByAnother)
        // A lease that expired (its trainer died) is taken over.
        #expect(try store.acquireTrainerLease(holder: "other", seconds: -1))
        guard case .trained = try Trainer(store: store, options: options, holder: "me").runOnce() else {
            Issue.record("expected a run"); return
        }
    }

    @Test func aRunThatNeverFinishedIsNotTheModelInUse() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 50)
        let options = quickOptions()
        guard case .trained(let first, _) = try Trainer(store: store, options: options, holder: "me").runOnce() else {
            Issue.record("expected a run"); return
        }
        // A trainer killed mid-fit leaves a 'running' row and no scores.
        _ = try store.startModelRun(lastJudgmentID: 999)
        #expect(try store.latestModelRun()?.id == first)
    }
}
