import Foundation
import PairwiseCore
import PairwiseStore

/// Refits the reward model on a project's labels and stores the run: held-out metrics, the
/// ensemble's mean weights, and every item's rewards, margin and uncertainty. Only the
/// holder of the trainer lease fits; a run counts once it is marked done, so a trainer
/// killed mid-fit leaves the previous model in use.
public struct Trainer: Sendable {
    public struct Options: Sendable {
        /// Refit only when at least this many judgments arrived since the last run.
        public var minNew = 1
        public var ensembleSize = 5
        /// Share of labeled pairs held out for the run's metrics.
        public var heldOut = 0.2
        public var seed: UInt64 = 1
        public var l2 = 1e-3
        public var hashBits = 18
        /// How long the lease lasts; a trainer that dies holds it at most this long.
        public var leaseSeconds = 180.0
        public init() {}
    }

    public enum Outcome: Sendable, Equatable {
        case trained(runID: Int64, metrics: ModelRunMetrics)
        case nothingNew(newJudgments: Int64)
        case leaseHeldByAnother
        case noLabels
    }

    public let store: ProjectStore
    public let options: Options
    public let holder: String

    /// This process's name in the lease: `host:pid`.
    public static let processHolder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"

    /// True when `holder` names a process on this host that no longer exists (killed
    /// mid-fit): its lease need not be waited out.
    static func isDeadLocalProcess(_ holder: String) -> Bool {
        guard let colon = holder.lastIndex(of: ":"), holder[..<colon] == ProcessInfo.processInfo.hostName,
              let pid = Int32(holder[holder.index(after: colon)...]), pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    public init(store: ProjectStore, options: Options = Options(), holder: String = Trainer.processHolder) {
        self.store = store
        self.options = options
        self.holder = holder
    }

    public func runOnce() throws -> Outcome {
        guard try store.acquireTrainerLease(holder: holder, seconds: options.leaseSeconds, holderIsGone: Self.isDeadLocalProcess) else {
            return .leaseHeldByAnother
        }
        defer { try? store.releaseTrainerLease(holder: holder) }
        try store.failAbandonedModelRuns()
        let marks = try store.judgmentWatermarks()
        let fresh = marks.newest - (marks.lastRun ?? 0)
        if marks.lastRun != nil && fresh < Int64(options.minNew) { return .nothingNew(newJudgments: fresh) }
        let embeddings = try store.responseEmbeddings()
        let featurizer = Featurizer(hashBits: options.hashBits, embeddingDimension: embeddings.dimension)
        let items = try store.labeledItems()
        // Each response is featurized once, for training and for scoring, in chunks on every core.
        let features = parallelMap(items.count) { n -> (SparseVector, SparseVector) in
            let entry = items[n]
            let prompt = featurizer.promptWords(entry.item.prompt.plainText)
            let vectors = embeddings.vectors[entry.rowID]
            return (featurizer.features(promptWords: prompt, response: entry.item.responseA.text, embedding: vectors?.a),
                    featurizer.features(promptWords: prompt, response: entry.item.responseB.text, embedding: vectors?.b))
        }
        var examples: [PairExample] = []
        var exampleOfItem = [Int?](repeating: nil, count: items.count)
        for (n, (entry, (a, b))) in zip(items, features).enumerated() {
            guard let label = entry.label,
                  let kind = PairExample.label(meanStrength: label.strength, bothBad: label.bothBad) else { continue }
            exampleOfItem[n] = examples.count
            examples.append(PairExample(difference: a.subtracting(b), label: kind))
        }
        guard !examples.isEmpty else { return .noLabels }
        let runID = try store.startModelRun(lastJudgmentID: marks.newest)
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let modelOptions = RewardModel.Options(l2: options.l2)
            // Held-out metrics from a seeded split.
            var order = Array(examples.indices)
            var generator = SplitMix64(seed: options.seed)
            order.shuffle(using: &generator)
            let testCount = examples.count >= 10 ? Int(Double(examples.count) * options.heldOut) : 0
            let test = order.prefix(testCount).map { examples[$0] }, train = order.dropFirst(testCount).map { examples[$0] }
            let probe = RewardModel.fit(train, featurizer: featurizer, options: modelOptions)
            let evaluation = Evaluation(margins: test.map { (probe.margin($0), $0.label) })
            // The ensemble on every labeled pair scores every item.
            let ensemble = Ensemble.fit(examples, size: options.ensembleSize, seed: options.seed, featurizer: featurizer, options: modelOptions)
            let outOfBag = ensemble.outOfBagMembers(count: examples.count)
            let examplesOfItems = exampleOfItem
            let scores = parallelMap(items.count) { n -> ItemScore in
                let (fa, fb) = features[n]
                let s = ensemble.score(fa, fb)
                let heldOut = examplesOfItems[n].flatMap { ensemble.margin(fa, fb, members: outOfBag[$0]) }
                return ItemScore(itemRowID: items[n].rowID, rewardA: s.rewardA, rewardB: s.rewardB, margin: s.margin,
                                 uncertainty: s.uncertainty, heldOutMargin: heldOut)
            }
            let heads = try fitHeads(items: items.map(\.item.id), features: features, size: featurizer.dimension, options: modelOptions)
            var mean = Array(repeating: 0.0, count: featurizer.dimension)
            for member in ensemble.members { for i in mean.indices { mean[i] += member.weights[i] / Double(ensemble.members.count) } }
            let seconds = (clock.now - start)
            let metrics = ModelRunMetrics(
                pairs: examples.count, accuracy: evaluation.accuracy, logLoss: evaluation.logLoss,
                calibrationError: evaluation.calibrationError,
                trainSeconds: Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18,
                parameters: .object(["ensemble": .int(options.ensembleSize), "held_out": .double(options.heldOut), "held_out_pairs": .int(test.count),
                                     "seed": .int(Int(truncatingIfNeeded: options.seed)), "l2": .double(options.l2), "hash_bits": .int(options.hashBits),
                                     "embedding_dimension": .int(embeddings.dimension)]))
            try store.finishModelRun(runID, metrics: metrics, weights: mean, scores: scores, heads: heads)
            return .trained(runID: runID, metrics: metrics)
        } catch {
            try? store.failModelRun(runID)
            throw error
        }
    }

    /// One regression head per per-response rubric dimension with ratings on at least 5
    /// items: held-out RMSE and Pearson's r from a seeded 80/20 split by item, then a fit on
    /// every rated response.
    func fitHeads(items: [String], features: [(SparseVector, SparseVector)], size: Int,
                  options: RewardModel.Options) throws -> [ModelHeadFigures] {
        let dimensions = try store.rubric().dimensions.filter { $0.kind == .perResponse }.map(\.key)
        guard !dimensions.isEmpty else { return [] }
        let position = Dictionary(items.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        // Sum of ratings of A and B per (dimension, item).
        var sums = Array(repeating: [Int: (a: Double, b: Double, count: Double)](), count: dimensions.count)
        for judgment in try store.currentJudgments() {
            guard let n = position[judgment.itemID] else { continue }
            for (d, key) in dimensions.enumerated() {
                guard case .perResponse(let a, let b)? = judgment.rubric[key] else { continue }
                let old = sums[d][n] ?? (0, 0, 0)
                sums[d][n] = (old.a + Double(a), old.b + Double(b), old.count + 1)
            }
        }
        let ratings = sums
        let results = ResultSlots<ModelHeadFigures>(count: dimensions.count)
        let seed = self.options.seed, share = self.options.heldOut
        parallelFor(dimensions.count) { d in
            var rated = ratings[d].keys.sorted()
            guard rated.count >= 5 else { return }
            func rows(_ indices: some Sequence<Int>) -> [(features: SparseVector, rating: Double)] {
                indices.flatMap { n -> [(features: SparseVector, rating: Double)] in
                    let s = ratings[d][n]!
                    return [(features[n].0, s.a / s.count), (features[n].1, s.b / s.count)]
                }
            }
            var generator = SplitMix64(seed: seed ^ UInt64(d + 1))
            rated.shuffle(using: &generator)
            let testCount = rated.count >= 10 ? Int(Double(rated.count) * share) : 0
            let probe = AttributeHead.fit(rows(rated.dropFirst(testCount)), dimension: dimensions[d], size: size, l2: options.l2)
            let (rmse, pearson) = probe.evaluate(rows(rated.prefix(testCount)))
            let all = rows(rated)
            let head = AttributeHead.fit(all, dimension: dimensions[d], size: size, l2: options.l2)
            results.store(ModelHeadFigures(dimension: dimensions[d], examples: all.count, heldOutRMSE: rmse, heldOutPearson: pearson,
                                           weights: [head.intercept] + head.weights), at: d)
        }
        return results.filled
    }
}
