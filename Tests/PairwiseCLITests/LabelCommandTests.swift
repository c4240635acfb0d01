import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

@Suite struct LabelCommandTests {
    @Test func contradictingLabelsExitWith65AndNameTheirLines() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try pairwise(["init"], in: dir).status == 0)
        try """
            {"prompt": "p", "chosen": "yes", "rejected": "no"}
            {"prompt": "p", "chosen": "no", "rejected": "yes"}

            """.write(to: dir.appendingPathComponent("t.jsonl"), atomically: true, encoding: .utf8)
        let refused = try pairwise(["import", "t.jsonl", "--labels-as", "src"], in: dir)
        #expect(refused.status == 65)
        let words = refused.stderr.components(separatedBy: " ")
        let id = try #require(words.first { $0.count == 16 && $0.allSatisfy(\.isHexDigit) })
        #expect(refused.stderr == "pairwise: error: 1 label contradicts another label by the same annotator on the same pair (1 pair); nothing was imported. The first:\n"
                + "  t.jsonl:2: label: src's label on item \(id) contradicts t.jsonl:1\n"
                + "Fix the source, or pass --on-conflict skip to import the rest and keep no label from this input on those pairs.\n")
        let skipped = try pairwise(["import", "t.jsonl", "--labels-as", "src", "--on-conflict", "skip"], in: dir)
        #expect(skipped.status == 0)
        #expect(skipped.stdout == "imported 2 records from 1 file: 1 item added, 1 duplicate skipped, 0 labels added (1 oriented to an item stored in another order)\n")
        #expect(skipped.stderr.hasPrefix("skipped 1 contradicting label (--on-conflict skip); those pairs keep no label from this input. The first:\n"))
        let judgments = try pairwise(["import", "t.jsonl", "--format", "judgments"], in: dir)
        #expect(judgments.status == 64 && judgments.stderr.contains("a judgments file holds only labels: pass --labels to import them"))
    }

    /// A labeled file imported without --labels-as: its labels are not kept, and the import
    /// says so and how to keep them (LLaMA-Factory's 300 chosen/rejected records).
    @Test func labelsLeftOutAreSaidWithHowToKeepThem() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try pairwise(["init"], in: dir).status == 0)
        let run = try pairwise(["import", Fixtures.realFormat("llamafactory-dpo_en_demo.json")], in: dir)
        #expect(run.status == 0)
        #expect(run.stdout == "imported 300 records from 1 file: 295 items added, 5 duplicates skipped\n")
        #expect(run.stderr == "300 records carry labels, not imported; to keep them: --labels-as NAME (the source's annotator, named NAME here), "
                + "or --labels when each record names its annotator\n")
        let kept = try pairwise(["import", Fixtures.realFormat("llamafactory-dpo_en_demo.json"), "--labels-as", "src", "--on-conflict", "skip"], in: dir)
        #expect(kept.status == 0 && !kept.stderr.contains("carry labels"), "\(kept.stderr)")
    }

    @Test func simulateRefusesAProjectWithHumanJudgmentsUnlessTold() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try pairwise(["init"], in: dir).status == 0)
        #expect(try pairwise(["import", Fixtures.sampleItems], in: dir).status == 0)
        try #"{"item_id": "code-001", "annotator": "ann", "preference_strength": -2}"#.write(to: dir.appendingPathComponent("j.jsonl"), atomically: true, encoding: .utf8)
        // Detected as a judgments file, it imports nothing without --labels, and says so.
        let unlabeled = try pairwise(["import", "j.jsonl"], in: dir)
        #expect(unlabeled.status == 65 && unlabeled.stderr == "pairwise: error: j.jsonl:1: record: a judgments file holds only labels: pass --labels to import them\n")
        #expect(try pairwise(["import", "j.jsonl", "--labels"], in: dir).status == 0)
        let refused = try pairwise(["simulate", "--annotators", "3", "--overlap", "2"], in: dir)
        #expect(refused.status == 64)
        #expect(refused.stderr == "pairwise: error: this project holds 1 judgment by people or from imported files; simulated ones would take up the overlap their items still need. Pass --alongside-human-judgments to add them anyway (exports leave simulated judgments out unless --include-simulated).\n")
        let told = try pairwise(["simulate", "--annotators", "3", "--overlap", "2", "--alongside-human-judgments"], in: dir)
        #expect(told.status == 0 && told.stdout.hasPrefix("added 123 simulated judgments\n"))
        // The training exports hold the one human label only, and say what they left out.
        let trl = try pairwise(["export", "--format", "trl"], in: dir)
        #expect(trl.stdout.split(separator: "\n").count == 1)
        #expect(trl.stderr == "left out 123 judgments by simulated annotators (--include-simulated counts them)\n")
        #expect(try pairwise(["export", "--format", "trl", "--include-simulated"], in: dir).stdout.split(separator: "\n").count > 40)
    }
}
