import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// `count` pairs b0, b1, … between three models m1–m3 in turn, written as JSON Lines to
/// `path`: pair i labeled +2 or −2 (alternately) when `labeled(i)`, else unlabeled.
func writeModelBattles(_ count: Int, to path: String, prompt: (Int) -> String = { "question \($0)" }, answerSuffix: String = "",
                       labeled: (Int) -> Bool = { _ in true }) throws {
    let models = ["m1", "m2", "m3"]
    let lines = (0..<count).map { i in
        let (a, b) = (models[i % 3], models[(i + 1) % 3])
        return JSONWriter.string(.object(["id": .string("b\(i)"), "prompt": .string(prompt(i)),
                                          "response_a": .string("answer \(i) from \(a)" + answerSuffix), "response_b": .string("reply \(i) by \(b)"),
                                          "model_a": .string(a), "model_b": .string(b),
                                          "preference_strength": labeled(i) ? .int(i % 2 == 1 ? -2 : 2) : .null]))
    }
    try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
}

@Suite struct LeaderboardCommandTests {
    /// The project's leaderboard follows the exports' rule: labels by simulated annotators and
    /// labels of gold items are left out unless asked, and it says how many.
    @Test func theProjectsLeaderboardLeavesOutSimulatedAndGoldAndSaysSo() throws {
        let directory = try TemporaryDirectory("pairwise-board")
        try writeModelBattles(6, to: directory.path("items.jsonl"))
        let arena = Fixtures.realFormat("arena-battles.jsonl")
        try String(try String(contentsOfFile: arena, encoding: .utf8).split(separator: "\n")[0]).write(toFile: directory.path("gold.jsonl"), atomically: true, encoding: .utf8)
        for arguments in [["init"], ["import", "items.jsonl", "--labels-as", "src"], ["import", arena, "--labels-as", "arena"], ["gold", "add", "gold.jsonl"],
                          ["simulate", "--annotators", "3", "--overlap", "2", "--noise", "0.2", "--seed", "3", "--alongside-human-judgments"]] {
            let run = try pairwise(arguments, in: directory)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
        }
        let board = try pairwise(["leaderboard", "--bootstrap", "0", "--json"], in: directory)
        #expect(board.status == 0)
        // 8 simulated labels: 7 left out as simulated, the one on the gold item with the arena's as gold.
        #expect(board.stderr.hasPrefix("left out 7 labels by simulated annotators (--include-simulated counts them)\n"
                                       + "left out 2 labels of gold items (--include-gold counts them)\n"), "\(board.stderr)")
        let rows = try JSONParser.parse(board.stdout).arrayValue ?? []
        #expect(rows.reduce(0) { $0 + ($1["wins"]?.intValue ?? 0) } == 7, "6 of src, 1 of the arena item not gold")
        let all = try pairwise(["leaderboard", "--bootstrap", "0", "--json", "--include-simulated", "--include-gold"], in: directory)
        #expect(!all.stderr.contains("left out"))
        #expect((try JSONParser.parse(all.stdout).arrayValue ?? []).reduce(0) { $0 + ($1["wins"]?.intValue ?? 0) + ($1["ties"]?.intValue ?? 0) } == 17)
    }

    @Test func threeWinsToOneIsLnThreeApart() throws {
        let directory = try TemporaryDirectory("pairwise-leaderboard")
        try "model_a,model_b,winner\nx,y,model_a\ny,x,model_b\nx,y,model_a\nx,y,model_b\n"
            .write(toFile: directory.path("b.csv"), atomically: true, encoding: .utf8)
        let run = try pairwise(["leaderboard", "b.csv", "--json", "--bootstrap", "0"], in: directory.url)
        #expect(run.status == 0 && run.stderr == "")
        let rows = try #require(try JSONParser.parse(run.stdout.trimmingCharacters(in: .newlines)).arrayValue)
        #expect(rows.map { $0["model"]?.stringValue } == ["x", "y"])
        #expect(abs((rows[0]["theta"]?.doubleValue ?? 0) - log(3.0) / 2) < 1e-12)
        #expect(rows[0]["wins"] == .int(3) && rows[0]["losses"] == .int(1) && rows[0]["ties"] == .int(0))
        #expect(rows[0]["ci_low"] == .null)
        let table = try pairwise(["leaderboard", "b.csv", "--bootstrap", "100", "--seed", "5"], in: directory.url)
        let lines = table.stdout.split(separator: "\n")
        #expect(lines[1].hasPrefix("   1  x        1095   +0.5493   ["))
        #expect(table.stdout == (try pairwise(["leaderboard", "b.csv", "--bootstrap", "100", "--seed", "5"], in: directory.url)).stdout)
    }

    @Test func aDisconnectedGraphIsSaidAndBadRowsNamed() throws {
        let directory = try TemporaryDirectory("pairwise-leaderboard")
        try "model_a,model_b,winner\na,b,model_a\nb,a,model_a\nc,d,tie\n".write(toFile: directory.path("s.csv"), atomically: true, encoding: .utf8)
        let split = try pairwise(["leaderboard", "s.csv", "--bootstrap", "0"], in: directory.url)
        #expect(split.status == 0)
        #expect(split.stderr.contains("note: the comparison graph is not connected: 2 groups ({a, b}, {c, d}); strengths are comparable only within a group"))
        try "model_a,model_b,winner\na,b,model_a\na,b,draw\n".write(toFile: directory.path("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try pairwise(["leaderboard", "bad.csv"], in: directory.url)
        #expect(bad.status == 65)
        #expect(bad.stderr == "pairwise: error: bad.csv:3: winner: 'draw' is not one of: model_a, model_b, tie, tie (bothbad)\n")
    }
}

@Suite struct ReliabilityCommandTests {
    @Test func printsLabelsPosteriorsAndConfusion() throws {
        let directory = try TemporaryDirectory("pairwise-reliability")
        let rows = ["t1,w1,no", "t1,w2,yes", "t1,w4,yes", "t1,w5,no", "t2,w1,yes", "t2,w2,yes", "t2,w3,yes", "t2,w4,no", "t2,w5,no",
                    "t3,w1,yes", "t3,w2,no", "t3,w3,no", "t3,w4,yes", "t3,w5,no", "t4,w1,yes", "t4,w2,yes", "t4,w3,yes", "t4,w4,yes",
                    "t4,w5,yes", "t5,w1,yes", "t5,w2,no", "t5,w3,no", "t5,w4,no", "t5,w5,no"]
        try (["item,annotator,value"] + rows).joined(separator: "\n").write(toFile: directory.path("d.csv"), atomically: true, encoding: .utf8)
        let run = try pairwise(["reliability", "d.csv", "--json"], in: directory.url)
        #expect(run.status == 0)
        let value = try JSONParser.parse(run.stdout.trimmingCharacters(in: .newlines))
        let items = try #require(value["items"]?.arrayValue)
        #expect(items.map { $0["item"]?.stringValue } == ["t1", "t2", "t3", "t4", "t5"])
        #expect(items[3]["label"] == .string("yes"))
        let posterior = try #require(items[3]["posterior"]?.doubleValue)
        #expect(posterior > 0.999)
        let w1 = try #require(value["annotators"]?.arrayValue?.first)
        #expect(w1["annotator"] == .string("w1"))
        let rowSums = ["no", "yes"].map { truth in ["no", "yes"].reduce(0.0) { $0 + (w1["confusion"]?[truth]?[$1]?.doubleValue ?? .nan) } }
        #expect(rowSums.allSatisfy { abs($0 - 1) < 1e-12 })
    }
}

@Suite struct StatsCommandTests {
    @Test func leadsSeeProjectStatisticsOthersAreRefused() throws {
        let directory = try TemporaryDirectory("pairwise-stats")
        _ = try pairwise(["init"], in: directory.url)
        try """
            {"prompt": "p1", "response_1": "a", "response_2": "b", "preference_strength": -2}
            {"prompt": "p2", "response_1": "a", "response_2": "b", "preference_strength": 1}
            """.write(toFile: directory.path("one.jsonl"), atomically: true, encoding: .utf8)
        try """
            {"prompt": "p1", "response_1": "a", "response_2": "b", "preference_strength": -1}
            {"prompt": "p2", "response_1": "a", "response_2": "b", "preference_strength": -3}
            """.write(toFile: directory.path("two.jsonl"), atomically: true, encoding: .utf8)
        _ = try pairwise(["import", "one.jsonl", "--labels-as", "ann"], in: directory.url)
        _ = try pairwise(["import", "two.jsonl", "--labels-as", "bo"], in: directory.url)
        let run = try pairwise(["stats", "--json"], in: directory.url)
        #expect(run.status == 0)
        let value = try JSONParser.parse(run.stdout.trimmingCharacters(in: .newlines))
        #expect(value["judgments"] == .int(4) && value["items"] == .int(2))
        #expect(value["strength_distribution"] == .object(["-3": .int(1), "-2": .int(1), "-1": .int(1), "0": .int(0), "1": .int(1), "2": .int(0), "3": .int(0)]))
        #expect(value["mean_absolute_strength"] == .double(1.75))
        #expect(value["most_contested"]?.arrayValue?.first?["item_id"] != nil)
        #expect(value["most_contested"]?.arrayValue?.first?["direction_agreement"] == .double(0))
        let refused = try pairwise(["stats"], in: directory.url, environment: ["USER": "ann"])
        #expect(refused.status == 77)
        #expect(refused.stderr == "pairwise: error: stats (it shows other people's names) is for leads only (ann is not a lead of this project)\n")
    }
}

@Suite struct TrainAndScoreCommandTests {
    @Test func trainThenScoreAFileWithLabels() throws {
        let directory = try TemporaryDirectory("pairwise-train")
        _ = try pairwise(["init"], in: directory.url)
        // "good" answers beat "bad" ones, on alternating sides.
        let lines = (0..<40).map { n -> String in
            let good = "this is a good answer number \(n)", bad = "this is a bad answer number \(n)"
            let (first, second, strength) = n % 2 == 0 ? (good, bad, -2) : (bad, good, 2)
            return #"{"prompt": "question \#(n)", "response_1": "\#(first)", "response_2": "\#(second)", "preference_strength": \#(strength)}"#
        }
        try lines.joined(separator: "\n").write(toFile: directory.path("pairs.jsonl"), atomically: true, encoding: .utf8)
        _ = try pairwise(["import", "pairs.jsonl", "--labels-as", "oracle"], in: directory.url)
        let noModel = try pairwise(["score", "pairs.jsonl"], in: directory.url)
        #expect(noModel.status == 64)
        #expect(noModel.stderr == "pairwise: error: the project has no trained model yet: run `pairwise train` first\n")
        let train = try pairwise(["train", "--ensemble", "2"], in: directory.url)
        #expect(train.status == 0)
        #expect(train.stdout.hasPrefix("run 1: 40 pairs, held-out accuracy 1.0000"))
        let again = try pairwise(["train"], in: directory.url)
        #expect(again.stdout == "nothing to do: 0 new judgments since the last run (need 1); --force refits anyway\n")
        let plain = try pairwise(["score", "pairs.jsonl"], in: directory.url).stdout.split(separator: "\n")
        #expect(plain.first == "item_id\treward_a_minus_b" && plain.count == 41)
        let score = try pairwise(["score", "pairs.jsonl", "--json"], in: directory.url)
        let summary = try JSONParser.parse(String(score.stdout.split(separator: "\n").last!))
        #expect(summary["pairs"] == .int(40) && summary["labeled_pairs"] == .int(40) && summary["accuracy"] == .double(1))
        let first = try JSONParser.parse(String(score.stdout.split(separator: "\n").first!))
        #expect((first["margin"]?.doubleValue ?? 0) > 0)
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory.url).stdout.trimmingCharacters(in: .newlines))
        #expect(stats["model"]?["run"] == .int(1) && stats["model"]?["pairs"] == .int(40) && stats["model"]?["accuracy"] == .double(1))
        // --force refits with nothing new.
        let forced = try pairwise(["train", "--ensemble", "2", "--force"], in: directory.url)
        #expect(forced.stdout.hasPrefix("run 2: 40 pairs, held-out accuracy 1.0000"), "\(forced.stdout)")
    }
}

@Suite struct SimulateCommandTests {
    @Test func fillsEveryItemToTheOverlapOnce() throws {
        let directory = try TemporaryDirectory("pairwise-simulate")
        _ = try pairwise(["init"], in: directory.url)
        _ = try pairwise(["import", Fixtures.sampleItems], in: directory.url)
        let run = try pairwise(["simulate", "--annotators", "5", "--overlap", "3", "--noise", "0.2", "--seed", "7"], in: directory.url)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("added 186 simulated judgments\nsim1  accuracy 0.900  position bias 0.50\n"))
        #expect(run.stdout.hasSuffix("sim5  accuracy 0.700  position bias 0.80\n"))
        let again = try pairwise(["simulate", "--annotators", "5", "--overlap", "3", "--seed", "7"], in: directory.url)
        #expect(again.stdout.hasPrefix("added 0 simulated judgments\n"))
        let status = try JSONParser.parse(try pairwise(["status", "--json"], in: directory.url).stdout.trimmingCharacters(in: .newlines))
        #expect(status["judgments"] == .int(186) && status["items_needing_labels"] == .int(0))
        let bad = try pairwise(["simulate", "--annotators", "2", "--overlap", "3"], in: directory.url)
        #expect(bad.status == 64)
    }
}
