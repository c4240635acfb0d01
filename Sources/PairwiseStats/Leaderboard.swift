import Foundation
import PairwiseCore

/// One battle between two named models.
public struct Battle: Sendable, Equatable {
    public var modelA: String
    public var modelB: String
    public var outcome: Comparison.Outcome

    public init(modelA: String, modelB: String, outcome: Comparison.Outcome) {
        self.modelA = modelA
        self.modelB = modelB
        self.outcome = outcome
    }
}

/// Battles with the models numbered: `comparisons` index into `models`.
public struct BattleTable: Sendable {
    public var models: [String]
    public var comparisons: [Comparison]

    public init(models: [String], comparisons: [Comparison]) {
        self.models = models
        self.comparisons = comparisons
    }

    /// Numbers the models in order of first appearance.
    public init(_ battles: [Battle]) {
        var index: [String: Int] = [:]
        var names: [String] = []
        func id(_ name: String) -> Int {
            if let i = index[name] { return i }
            index[name] = names.count
            names.append(name)
            return names.count - 1
        }
        self.init(models: [], comparisons: battles.map { Comparison(id($0.modelA), id($0.modelB), $0.outcome) })
        models = names
    }
}

/// Models ranked by Bradley–Terry strength, as Chatbot Arena ranks them.
public struct Leaderboard: Sendable {
    public struct Row: Sendable, Equatable {
        public var model: String
        /// Natural-log strength, centred to mean 0.
        public var theta: Double
        public var ciLow: Double?
        public var ciHigh: Double?
        public var wins: Int
        public var losses: Int
        public var ties: Int

        /// Elo scale: 1000 + 400/ln(10)·θ.
        public var elo: Double { 1000 + 400 / log(10) * theta }
    }

    /// Best first.
    public var rows: [Row]
    public var tieParameter: Double?
    public var notes: [String]

    /// Fits strengths and, with `bootstrap` > 0, percentile 95% intervals from that many
    /// resamples of the battles (seeded). Without a strongly connected comparison graph the
    /// maximum-likelihood estimate does not exist; a small ridge is then added and said.
    public init(battles: [Battle], ties: BradleyTerry.TieModel = .half, bootstrap: Int = 0, seed: UInt64 = 1) {
        self.init(BattleTable(battles), ties: ties, bootstrap: bootstrap, seed: seed)
    }

    public init(_ table: BattleTable, ties: BradleyTerry.TieModel = .half, bootstrap: Int = 0, seed: UInt64 = 1) {
        let names = table.models, comparisons = table.comparisons
        let n = names.count
        notes = []
        var ridge = 0.0
        let groups = BradleyTerry.components(comparisons, models: n)
        if groups.count > 1 {
            notes.append("the comparison graph is not connected: \(groups.count) groups ("
                         + groups.map { "{" + $0.map { names[$0] }.joined(separator: ", ") + "}" }.joined(separator: ", ")
                         + "); strengths are comparable only within a group")
        }
        if n > 1 && !BradleyTerry.isStronglyConnected(comparisons, models: n) {
            ridge = 1e-4
            notes.append("some model never lost or never won against a group: the maximum-likelihood estimate does not exist, so a ridge of 1e-4 is added")
        }
        let fit = BradleyTerry.fit(comparisons, models: n, ties: ties, ridge: ridge)
        tieParameter = fit.tieParameter
        var low: [Double?] = Array(repeating: nil, count: n), high: [Double?] = Array(repeating: nil, count: n)
        if bootstrap > 0 && !comparisons.isEmpty {
            let samples = Self.bootstrapThetas(comparisons, models: n, ties: ties, ridge: max(ridge, 1e-8), resamples: bootstrap, seed: seed)
            for m in 0..<n {
                let sorted = samples[m].sorted()
                low[m] = Bootstrap.quantile(sorted, 0.025)
                high[m] = Bootstrap.quantile(sorted, 0.975)
            }
        }
        var counts = Array(repeating: (wins: 0, losses: 0, ties: 0), count: n)
        for c in comparisons {
            switch c.outcome {
            case .firstWins: counts[c.first].wins += 1; counts[c.second].losses += 1
            case .secondWins: counts[c.second].wins += 1; counts[c.first].losses += 1
            case .tie, .bothBad: counts[c.first].ties += 1; counts[c.second].ties += 1
            }
        }
        rows = (0..<n).map { m in
            // Centring leaves round-off such as −4e−17; show it as the 0 it is.
            Row(model: names[m], theta: abs(fit.theta[m]) < 1e-12 ? 0 : fit.theta[m], ciLow: low[m], ciHigh: high[m],
                wins: counts[m].wins, losses: counts[m].losses, ties: counts[m].ties)
        }.sorted { $0.theta != $1.theta ? $0.theta > $1.theta : $0.model < $1.model }
    }
}

/// A value handed to concurrent work whose parts touch disjoint elements.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension Leaderboard {
    /// Each model's centred strength in `resamples` seeded resamples of the battles (drawn
    /// with replacement, as many as there are). A resample is the battles' win and tie counts:
    /// each draw adds one to its battle's cell of the win matrix, so a resample costs a count
    /// per draw and one fit on the models × models counts, not a copy of the battles and a
    /// pass to aggregate them. The draws are the same as when the battles themselves were
    /// copied, and the counts the same, so the intervals are identical for a seed.
    static func bootstrapThetas(_ comparisons: [Comparison], models n: Int, ties: BradleyTerry.TieModel, ridge: Double,
                                resamples: Int, seed: UInt64) -> [[Double]] {
        // Per battle, the cell its draw counts in: a win cell (≥ 0), a tie cell (−1 − index),
        // or none (a model against itself, which the fit ignores).
        let none = Int32.min
        let cells: [Int32] = comparisons.map { c in
            guard c.first != c.second else { return none }
            switch c.outcome {
            case .firstWins: return Int32(c.first * n + c.second)
            case .secondWins: return Int32(c.second * n + c.first)
            case .tie, .bothBad: return -1 - Int32(min(c.first, c.second) * n + max(c.first, c.second))
            }
        }
        // Resample k starts where k full resamples' draws leave the generator: one call per
        // draw unless a draw was rejected (a chance of about battles/2⁶⁴ each), so the
        // resamples run on every core from their starting points, and any after a rejection
        // are drawn again in order.
        let draws = cells.count
        @Sendable func resample(from generator: SplitMix64) -> (theta: [Double], extraCalls: Int, end: SplitMix64) {
            var generator = generator, extraCalls = 0
            var winCounts = [Int](repeating: 0, count: n * n), tieCounts = [Int](repeating: 0, count: n * n)
            cells.withUnsafeBufferPointer { cells in
                for _ in 0..<draws {
                    let cell = cells[generator.index(below: draws, extraCalls: &extraCalls)]
                    if cell >= 0 { winCounts[Int(cell)] += 1 } else if cell != none { tieCounts[Int(-1 - cell)] += 1 }
                }
            }
            let wins = winCounts.map(Double.init)
            var tied = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in (i + 1)..<n where tieCounts[i * n + j] > 0 {
                    tied[i * n + j] = Double(tieCounts[i * n + j])
                    tied[j * n + i] = Double(tieCounts[i * n + j])
                }
            }
            let theta = BradleyTerry.fit(wins: wins, ties: tied, models: n, tieModel: ties, ridge: ridge).theta
            return (theta, extraCalls, generator)
        }
        let start = SplitMix64(seed: seed)
        var results = [(theta: [Double], extraCalls: Int, end: SplitMix64)?](repeating: nil, count: resamples)
        let workers = max(1, min(resamples, ProcessInfo.processInfo.activeProcessorCount))
        results.withUnsafeMutableBufferPointer { slots in
            let slots = UnsafeSendable(slots)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for k in stride(from: worker, to: resamples, by: workers) {
                    slots.value[k] = resample(from: start.skipping(k * draws))
                }
            }
        }
        var samples = Array(repeating: [Double](), count: n)
        var next: SplitMix64? = nil
        for k in 0..<resamples {
            // After a rejection, every later resample is drawn again from where the last one ended.
            if let from = next { results[k] = resample(from: from) }
            let result = results[k]!
            if next != nil || result.extraCalls > 0 { next = result.end }
            let mean = result.theta.reduce(0, +) / Double(n)
            for m in 0..<n { samples[m].append(result.theta[m] - mean) }
        }
        return samples
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
