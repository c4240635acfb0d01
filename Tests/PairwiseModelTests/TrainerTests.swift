import Foundation
import GRDB
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
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
        let (scores, status) = try store.sqlitePool().read { db in
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

    @Test func scoresOfARunKilledWhileStoringThemAreInvisibleThenCleared() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 50)
        let options = quickOptions()
        guard case .trained(let first, _) = try Trainer(store: store, options: options, holder: "me").runOnce() else {
            Issue.record("expected a run"); return
        }
        let before = try store.latestUncertainties()
        // A run killed after writing its first chunk of scores.
        let dead = try store.startModelRun(lastJudgmentID: 999)
        try store.sqlitePool().write { db in
            try db.execute(sql: "INSERT INTO model_scores SELECT ?, item_id, 9, 9, 9, 9, 9 FROM model_scores WHERE run_id = ?", arguments: [dead, first])
        }
        #expect(try store.latestModelRun()?.id == first)
        #expect(try store.latestUncertainties() == before)
        // The next trainer, holding the lease, marks it failed and drops its scores.
        _ = try Trainer(store: store, options: options, holder: "me").runOnce()
        let (status, rows) = try store.sqlitePool().read { db in
            (try String.fetchOne(db, sql: "SELECT status FROM model_runs WHERE id = ?", arguments: [dead]),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM model_scores WHERE run_id = ?", arguments: [dead]))
        }
        #expect(status == "failed" && rows == 0)
    }

    @Test func theLeaseOfAKilledProcessOnThisHostIsTakenOver() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 50)
        // Process ids above /proc/sys/kernel/pid_max (at most 2^22) never exist.
        let host = ProcessInfo.processInfo.hostName
        #expect(try store.acquireTrainerLease(holder: "\(host):9999999", seconds: 600))
        guard case .trained = try Trainer(store: store, options: quickOptions(), holder: "me").runOnce() else {
            Issue.record("expected the dead holder's lease to be taken over"); return
        }
        // A live holder (this process) is waited for.
        #expect(try store.acquireTrainerLease(holder: Trainer.processHolder, seconds: 600))
        #expect(try Trainer(store: store, options: quickOptions(), holder: "me").runOnce() == .leaseHeldByAnother)
        // So is one on another host, whose processes cannot be checked from here.
        #expect(try store.acquireTrainerLease(holder: "elsewhere.example:9999999", seconds: 600, holderIsGone: { _ in true }))
        #expect(try Trainer(store: store, options: quickOptions(), holder: "me").runOnce() == .leaseHeldByAnother)
    }

    @Test func theBackgroundTrainerFitsWithoutTheCallerWaiting() throws {
        let directory = try TemporaryDirectory()
        let store = try syntheticProject(directory, pairs: 200)
        let trainer = BackgroundTrainer(trainer: Trainer(store: store, options: quickOptions(), holder: "bg"), interval: 0.05)
        #expect(trainer.completedRuns == 0)
        trainer.start()
        let deadline = Date().addingTimeInterval(60)
        while trainer.completedRuns == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        trainer.stop()
        trainer.join()
        #expect(trainer.completedRuns == 1, "nothing new after the first run: one fit only")
        #expect(trainer.lastError == nil)
        #expect(try store.latestModelRun()?.pairs == 200)
        // Stopped: the lease is free for the next trainer.
        #expect(try store.acquireTrainerLease(holder: "next", seconds: 60))
    }
}

@Suite struct AttributeHeadTests {
    /// Ratings of each response on a 0–4 rubric dimension follow its true value; the head
    /// learns them from the words alone.
    @Test func aPerResponseDimensionGetsItsOwnHead() throws {
        let directory = try TemporaryDirectory()
        let rubric = Rubric(name: "r", dimensions: [
            Dimension(key: "helpfulness", title: "Helpfulness", guideline: "How helpful", kind: .perResponse, scale: Scale(min: 0, max: 4), required: false),
            Dimension(key: "safety", title: "Safety", guideline: "Which is safer", kind: .comparative, scale: Scale(min: -1, max: 1), required: false),
        ])
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: rubric, lead: "lead")
        let world = SyntheticPreferences(vocabularySize: 60, sharpness: 12, seed: 5)
        let pairs = world.pairs(count: 300, seed: 6)
        let lines = pairs.enumerated().map { n, p in
            JSONWriter.string(.object(["prompt": .string("question \(n)"), "response_1": .string(p.responseA),
                                       "response_2": .string(p.responseB), "preference_strength": .int(p.strength)]))
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("pairs.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("pairs.jsonl")], options: ImportOptions(labelsAs: "oracle"))
        func value(_ text: String) -> Double {
            let words = text.split(separator: " ")
            return words.reduce(0.0) { $0 + world.values[Int($1.dropFirst())!] } / Double(words.count)
        }
        func rating(_ text: String) -> Int { max(0, min(4, Int((2 + 8 * value(text)).rounded()))) }
        // A second annotator agrees with each label and rates both responses.
        try store.sqlitePool().write { db in
            try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES ('rater', 'annotator', 'x')")
            for (n, p) in pairs.enumerated() {
                try db.execute(sql: """
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                    SELECT i.id, p.id, ?, 0, ?, 'ab', 1, 'x', 'test' FROM items i, annotators p WHERE i.prompt = ? AND p.name = 'rater'
                    """, arguments: [p.strength, "{\"helpfulness\": {\"a\": \(rating(p.responseA)), \"b\": \(rating(p.responseB))}}",
                                     JSONWriter.string(.string("question \(n)"))])
            }
        }
        guard case .trained = try Trainer(store: store, options: quickOptions(hashBits: 10, ensemble: 1), holder: "t").runOnce() else {
            Issue.record("expected a run"); return
        }
        let heads = try store.latestModelHeads(withWeights: true)
        #expect(heads.map(\.dimension) == ["helpfulness"], "comparative dimensions have no head")
        let head = try #require(heads.first)
        #expect(head.examples == 600)
        #expect(head.weights.count == 1 + Featurizer(hashBits: 10).dimension)
        // 60 held-out items (120 responses): the ratings are a rounded, clamped function of the words.
        #expect((head.heldOutPearson ?? 0) > 0.7, "\(String(describing: head.heldOutPearson))")
        #expect((head.heldOutRMSE ?? 9) < 0.8, "\(String(describing: head.heldOutRMSE))")
    }

    /// Ranked items' per-response values train the head as pairs' do: every response of
    /// every rated ranked item is an example, the held-out split by item.
    @Test func rankedItemsRatingsTrainTheHead() throws {
        let directory = try TemporaryDirectory()
        let rubric = Rubric(name: "r", dimensions: [
            Dimension(key: "helpfulness", title: "Helpfulness", guideline: "How helpful", kind: .perResponse, scale: Scale(min: 0, max: 4), required: false),
        ])
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: rubric, lead: "lead")
        let world = SyntheticPreferences(vocabularySize: 60, sharpness: 12, seed: 5)
        func rating(_ text: String) -> Int {
            let words = text.split(separator: " ")
            let value = words.reduce(0.0) { $0 + world.values[Int($1.dropFirst())!] } / Double(words.count)
            return max(0, min(4, Int((2 + 8 * value).rounded())))
        }
        var generator = SplitMix64(seed: 11)
        let lines = (0..<150).map { n -> String in
            let responses = (0..<4).map { _ in world.response(using: &generator) }
            return JSONWriter.string(.object([
                "id": .string("ranked-\(n)"), "prompt": .string("ranked question \(n)"), "responses": .array(responses.map { .string($0.text) }),
                "ranks": .array(Ranking(scores: responses.map(\.reward))!.ranks.map(JSONValue.int)),
                "rubric": .object(["helpfulness": .array(responses.map { .int(rating($0.text)) })]),
            ]))
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("ranked.jsonl"), atomically: true, encoding: .utf8)
        #expect(try store.importFiles([directory.path("ranked.jsonl")], options: ImportOptions(labelsAs: "oracle")).rankingsAdded == 150)
        guard case .trained = try Trainer(store: store, options: quickOptions(hashBits: 10, ensemble: 1), holder: "t").runOnce() else {
            Issue.record("expected a run"); return
        }
        let head = try #require(try store.latestModelHeads(withWeights: false).first)
        #expect(head.dimension == "helpfulness" && head.examples == 600)
        // 30 held-out items (120 responses).
        #expect((head.heldOutPearson ?? 0) > 0.7, "\(String(describing: head.heldOutPearson))")
    }
}
