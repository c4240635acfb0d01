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
            let evaluation = Evaluation(margins: order.prefix(testCount).map { (data.margin($0, probe.weights), data.pairs[$0].label) })
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

/// What a run trains on: every item's features (rows 2n and 2n+1 for item n's A and B,
/// items in row id order), a pair for each labeled item, and the current judgments.
struct TrainingSet {
    var data = PairData()
    var rowIDs: [Int64] = []
    /// Per item, its pair in `data.pairs` (−1: no label that trains).
    var pairOfItem: [Int32] = []
    /// Per item, its index in `columns` (−1: no current judgment).
    var judgedItem: [Int32] = []
    var columns: JudgmentColumns
    /// Each pair's weight in the loss: 1 for a pair item, 2/k for each pair a ranked item of
    /// k responses implies (`Ranking.pairWeight`).
    var pairWeights: [Double] = []
    /// Ranked items whose rankings carry rubric values: the feature row of their first
    /// response, and per dimension each response's mean value.
    var rankedRatings: [(firstRow: Int, means: [String: [Double]])] = []
    /// While items are added: the place in `columns` of the first judged item not yet passed.
    private var judgedCursor = 0
    /// Items whose rows were computed in this reading (the others came from the cache).
    var featurized = 0
    /// Whether the cache held rows that did not check out (the reading is then done again
    /// without it).
    private var cacheRefused = false

    /// Items of a chunk as read: each one's rows from the feature cache (encoded, A then B,
    /// in `cached`, ending at its `cachedEnds`) or its text to featurize.
    struct ReadChunk: Sendable {
        var items: [(rowID: Int64, key: FeatureCache.Key, item: Item?)] = []
        var cached: [UInt8] = []
        /// Per item, where its rows end in `cached` (−1: not there).
        var cachedEnds: [Int] = []
    }

    /// Where an item's rows come from once its chunk is featurized.
    enum ItemRows: Sendable {
        /// Its encoded rows in the chunk's `cached`, checked.
        case cached
        case computed(a: SparseVector, b: SparseVector)
        /// Cached rows that are not ones `SparseRows` writes (a file made to pass the checksum).
        case refused
        /// A pair item without its two responses: not one to train on.
        case missing
    }

    /// A chunk's items with their rows.
    struct FeaturedChunk: Sendable {
        var chunk: ReadChunk
        var rows: [ItemRows]
    }

    /// Reads the labels, then the items a chunk at a time, featurizing the chunks read on
    /// the other cores while the next are read: no item's text is held past its chunk's
    /// featurizing. Items whose rows the feature cache at `cachePath` holds for their
    /// content are neither read nor featurized; when some item had to be, the cache is
    /// written anew.
    static func read(_ store: ProjectStore, featurizer: Featurizer, embeddings: [Int64: (a: [Float], b: [Float])],
                     cachePath: String? = nil) throws -> TrainingSet {
        let policy = LabelPolicy.for(.trainer)
        // Items by row id alone: the trainer names none.
        var set = TrainingSet(columns: try store.currentJudgmentColumns(policy: policy, named: false))
        let columns = set.columns
        let settled = try store.settledLabels(policy: policy)
        let adjudications = settled.pairs
        // Room for every item's rows once the first chunk says how large rows are.
        let itemsAhead = try store.itemRowSpan()
        let cache = cachePath.flatMap { FeatureCache.Reader(path: $0, featurizer: featurizer) }
        let dimension = featurizer.dimension
        // One thread reads chunks of items while the others featurize those already read;
        // their rows are stored here in item order.
        let featurize = OrderedPipeline<ReadChunk, FeaturedChunk>(
            transform: { chunk in
                var cachedStart = 0
                return FeaturedChunk(chunk: chunk, rows: zip(chunk.items, chunk.cachedEnds).map { read, cachedEnd in
                    if cachedEnd >= 0 {
                        defer { cachedStart = cachedEnd }
                        return chunk.cached.withUnsafeBytes { bytes in
                            FeatureCache.checkRows(UnsafeRawBufferPointer(rebasing: bytes[cachedStart..<cachedEnd]), dimension: dimension)
                        } ? .cached : .refused
                    }
                    guard let item = read.item else { return .missing }
                    let prompt = featurizer.promptWords(item.prompt.plainText)
                    let vectors = embeddings[read.rowID]
                    return .computed(a: featurizer.features(promptWords: prompt, response: item.responseA.text, embedding: vectors?.a),
                                     b: featurizer.features(promptWords: prompt, response: item.responseB.text, embedding: vectors?.b))
                })
            },
            consume: { featured in set.add(featured, columns: columns, adjudications: adjudications, itemsAhead: itemsAhead) })
        var next = ReadChunk()
        do {
            try store.forEachItemChunk(size: 1_000, needsText: { rowID, contentHash in
                let key = FeatureCache.Key(rowID: rowID, contentHash: contentHash, embedding: FeatureCache.embeddingDigest(embeddings[rowID]))
                next.items.append((rowID, key, nil))
                if let cache, cache.copyRows(for: key, into: &next.cached) {
                    next.cachedEnds.append(next.cached.count)
                    return false
                }
                next.cachedEnds.append(-1)
                return true
            }) { chunk in
                for (k, read) in chunk.enumerated() { next.items[k].item = read.item }
                featurize.submit(next)
                next = ReadChunk()
            }
        } catch {
            featurize.cancel()
            throw error
        }
        featurize.finish()
        if let cachePath, set.cacheRefused {
            // Rows no run of ours wrote: read every item's text instead (and keep the features
            // anew, if the file could go).
            let removed = (try? FileManager.default.removeItem(atPath: cachePath)) != nil
            return try read(store, featurizer: featurizer, embeddings: embeddings, cachePath: removed ? cachePath : nil)
        }
        if let cachePath, set.featurized > 0 {
            // A cache that cannot be written costs the next run its featurizing, nothing else.
            try? writeCache(cachePath, store: store, featurizer: featurizer, embeddings: embeddings, rows: set.data.features, rowIDs: set.rowIDs)
        }
        try set.addRankedItems(store, featurizer: featurizer, policy: policy, decisions: settled.ranked)
        return set
    }

    /// Writes the feature cache: each item's rows (rows 2n and 2n + 1 for `rowIDs[n]`) under
    /// its key, its content hash read again with the others (rather than held through the
    /// reading: 48 bytes an item).
    private static func writeCache(_ path: String, store: ProjectStore, featurizer: Featurizer, embeddings: [Int64: (a: [Float], b: [Float])],
                                   rows: SparseRows, rowIDs: [Int64]) throws {
        let writer = try FeatureCache.Writer(path: path, featurizer: featurizer)
        var n = 0
        try store.forEachItemChunk(size: 4_096, needsText: { _, _ in false }) { chunk in
            for (rowID, contentHash, _) in chunk where n < rowIDs.count && rowIDs[n] == rowID {
                try writer.add(FeatureCache.Key(rowID: rowID, contentHash: contentHash, embedding: FeatureCache.embeddingDigest(embeddings[rowID])),
                               rows: rows, 2 * n, 2 * n + 1)
                n += 1
            }
        }
        // Items added since the reading are not in `rowIDs`; an item gone would leave a gap.
        guard n == rowIDs.count else { return }
        try writer.finish()
    }

    /// Stores a chunk of items (in row id order, after those stored so far) with their rows
    /// and each one's label: the lead's adjudication, or the aggregate of its current judgments.
    private mutating func add(_ featured: FeaturedChunk, columns: JudgmentColumns,
                              adjudications: [Int64: Adjudication], itemsAhead: Int) {
        let chunk = featured.chunk, before = rowIDs.count
        var cachedStart = 0
        for (k, read) in chunk.items.enumerated() {
            let rowID = read.rowID, cachedEnd = chunk.cachedEnds[k]
            defer { if cachedEnd >= 0 { cachedStart = cachedEnd } }
            switch featured.rows[k] {
            case .cached:
                chunk.cached.withUnsafeBytes { bytes in
                    let rows = UnsafeRawBufferPointer(rebasing: bytes[cachedStart..<cachedEnd])
                    let a = data.features.appendEncoded(rows)
                    data.features.appendEncoded(UnsafeRawBufferPointer(rebasing: rows[a...]))
                }
            case .computed(let a, let b):
                data.features.append(a)
                data.features.append(b)
                featurized += 1
            case .refused:
                cacheRefused = true
                continue
            case .missing:
                continue
            }
            while judgedCursor < columns.itemCount && columns.itemRowIDs[judgedCursor] < rowID { judgedCursor += 1 }
            let judged = judgedCursor < columns.itemCount && columns.itemRowIDs[judgedCursor] == rowID ? judgedCursor : nil
            let item = rowIDs.count
            rowIDs.append(rowID)
            judgedItem.append(judged.map(Int32.init) ?? -1)
            let label = adjudications[rowID].map { (strength: Double($0.strength.value), bothBad: $0.bothBad) } ?? judged.flatMap { k in
                let range = columns.judgments(ofItem: k)
                return PreferenceAggregation.aggregate(strengthSum: range.reduce(0) { $0 + Int(columns.strength[$1]) },
                                                       bothBad: range.filter { columns.bothBad[$0] }.count, judgments: range.count)
                    .map { (strength: $0.strength, bothBad: $0.bothBad) }
            }
            if let label, let kind = PairExample.label(meanStrength: label.strength, bothBad: label.bothBad) {
                pairOfItem.append(Int32(data.pairs.count))
                data.pairs.append(PairData.Pair(a: Int32(2 * item), b: Int32(2 * item + 1), label: kind))
                pairWeights.append(1)
            } else {
                pairOfItem.append(-1)
            }
        }
        if before == 0 && !rowIDs.isEmpty { data.features.reserveCapacity(rows: 2 * (itemsAhead - chunk.items.count)) }
    }

    /// Ranked items train through the pairs their consensus (`AggregatedRanking`) implies,
    /// ties included, each weighted 2/k; the preference's margin is 3 × the difference of
    /// the two Borda scores, as a strength. Their responses' rows follow the pair items'.
    mutating func addRankedItems(_ store: ProjectStore, featurizer: Featurizer, policy: LabelPolicy, decisions: [Int64: RankingDecision]) throws {
        let current = Dictionary(grouping: try store.currentRankings(policy: policy).rankings, by: \.itemRowID)
        var rankings = current.mapValues { $0.map(\.ranking) }
        var ratings = current.mapValues { $0.map(\.rubric).filter { !$0.isEmpty } }
        // A lead's decision replaces the annotators' rankings, and their values when it has some.
        for (rowID, decision) in decisions {
            rankings[rowID] = [decision.ranking]
            if !decision.rubric.isEmpty { ratings[rowID] = [decision.rubric] }
        }
        for rowID in rankings.keys.sorted() {
            guard let consensus = AggregatedRanking(rankings[rowID]!), !consensus.allBad,
                  let item = try store.rankedItem(rowID: rowID) else { continue }
            let prompt = featurizer.promptWords(item.prompt.plainText)
            let base = Int32(data.features.count)
            for response in item.responses { data.features.append(featurizer.features(promptWords: prompt, response: response.text, embedding: nil)) }
            if let rated = ratings[rowID], !rated.isEmpty {
                let means = ResponseRatings.means(rated, count: item.responses.count)
                rankedRatings.append((Int(base), Dictionary(uniqueKeysWithValues: means.map { ($0.key, $0.values) })))
            }
            let weight = 2 / Double(item.responses.count)
            for i in item.responses.indices {
                for j in item.responses.indices where j > i {
                    let strength = 3 * (consensus.scores[j] - consensus.scores[i])   // negative: i better
                    guard let label = PairExample.label(meanStrength: strength, bothBad: false) else { continue }
                    data.pairs.append(PairData.Pair(a: base + Int32(i), b: base + Int32(j), label: label))
                    pairWeights.append(weight)
                }
            }
        }
    }
}
