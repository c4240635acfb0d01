import Foundation
import PairwiseCore

extension ProjectStore {
    /// Takes the trainer lease for `seconds` unless another holder has it, its lease has
    /// not expired and `holderIsGone` does not say that holder is dead. On PostgreSQL, an
    /// advisory lock held by a connection of this process instead: no lease to expire.
    public func acquireTrainerLease(holder: String, seconds: Double, now: Date = Date(),
                                    holderIsGone: (String) -> Bool = { _ in false }) throws -> Bool {
        if case .postgres(let connections) = backend { return try connections.holdTrainerLock(Self.postgresTrainerLock) }
        return try write { sql in
            if let (owner, expires) = try sql.record("SELECT holder, expires_at FROM trainer_lease WHERE id = 1", {
                (try $0.text("holder"), try $0.text("expires_at"))
            }) {
                if owner != holder && expires > Timestamp.string(now) && !holderIsGone(owner) { return false }
            }
            try sql.execute("""
                INSERT INTO trainer_lease (id, holder, expires_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                """, [.text(holder), .text(Timestamp.string(now.addingTimeInterval(seconds)))])
            return true
        }
    }

    public func releaseTrainerLease(holder: String) throws {
        if case .postgres(let connections) = backend { return connections.releaseTrainerLock() }
        try write { sql in try sql.execute("DELETE FROM trainer_lease WHERE id = 1 AND holder = ?", [.text(holder)]) }
    }

    /// The trainer's advisory lock on PostgreSQL ("Pairwise" + 1).
    static let postgresTrainerLock = postgresWriterLock + 1

    /// Whether this person may write model runs: always on SQLite; on PostgreSQL, leads and
    /// the trainer role (an annotator's screen then runs no background trainer).
    public func canWriteModels() throws -> Bool {
        guard dialect == .postgres else { return true }
        return try read { sql in try sql.integer("SELECT CASE WHEN has_table_privilege('model_runs', 'INSERT') THEN 1 ELSE 0 END") == 1 }
    }

    /// The label watermark (the newest judgment and ranking row ids, summed), and the one
    /// the newest finished run had seen.
    public func judgmentWatermarks() throws -> (newest: Int64, lastRun: Int64?) {
        try read { sql in
            // Judgments and rankings both train the model: the watermark is the sum of their
            // newest ids (each only grows, so the sum grows with each new label of either
            // kind; a project without rankings keeps its judgment ids as before).
            let newest = try sql.integer("SELECT (SELECT coalesce(max(id), 0) FROM judgments) + (SELECT coalesce(max(id), 0) FROM rankings)") ?? 0
            let lastRun = try sql.integer("SELECT last_judgment_id FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1")
            return (newest, lastRun)
        }
    }

    /// Every item with its aggregated label (nil when unlabeled), in import order.
    public func labeledItems() throws -> [(rowID: Int64, item: Item, label: AggregatedPreference?)] {
        try read { sql in
            let judgments = try Self.currentJudgments(sql: sql, annotator: nil)
            let adjudications = try Self.currentAdjudications(sql: sql)
            var result: [(rowID: Int64, item: Item, label: AggregatedPreference?)] = []
            try Self.scanItemsInOrder(sql) { row in
                let rowID = try row.int64("id")
                let item = try Self.item(from: row)
                let labeled = LabeledItem(item: item, judgments: judgments[rowID] ?? [], adjudication: adjudications[rowID])
                result.append((rowID, item, PreferenceAggregation.aggregate(labeled)))
            }
            return result
        }
    }

    /// The span of the items' row ids (the largest less the smallest, plus one): at least
    /// their number, read from the row id index.
    public func itemRowSpan() throws -> Int {
        try read { sql in try Self.itemRowIDs(sql).map { Int($0.upperBound - $0.lowerBound + 1) } ?? 0 }
    }

    /// Calls `body` with every item, row id ascending, in chunks of `size`: for passes that
    /// need each item's text once, without holding every item at a time.
    public func forEachItemChunk(size: Int = 4_000, _ body: ([(rowID: Int64, item: Item)]) throws -> Void) throws {
        try read { sql in
            var chunk: [(rowID: Int64, item: Item)] = []
            try Self.scanItemsInOrder(sql) { row in
                chunk.append((try row.int64("id"), try Self.item(from: row)))
                if chunk.count == size {
                    try body(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { try body(chunk) }
        }
    }

    /// Calls `body` with every pair item's row id and content hash, row id ascending, in
    /// chunks of `size`, each with its text where `needsText` asks for it (nil elsewhere):
    /// a pass that keeps what it computed from items' texts reads only the texts it lacks.
    /// `needsText` is called once per item, in order, before its chunk's `body`.
    public func forEachItemChunk(size: Int, needsText: (_ rowID: Int64, _ contentHash: String) -> Bool,
                                 _ body: ([(rowID: Int64, contentHash: String, item: Item?)]) throws -> Void) throws {
        try read { sql in
            guard let rows = try Self.itemRowIDs(sql) else { return }
            var chunk: [(rowID: Int64, contentHash: String, item: Item?)] = []
            func flush() throws {
                let wanted = chunk.indices.filter { needsText(chunk[$0].rowID, chunk[$0].contentHash) }
                if !wanted.isEmpty {
                    var place = Dictionary(uniqueKeysWithValues: wanted.map { (chunk[$0].rowID, $0) })
                    // Every item of the chunk: one range on the key, as the texts-only scan reads them.
                    let query: SQLQuery = wanted.count == chunk.count
                        ? "\(raw: Self.itemSelect) WHERE i.id BETWEEN \(chunk[0].rowID) AND \(chunk[chunk.count - 1].rowID) ORDER BY i.id"
                        : "\(raw: Self.itemSelect) WHERE i.id IN \(list: wanted.map { chunk[$0].rowID }) ORDER BY i.id"
                    try sql.scan(query) { row in
                        if let k = place.removeValue(forKey: try row.int64("id")) { chunk[k].item = try Self.item(from: row) }
                    }
                }
                try body(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
            for start in stride(from: rows.lowerBound, through: rows.upperBound, by: Int(JudgmentSpans.span)) {
                try sql.scan("""
                    SELECT i.id, i.content_hash FROM items i
                    WHERE i.id BETWEEN \(start) AND \(start + JudgmentSpans.span - 1) AND i.response_count = 2 ORDER BY i.id
                    """) { row in
                    chunk.append((try row.int64("id"), try row.text("content_hash"), nil))
                    if chunk.count == size { try flush() }
                }
            }
            if !chunk.isEmpty { try flush() }
        }
    }

    /// Records the start of a run; it counts only once `finishModelRun` marks it done.
    public func startModelRun(lastJudgmentID: Int64) throws -> Int64 {
        try write { sql in
            guard let id = try sql.integer("INSERT INTO model_runs (started_at, status, last_judgment_id) VALUES (?, 'running', ?) RETURNING id",
                                           [.text(Timestamp.string(Date())), .integer(lastJudgmentID)]) else {
                throw StoreError(.database, "the model run was not recorded")
            }
            return id
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
            try write { sql in
                // One statement for the chunk: on PostgreSQL a statement a row was a round trip a row.
                var insert = BatchInsert(sql, table: "model_scores",
                                         columns: ["run_id", "item_id", "reward_a", "reward_b", "margin", "uncertainty", "held_out_margin"])
                for s in chunk {
                    try insert.add([.integer(id), .integer(s.itemRowID), .real(s.rewardA), .real(s.rewardB), .real(s.margin), .real(s.uncertainty),
                                    SQLValue.optional(s.heldOutMargin)])
                }
                try insert.flush()
            }
            start += chunk.count
            if BackgroundPriority.isCurrentThread { Thread.sleep(forTimeInterval: BackgroundPriority.pauseBetweenWrites) }
        }
        try write { sql in
            try sql.execute("""
                UPDATE model_runs SET finished_at = ?, status = 'done', pairs = ?, accuracy = ?, log_loss = ?, calibration_error = ?,
                    train_seconds = ?, parameters = ?, weights = ?, uncertainties = ? WHERE id = ?
                """, [.text(Timestamp.string(Date())), .integer(Int64(metrics.pairs)), .real(metrics.accuracy), .real(metrics.logLoss),
                      .real(metrics.calibrationError), .real(metrics.trainSeconds), .text(JSONWriter.string(metrics.parameters)),
                      .blob(Self.floatBlob(weights)), ItemScoreTable.blob(scores.map { ($0.itemRowID, $0.uncertainty) }).map(SQLValue.blob) ?? .null,
                      .integer(id)])
            for head in heads {
                try sql.execute("""
                    INSERT INTO model_heads (run_id, dimension, examples, held_out_rmse, held_out_pearson, weights) VALUES (?, ?, ?, ?, ?, ?)
                    """, [.integer(id), .text(head.dimension), .integer(Int64(head.examples)), .optional(head.heldOutRMSE),
                          .optional(head.heldOutPearson), .blob(Self.floatBlob(head.weights))])
            }
        }
    }

    /// The newest finished run's id: the model in use.
    static func latestRunID(_ sql: SQLConnection) throws -> Int64? {
        try sql.integer("SELECT id FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1")
    }

    /// Vectors are stored as native float32 (little-endian on the machines we run).
    static func floatBlob(_ values: [Float]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
    static func floatBlob(_ values: [Double]) -> [UInt8] { floatBlob(values.map { Float($0) }) }
    static func floats(_ blob: [UInt8]) -> [Float] {
        let count = blob.count / 4
        var result = [Float](repeating: 0, count: count)
        result.withUnsafeMutableBytes { $0.copyBytes(from: blob.prefix(count * 4)) }
        return result
    }
    static func doubles(_ blob: [UInt8]) -> [Double] { floats(blob).map(Double.init) }

    /// The newest finished run's attribute heads, with their weights when asked.
    public func latestModelHeads(withWeights: Bool = false) throws -> [ModelHeadFigures] {
        try read { sql in
            guard let run = try Self.latestRunID(sql) else { return [] }
            return try sql.records("""
                SELECT dimension, examples, held_out_rmse, held_out_pearson, \(raw: withWeights ? "weights" : "NULL AS weights") FROM model_heads
                WHERE run_id = \(run) ORDER BY dimension
                """) { row in
                ModelHeadFigures(dimension: try row.text("dimension"), examples: try row.int("examples"),
                                 heldOutRMSE: try row.optionalDouble("held_out_rmse"), heldOutPearson: try row.optionalDouble("held_out_pearson"),
                                 weights: try row.optionalBlob("weights").map(Self.doubles) ?? [])
            }
        }
    }

    /// Marks runs left 'running' by a trainer that died as failed and drops their partial
    /// scores. Call only while holding the trainer lease (no live run can exist then).
    public func failAbandonedModelRuns() throws {
        try write { sql in
            try sql.execute("DELETE FROM model_scores WHERE run_id IN (SELECT id FROM model_runs WHERE status = 'running')", [])
            try sql.execute("UPDATE model_runs SET status = 'failed', finished_at = ? WHERE status = 'running'", [.text(Timestamp.string(Date()))])
        }
    }

    public func failModelRun(_ id: Int64) throws {
        try write { sql in
            try sql.execute("UPDATE model_runs SET status = 'failed', finished_at = ? WHERE id = ?", [.text(Timestamp.string(Date())), .integer(id)])
        }
    }

    /// The newest finished run: the model in use.
    public func latestModelRun() throws -> ModelRunSummary? {
        try modelRuns(newestOnly: true).last
    }

    /// Every finished run, oldest first: how accuracy grew with the labels.
    public func modelRunHistory() throws -> [ModelRunSummary] { try modelRuns(newestOnly: false) }

    func modelRuns(newestOnly: Bool) throws -> [ModelRunSummary] {
        try read { sql in
            let select: SQLQuery = """
                SELECT id, finished_at, pairs, accuracy, log_loss, calibration_error, train_seconds, parameters FROM model_runs WHERE status = 'done'
                """
            return try sql.records(select + (newestOnly ? " ORDER BY id DESC LIMIT 1" : " ORDER BY id")) { row in
                let parameters = (try? JSONParser.parse(try row.text("parameters"))) ?? .object([])
                // The held-out metrics are NULL (a NaN stored) when nothing was held out: 0, as the run says no pairs were.
                return ModelRunSummary(id: try row.int64("id"), finishedAt: try row.text("finished_at"), pairs: try row.int("pairs"),
                                       accuracy: try row.optionalDouble("accuracy") ?? 0, logLoss: try row.optionalDouble("log_loss") ?? 0,
                                       calibrationError: try row.optionalDouble("calibration_error") ?? 0, trainSeconds: try row.double("train_seconds"),
                                       heldOutPairs: parameters["held_out_pairs"]?.intValue ?? 0,
                                       calibration: (parameters["calibration"]?.arrayValue ?? []).compactMap(CalibrationBin.init(json:)))
            }
        }
    }

    /// The newest finished run's scores by item id (empty when no model exists).
    public func latestItemScores() throws -> [String: ItemScore] {
        try read { sql in
            var result: [String: ItemScore] = [:]
            try Self.forEachLatestScore(sql) { id, score in result[id] = score }
            return result
        }
    }

    /// The newest finished run's uncertainty per item row id (empty when no model exists).
    public func latestUncertainties() throws -> ItemScoreTable {
        try read { sql in
            var table = ItemScoreTable()
            guard let run = try Self.latestRunID(sql) else { return table }
            if let stored = try sql.record("SELECT uncertainties FROM model_runs WHERE id = \(run)", { try $0.optionalBlob("uncertainties") }),
               let stored, let read = ItemScoreTable(blob: stored) {
                return read
            }
            // A run made before v18, or over ids too sparse for an array: a row per item.
            try sql.scan("SELECT item_id, uncertainty FROM model_scores WHERE run_id = \(run) ORDER BY item_id") { row in
                table.set(try row.double("uncertainty"), for: try row.int64("item_id"))
            }
            return table
        }
    }

    /// The current labels (not both bad, not a tie) on the items where the newest model is
    /// at least `confidence` sure of one side: the only labels it can contradict that
    /// surely. Read from the scores wide enough, not from every judgment; of one item only
    /// with `itemRowID`.
    public func labelsTheModelIsSureAbout(atLeast confidence: Double, itemRowID: Int64? = nil) throws -> [ScoredLabel] {
        try read { sql in
            guard let run = try Self.latestRunID(sql) else { return [] }
            // P(A) = σ(m) ≥ confidence, or ≤ 1 − confidence, needs |m| ≥ logit(confidence).
            let widest = log(confidence / (1 - confidence)) - 1e-9
            var labels: [ScoredLabel] = []
            // Row ids only: whoever needs names reads them for the few labels that stay.
            try sql.scan("""
                SELECT s.item_id, c.annotator_id, j.strength, coalesce(s.held_out_margin, s.margin) AS margin
                FROM model_scores s JOIN current_judgment_ids c ON c.item_id = s.item_id JOIN judgments j ON j.id = c.judgment_id
                WHERE s.run_id = \(run) AND abs(coalesce(s.held_out_margin, s.margin)) >= \(widest) AND j.both_bad = 0 AND j.strength <> 0
                \(itemRowID.map { SQLQuery(" AND s.item_id = ?", [.integer($0)]) } ?? "")
                """) { row in
                labels.append(ScoredLabel(itemRowID: try row.int64("item_id"), annotatorID: try row.int64("annotator_id"),
                                          humanStrength: try row.int("strength"), modelStrength: -(try row.double("margin"))))
            }
            return labels
        }
    }

    /// The newest run's held-out margin of each item that has one, by item row id ascending.
    public func latestHeldOutMargins() throws -> [(itemRowID: Int64, margin: Double)] {
        try read { sql in
            guard let run = try Self.latestRunID(sql) else { return [] }
            var result: [(itemRowID: Int64, margin: Double)] = []
            try sql.scan("SELECT item_id, held_out_margin FROM model_scores WHERE run_id = \(run) AND held_out_margin IS NOT NULL ORDER BY item_id") { row in
                result.append((try row.int64("item_id"), try row.double("held_out_margin")))
            }
            return result
        }
    }

    /// Item ids by row id.
    public func itemIDs(rowIDs: [Int64]) throws -> [Int64: String] {
        try read { sql in
            var ids: [Int64: String] = [:]
            for rowID in rowIDs { ids[rowID] = try sql.record("SELECT external_id FROM items WHERE id = \(rowID)") { try $0.text("external_id") } }
            return ids
        }
    }

    /// Calls `body` with each item's id and score in the newest finished run, if any.
    static func forEachLatestScore(_ sql: SQLConnection, _ body: (String, ItemScore) throws -> Void) throws {
        guard let run = try latestRunID(sql) else { return }
        try sql.scan("""
            SELECT i.external_id, s.item_id, s.reward_a, s.reward_b, s.margin, s.uncertainty, s.held_out_margin
            FROM model_scores s JOIN items i ON i.id = s.item_id
            """ as SQLQuery + " WHERE s.run_id = \(run)") { row in
            try body(try row.text("external_id"), ItemScore(itemRowID: try row.int64("item_id"), rewardA: try row.double("reward_a"), rewardB: try row.double("reward_b"),
                                                           margin: try row.double("margin"), uncertainty: try row.double("uncertainty"),
                                                           heldOutMargin: try row.optionalDouble("held_out_margin")))
        }
    }
}

extension ProjectStore {
    /// The newest finished run's mean weights and parameters (for scoring new pairs).
    public func latestModelWeights() throws -> (run: ModelRunSummary, weights: [Double], parameters: JSONValue)? {
        guard let run = try latestModelRun() else { return nil }
        return try read { sql in
            guard let (blob, text) = try sql.record("SELECT weights, parameters FROM model_runs WHERE id = \(run.id)", {
                (try $0.optionalBlob("weights"), try $0.text("parameters"))
            }), let blob else { return nil }
            let parameters = (try? JSONParser.parse(text)) ?? .object([])
            return (run, Self.doubles(blob), parameters)
        }
    }
}

extension ProjectStore {
    /// The imported response embeddings by item row id, and their common length (0: none).
    public func responseEmbeddings() throws -> (dimension: Int, vectors: [Int64: (a: [Float], b: [Float])]) {
        try read { sql in
            var a: [Int64: [Float]] = [:], b: [Int64: [Float]] = [:]
            try sql.scan("SELECT item_id, slot, vector FROM response_embeddings") { row in
                let item = try row.int64("item_id")
                let vector = Self.floats(try row.optionalBlob("vector") ?? [])
                if try row.text("slot") == "a" { a[item] = vector } else { b[item] = vector }
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
    public var annotatorID: Int64
    public var humanStrength: Int
    /// The model's strength on the human scale (negative: prefers A), held-out when it can.
    public var modelStrength: Double
}
