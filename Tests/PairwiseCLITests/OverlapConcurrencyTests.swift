import Foundation
import PairwiseTestSupport
import Testing

/// Several annotators at once, each in their own process and terminal, on one database.
@Suite(.serialized) struct OverlapConcurrencyTests {
    /// 8 annotators race through the 62 sample items with overlap 2: every item ends with
    /// exactly 2 judgments (124), never 3, because an item on screen is leased.
    @Test(arguments: StoreKind.available)
    func eightAnnotatorProcessesNeverExceedTheOverlap(_ kind: StoreKind) throws {
        let directory = try TemporaryDirectory("pairwise-overlap", on: kind)
        #expect(try pairwise(["init", "--overlap", "2"], in: directory).status == 0)
        #expect(try pairwise(["import", Fixtures.sampleItems], in: directory).status == 0)
        let names = (1...8).map { "a\($0)" }
        for name in names { _ = try pairwise(["annotators", "add", name], in: directory) }
        let sessions = try names.map { try Tmux(command: command(directory, "annotate --as \($0) --no-trainer")) }
        for session in sessions { #expect(try session.waitFor("in queue").contains("in queue")) }
        // Interleaved: each round sends every annotator "about the same" + Enter; 8 × 25
        // submits asked for, more than the 124 places.
        for _ in 1...25 {
            for session in sessions { try session.send(keys: ["4", "Enter"]) }
        }
        var judgments: [(item: String, annotator: String)] = []
        let deadline = Date().addingTimeInterval(90)
        repeat {
            Thread.sleep(forTimeInterval: 0.5)
            judgments = try Self.judgments(in: directory)
        } while judgments.count < 124 && Date() < deadline
        Thread.sleep(forTimeInterval: 1)
        for session in sessions { try session.send("q") }
        judgments = try Self.judgments(in: directory)
        let perItem = Dictionary(grouping: judgments, by: \.item).mapValues { Set($0.map(\.annotator)).count }
        #expect(judgments.count == 124)
        #expect(perItem.count == 62)
        #expect(perItem.values.allSatisfy { $0 == 2 }, "\(perItem.filter { $0.value != 2 })")
        #expect(try pairwise(["status"], in: directory).stdout.contains("need labels  0 items have fewer than 2 annotators"))
    }

    static func judgments(in directory: TemporaryDirectory) throws -> [(item: String, annotator: String)] {
        let export = try pairwise(["export", "--format", "csv"], in: directory)
        return export.stdout.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return (String(fields[0]), String(fields[1]))
        }
    }
}
