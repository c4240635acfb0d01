import Foundation
import GRDB
import PairwiseCore
import PairwiseTestSupport
import Testing

@Suite struct TrainerKillTests {
    /// Writes hh-rlhf lines [from, from + count) of the shared test file to `name`.
    func hhSlice(_ directory: URL, _ name: String, from: Int, count: Int) throws -> String {
        let text = String(decoding: try InputFile.read(path: Fixtures.hhRLHF), as: UTF8.self)
        let lines = text.split(separator: "\n").dropFirst(from).prefix(count)
        let path = directory.appendingPathComponent(name).path
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func runningRuns(_ directory: URL) throws -> Int {
        let database = try DatabaseQueue(path: directory.appendingPathComponent("pairwise.sqlite").path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM model_runs WHERE status = 'running'") } ?? 0
    }

    func modelRun(_ directory: URL) throws -> JSONValue {
        let stats = try pairwise(["stats", "--json"], in: directory)
        #expect(stats.status == 0, "\(stats.stderr)")
        return try JSONParser.parse(stats.stdout)["model"]?["run"] ?? .null
    }

    @Test func killingTheTrainerMidFitKeepsThePreviousModelAndFreesTheLease() throws {
        let directory = try temporaryDirectory()
        #expect(try pairwise(["init"], in: directory).status == 0)
        let first = try hhSlice(directory, "first.jsonl", from: 0, count: 300)
        #expect(try pairwise(["import", "--labels-as", "hh", first], in: directory).status == 0)
        #expect(try pairwise(["train", "--ensemble", "1", "--hash-bits", "12"], in: directory).stdout.hasPrefix("run 1: 300 pairs"))
        #expect(try modelRun(directory) == .int(1))

        let second = try hhSlice(directory, "second.jsonl", from: 300, count: 700)
        #expect(try pairwise(["import", "--labels-as", "hh", second], in: directory).status == 0)
        // A fit with 2^18 weights and 5 members takes seconds in a debug build: kill it early.
        let trainer = Process()
        trainer.executableURL = binary
        trainer.arguments = ["train", "--ensemble", "5"]
        trainer.currentDirectoryURL = directory
        trainer.environment = ["PATH": "/usr/bin:/bin", "USER": "tester"]
        trainer.standardOutput = FileHandle.nullDevice
        try trainer.run()
        // Killed once its run is recorded as running (mid-fit), however loaded the machine.
        let deadline = Date().addingTimeInterval(30)
        while try Self.runningRuns(directory) == 0 && trainer.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(trainer.isRunning, "the fit ended before the kill; the test needs a slower fit")
        kill(trainer.processIdentifier, SIGKILL)
        trainer.waitUntilExit()
        #expect(trainer.terminationReason == .uncaughtSignal)

        // The previous model is still the one in use, and the database is intact.
        #expect(try modelRun(directory) == .int(1))
        let check = try pairwise(["status"], in: directory)
        #expect(check.status == 0 && check.stdout.contains("judgments    1000 current"), "\(check.stdout)")
        // The dead trainer's lease does not have to be waited out: the next run is run 3
        // (run 2 was the killed one, now marked failed).
        let next = try pairwise(["train", "--ensemble", "1", "--hash-bits", "12"], in: directory)
        #expect(next.stdout.hasPrefix("run 3: 1000 pairs"), "\(next.stdout)\(next.stderr)")
        #expect(try modelRun(directory) == .int(3))
        // What stats says of the model: its runs as labels grew, suspects, strength agreement.
        let model = try JSONParser.parse(try pairwise(["stats", "--json"], in: directory).stdout)["model"]
        #expect(model?["history"]?.arrayValue?.map { $0["run"] } == [.int(1), .int(3)])
        #expect(model?["history"]?.arrayValue?.map { $0["pairs"] } == [.int(300), .int(1000)])
        #expect(model?["held_out_pairs"] == .int(200))
        #expect(model?["suspects"]?.arrayValue != nil && model?["suspect_count"]?.intValue != nil)
        // Every item has 1 of the 3 judgments it needs: the 20 most uncertain are listed first.
        let candidates = try #require(model?["next_to_label"]?.arrayValue)
        #expect(candidates.count == 20 && candidates.allSatisfy { $0["judgments"] == .int(1) })
        let spreads = candidates.compactMap { $0["uncertainty"]?.doubleValue }
        #expect(spreads == spreads.sorted(by: >) && spreads.count == 20)
        // One member: the items its seeded bootstrap sample left out (about e⁻¹ of 1,000).
        #expect(model?["strength_agreement"]?["items"]?.intValue == 349)
    }

    /// A run keeps every response's features beside the project; the next run reads them
    /// instead of featurizing, and fits the same model (so does one told to refeaturize).
    @Test func featuresAreKeptBesideTheProjectAndTheModelIsTheSame() throws {
        let directory = try temporaryDirectory()
        #expect(try pairwise(["init"], in: directory).status == 0)
        #expect(try pairwise(["import", "--labels-as", "hh", try hhSlice(directory, "pairs.jsonl", from: 0, count: 300)], in: directory).status == 0)
        func summary(_ arguments: [String]) throws -> String {
            let run = try pairwise(["train", "--ensemble", "2", "--hash-bits", "12"] + arguments, in: directory)
            #expect(run.status == 0, "\(run.stderr)")
            // Without its run number and seconds.
            return run.stdout.split(separator: ",").dropLast().joined(separator: ",").split(separator: ":").dropFirst().joined(separator: ":")
        }
        let first = try summary([])
        #expect(first.hasPrefix(" 300 pairs, held-out accuracy ") && first.contains("calibration error"), "\(first)")
        let kept = directory.appendingPathComponent("pairwise.sqlite.features").path
        let written = try #require(try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date)
        #expect(try summary(["--force"]) == first)
        // Nothing new to featurize: the file is read, not written again.
        #expect(try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date == written)
        #expect(try summary(["--force", "--refeaturize"]) == first)
        try FileManager.default.removeItem(atPath: kept)
        #expect(try summary(["--force"]) == first && FileManager.default.fileExists(atPath: kept))
    }
}
