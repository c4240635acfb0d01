import PairwiseCore

/// The figures of the lead's dashboard that change over time or carry an interval: agreement
/// by week with a bootstrap band, each annotator's accuracy (Dawid–Skene and gold) and
/// position bias with intervals, and agreement with the others by week (the drift timeline).
/// `stats --json` prints them under `dashboard`; `pairwise report` draws them.
public struct DashboardFigures: Sendable {
    /// Krippendorff's α on the direction over the items completed in one week (their latest
    /// judgment made in it), every judgment of those items counted.
    public struct WeeklyAgreement: Sendable, Equatable {
        /// The Monday starting the week, `YYYY-MM-DD`.
        public var week: String
        public var items: Int
        public var judgments: Int
        public var alpha: Double?
        /// Percentile 95% interval over `ProjectStatistics.resamples` resamples of the week's items.
        public var low: Double?
        public var high: Double?
    }

    /// One annotator's accuracy estimates, each with a 95% interval.
    public struct AnnotatorAccuracy: Sendable, Equatable {
        public var name: String
        public var judgments: Int
        /// Dawid–Skene's chance of labelling a random item's direction right; the interval is
        /// Wilson's over the annotator's judgments.
        public var dawidSkene: Double?
        public var dawidSkeneLow: Double?
        public var dawidSkeneHigh: Double?
        /// First answers to gold items that were right.
        public var gold: Proportion
        /// Decisive judgments that preferred the response shown first (0.5: no position bias).
        public var firstShown: Proportion
    }

    /// One annotator's judgments in one week that the others on their items had a strict
    /// majority on, and how many agreed with it.
    public struct DriftPoint: Sendable, Equatable {
        public var annotator: String
        public var week: String
        public var agreement: Proportion
    }

    public var agreementByWeek: [WeeklyAgreement]
    public var annotators: [AnnotatorAccuracy]
    public var drift: [DriftPoint]

    /// From the current judgments (gold scores are added by `addGold`).
    public init(columns c: JudgmentColumns) {
        let byDirection = ProjectStatistics.directionCounts(c)
        agreementByWeek = Self.weeklyAgreement(c, byDirection: byDirection)
        annotators = Self.accuracy(c)
        drift = Self.driftTimeline(c, byDirection: byDirection)
    }

    /// Each annotator's gold score (first answers to gold items), by name.
    public mutating func addGold(_ scores: [String: GoldScore]) {
        for n in annotators.indices {
            if let score = scores[annotators[n].name] { annotators[n].gold = Proportion(score.correct, of: score.judged) }
        }
    }

    // MARK: agreement by week

    static func weeklyAgreement(_ c: JudgmentColumns, byDirection: [Int32]) -> [WeeklyAgreement] {
        var itemsByWeek: [Int32: [Int]] = [:]
        for k in 0..<c.itemCount {
            let range = c.judgments(ofItem: k)
            guard range.count >= 2 else { continue }
            var latest = Int32.min
            for i in range { latest = max(latest, c.day[i]) }
            itemsByWeek[Timestamp.weekStart(latest), default: []].append(k)
        }
        return itemsByWeek.keys.sorted().map { week in
            let items = itemsByWeek[week]!
            let counts = items.flatMap { k in byDirection[(k * 3)..<(k * 3 + 3)] }
            let alpha = Agreement.krippendorffAlpha(unitCounts: counts, values: [0, 1, 2], level: .nominal)
            let band = alpha == nil ? nil : Bootstrap.alphaInterval(unitCounts: counts, values: [0, 1, 2], level: .nominal, samples: ProjectStatistics.resamples, seed: 1)
            return WeeklyAgreement(week: Timestamp.dayString(week), items: items.count,
                                   judgments: items.reduce(0) { $0 + c.judgments(ofItem: $1).count }, alpha: alpha, low: band?.low, high: band?.high)
        }
    }

    // MARK: accuracy

    static func accuracy(_ c: JudgmentColumns) -> [AnnotatorAccuracy] {
        var ratings = DawidSkene.Ratings()
        var judged = [Int](repeating: 0, count: c.annotatorNames.count)
        var decisive = judged, firstShown = judged
        for k in 0..<c.itemCount {
            for i in c.judgments(ofItem: k) {
                let a = Int(c.annotator[i])
                ratings.append(unit: k, annotator: a, label: ProjectStatistics.direction(c.strength[i]))
                judged[a] += 1
                if c.strength[i] != 0 {
                    decisive[a] += 1
                    if c.shownAFirst[i] == (c.strength[i] < 0) { firstShown[a] += 1 }
                }
            }
        }
        let fit = DawidSkene.fit(ratings, units: c.itemCount, annotators: c.annotatorNames.count, categories: 3)
        let order = judged.indices.filter { judged[$0] > 0 }.sorted { c.annotatorNames[$0] < c.annotatorNames[$1] }
        return order.map { a in
            let name = c.annotatorNames[a]
            let estimate = fit.errors.isEmpty ? nil : fit.accuracy(annotator: a)
            let interval = Proportion.wilson(share: estimate, trials: Double(judged[a]))
            return AnnotatorAccuracy(name: name, judgments: judged[a], dawidSkene: estimate, dawidSkeneLow: interval?.low,
                                     dawidSkeneHigh: interval?.high, gold: Proportion(0, of: 0),
                                     firstShown: Proportion(firstShown[a], of: decisive[a]))
        }
    }

    // MARK: drift

    static func driftTimeline(_ c: JudgmentColumns, byDirection: [Int32]) -> [DriftPoint] {
        guard c.count > 0 else { return [] }
        let first = Timestamp.weekStart(c.day.min()!), weeks = Int(Timestamp.weekStart(c.day.max()!) - first) / 7 + 1
        // Per annotator and week: [agreed, compared].
        var counts = [Int](repeating: 0, count: c.annotatorNames.count * weeks * 2)
        for k in 0..<c.itemCount {
            for i in c.judgments(ofItem: k) {
                let direction = ProjectStatistics.direction(c.strength[i])
                guard let agrees = ProjectStatistics.agreesWithOthers(direction: direction, item: k, byDirection: byDirection) else { continue }
                let cell = (Int(c.annotator[i]) * weeks + Int(Timestamp.weekStart(c.day[i]) - first) / 7) * 2
                counts[cell + 1] += 1
                if agrees { counts[cell] += 1 }
            }
        }
        let order = c.annotatorNames.indices.sorted { c.annotatorNames[$0] < c.annotatorNames[$1] }
        return order.flatMap { a in
            (0..<weeks).compactMap { w -> DriftPoint? in
                let cell = (a * weeks + w) * 2
                guard counts[cell + 1] > 0 else { return nil }
                return DriftPoint(annotator: c.annotatorNames[a], week: Timestamp.dayString(first + Int32(w * 7)),
                                  agreement: Proportion(counts[cell], of: counts[cell + 1]))
            }
        }
    }
}
