import Foundation
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
        /// Percentile 95% interval over `DashboardFigures.resamples` resamples of the week's items.
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

    /// Bootstrap resamples for the weekly agreement band (seed 1).
    public static let resamples = 200

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
            let units = items.map { k in NominalUnit(a: byDirection[k * 3], b: byDirection[k * 3 + 1], tie: byDirection[k * 3 + 2]) }
            let alpha = NominalUnit.alpha(units)
            var band: (Double, Double)? = nil
            if alpha != nil {
                // Items with the same counts add the same to α's sums: a resample counts how
                // often it drew each kind, then adds each kind's terms once.
                var kindOf: [NominalUnit: Int32] = [:], kindList: [NominalUnit] = []
                let kindOfUnit = units.map { u in
                    kindOf[u] ?? { kindOf[u] = Int32(kindList.count); kindList.append(u); return Int32(kindList.count - 1) }()
                }
                let kinds = kindList
                // Resample r draws from where r full resamples leave the seeded generator (one
                // call a draw), so the resamples run on every core and give the same band.
                let start = SplitMix64(seed: 1), count = units.count
                var results = [Double?](repeating: nil, count: resamples)
                let workers = max(1, min(resamples, ProcessInfo.processInfo.activeProcessorCount))
                results.withUnsafeMutableBufferPointer { slots in
                    let slots = UnsafeSendable(slots)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        var drawn = [Int](repeating: 0, count: kinds.count)
                        for r in stride(from: worker, to: resamples, by: workers) {
                            var generator = start.skipping(r * count)
                            for k in drawn.indices { drawn[k] = 0 }
                            kindOfUnit.withUnsafeBufferPointer { kindOfUnit in
                                for _ in 0..<count { drawn[Int(kindOfUnit[Int(generator.next().multipliedFullWidth(by: UInt64(count)).high)])] += 1 }
                            }
                            var sums = NominalUnit.Sums()
                            for (k, kind) in kinds.enumerated() where drawn[k] > 0 { sums.add(kind, times: Double(drawn[k])) }
                            slots.value[r] = sums.alpha
                        }
                    }
                }
                var alphas = results.compactMap { $0 }
                alphas.sort()
                if !alphas.isEmpty { band = (Bootstrap.quantile(alphas, 0.025), Bootstrap.quantile(alphas, 0.975)) }
            }
            return WeeklyAgreement(week: Timestamp.dayString(week), items: items.count,
                                   judgments: items.reduce(0) { $0 + c.judgments(ofItem: $1).count }, alpha: alpha, low: band?.0, high: band?.1)
        }
    }

    /// One item's direction counts, and the sums nominal α is a function of:
    /// α = 1 − (n − 1) · Σ_u (m_u² − Σ_c n_uc²) / (m_u − 1) / (n² − Σ_c n_c²)
    /// over items with m_u ≥ 2 judgments (Krippendorff 2011, the coincidence form).
    struct NominalUnit: Hashable {
        var a: Int32, b: Int32, tie: Int32
        var m: Double { Double(a + b + tie) }
        var disagreement: Double {
            let m = self.m
            return (m * m - Double(a * a + b * b + tie * tie)) / (m - 1)
        }

        struct Sums {
            var n = 0.0, observed = 0.0, a = 0.0, b = 0.0, tie = 0.0
            mutating func add(_ u: NominalUnit, times w: Double = 1) {
                n += w * u.m; observed += w * u.disagreement
                a += w * Double(u.a); b += w * Double(u.b); tie += w * Double(u.tie)
            }
            var alpha: Double? {
                let expected = n * n - (a * a + b * b + tie * tie)
                guard n > 1, expected > 0 else { return nil }
                return 1 - (n - 1) * observed / expected
            }
        }

        static func alpha(_ units: [NominalUnit]) -> Double? {
            var sums = Sums()
            for u in units { sums.add(u) }
            return sums.alpha
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
