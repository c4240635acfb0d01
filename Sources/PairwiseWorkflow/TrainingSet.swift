import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStore

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
        var items: [(rowID: Int64, item: Item?)] = []
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
                next.items.append((rowID, nil))
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
