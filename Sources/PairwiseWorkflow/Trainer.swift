import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStore

/// Refits the reward model on a project's labels and stores the run: held-out metrics, the
/// ensemble's mean weights, and every item's rewards, margin and uncertainty. Only the
/// holder of the trainer lease fits; a run counts once it is marked done, so a trainer
/// killed mid-fit leaves the previous model in use.
public struct Trainer: Sendable {
    public struct Options: Sendable {
        /// Refit only when at least this many judgments arrived since the last run.
        public var minNew = 1
        /// Refit even when nothing new arrived (`train --force`: another seed, new settings).
        public var force = false
        public var ensembleSize = 5
        /// Share of labeled pairs held out for the run's metrics.
        public var heldOut = 0.2
        public var seed: UInt64 = 1
        public var l2 = 1e-3
        public var hashBits = 18
        /// Where each response's features are kept from run to run.
        public var featureCache = FeatureCacheChoice.usual
        /// Compute every response's features anew this run (and keep those).
        public var refeaturize = false
        /// How long the lease lasts; a trainer that dies holds it at most this long.
        public var leaseSeconds = 180.0
        public init() {}
    }

    /// Where a trainer keeps its feature cache.
    public enum FeatureCacheChoice: Sendable {
        /// `Trainer.featureCachePath(for:)`.
        case usual
        /// Nowhere: every response is featurized each run.
        case none
        case at(String)
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

    /// Where a project's feature cache usually is: beside a SQLite project (its path with
    /// `.features` added), or for a PostgreSQL one in the user's cache folder
    /// (`$XDG_CACHE_HOME`, else `~/.cache`, then `pairwise/features/`), named by the
    /// project's address.
    public static func featureCachePath(for store: ProjectStore) -> String {
        guard store.dialect == .postgres else { return store.path + ".features" }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.cache")
        let folder = base + "/pairwise/features"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder + "/" + String(SHA256.hex(store.path).prefix(32)) + ".features"
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
        if !options.force && marks.lastRun != nil && fresh < Int64(options.minNew) { return .nothingNew(newJudgments: fresh) }
        let embeddings = try store.responseEmbeddings()
        let featurizer = Featurizer(hashBits: options.hashBits, embeddingDimension: embeddings.dimension)
        let cachePath: String? = switch options.featureCache {
        case .usual: Self.featureCachePath(for: store)
        case .none: nil
        case .at(let path): path
        }
        if options.refeaturize, let cachePath { try? FileManager.default.removeItem(atPath: cachePath) }
        let training = try TrainingSet.read(store, featurizer: featurizer, embeddings: embeddings.vectors, cachePath: cachePath)
        let data = training.data
        guard !data.pairs.isEmpty else { return .noLabels }
        let runID = try store.startModelRun(lastJudgmentID: marks.newest)
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let modelOptions = RewardModel.Options(l2: options.l2)
            // Held-out metrics from a seeded split: a probe fitted on the rest, alongside
            // the ensemble on every labeled pair, which scores every item.
            var order = Array(data.pairs.indices)
            var generator = SplitMix64(seed: options.seed)
            order.shuffle(using: &generator)
            let testCount = data.pairs.count >= 10 ? Int(Double(data.pairs.count) * options.heldOut) : 0
            var probeDraws = training.pairWeights
            for p in order.prefix(testCount) { probeDraws[p] = 0 }
            // The samples are let go before the fits: their draws and out-of-bag lists are all that is kept.
            let (draws, outOfBag) = { () -> ([[Double]], OutOfBag) in
                let samples = Ensemble.bootstrapSamples(count: data.pairs.count, size: options.ensembleSize, seed: options.seed)
                // A pair drawn d times counts d × its weight (2/k for a ranked item's pairs).
                return (samples.map { sample in zip(Ensemble.draws(count: data.pairs.count, sample), training.pairWeights).map { $0 * $1 } },
                        OutOfBag(samples: samples, count: data.pairs.count))
            }()
            let fits = RewardModel.fit(data, weightings: [probeDraws] + draws, featurizer: featurizer, options: modelOptions)
            let probe = fits[0], ensemble = Ensemble(members: Array(fits.dropFirst()))
            // The held-out pairs' margins on every core (each on its own: the same values).
            let heldOutPairs = Array(order.prefix(testCount))
            let evaluation = Evaluation(margins: parallelMap(testCount) { k in (data.margin(heldOutPairs[k], probe.weights), data.pairs[heldOutPairs[k]].label) })
            // Each item's rows read once for every member.
            let sideBySide = MemberWeights(ensemble.members)
            let scores = parallelMap(training.rowIDs.count) { n -> ItemScore in
                let rewards = ensemble.rewards(data.features, 2 * n, 2 * n + 1, sideBySide: sideBySide)
                let s = ensemble.summarize(rewards)
                let pair = training.pairOfItem[n]
                let heldOut = pair < 0 ? nil : ensemble.margin(rewards, members: outOfBag.members(of: Int(pair)))
                return ItemScore(itemRowID: training.rowIDs[n], rewardA: s.rewardA, rewardB: s.rewardB, margin: s.margin,
                                 uncertainty: s.uncertainty, heldOutMargin: heldOut)
            }
            let heads = try fitHeads(training, size: featurizer.dimension, options: modelOptions)
            var mean = Array(repeating: 0.0, count: featurizer.dimension)
            for member in ensemble.members { for i in mean.indices { mean[i] += member.weights[i] / Double(ensemble.members.count) } }
            let seconds = (clock.now - start)
            let metrics = ModelRunMetrics(
                pairs: data.pairs.count, accuracy: evaluation.accuracy, logLoss: evaluation.logLoss,
                calibrationError: evaluation.calibrationError,
                trainSeconds: Double(seconds.components.seconds) + Double(seconds.components.attoseconds) / 1e18,
                parameters: .object(["ensemble": .int(options.ensembleSize), "held_out": .double(options.heldOut), "held_out_pairs": .int(testCount),
                                     "calibration": .array(evaluation.calibration.map(\.json)),
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
    /// items (pairs and ranked items): held-out RMSE and Pearson's r from a seeded 80/20
    /// split by item, then a fit on every rated response.
    func fitHeads(_ training: TrainingSet, size: Int, options: RewardModel.Options) throws -> [ModelHeadFigures] {
        let dimensions = try store.rubric().dimensions.filter { $0.kind == .perResponse }.map(\.key)
        guard !dimensions.isEmpty else { return [] }
        let columns = training.columns
        // Each judgment's item, in the training set's order.
        var itemOfJudgment = [Int](repeating: -1, count: columns.count)
        for (n, k) in training.judgedItem.enumerated() where k >= 0 {
            for i in columns.judgments(ofItem: Int(k)) { itemOfJudgment[i] = n }
        }
        // Per (dimension, rated item): each response's feature row and mean rating; pair
        // items first (A and B), then ranked items (every response).
        let ratings = dimensions.map { key -> [[(row: Int, rating: Double)]] in
            var sums: [Int: (a: Double, b: Double, count: Double)] = [:]
            for (judgment, value) in columns.rubric[key] ?? [] {
                let n = itemOfJudgment[Int(judgment)]
                guard n >= 0, case .perResponse(let a, let b) = value else { continue }
                let old = sums[n] ?? (0, 0, 0)
                sums[n] = (old.a + Double(a), old.b + Double(b), old.count + 1)
            }
            var items = sums.keys.sorted().map { n in
                let s = sums[n]!
                return [(2 * n, s.a / s.count), (2 * n + 1, s.b / s.count)]
            }
            for ranked in training.rankedRatings {
                if let values = ranked.means[key] { items.append(values.enumerated().map { (ranked.firstRow + $0, $1) }) }
            }
            return items
        }
        let features = training.data.features
        let results = ResultSlots<ModelHeadFigures>(count: dimensions.count)
        let seed = self.options.seed, share = self.options.heldOut
        parallelFor(dimensions.count) { d in
            var rated = ratings[d]
            guard rated.count >= 5 else { return }
            func rows(_ items: some Sequence<[(row: Int, rating: Double)]>) -> [(features: SparseVector, rating: Double)] {
                items.flatMap { item in item.map { (features.row($0.row), $0.rating) } }
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
