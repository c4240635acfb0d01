import Foundation
@testable import PairwiseStats
import PairwiseCore
import PairwiseTestSupport
import Testing

func wins(_ pairs: [(Int, Int)]) -> [Comparison] { pairs.map { Comparison($0.0, $0.1, .firstWins) } }

@Suite struct BradleyTerryReferenceTests {
    /// choix 0.4.1, maximum likelihood: [[0,1],[0,1],[1,2],[2,0]].
    @Test func choixSmallExample() {
        let fit = BradleyTerry.fit(wins([(0, 1), (0, 1), (1, 2), (2, 0)]), models: 3)
        let expected = [0.419617624, -0.419617624, 0.0]
        for (mine, theirs) in zip(fit.theta, expected) { #expect(abs(mine - theirs) < 1e-8) }
    }

    @Test func aThreeCycleIsAllEqual() {
        let fit = BradleyTerry.fit(wins([(0, 1), (1, 2), (2, 0)]), models: 3)
        #expect(fit.theta.allSatisfy { abs($0) < 1e-12 })
    }

    /// choix with alpha = 1: the objective ½Σθ² + Σ log(1 + e^−(θw − θl)).
    @Test func choixRegularisedEightItems() {
        let pairs = [(7, 3), (2, 0), (5, 2), (4, 2), (2, 1), (4, 5), (6, 3), (5, 4), (7, 0), (2, 3), (4, 0), (0, 4), (6, 5), (3, 2),
                     (3, 4), (3, 4), (5, 2), (7, 3), (7, 6), (6, 5)]
        let fit = BradleyTerry.fit(wins(pairs), models: 8, ridge: 1)
        let expected = [-0.51974039, -0.46280878, -0.31376862, -0.06854694, -0.3185146, -0.00346107, 0.63032783, 1.05651257]
        for (mine, theirs) in zip(fit.theta, expected) { #expect(abs(mine - theirs) < 1e-6) }
    }

    @Test func tiesCountHalfAWin() {
        // One win each way plus a tie is a dead heat; a win and a tie favour the winner by ln 3.
        let even = BradleyTerry.fit([Comparison(0, 1, .firstWins), Comparison(0, 1, .secondWins), Comparison(0, 1, .tie)], models: 2)
        #expect(even.theta.allSatisfy { abs($0) < 1e-12 })
        let ahead = BradleyTerry.fit([Comparison(0, 1, .firstWins), Comparison(0, 1, .tie)], models: 2)
        #expect(abs((ahead.theta[0] - ahead.theta[1]) - log(3.0)) < 1e-10)
    }

    @Test func connectivityIsReported() {
        let split = wins([(0, 1), (1, 0), (2, 3), (3, 2)])
        #expect(BradleyTerry.components(split, models: 4) == [[0, 1], [2, 3]])
        #expect(!BradleyTerry.isStronglyConnected(split, models: 4))
        #expect(!BradleyTerry.isStronglyConnected(wins([(0, 1), (1, 2)]), models: 3))
        #expect(BradleyTerry.isStronglyConnected(wins([(0, 1), (1, 2), (2, 0)]), models: 3))
    }
}

/// Random battles with ties: choix's maximum likelihood (ties as half wins) and Davidson's
/// model fitted with scipy (scripts/reference/generate_bradley_terry_vectors.py).
struct BattleCase: Sendable, CustomTestStringConvertible {
    var models: Int
    var battles: [Comparison]
    var thetaHalf: [Double]
    var thetaDavidson: [Double]
    var nuDavidson: Double
    var testDescription: String { "\(models) models, \(battles.count) battles" }

    static let all: [BattleCase] = {
        let path = Fixtures.repository("Tests/PairwiseStatsTests/Fixtures/bradley-terry-vectors.json")
        guard let data = FileManager.default.contents(atPath: path), let root = try? JSONParser.parse([UInt8](data)) else { return [] }
        return (root["cases"]?.arrayValue ?? []).map { c in
            let battles = (c["battles"]?.arrayValue ?? []).map { b -> Comparison in
                let a = b.arrayValue!
                let outcome: Comparison.Outcome = a[2].stringValue == "first" ? .firstWins : a[2].stringValue == "second" ? .secondWins : .tie
                return Comparison(a[0].intValue!, a[1].intValue!, outcome)
            }
            return BattleCase(models: c["models"]!.intValue!, battles: battles,
                              thetaHalf: c["theta_half"]!.arrayValue!.map { $0.doubleValue! },
                              thetaDavidson: c["theta_davidson"]!.arrayValue!.map { $0.doubleValue! },
                              nuDavidson: c["nu_davidson"]!.doubleValue!)
        }
    }()
}

@Suite struct BradleyTerryVectorTests {
    @Test func theFixtureIsThere() { #expect(BattleCase.all.count == 12) }

    @Test(arguments: BattleCase.all)
    func matchesChoixAndScipy(_ c: BattleCase) {
        let half = BradleyTerry.fit(c.battles, models: c.models)
        for (mine, theirs) in zip(half.theta, c.thetaHalf) { #expect(abs(mine - theirs) < 1e-6, "half: \(mine) vs \(theirs)") }
        let davidson = BradleyTerry.fit(c.battles, models: c.models, ties: .davidson)
        for (mine, theirs) in zip(davidson.theta, c.thetaDavidson) { #expect(abs(mine - theirs) < 1e-6, "davidson: \(mine) vs \(theirs)") }
        #expect(abs((davidson.tieParameter ?? 0) - c.nuDavidson) < 1e-6)
    }
}

/// The byte scan of unquoted battle files reads what the general CSV reader reads, on real
/// battles: PandaLM's 999 model pairs (first annotator's verdict: tie, response 1, response
/// 2) and real Arena battles.
@Suite struct BattlesCSVTests {
    static func realBattlesCSV() throws -> String {
        var lines = ["model_a,model_b,winner"]
        let panda = try JSONParser.parse(try String(contentsOfFile: Fixtures.realFormat("pandalm-testset-v1.json"), encoding: .utf8))
        for record in panda.arrayValue ?? [] {
            guard let key = record["cmp_key"]?.stringValue, let verdict = record["annotator1"]?.intValue else { continue }
            let models = key.split(separator: "_")
            lines.append("\(models[0]),\(models[1]),\(["tie", "model_a", "model_b"][verdict])")
        }
        let arena = try String(contentsOfFile: Fixtures.realFormat("arena-battles.jsonl"), encoding: .utf8)
        for line in arena.split(separator: "\n") {
            let record = try JSONParser.parse(String(line))
            guard let a = record["model_a"]?.stringValue, let b = record["model_b"]?.stringValue,
                  let winner = record["winner"]?.stringValue else { continue }
            lines.append("\(a),\(b),\(winner)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func bothPathsReadRealBattlesAlike() throws {
        let bytes = Array(try Self.realBattlesCSV().utf8)
        let fast = try BattlesCSV.table(bytes, file: "arena.csv")
        let general = BattleTable(try BattlesCSV.parse(bytes, file: "arena.csv"))
        #expect(fast.comparisons.count == 1001, "\(fast.comparisons.count)")
        #expect(Set(fast.comparisons.map { "\($0.outcome)" }).count == 3 && fast.models.count > 5, "\(fast.models)")
        #expect(fast.models == general.models && fast.comparisons == general.comparisons)
        let board = Leaderboard(fast)
        #expect(board.rows.map(\.model) == Leaderboard(general).rows.map(\.model))
    }

    @Test func errorsNameTheLineOnBothPaths() {
        for (text, expected) in [
            ("model_a,model_b,winner\nx,y,model_a\nx,y\n", "b.csv:3: record: expected 3 fields, got 2"),
            ("model_a,model_b,winner\nx,y,model_a\n\"x\",y\n", "b.csv:3: record: expected 3 fields, got 2"),
            ("model_a,model_b,winner\nx,x,tie\n", "b.csv:2: model_b: the same model as model_a"),
            ("model_a,model_b,winner\n,y,tie\n", "b.csv:2: model_a: empty"),
            ("model_a,model_b,winner\nx,y,draw\n", "b.csv:2: winner: 'draw' is not one of: model_a, model_b, tie, tie (bothbad)"),
            ("model_a,model_b,winner\nx,\"y\",draw\n", "b.csv:2: winner: 'draw' is not one of: model_a, model_b, tie, tie (bothbad)"),
            ("a,b,c\n", "b.csv:1: header: expected model_a,model_b,winner, got a,b,c"),
        ] {
            do {
                _ = try BattlesCSV.table(Array(text.utf8), file: "b.csv")
                Issue.record("expected \(expected)")
            } catch {
                #expect(error.description == expected)
            }
        }
    }
}

@Suite struct LeaderboardBootstrapTests {
    /// The bootstrap as first written: each resample copies the battles drawn and fits them.
    static func resampledByCopying(_ comparisons: [Comparison], models n: Int, ties: BradleyTerry.TieModel, resamples: Int, seed: UInt64) -> [[Double]] {
        var generator = SplitMix64(seed: seed)
        var samples = Array(repeating: [Double](), count: n)
        var resample = comparisons
        for _ in 0..<resamples {
            for i in resample.indices { resample[i] = comparisons[Int.random(in: 0..<comparisons.count, using: &generator)] }
            let theta = BradleyTerry.fit(resample, models: n, ties: ties, ridge: 1e-8).theta
            let mean = theta.reduce(0, +) / Double(n)
            for m in 0..<n { samples[m].append(theta[m] - mean) }
        }
        return samples
    }

    /// Counting each draw in its cell of the win matrix gives the very resamples copying the
    /// battles did: the same strengths, bit for bit, for a seed (wins, ties, both-bad and a
    /// model against itself among them, under both tie models).
    @Test(arguments: [BradleyTerry.TieModel.half, .davidson])
    func countingDrawsEqualsCopyingBattles(_ ties: BradleyTerry.TieModel) {
        var generator = SplitMix64(seed: 11)
        let outcomes: [Comparison.Outcome] = [.firstWins, .secondWins, .tie, .bothBad]
        let battles = (0..<3_000).map { _ in
            Comparison(Int.random(in: 0..<6, using: &generator), Int.random(in: 0..<6, using: &generator),
                       outcomes[Int.random(in: 0..<4, using: &generator)])
        }
        let counted = Leaderboard.bootstrapThetas(battles, models: 6, ties: ties, ridge: 1e-8, resamples: 25, seed: 7)
        #expect(counted == Self.resampledByCopying(battles, models: 6, ties: ties, resamples: 25, seed: 7))
    }
}
