/// An ordering of a ranked item's responses: each response's rank, 1 the best, equal ranks
/// tied, relative to the item's stored order (response i has `ranks[i]`). Ranks are kept
/// dense (1, 2, 2, 3): what matters is the order, not the gaps a source left.
public struct Ranking: Equatable, Hashable, Sendable {
    public let ranks: [Int]
    /// "All bad": the annotator found no response acceptable (the order still says which
    /// is least bad, or is all ties).
    public let allBad: Bool

    /// Ranks as given (any positive numbers, lower is better), made dense; nil when a rank
    /// is below 1 or there are fewer than two responses.
    public init?(ranks given: [Int], allBad: Bool = false) {
        guard given.count >= 2, given.allSatisfy({ $0 >= 1 }) else { return nil }
        let levels = Array(Set(given)).sorted()
        ranks = given.map { levels.firstIndex(of: $0)! + 1 }
        self.allBad = allBad
    }

    /// Ranks from scores where higher is better (UltraFeedback's ratings): equal scores tie.
    public init?(scores: [Double], allBad: Bool = false) {
        guard scores.count >= 2, scores.allSatisfy({ $0.isFinite }) else { return nil }
        let levels = Array(Set(scores)).sorted(by: >)
        self.init(ranks: scores.map { levels.firstIndex(of: $0)! + 1 }, allBad: allBad)
    }

    public var count: Int { ranks.count }

    /// The same ranking for the responses in another order: `positions[i]` is where the
    /// i-th response of that order stands in this one (`RankedItem.positions`).
    public func reordered(_ positions: [Int]) -> Ranking {
        Ranking(ranks: positions.map { ranks[$0] }, allBad: allBad)!
    }

    /// The responses' indices from best to worst, ties in stored order.
    public var order: [Int] {
        ranks.indices.sorted { ranks[$0] != ranks[$1] ? ranks[$0] < ranks[$1] : $0 < $1 }
    }

    /// The ranking as a line: responses numbered from 1 in `shown` order (the order on
    /// screen), best first, `>` between ranks and `=` within one: "3 > 1 = 4 > 2".
    public func line(shown: [Int]) -> String {
        let number = Dictionary(uniqueKeysWithValues: shown.enumerated().map { ($1, $0 + 1) })
        let byRank = Dictionary(grouping: ranks.indices, by: { ranks[$0] })
        return byRank.keys.sorted().map { rank in
            byRank[rank]!.map { number[$0] ?? $0 + 1 }.sorted().map(String.init).joined(separator: " = ")
        }.joined(separator: " > ")
    }
}

/// One pair a ranking implies: response `first` against `second` (indices into the item's
/// stored responses, first < second), −1 when `first` is ranked better, +1 when `second`
/// is, 0 for a tie.
public struct ImpliedPair: Equatable, Hashable, Sendable {
    public var first: Int
    public var second: Int
    public var direction: Int
    public init(first: Int, second: Int, direction: Int) {
        self.first = first
        self.second = second
        self.direction = direction
    }
}

extension Ranking {
    /// Every pair the ranking implies, ties included, in (first, second) order.
    public var impliedPairs: [ImpliedPair] {
        var pairs: [ImpliedPair] = []
        pairs.reserveCapacity(count * (count - 1) / 2)
        for i in 0..<count {
            for j in (i + 1)..<count {
                pairs.append(ImpliedPair(first: i, second: j, direction: ranks[i] < ranks[j] ? -1 : ranks[i] > ranks[j] ? 1 : 0))
            }
        }
        return pairs
    }

    /// The weight of each implied pair when pairs and rankings train one model: 2/k, so
    /// that a ranking of k responses counts as k − 1 comparisons (the choices a
    /// Plackett–Luce ranking makes: best of k, best of the k − 1 left, …), never as the
    /// k(k − 1)/2 correlated pairs it implies. A pair (k = 2) keeps weight 1.
    public var pairWeight: Double { 2 / Double(count) }
}
