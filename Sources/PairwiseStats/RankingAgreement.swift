import PairwiseCore

/// Agreement among annotators' rankings of ranked items.
///
/// - Krippendorff's α (ordinal): a unit per (item, response), each annotator's rank of it
///   as the value; an annotator who did not rank the item leaves its units blank. Ranks are
///   compared within the whole table, so α rewards the same order, not the same item.
/// - Kendall's W per item, corrected for ties: the concordance of the item's rankings
///   (m ≥ 2 annotators, n responses), from mid-ranks: W = 12 S / (m²(n³ − n) − m Σ T),
///   S the squared deviations of the responses' rank sums from their mean and T = Σ (t³ − t)
///   over each ranking's tie groups. The same W as Friedman's χ² / (m (n − 1)).
public enum RankingAgreement {
    /// One item's rankings by annotator name.
    public typealias ItemRankings = [String: Ranking]

    /// Rankings as Krippendorff's reliability data: a row per annotator (sorted by name), a
    /// column per (item, response) in order.
    public static func table(_ items: [ItemRankings]) -> RatingTable {
        valueTable(items.map { $0.mapValues(\.ranks) })
    }

    /// One value per response by annotator name, per item, as reliability data: a row per
    /// annotator (sorted by name), a column per (item, response) in order.
    static func valueTable(_ items: [[String: [Int]]]) -> RatingTable {
        let annotators = Set(items.flatMap(\.keys)).sorted()
        let rows: [[Double?]] = annotators.map { name in
            items.flatMap { item -> [Double?] in
                let k = item.values.first?.count ?? 0
                guard let values = item[name], values.count == k else { return Array(repeating: nil, count: k) }
                return values.map(Double.init)
            }
        }
        return RatingTable(annotatorRows: rows)
    }

    /// Krippendorff's α (ordinal) of the rankings; nil when it is undefined.
    public static func alpha(_ items: [ItemRankings]) -> Double? {
        Agreement.krippendorffAlpha(table(items), level: .ordinal)
    }

    /// Krippendorff's α (ordinal) of one rubric dimension's per-response values on ranked
    /// items (`items[n][annotator]`: their values, one per response), a unit per (item,
    /// response) as for the ranks; nil when it is undefined.
    public static func ratingsAlpha(_ items: [[String: [Int]]]) -> Double? {
        Agreement.krippendorffAlpha(valueTable(items), level: .ordinal)
    }

    /// Kendall's W of one item's rankings, corrected for ties; nil with fewer than two
    /// rankings or when every ranking ties everything.
    public static func kendallW(_ rankings: [Ranking]) -> Double? {
        guard rankings.count >= 2, let n = rankings.first?.count, n >= 2, rankings.allSatisfy({ $0.count == n }) else { return nil }
        let m = Double(rankings.count), nd = Double(n)
        var sums = [Double](repeating: 0, count: n)
        var ties = 0.0
        for ranking in rankings {
            let mid = midRanks(ranking.ranks)
            for i in 0..<n { sums[i] += mid[i] }
            var sizes: [Int: Int] = [:]
            for rank in ranking.ranks { sizes[rank, default: 0] += 1 }
            for t in sizes.values where t > 1 { ties += Double(t * t * t - t) }
        }
        let mean = m * (nd + 1) / 2
        let s = sums.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let denominator = m * m * (nd * nd * nd - nd) - m * ties
        guard denominator > 0 else { return nil }
        return 12 * s / denominator
    }

    /// The mean of the items' W, over items with a W.
    public static func meanKendallW(_ items: [ItemRankings]) -> Double? {
        let ws = items.compactMap { kendallW(Array($0.values)) }
        return ws.isEmpty ? nil : ws.reduce(0, +) / Double(ws.count)
    }

    /// Each response's place counted from 1 in the ranking's order, ties sharing the mean
    /// of the places they take (dense ranks 1, 2, 2, 3 give 1, 2.5, 2.5, 4).
    static func midRanks(_ ranks: [Int]) -> [Double] {
        var sizes: [Int: Int] = [:]
        for rank in ranks { sizes[rank, default: 0] += 1 }
        var start: [Int: Double] = [:]
        var place = 1
        for rank in sizes.keys.sorted() {
            start[rank] = Double(place) + Double(sizes[rank]! - 1) / 2
            place += sizes[rank]!
        }
        return ranks.map { start[$0]! }
    }
}

/// The project's ranked items in `stats`: how many, agreement over all of them, and the
/// items whose rankings agree least.
public struct RankingReport: Equatable, Sendable {
    public var items: Int
    public var rankings: Int
    public var alphaOrdinal: Double?
    public var meanKendallW: Double?
    /// Items with two or more rankings, least concordant first (Kendall's W).
    public var contested: [(itemID: String, rankings: Int, kendallW: Double)]
    /// Per annotator, by name.
    public var annotators: [RankingAnnotator]
    /// Krippendorff's α (ordinal) of each per-response rubric dimension rated on ranked
    /// items, by key (nil where undefined, as with one annotator).
    public var rubricAlpha: [(key: String, alpha: Double?)]

    /// `items`: each ranked item's id and current rankings by annotator; `ratings`, when
    /// given, the rubric values that came with them (`ratings[n]` for `items[n]`).
    public init(_ items: [(itemID: String, rankings: RankingAgreement.ItemRankings)], ratings: [[String: ResponseRatings]] = []) {
        let keys = Set(ratings.flatMap { $0.values.flatMap(\.values.keys) }).sorted()
        rubricAlpha = keys.map { key in
            (key, RankingAgreement.ratingsAlpha(ratings.map { item in item.compactMapValues { $0[key] } }))
        }
        let ranked = items.filter { !$0.rankings.isEmpty }
        self.items = ranked.count
        rankings = ranked.reduce(0) { $0 + $1.rankings.count }
        alphaOrdinal = RankingAgreement.alpha(ranked.map(\.rankings))
        meanKendallW = RankingAgreement.meanKendallW(ranked.map(\.rankings))
        contested = ranked.compactMap { item in
            RankingAgreement.kendallW(Array(item.rankings.values)).map { (item.itemID, item.rankings.count, $0) }
        }.sorted { $0.kendallW != $1.kendallW ? $0.kendallW < $1.kendallW : $0.itemID < $1.itemID }
        annotators = RankingAnnotator.figures(ranked.map(\.rankings))
    }

    public static func == (a: RankingReport, b: RankingReport) -> Bool {
        a.annotators == b.annotators && a.rubricAlpha.elementsEqual(b.rubricAlpha) { $0.key == $1.key && $0.alpha == $1.alpha }
            && a.items == b.items && a.rankings == b.rankings && a.alphaOrdinal == b.alphaOrdinal && a.meanKendallW == b.meanKendallW
            && a.contested.elementsEqual(b.contested) { $0.itemID == $1.itemID && $0.rankings == $1.rankings && $0.kendallW == $1.kendallW }
    }

    public func summaryLines(contested limit: Int = 10) -> [String] {
        func figure(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "–" }
        var lines = ["Ranked items: \(items) ranked, \(rankings) ranking\(rankings == 1 ? "" : "s"); "
                     + "Krippendorff's alpha (ordinal, on ranks) \(figure(alphaOrdinal)), mean Kendall's W \(figure(meanKendallW))"]
        for r in rubricAlpha {
            lines.append("  " + r.key.padding(toLength: 24, withPad: " ", startingAt: 0) + " alpha (ordinal, per response) \(figure(r.alpha))")
        }
        if !annotators.isEmpty {
            lines.append("  annotator        rankings   pairs agreeing with the others   Dawid–Skene accuracy (implied pairs)")
            for a in annotators {
                lines.append("  " + a.name.padding(toLength: 16, withPad: " ", startingAt: 0) + " " + String(format: "%8d", a.rankings)
                             + "   " + (a.consensusAgreement.map { String(format: "%.3f", $0) } ?? "–").padding(toLength: 32, withPad: " ", startingAt: 0)
                             + " " + (a.dawidSkeneAccuracy.map { String(format: "%.3f", $0) } ?? "–"))
            }
        }
        if !contested.isEmpty {
            lines.append("  least concordant:")
            for item in contested.prefix(limit) {
                lines.append("    \(item.itemID)  W \(figure(item.kendallW))  (\(item.rankings) rankings)")
            }
        }
        return lines
    }
}

/// One annotator's rankings against the others'.
public struct RankingAnnotator: Equatable, Sendable {
    public var name: String
    public var rankings: Int
    /// Over the pairs their rankings imply on items others ranked too: the share whose
    /// direction matches the others' Borda consensus, where that consensus is not a tie.
    public var consensusAgreement: Double?
    /// Dawid–Skene (one confusion matrix per person over first better / tie / second
    /// better) on every implied pair: the chance they label a pair as its estimated truth.
    public var dawidSkeneAccuracy: Double?

    static func figures(_ items: [RankingAgreement.ItemRankings]) -> [RankingAnnotator] {
        var agreed: [String: (agree: Int, total: Int)] = [:]
        var counts: [String: Int] = [:]
        var ratings: [(unit: String, annotator: String, value: String)] = []
        for (n, item) in items.enumerated() {
            for (name, ranking) in item {
                counts[name, default: 0] += 1
                for pair in ranking.impliedPairs { ratings.append(("\(n):\(pair.first):\(pair.second)", name, String(pair.direction))) }
                let others = item.filter { $0.key != name }.map(\.value)
                guard let consensus = AggregatedRanking(others) else { continue }
                for pair in ranking.impliedPairs where consensus.scores[pair.first] != consensus.scores[pair.second] {
                    let expected = consensus.scores[pair.first] > consensus.scores[pair.second] ? -1 : 1
                    agreed[name, default: (0, 0)].total += 1
                    if pair.direction == expected { agreed[name, default: (0, 0)].agree += 1 }
                }
            }
        }
        var accuracy: [String: Double] = [:]
        if counts.count >= 2 && !ratings.isEmpty {
            let table = RatingTable(ratings: ratings)
            let fit = DawidSkene.fit(table)
            for (a, name) in table.annotators.enumerated() { accuracy[name] = fit.accuracy(annotator: a) }
        }
        return counts.keys.sorted().map { name in
            let a = agreed[name]
            return RankingAnnotator(name: name, rankings: counts[name]!, consensusAgreement: a.flatMap { $0.total > 0 ? Double($0.agree) / Double($0.total) : nil },
                                    dawidSkeneAccuracy: accuracy[name])
        }
    }
}
