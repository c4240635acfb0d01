import Foundation
import GRDB
import PairwiseCore

/// What a finished model run measured.
public struct ModelRunMetrics: Sendable, Equatable {
    public var pairs: Int
    public var accuracy: Double
    public var logLoss: Double
    public var calibrationError: Double
    public var trainSeconds: Double
    public var parameters: JSONValue

    public init(pairs: Int, accuracy: Double, logLoss: Double, calibrationError: Double, trainSeconds: Double, parameters: JSONValue) {
        self.pairs = pairs
        self.accuracy = accuracy
        self.logLoss = logLoss
        self.calibrationError = calibrationError
        self.trainSeconds = trainSeconds
        self.parameters = parameters
    }
}

/// The model's view of one item.
public struct ItemScore: Sendable, Equatable {
    public var itemRowID: Int64
    public var rewardA: Double
    public var rewardB: Double
    public var margin: Double
    public var uncertainty: Double

    public init(itemRowID: Int64, rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double) {
        self.itemRowID = itemRowID
        self.rewardA = rewardA
        self.rewardB = rewardB
        self.margin = margin
        self.uncertainty = uncertainty
    }
}

/// A finished run, as the TUI and stats show it.
public struct ModelRunSummary: Sendable, Equatable {
    public var id: Int64
    public var finishedAt: String
    public var pairs: Int
    public var accuracy: Double
    public var logLoss: Double
    public var calibrationError: Double
    public var trainSeconds: Double
}

extension ProjectStore {
    /// Takes the trainer lease for `seconds` unless another live holder has it.
    public func acquireTrainerLease(holder: String, seconds: Double, now: Date = Date()) throws -> Bool {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT holder, expires_at FROM trainer_lease WHERE id = 1") {
                let owner: String = row["holder"], expires: String = row["expires_at"]
                if owner != holder && expires > Timestamp.string(now) { return false }
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

    /// Records the start of a run; it counts only once `finishModelRun` marks it done.
    public func startModelRun(lastJudgmentID: Int64) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO model_runs (started_at, status, last_judgment_id) VALUES (?, 'running', ?)",
                           arguments: [Timestamp.string(Date()), lastJudgmentID])
            return db.lastInsertedRowID
        }
    }

    /// Stores a run's metrics, weights and scores and marks it done, in one transaction.
    public func finishModelRun(_ id: Int64, metrics: ModelRunMetrics, weights: [Double], scores: [ItemScore]) throws {
        try pool.write { db in
            let blob = weights.map { Float($0) }.withUnsafeBufferPointer { Data(buffer: $0) }
            try db.execute(sql: """
                UPDATE model_runs SET finished_at = ?, status = 'done', pairs = ?, accuracy = ?, log_loss = ?, calibration_error = ?,
                    train_seconds = ?, parameters = ?, weights = ? WHERE id = ?
                """, arguments: [Timestamp.string(Date()), metrics.pairs, metrics.accuracy, metrics.logLoss, metrics.calibrationError,
                                 metrics.trainSeconds, JSONWriter.string(metrics.parameters), blob, id])
            let insert = try db.makeStatement(sql: """
                INSERT INTO model_scores (run_id, item_id, reward_a, reward_b, margin, uncertainty) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for s in scores { try insert.execute(arguments: [id, s.itemRowID, s.rewardA, s.rewardB, s.margin, s.uncertainty]) }
        }
    }

    public func failModelRun(_ id: Int64) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE model_runs SET status = 'failed', finished_at = ? WHERE id = ?", arguments: [Timestamp.string(Date()), id])
        }
    }

    /// The newest finished run: the model in use.
    public func latestModelRun() throws -> ModelRunSummary? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1").map { row in
                ModelRunSummary(id: row["id"], finishedAt: row["finished_at"], pairs: row["pairs"], accuracy: row["accuracy"],
                                logLoss: row["log_loss"], calibrationError: row["calibration_error"], trainSeconds: row["train_seconds"])
            }
        }
    }
}

extension ProjectStore {
    /// The newest finished run's uncertainty per item row id (empty when no model exists).
    public func latestUncertainties() throws -> [Int64: Double] {
        try pool.read { db in
            guard let run = try Int64.fetchOne(db, sql: "SELECT id FROM model_runs WHERE status = 'done' ORDER BY id DESC LIMIT 1") else { return [:] }
            var result: [Int64: Double] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT item_id, uncertainty FROM model_scores WHERE run_id = ?", arguments: [run])
            while let row = try rows.next() { result[row[0]] = row[1] }
            return result
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
            let floats = blob.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let parameters = (try? JSONParser.parse(row["parameters"] as String)) ?? .object([])
            return (run, floats.map(Double.init), parameters)
        }
    }
}
