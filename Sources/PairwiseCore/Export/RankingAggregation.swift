/// Several annotators' rankings of one ranked item taken together, by Borda count: a
/// response's score in one ranking is the share of the other responses ranked below it
/// (0 the worst, 1 the best, ties counting for neither), and its consensus score the mean
/// over the rankings. The consensus ranks order the responses by that score.
public struct AggregatedRanking: Equatable, Sendable {
    /// Each stored response's mean Borda score, 0…1.
    public var scores: [Double]
    /// Dense ranks by score, 1 the best; equal scores tie.
    public var ranks: [Int]
    /// More than half the rankings say every response is bad.
    public var allBad: Bool
    public var rankings: Int
    /// Every ranking orders the responses the same way.
    public var unanimous: Bool

    /// The consensus of `rankings` (all of one item); nil without any.
    public init?(_ rankings: [Ranking]) {
        guard let first = rankings.first else { return nil }
        let k = first.count
        var scores = [Double](repeating: 0, count: k)
        for ranking in rankings {
            for i in 0..<k {
                let below = ranking.ranks.filter { $0 > ranking.ranks[i] }.count
                scores[i] += Double(below) / Double(k - 1) / Double(rankings.count)
            }
        }
        self.scores = scores
        let levels = Array(Set(scores)).sorted(by: >)
        ranks = scores.map { levels.firstIndex(of: $0)! + 1 }
        allBad = rankings.filter(\.allBad).count * 2 > rankings.count
        self.rankings = rankings.count
        unanimous = rankings.allSatisfy { $0.ranks == first.ranks }
    }
}

/// Which pairs of a ranked item a pairwise export (TRL) writes.
public enum RankedPairPolicy: String, Sendable, CaseIterable {
    /// Every pair the consensus orders: k(k − 1)/2 at most.
    case all
    /// The best response against each one ranked below it.
    case bestVsRest = "best-vs-rest"
    /// The best against one response drawn from those ranked below it, as
    /// HuggingFaceH4/ultrafeedback_binarized builds its pairs (one pair per prompt). The
    /// draw is seeded by the item's identity: the same item gives the same pair.
    case bestVsRandom = "best-vs-random"

    /// The (chosen, rejected) pairs of stored response indices, best pairs first.
    public func pairs(_ consensus: AggregatedRanking, contentHash: String) -> [(chosen: Int, rejected: Int)] {
        let k = consensus.ranks.count
        let order = consensus.ranks.indices.sorted { consensus.ranks[$0] != consensus.ranks[$1] ? consensus.ranks[$0] < consensus.ranks[$1] : $0 < $1 }
        switch self {
        case .all:
            return order.flatMap { i in order.filter { consensus.ranks[$0] > consensus.ranks[i] }.map { (i, $0) } }
        case .bestVsRest:
            let best = order.filter { consensus.ranks[$0] == 1 }
            return best.flatMap { b in order.filter { consensus.ranks[$0] > 1 }.map { (b, $0) } }
        case .bestVsRandom:
            let best = order.filter { consensus.ranks[$0] == 1 }, below = order.filter { consensus.ranks[$0] > 1 }
            guard !below.isEmpty, k > 1 else { return [] }
            // The identity is a SHA-256 in hex: its first 64 bits seed the draw.
            var generator = SplitMix64(seed: UInt64(contentHash.prefix(16), radix: 16) ?? 0)
            let chosen = best[Int(generator.next() % UInt64(best.count))]
            return [(chosen, below[Int(generator.next() % UInt64(below.count))])]
        }
    }
}
