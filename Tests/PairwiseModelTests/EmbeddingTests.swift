import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct EmbeddingTests {
    /// Items whose text says nothing about the label (random filler words), while a
    /// 4-number embedding per response carries its true quality.
    func project(_ directory: TemporaryDirectory, withEmbeddings: Bool) throws -> ProjectStore {
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        var generator = SplitMix64(seed: 21)
        func filler() -> String { (0..<12).map { _ in "w\(Int.random(in: 0..<40, using: &generator))" }.joined(separator: " ") }
        var lines: [String] = []
        for n in 0..<400 {
            let qa = Double.random(in: -1...1, using: &generator), qb = Double.random(in: -1...1, using: &generator)
            func embedding(_ q: Double) -> JSONValue {
                .array([q, 0.5 + Double.random(in: -0.1...0.1, using: &generator), Double.random(in: -1...1, using: &generator), 1].map(JSONValue.double))
            }
            var record: [JSONMember] = [JSONMember(key: "id", value: .string("i\(n)")), JSONMember(key: "prompt", value: .string("q\(n)")),
                                        JSONMember(key: "response_a", value: .string(filler())), JSONMember(key: "response_b", value: .string(filler()))]
            if withEmbeddings { record += [JSONMember(key: "embedding_a", value: embedding(qa)), JSONMember(key: "embedding_b", value: embedding(qb))] }
            lines.append(JSONWriter.string(.object(record)))
            // The label follows the hidden quality.
            lines[lines.count - 1] += "\t\(qa > qb ? -2 : 2)"
        }
        let items = lines.map { String($0.split(separator: "\t")[0]) }
        try items.joined(separator: "\n").write(toFile: directory.path("items.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions())
        try store.sqlitePool().write { db in
            try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES ('oracle', 'annotator', 'x')")
            for (n, line) in lines.enumerated() {
                try db.execute(sql: """
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                    SELECT i.id, p.id, ?, 0, '{}', 'ab', 1, 'x', 'test' FROM items i, annotators p WHERE i.external_id = ? AND p.name = 'oracle'
                    """, arguments: [Int(line.split(separator: "\t")[1])!, "i\(n)"])
            }
        }
        return store
    }

    func heldOutAccuracy(withEmbeddings: Bool) throws -> (Double, JSONValue?) {
        let directory = try TemporaryDirectory()
        let store = try project(directory, withEmbeddings: withEmbeddings)
        var options = quickOptions(hashBits: 8, ensemble: 1)
        options.l2 = 1e-4
        guard case .trained(_, let metrics) = try Trainer(store: store, options: options, holder: "t").runOnce() else {
            Issue.record("expected a run"); return (0, nil)
        }
        return (metrics.accuracy, metrics.parameters["embedding_dimension"])
    }

    @Test func theModelLearnsFromImportedEmbeddings() throws {
        let (with, dimension) = try heldOutAccuracy(withEmbeddings: true)
        let (without, none) = try heldOutAccuracy(withEmbeddings: false)
        #expect(dimension == .int(4) && none == .int(0))
        #expect(with > 0.85, "with embeddings: \(with)")
        #expect(without < 0.65, "text alone carries no signal: \(without)")
    }

    @Test func badEmbeddingsNameTheLineAndField() throws {
        let directory = try TemporaryDirectory()
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        let good = #"{"id": "x", "prompt": "p", "response_a": "a", "response_b": "b", "embedding_a": [1, 2, 3], "embedding_b": [0.5, 0, -1]}"#
        let cases: [(String, String)] = [
            (#"{"id": "y", "prompt": "p", "response_a": "a", "response_b": "c", "embedding_a": [1, 2, 3], "embedding_b": [1, 2]}"#,
             "2: embedding_b: has 2 numbers and embedding_a 3; they must be the same length"),
            (#"{"id": "y", "prompt": "p", "response_a": "a", "response_b": "c", "embedding_a": [1, 2], "embedding_b": [1, 2]}"#,
             "2: embedding_a: has 2 numbers; this project's embeddings have 3"),
            (#"{"id": "y", "prompt": "p", "response_a": "a", "response_b": "c", "embedding_a": [1, "2", 3], "embedding_b": [1, 2, 3]}"#,
             "2: embedding_a[1]: expected a finite number, got string"),
            (#"{"id": "y", "prompt": "p", "response_a": "a", "response_b": "c", "embedding_b": [1, 2, 3]}"#,
             "2: embedding_a: missing: embedding_b is given, and the two come together"),
            (#"{"id": "y", "prompt": "p", "response_a": "a", "response_b": "c", "embedding_a": [], "embedding_b": []}"#,
             "2: embedding_a: expected a non-empty list of numbers, got an empty list"),
        ]
        for (bad, message) in cases {
            let path = directory.path("bad.jsonl")
            try (good + "\n" + bad).write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: ImportError.self) { try store.importFiles([path], options: ImportOptions()) }
            do { _ = try store.importFiles([path], options: ImportOptions()) } catch { #expect("\(error)" == "\(path):\(message)") }
        }
        // Nothing was stored by the failed imports; a good file stores both vectors.
        #expect(try store.responseEmbeddings().dimension == 0)
        try good.write(toFile: directory.path("good.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("good.jsonl")], options: ImportOptions())
        let stored = try store.responseEmbeddings()
        #expect(stored.dimension == 3)
        #expect(stored.vectors.first?.value.a == [1, 2, 3] && stored.vectors.first?.value.b == [0.5, 0, -1])
    }
}
