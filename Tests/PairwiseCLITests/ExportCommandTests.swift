import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct ExportCommandTests {
    /// The sample items judged by five simulated annotators, three per item.
    func simulatedProject() throws -> URL {
        let directory = try temporaryDirectory()
        #expect(try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory).status == 0)
        #expect(try pairwise(["import", Fixtures.sampleItems], in: directory).status == 0)
        #expect(try pairwise(["simulate", "--annotators", "5", "--overlap", "3", "--noise", "0.4", "--seed", "3"], in: directory).status == 0)
        return directory
    }

    func lines(_ path: URL) throws -> [JSONValue] {
        try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    @Test func splitByPromptWritesOneFilePerSplitAndNoPromptTwice() throws {
        let directory = try simulatedProject()
        let run = try pairwise(["export", "--include-simulated", "--format", "helpsteer2", "--split", "train=0.8,test=0.2", "--seed", "11", "--out", "data"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let train = try lines(directory.appendingPathComponent("data/train.jsonl"))
        let test = try lines(directory.appendingPathComponent("data/test.jsonl"))
        // Every one of the 62 judged items but the one with a system prompt (HelpSteer2 has no
        // place for one) lands in exactly one split.
        #expect(train.count + test.count == 61)
        #expect(run.stderr == "left out 1 labeled item with a system turn the format has no place for\nwrote \(train.count) items to data/train.jsonl, \(test.count) items to data/test.jsonl\n")
        #expect(test.count > 3 && test.count < 25, "about a fifth: \(test.count)")
        let trainPrompts = Set(train.map { $0["prompt"]!.stringValue! }), testPrompts = Set(test.map { $0["prompt"]!.stringValue! })
        #expect(trainPrompts.isDisjoint(with: testPrompts))
        // Each line says how its label came about.
        for line in train + test {
            let source = line["label_source"]?.stringValue
            #expect(source == "unanimous" || source == "majority")
            #expect(line["judgments"] == .int(3))
            #expect((source == "unanimous") == (line["agreement"] == .double(1)))
        }
        // The same seed gives the same split; another seed another one.
        _ = try pairwise(["export", "--include-simulated", "--format", "helpsteer2", "--split", "train=0.8,test=0.2", "--seed", "11", "--out", "again"], in: directory)
        #expect(try lines(directory.appendingPathComponent("again/test.jsonl")) == test)
        _ = try pairwise(["export", "--include-simulated", "--format", "helpsteer2", "--split", "train=0.8,test=0.2", "--seed", "12", "--out", "other"], in: directory)
        #expect(try lines(directory.appendingPathComponent("other/test.jsonl")) != test)
        // --only agreed keeps the unanimous items.
        let agreed = try pairwise(["export", "--include-simulated", "--format", "helpsteer2", "--only", "agreed"], in: directory)
        #expect(agreed.stdout.split(separator: "\n").count == (train + test).filter { $0["label_source"] == .string("unanimous") }.count)
    }

    /// stats lists the most contested items one a line, each with its figures and the start of
    /// its question, so that a lead recognises it without looking its id up.
    @Test func mostContestedItemsShowTheirPrompt() throws {
        let directory = try simulatedProject()
        let lines = try pairwise(["stats"], in: directory).stdout.split(separator: "\n").map(String.init)
        let heading = try #require(lines.firstIndex(of: "most contested (direction agreement, strength spread, prompt):"))
        let first = lines[heading + 1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let store = try ProjectStore.open(at: directory.appendingPathComponent("pairwise.sqlite").path)
        let item = try #require(try store.itemRowID(externalID: first[0]).flatMap { try store.item(rowID: $0) })
        let question = item.prompt.plainText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.last { $0.count >= 20 }
            ?? item.prompt.plainText
        #expect(lines[heading + 1].contains(String(question.prefix(30))), "\(lines[heading + 1])")
        #expect(Double(first[1]) != nil && Int(first[2]) != nil)
    }

    /// stats keeps its columns aligned with a long annotator name.
    @Test func statsColumnsStayAlignedWithLongNames() throws {
        let directory = try simulatedProject()
        try Fixtures.hhRLHFRecords(5, into: directory.appendingPathComponent("hh.jsonl").path)
        #expect(try pairwise(["import", "hh.jsonl", "--labels-as", "annotator-with-a-long-name"], in: directory).status == 0)
        let lines = try pairwise(["stats"], in: directory).stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("annotator ") })
        let column = try #require(lines[header].range(of: "judgments")).upperBound
        let at = lines[header].distance(from: lines[header].startIndex, to: column)
        for line in lines[(header + 1)...].prefix { !$0.isEmpty } {
            // Each count ends where the header's "judgments" ends.
            let end = line.index(line.startIndex, offsetBy: at)
            #expect(line[..<end].last?.isNumber == true && line[end] == " ", "\(lines[header])\n\(line)")
        }
    }

    @Test func excludeSuspectsLeavesOutWhatTheModelContradicts() throws {
        let directory = try simulatedProject()
        #expect(try pairwise(["train", "--ensemble", "3", "--hash-bits", "10"], in: directory).status == 0)
        let model = try JSONParser.parse(try pairwise(["stats", "--json", "--contested", "1000"], in: directory).stdout)["model"]
        let suspects = Set(try #require(model?["suspects"]?.arrayValue).map { $0["item_id"]!.stringValue! })
        #expect(!suspects.isEmpty, "the simulated noise leaves labels the model contradicts")
        #expect(model?["suspect_count"]?.intValue ?? 0 >= suspects.count)
        let all = try pairwise(["export", "--include-simulated", "--format", "helpsteer2"], in: directory).stdout.split(separator: "\n")
        let kept = try pairwise(["export", "--include-simulated", "--format", "helpsteer2", "--exclude-suspects"], in: directory).stdout.split(separator: "\n")
            .map { try JSONParser.parse(String($0))["id"]!.stringValue! }
        #expect(kept.count == all.count - suspects.count)
        #expect(Set(kept).isDisjoint(with: suspects))
        // Every line carries the model's margin now.
        #expect(try all.allSatisfy { try JSONParser.parse(String($0))["model_margin"]?.doubleValue != nil })
    }

    @Test func badSplitsAndMisplacedOptionsAreUsageErrors() throws {
        let directory = try simulatedProject()
        let noOut = try pairwise(["export", "--include-simulated", "--format", "trl", "--split", "train=0.9,test=0.1"], in: directory)
        #expect(noOut.status == 64)
        #expect(noOut.stderr.contains("--split needs --out DIR"))
        let sum = try pairwise(["export", "--include-simulated", "--format", "trl", "--split", "train=0.9,test=0.2", "--out", "d"], in: directory)
        #expect(sum.status == 64)
        #expect(sum.stderr == "pairwise: error: --split: fractions add up to 1.1, not 1\n")
        let perJudgment = try pairwise(["export", "--include-simulated", "--format", "judgments", "--only", "agreed"], in: directory)
        #expect(perJudgment.status == 64)
        let noModel = try pairwise(["export", "--include-simulated", "--format", "trl", "--exclude-suspects"], in: directory)
        #expect(noModel.status == 64)
        #expect(noModel.stderr == "pairwise: error: --exclude-suspects needs a reward model: run pairwise train first\n")
    }

    @Test func onlyLeadsExportPerAnnotatorJudgments() throws {
        let directory = try simulatedProject()
        _ = try pairwise(["annotators", "add", "ann"], in: directory)
        for arguments in [["--format", "judgments"], ["--format", "csv"], ["--format", "rankings"], ["--format", "trl", "--annotator", "sim1"]] {
            let refused = try pairwise(["export"] + arguments, in: directory, environment: ["USER": "ann"])
            #expect(refused.status == 77, "\(arguments)")
            #expect(refused.stderr.contains("per-annotator labels (judgments, csv, rankings, --annotator; trl, hh-rlhf, helpsteer2 and ranked are open to everyone) is for leads only (ann is not a lead of this project)"))
            #expect(try pairwise(["export"] + arguments, in: directory).status == 0, "the lead who ran init")
        }
        #expect(try pairwise(["export", "--include-simulated", "--format", "trl"], in: directory, environment: ["USER": "ann"]).status == 0)
    }
}
