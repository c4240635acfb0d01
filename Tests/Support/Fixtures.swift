import Foundation

/// Paths the tests read: the repository's own files and the shared public datasets.
public enum Fixtures {
    /// The repository root (this file is Tests/Support/Fixtures.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Writes `count` records of the real hh-rlhf test file, from record `start`, as a JSON
    /// Lines file at `path`.
    public static func hhRLHFRecords(_ count: Int, from start: Int = 0, into path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -dc \"$0\" | tail -n +\(start + 1) | head -n \(count) > \"$1\"", hhRLHF, path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: hhRLHF])
        }
    }

    /// A file of the repository, by relative path.
    public static func repository(_ path: String) -> String { repositoryRoot.appendingPathComponent(path).path }

    /// The shared datasets folder: `$PAIRWISE_SHARED/datasets`, else `../shared/datasets`
    /// beside the clone, else `/work/shared/datasets`.
    public static let datasets: URL = {
        var candidates: [URL] = []
        if let shared = ProcessInfo.processInfo.environment["PAIRWISE_SHARED"] { candidates.append(URL(fileURLWithPath: shared)) }
        candidates.append(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared"))
        candidates.append(URL(fileURLWithPath: "/work/shared"))
        let found = candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("datasets").path) }
        return (found ?? candidates[0]).appendingPathComponent("datasets")
    }()

    /// Anthropic HH-RLHF, harmless-base test split: 2,312 pairs, gzip.
    public static let hhRLHF = datasets.appendingPathComponent("hh-rlhf/harmless-base-test.jsonl.gz").path

    /// The sample items and rubric.
    public static let sampleItems = repository("sample-data/items.jsonl")
    public static let sampleRubric = repository("sample-data/rubric.yaml")
}

/// A directory under the system's temporary folder, removed when this goes away.
public final class TemporaryDirectory {
    public let url: URL
    /// A fresh PostgreSQL database for the project (`PAIRWISE_DB`), dropped with the
    /// directory; nil for a project in a SQLite file in the directory.
    public let database: String?

    public init(_ prefix: String = "pairwise-test", on kind: StoreKind = .sqlite) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        database = kind == .postgres ? try TestPostgres.freshDatabase() : nil
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// What a command run here needs to find the project.
    public var environment: [String: String] { database.map { ["PAIRWISE_DB": $0] } ?? [:] }

    deinit {
        try? FileManager.default.removeItem(at: url)
        if let database { TestPostgres.dropDatabase(database) }
    }
}

/// The stores the store and end-to-end tests run on: SQLite always, PostgreSQL when a
/// server is there (`SQLConnectionTests.theStoreTestsReachPostgreSQL15OrLater` says when not).
public enum StoreKind: String, CaseIterable, Sendable {
    case sqlite, postgres
    public static let available: [StoreKind] = TestPostgres.isAvailable ? allCases : [.sqlite]
}

extension Fixtures {
    /// A real public file in ../shared/datasets/real-formats (see its README for sources).
    public static func realFormat(_ name: String) -> String { datasets.appendingPathComponent("real-formats/\(name)").path }
}

extension Fixtures {
    /// One real PandaLM instruction with `k` of its responses (PandaLM compares five models'
    /// answers to each instruction in pairs) and the order its first annotator's pairwise
    /// votes give them: `ranks[i]` of `responses[i]`, 1 the best, by Copeland score (wins
    /// minus losses among the pairs compared; equal scores tie).
    public struct PandaLMRankedItem {
        public var prompt: String
        public var responses: [String]
        public var ranks: [Int]
        public init(prompt: String, responses: [String], ranks: [Int]) {
            self.prompt = prompt
            self.responses = responses
            self.ranks = ranks
        }
    }

    /// The first `count` PandaLM instructions with at least `k` distinct responses, in file order.
    public static func pandaLMRankedItems(_ count: Int, responses k: Int) throws -> [PandaLMRankedItem] {
        let data = try Data(contentsOf: URL(fileURLWithPath: realFormat("pandalm-testset-v1.json")))
        guard let records = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        var order: [String] = []
        var groups: [String: (prompt: String, responses: [String], votes: [(Int, Int, Int)])] = [:]
        for record in records {
            let instruction = record["instruction"] as? String ?? "", input = record["input"] as? String ?? ""
            let key = instruction + "\u{0}" + input
            if groups[key] == nil {
                order.append(key)
                groups[key] = (input.isEmpty ? instruction : instruction + "\n\n" + input, [], [])
            }
            var indices: [Int] = []
            for field in ["response1", "response2"] {
                let text = record[field] as? String ?? ""
                if let n = groups[key]!.responses.firstIndex(of: text) { indices.append(n) } else {
                    groups[key]!.responses.append(text)
                    indices.append(groups[key]!.responses.count - 1)
                }
            }
            groups[key]!.votes.append((indices[0], indices[1], record["annotator1"] as? Int ?? 0))
        }
        var items: [PandaLMRankedItem] = []
        for key in order where items.count < count {
            let group = groups[key]!
            guard group.responses.count >= k else { continue }
            var score = [Int](repeating: 0, count: k)
            for (i, j, vote) in group.votes where i < k && j < k && vote != 0 {
                let (winner, loser) = vote == 1 ? (i, j) : (j, i)
                score[winner] += 1
                score[loser] -= 1
            }
            let levels = Array(Set(score)).sorted(by: >)
            items.append(PandaLMRankedItem(prompt: group.prompt, responses: Array(group.responses.prefix(k)),
                                           ranks: score.map { levels.firstIndex(of: $0)! + 1 }))
        }
        return items
    }
}

extension Fixtures {
    /// An openbmb/UltraFeedback record, laid out as the dataset card lists its fields, with a
    /// real PandaLM instruction and responses; `ratings[i]`: completion i's four aspect
    /// ratings (helpfulness, honesty, instruction_following, truthfulness), nil for "N/A".
    public static func ultraFeedbackRawRecord(_ item: PandaLMRankedItem, ratings: [[Int?]]) throws -> String {
        let aspects = ["helpfulness", "honesty", "instruction_following", "truthfulness"]
        let completions: [[String: Any]] = item.responses.enumerated().map { n, text in
            var annotations: [String: Any] = [:]
            for (a, aspect) in aspects.enumerated() {
                annotations[aspect] = ["Rating": ratings[n][a].map(String.init) ?? "N/A", "Rationale": "Rated by the card's rubric."]
            }
            return ["model": "model-\(n)", "principle": "helpfulness", "custom_system_prompt": "", "response": text,
                    "annotations": annotations, "critique": "", "overall_score": 7.5, "fine-grained_score": 4.0]
        }
        let record: [String: Any] = ["source": "evol_instruct", "instruction": item.prompt, "models": (0..<item.responses.count).map { "model-\($0)" },
                                     "completions": completions, "correct_answers": ["None"], "incorrect_answers": ["None"]]
        return String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A berkeley-nest/Nectar record, laid out as the dataset card lists its fields, with a
    /// real PandaLM instruction and responses ranked `ranks` (1 the best).
    public static func nectarRecord(_ item: PandaLMRankedItem, ranks: [Int], earlierTurns: [(human: String, assistant: String)] = []) throws -> String {
        let history = earlierTurns.map { "Human: \($0.human)\n\nAssistant: \($0.assistant)\n\n" }.joined()
        let record: [String: Any] = [
            "prompt": history + "Human: \(item.prompt)\n\nAssistant:",
            "answers": item.responses.enumerated().map { n, text in ["answer": text, "model": "model-\(n)", "rank": Double(ranks[n])] as [String: Any] },
            "turns": earlierTurns.count + 1, "num_responses": item.responses.count, "source": ["sharegpt"], "good_natured": true,
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]), as: UTF8.self)
    }
}

extension Fixtures {
    /// An OpenAssistant message tree, laid out as the oasst1 trees files are, around a real
    /// PandaLM instruction: the prompt with three ranked replies (responses 0–2, ranks
    /// `ranks`), a deleted one, and under the first reply a follow-up question with two
    /// ranked replies (responses 3 and 4, the second ranked first).
    public static func oasstTree(_ item: PandaLMRankedItem, ranks: [Int]) throws -> String {
        func message(_ id: String, _ text: String, _ role: String, rank: Int? = nil, replies: [[String: Any]] = [], deleted: Bool = false) -> [String: Any] {
            var m: [String: Any] = ["message_id": id, "text": text, "role": role, "lang": "en", "deleted": deleted, "replies": replies]
            if let rank { m["rank"] = rank }
            return m
        }
        let followUp = message("m-q2", "Can you say that more briefly?", "prompter", replies: [
            message("m-a4", item.responses[3], "assistant", rank: 1), message("m-a5", item.responses[4], "assistant", rank: 0)])
        let root = message("m-q1", item.prompt, "prompter", replies: [
            message("m-a1", item.responses[0], "assistant", rank: ranks[0], replies: [followUp]),
            message("m-a2", item.responses[1], "assistant", rank: ranks[1]),
            message("m-a3", item.responses[2], "assistant", rank: ranks[2]),
            message("m-ax", "removed by a moderator", "assistant", rank: 3, deleted: true)])
        let tree: [String: Any] = ["message_tree_id": "m-q1", "tree_state": "ready_for_export", "prompt": root]
        return String(decoding: try JSONSerialization.data(withJSONObject: tree, options: [.sortedKeys]), as: UTF8.self)
    }
}
