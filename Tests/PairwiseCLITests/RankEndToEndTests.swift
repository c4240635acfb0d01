import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite(.serialized) struct RankEndToEndTests {
    /// Real PandaLM instructions with four responses each, ranked through the terminal in
    /// the order shown (drawn per annotator, stored with the ranking) and rated per response
    /// on the sample rubric's required dimensions: the TRL export holds exactly the pairs
    /// that order implies, and the ranked export the order itself with the values.
    @Test(arguments: StoreKind.available)
    func rankingFourResponsesGivesTheExpectedPairs(_ kind: StoreKind) throws {
        let directory = try TemporaryDirectory("pairwise-rank", on: kind)
        let items = try Fixtures.pandaLMRankedItems(2, responses: 4)
        try items.enumerated().map { n, item in
            JSONWriter.string(.object(["id": .string("rank-\(n)"), "prompt": .string(item.prompt), "responses": .array(item.responses.map(JSONValue.string))]))
        }.joined(separator: "\n").write(toFile: directory.path("ranked.jsonl"), atomically: true, encoding: .utf8)
        #expect(try pairwise(["init", "--rubric", "sample"], in: directory).status == 0)
        let imported = try pairwise(["import", "ranked.jsonl"], in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")

        let tmux = try Tmux(command: command(directory, "annotate --no-trainer"), columns: 200, rows: 50)
        // The status line, then the last panel: a capture can land while a frame is being drawn.
        try tmux.waitFor("1/2 in queue", seconds: 30)
        let screen = try tmux.waitFor("Response 4", seconds: 30)
        #expect(screen.contains("1/2 in queue") && screen.contains("Ranking (best first)"), "\(screen)")
        let id = itemOnScreen(screen)
        let item = try #require(["rank-0": items[0], "rank-1": items[1]][id], "\(screen)")
        for key in ["2", "4", "1"] { try tmux.send(key) }
        try tmux.waitFor("2 > 4 > 1 > …", seconds: 30)
        try tmux.send("Enter")
        // Helpfulness and correctness are required, one value per response, typed panel by panel.
        try tmux.waitFor("Helpfulness is required: one value per response.", seconds: 30)
        for key in ["4", "3", "2", "1"] { try tmux.send(key) }
        try tmux.waitFor("▸ Correctness", seconds: 30)
        for key in ["4", "4", "3", "0"] { try tmux.send(key) }
        try tmux.waitFor("▸ Coherence", seconds: 30)
        let rated = try tmux.waitFor(" 1:4  2:4  3:3  4:0", seconds: 30)
        #expect(rated.contains(" 1:4  2:3  3:2  4:1"), "\(rated)")
        try tmux.send("Enter")
        try tmux.waitFor("Saved: 2 > 4 > 1 > 3.", seconds: 30)
        #expect(try tmux.waitFor("2/2 in queue", seconds: 30).contains("Saved: 2 > 4 > 1 > 3."))
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.3)

        let store = try ProjectStore.open(at: directory.database ?? directory.path("pairwise.sqlite"))
        let rowID = try #require(try store.itemRowID(externalID: id))
        let stored = try #require(try store.currentRankings(itemRowID: rowID).first)
        let shown = try #require(stored.shown)
        // Panels 2, 4, 1, 3 best first: the stored responses in that order.
        let best = [2, 4, 1, 3].map { shown[$0 - 1] }
        #expect(stored.ranking.order == best)
        var helpfulness = [0, 0, 0, 0], correctness = [0, 0, 0, 0]
        for panel in 0..<4 { helpfulness[shown[panel]] = [4, 3, 2, 1][panel]; correctness[shown[panel]] = [4, 4, 3, 0][panel] }
        #expect(stored.rubric == ResponseRatings(["helpfulness": helpfulness, "correctness": correctness]))
        let export = try pairwise(["export", "--format", "trl", "--ranked-pairs", "all"], in: directory)
        let lines = try export.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        var expected: [String] = []
        for i in 0..<4 { for j in (i + 1)..<4 { expected.append("\(id)/\(best[i] + 1)>\(best[j] + 1)") } }
        #expect(lines.map { $0["id"]?.stringValue ?? "" } == expected, "\(export.stderr)")
        #expect(lines.map { $0["chosen"]?.stringValue ?? "" } == (0..<4).flatMap { i in ((i + 1)..<4).map { _ in item.responses[best[i]] } })
        #expect(lines.map { $0["rejected"]?.stringValue ?? "" } == (0..<4).flatMap { i in ((i + 1)..<4).map { item.responses[best[$0]] } })
        #expect(lines.first?["margin"] == .double(1) && lines[2]["margin"] == .double(3))
        let ranked = try JSONParser.parse(try pairwise(["export", "--format", "ranked"], in: directory).stdout)
        #expect(ranked["responses"]?.arrayValue?.map { $0["response"]?.stringValue ?? "" } == best.map { item.responses[$0] })
        #expect(ranked["responses"]?.arrayValue?.map { $0["rubric"]?["helpfulness"]?.doubleValue } == [3, 1, 4, 2])
        let status = try pairwise(["status"], in: directory).stdout
        #expect(status.contains("\nrankings     1 current, of 2 ranked items (3+ responses)\n"))
        // The lead who ranked (tester, or the database's owner on PostgreSQL): 0 judgments, 1 ranking.
        #expect(status.contains("role       judgments  rankings\n") && status.split(separator: "\n").contains { $0.hasSuffix(" lead       0          1") },
                "\(status)")
        // stats: one ranked item with one ranking (no agreement from one person).
        let stats = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)
        #expect(stats["ranked_items"]?["items"] == .int(1) && stats["ranked_items"]?["rankings"] == .int(1))
        #expect(stats["ranked_items"]?["mean_kendall_w"] == .null)
        #expect(stats["ranked_items"]?["rubric_alpha_ordinal"] == .object(["correctness": .null, "helpfulness": .null]))
    }
}
