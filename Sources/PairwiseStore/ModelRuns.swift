import Foundation
import GRDB
import PairwiseCore

extension ProjectStore {
    /// Takes the trainer lease for `seconds` unless another holder has it, its lease has
    /// not expired and `holderIsGone` does not say that holder is dead.
    public func acquireTrainerLease(holder: String, seconds: Double, now: Date = Date(),
                                    holderIsGone: (String) -> Bool = { _ in false }) throws -> Bool {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT holder, expires_at FROM trainer_lease WHERE id = 1") {
                let owner: String = row["holder"], expires: String = row["expires_at"]
                if owner != holder && expires > Timestamp.string(now) && !holderIsGone(owner) { return false }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO trainer_lease (id, holder, expires_at) VALUES (1, ?, ?)",
                           arguments: [holder, Timestamp.string(now.addingTimeInterval(seconds))])
            return true
        }
    }

    public func releaseTrainerLease(holder: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM trainer_lease WHERE id = 1 AND holder = ?", arguments: [holder]) }
    }

    /// The newest judgment row id, and the one the newest finished run had seen.
    public func judgmentWatermarks() throws -> (newest: Int64, lastRun: Int64?) {
        try pool.read { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM judgments") ?? 0
            let lastRun = try Int64.fetchOne(db, sql: "SELECT last_judgment_id FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1")
            return (newest, lastRun)
        }
    }

    /// Every item with its aggregated label (nil when unlabeled), in import order.
    public func labeledItems() throws -> [(rowID: Int64, item: Item, label: AggregatedPreference?)] {
        try pool.read { db in
            let judgments = try Self.currentJudgments(db: db, annotator: nil)
            let adjudications = try Self.currentAdjudications(db: db)
            return try Row.fetchAll(db, sql: Self.itemSQL).map { row in
                let rowID: Int64 = row["id"]
                let item = try Self.item(from: row)
                let labeled = LabeledItem(item: item, judgments: judgments[rowID] ?? [], adjudication: adjudications[rowID])
                return (rowID, item, PreferenceAggregation.aggregate(labeled))
            }
        }
    }

    /// Calls `body` with every item, row id ascending, in chunks of `size`: for passes that
    /// need each item's text once, without holding every item at a time.
    public func forEachItemChunk(size: Int = 4_000, _ body: ([(rowID: Int64, item: Item)]) throws -> Void) throws {
        try pool.read { db in
            var chunk: [(rowID: Int64, item: Item)] = []
            let rows = try Row.fetchCursor(db, sql: Self.itemSQL)
            while let row = try rows.next() {
                chunk.append((row["id"], try Self.item(from: row)))
                if chunk.count == size {
                    try body(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { try body(chunk) }
        }
    }

    /// Every standing adjudication, by item row id.
    public func currentAdjudicationsByItem() throws -> [Int64: Adjudication] {
        try pool.read { db in try Self.currentAdjudications(db: db) }
    }

    /// Records the start of a run; it counts only once `finishModelRun` marks it done.
    public func startModelRun(lastJudgmentID: Int64) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO model_runs (started_at, status, last_judgment_id) VALUES (?, 'running', ?)",
                           arguments: [Timestamp.string(Date()), lastJudgmentID])
            return db.lastInsertedRowID
        }
    }

    /// Rows of scores written per transaction: small enough that an annotator's submit
    /// never waits long behind the trainer (a low-priority thread on a busy CPU) for the
    /// single writer. Measured with `bench tui --with-trainer`: 2,000 rows gave a max of
    /// 150–220 ms, 500 rows 20–60 ms (p99 5.4–8.7 ms), 100 rows a p99 of 3.4–3.5 ms.
    public static let scoreChunkRows = 100

    /// Stores a run's scores (in chunks, invisible until the run is done; from background
    /// work `BackgroundPriority.pauseBetweenWrites` apart), then its metrics and weights,
    /// marking it done in one last transaction. A trainer killed in between
    /// leaves a run that is not done: the previous model stays in use.
    public func finishModelRun(_ id: Int64, metrics: ModelRunMetrics, weights: [Double], scores: [ItemScore],
                               heads: [ModelHeadFigures] = []) throws {
        var start = 0
        while start < scores.count {
            let chunk = scores[start..<min(scores.count, start + Self.scoreChunkRows)]
            try pool.write { db in
                let insert = try db.makeStatement(sql: """
                    INSERT INTO model_scores (run_id, item_id, reward_a, reward_b, margin, uncertainty, held_out_margin)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for s in chunk {
                    try insert.execute(arguments: [id, s.itemRowID, s.rewardA, s.rewardB, s.margin, s.uncertainty, s.heldOutMargin])
                }
            }
            start += chunk.count
            if BackgroundPriority.isCurrentThread { Thread.sleep(forTimeInterval: BackgroundPriority.pauseBetweenWrites) }
        }
        try pool.write { db in
            let blob = Self.floatBlob(weights)
            try db.execute(sql: """
                UPDATE model_runs SET finished_at = ?, status = 'done', pairs = ?, accuracy = ?, log_loss = ?, calibration_error = ?,
                    train_seconds = ?, parameters = ?, weights = ? WHERE id = ?
                """, arguments: [Timestamp.string(Date()), metrics.pairs, metrics.accuracy, metrics.logLoss, metrics.calibrationError,
                                 metrics.trainSeconds, JSONWriter.string(metrics.parameters), blob, id])
            for head in heads {
                try db.execute(sql: """
                    INSERT INTO model_heads (run_id, dimension, examples, held_out_rmse, held_out_pearson, weights) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, head.dimension, head.examples, head.heldOutRMSE, head.heldOutPearson, Self.floatBlob(head.weights)])
            }
        }
    }

    /// The newest finished run's id: the model in use.
    static func latestRunID(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1")
    }

    /// Vectors are stored as native float32 (little-endian on the machines we run).
    static func floatBlob(_ values: [Float]) -> Data { values.withUnsafeBufferPointer { Data(buffer: $0) } }
    static func floatBlob(_ values: [Double]) -> Data { floatBlob(values.map { Float($0) }) }
    static func floats(_ blob: Data) -> [Float] { blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
    static func doubles(_ blob: Data) -> [Double] { floats(blob).map(Double.init) }

    /// The newest finished run's attribute heads, with their weights when asked.
    public func latestModelHeads(withWeights: Bool = false) throws -> [ModelHeadFigures] {
        try pool.read { db in
            guard let run = try Self.latestRunID(db) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT dimension, examples, held_out_rmse, held_out_pearson, \(withWeights ? "weights" : "NULL") FROM model_heads
                WHERE run_id = ? ORDER BY dimension
                """, arguments: [run]).map { row in
                ModelHeadFigures(dimension: row[0], examples: row[1], heldOutRMSE: row[2], heldOutPearson: row[3],
                                 weights: (row[4] as Data?).map(Self.doubles) ?? [])
            }
        }
    }

    /// Marks runs left 'running' by a trainer that died as failed and drops their partial
    /// scores. Call only while holding the trainer lease (no live run can exist then).
    public func failAbandonedModelRuns() throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM model_scores WHERE run_id IN (SELECT id FROM model_runs WHERE status = 'running')")
            try db.execute(sql: "UPDATE model_runs SET status = 'failed', finished_at = ? WHERE status = 'running'", arguments: [Timestamp.string(Date())])
        }
    }

    public func failModelRun(_ id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE model_runs SET status = 'failed', finished_at = ? WHERE id = ?", arguments: [Timestamp.string(Date()), id])
        }
    }

    /// The newest finished run: the model in use.
    public func latestModelRun() throws -> ModelRunSummary? {
        try modelRuns(newestOnly: true).last
    }

    /// Every finished run, oldest first: how accuracy grew with the labels.
    public func modelRunHistory() throws -> [ModelRunSummary] { try modelRuns(newestOnly: false) }

    func modelRuns(newestOnly: Bool) throws -> [ModelRunSummary] {
        try pool.read { db in
            let sql = newestOnly ? "SELECT * FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1"
                                 : "SELECT * FROM model_runs WHERE status = 'done' ORDER BY id"
            return try Row.fetchAll(db, sql: sql).map { row in
                let parameters = (try? JSONParser.parse(row["parameters"] as String)) ?? .object([])
                return ModelRunSummary(id: row["id"], finishedAt: row["finished_at"], pairs: row["pairs"], accuracy: row["accuracy"],
                                       logLoss: row["log_loss"], calibrationError: row["calibration_error"], trainSeconds: row["train_seconds"],
                                       heldOutPairs: parameters["held_out_pairs"]?.intValue ?? 0)
            }
        }
    }

    /// The newest finished run's scores by item id (empty when no model exists).
    public func latestItemScores() throws -> [String: ItemScore] {
        try pool.read { db in
            var result: [String: ItemScore] = [:]
            try Self.forEachLatestScore(db) { id, score in result[id] = score }
            return result
        }
    }

    /// The newest finished run's uncertainty per item row id (empty when no model exists).
    public func latestUncertainties() throws -> [Int64: Double] {
        let list = try latestUncertaintiesByRow()
        var result = [Int64: Double](minimumCapacity: list.count)
        for (rowID, uncertainty) in list { result[rowID] = uncertainty }
        return result
    }

    /// The current labels (not both bad, not a tie) on the items where the newest model is
    /// at least `confidence` sure of one side: the only labels it can contradict that
    /// surely. Read from the scores wide enough, not from every judgment.
    public func labelsTheModelIsSureAbout(atLeast confidence: Double) throws -> [ScoredLabel] {
        try pool.read { db in
            guard let run = try Self.latestRunID(db) else { return [] }
            // P(A) = σ(m) ≥ confidence, or ≤ 1 − confidence, needs |m| ≥ logit(confidence).
            let widest = log(confidence / (1 - confidence)) - 1e-9
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.item_id, i.external_id, p.name, j.strength, coalesce(s.held_out_margin, s.margin)
                FROM model_scores s JOIN items i ON i.id = s.item_id
                JOIN current_judgment_ids c ON c.item_id = s.item_id JOIN judgments j ON j.id = c.judgment_id
                JOIN annotators p ON p.id = c.annotator_id
                WHERE s.run_id = ? AND abs(coalesce(s.held_out_margin, s.margin)) >= ? AND j.both_bad = 0 AND j.strength <> 0
                """, arguments: [run, widest])
            var labels: [ScoredLabel] = []
            while let row = try rows.next() {
                labels.append(ScoredLabel(itemRowID: row[0], itemID: row[1], annotator: row[2], humanStrength: row[3], modelStrength: -(row[4] as Double)))
            }
            return labels
        }
    }

    /// The newest run's held-out margin of each item that has one, by item row id ascending.
    public func latestHeldOutMargins() throws -> [(itemRowID: Int64, margin: Double)] {
        try latestScores("held_out_margin").map { (itemRowID: $0.itemRowID, margin: $0.value) }
    }

    /// The newest run's uncertainty of every item it scored, by item row id ascending.
    public func latestUncertaintiesByRow() throws -> [(itemRowID: Int64, uncertainty: Double)] {
        try latestScores("uncertainty").map { (itemRowID: $0.itemRowID, uncertainty: $0.value) }
    }

    /// One score column of the newest run, where not NULL, by item row id ascending.
    private func latestScores(_ column: String) throws -> [(itemRowID: Int64, value: Double)] {
        try pool.read { db in
            guard let run = try Self.latestRunID(db) else { return [] }
            let rows = try RawRows(db, sql: "SELECT item_id, \(column) FROM model_scores WHERE run_id = \(run) AND \(column) IS NOT NULL ORDER BY item_id")
            var result: [(itemRowID: Int64, value: Double)] = []
            while try rows.next() { result.append((Int64(rows.int(0)), rows.double(1))) }
            return result
        }
    }

    /// Item ids by row id.
    public func itemIDs(rowIDs: [Int64]) throws -> [Int64: String] {
        try pool.read { db in
            let statement = try db.makeStatement(sql: "SELECT external_id FROM items WHERE id = ?")
            var ids: [Int64: String] = [:]
            for rowID in rowIDs { ids[rowID] = try String.fetchOne(statement, arguments: [rowID]) }
            return ids
        }
    }

    /// Calls `body` with each item's id and score in the newest finished run, if any.
    static func forEachLatestScore(_ db: Database, _ body: (String, ItemScore) throws -> Void) throws {
        guard let run = try latestRunID(db) else { return }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT i.external_id, s.item_id, s.reward_a, s.reward_b, s.margin, s.uncertainty, s.held_out_margin
            FROM model_scores s JOIN items i ON i.id = s.item_id WHERE s.run_id = ?
            """, arguments: [run])
        while let row = try rows.next() {
            try body(row[0], ItemScore(itemRowID: row[1], rewardA: row[2], rewardB: row[3], margin: row[4], uncertainty: row[5],
                                       heldOutMargin: row[6]))
        }
    }
}

extension ProjectStore {
    /// The newest finished run's mean weights and parameters (for scoring new pairs).
    public func latestModelWeights() throws -> (run: ModelRunSummary, weights: [Double], parameters: JSONValue)? {
        guard let run = try latestModelRun() else { return nil }
        return try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT weights, parameters FROM model_runs WHERE id = ?", arguments: [run.id]),
                  let blob = row["weights"] as Data? else { return nil }
            let parameters = (try? JSONParser.parse(row["parameters"] as String)) ?? .object([])
            return (run, Self.doubles(blob), parameters)
        }
    }
}

extension ProjectStore {
    /// The imported response embeddings by item row id, and their common length (0: none).
    public func responseEmbeddings() throws -> (dimension: Int, vectors: [Int64: (a: [Float], b: [Float])]) {
        try pool.read { db in
            var a: [Int64: [Float]] = [:], b: [Int64: [Float]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT item_id, slot, vector FROM response_embeddings")
            while let row = try rows.next() {
                let vector = Self.floats(row[2])
                if (row[1] as String) == "a" { a[row[0]] = vector } else { b[row[0]] = vector }
            }
            var vectors: [Int64: (a: [Float], b: [Float])] = [:]
            for (item, va) in a { if let vb = b[item] { vectors[item] = (va, vb) } }
            return (vectors.first?.value.a.count ?? 0, vectors)
        }
    }
}

/// A current label on an item the newest model scored: what suspects are found among.
public struct ScoredLabel: Sendable, Equatable {
    public var itemRowID: Int64
    public var itemID: String
    public var annotator: String
    public var humanStrength: Int
    /// The model's strength on the human scale (negative: prefers A), held-out when it can.
    public var modelStrength: Double
}
