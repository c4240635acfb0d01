import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

@Suite struct LeaderboardCommandTests {
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
