import Foundation
import PairwiseCore
import PairwiseStats
import Testing

/// The binomial and multinomial draws have the distributions they claim: moments over many
/// seeded draws, a χ² test against the exact probabilities, and α's bootstrap by kinds of
/// unit against resampling the units one by one.
@Suite struct BinomialTests {
    static func pmf(_ n: Int, _ p: Double, _ k: Int) -> Double {
        let (nd, kd) = (Double(n), Double(k))
        let choose: Double = lgamma(nd + 1) - lgamma(kd + 1) - lgamma(nd - kd + 1)
        return exp(choose + kd * log(p) + (nd - kd) * log(1 - p))
    }

    /// Inversion (n·p < 10), BTRS (n·p ≥ 10), and p > 0.5 through 1 − p.
    @Test(arguments: [(20, 0.3), (15, 0.05), (1000, 0.3), (1_000_000, 0.001), (50, 0.9), (400_000, 0.5)])
    func momentsAreTheBinomials(_ n: Int, _ p: Double) {
        var g = SplitMix64(seed: 11)
        let count = 20_000
        var sum = 0.0, squares = 0.0
        for _ in 0..<count {
            let x = Binomial.draw(n: n, p: p, using: &g)
            #expect((0...n).contains(x))
            sum += Double(x); squares += Double(x) * Double(x)
        }
        let mean = sum / Double(count), variance = squares / Double(count) - mean * mean
        let expectedMean = Double(n) * p, expectedVariance = Double(n) * p * (1 - p)
        #expect(abs(mean - expectedMean) < 4 * (expectedVariance / Double(count)).squareRoot(), "mean \(mean) vs \(expectedMean)")
        #expect(abs(variance / expectedVariance - 1) < 0.05, "variance \(variance) vs \(expectedVariance)")
    }

    /// χ² against the exact probabilities, cells with an expected count under 5 pooled at the
    /// tails, below its 0.999 quantile (Wilson–Hilferty: 52.6 at 25 degrees of freedom).
    @Test(arguments: [(30, 0.4), (15, 0.2), (200, 0.07)])
    func frequenciesAreTheBinomialsProbabilities(_ n: Int, _ p: Double) {
        var g = SplitMix64(seed: 5)
        let draws = 50_000
        var seen = [Int](repeating: 0, count: n + 1)
        for _ in 0..<draws { seen[Binomial.draw(n: n, p: p, using: &g)] += 1 }
        var statistic = 0.0, cells = 0, pooledSeen = 0, pooledExpected = 0.0
        for k in 0...n {
            pooledSeen += seen[k]
            pooledExpected += Double(draws) * Self.pmf(n, p, k)
            if pooledExpected >= 5 || k == n {
                statistic += pow(Double(pooledSeen) - pooledExpected, 2) / max(pooledExpected, 1e-9)
                cells += 1
                (pooledSeen, pooledExpected) = (0, 0)
            }
        }
        let df = Double(cells - 1), critical = df * pow(1 - 2 / (9 * df) + 3.090_232 * (2 / (9 * df)).squareRoot(), 3)
        #expect(cells >= 8)
        #expect(statistic < critical, "χ² \(statistic) over \(cells) cells (critical \(critical))")
    }

    @Test func multinomialCountsAddUpAndFollowTheWeights() {
        var g = SplitMix64(seed: 2)
        let weights = [5.0, 0, 120, 3, 872]
        var counts = [Int](repeating: 0, count: weights.count), totals = [Double](repeating: 0, count: weights.count)
        for _ in 0..<4000 {
            Binomial.multinomial(n: 1000, weights: weights, into: &counts, using: &g)
            #expect(counts.reduce(0, +) == 1000 && counts[1] == 0)
            for k in counts.indices { totals[k] += Double(counts[k]) / 4000 }
        }
        for k in weights.indices {
            let p = weights[k] / 1000, sd = (1000 * p * (1 - p) / 4000).squareRoot()
            #expect(abs(totals[k] - 1000 * p) <= max(4 * sd, 1e-9), "kind \(k): \(totals[k])")
        }
    }

    /// α's interval by kinds equals, within Monte Carlo error, the percentile interval of
    /// resampling the units one at a time and computing α on each resample.
    @Test func alphaByKindsIsAlphaOverResampledUnits() throws {
        var g = SplitMix64(seed: 9)
        var counts: [Int32] = []
        for _ in 0..<600 {
            var unit = [Int32](repeating: 0, count: 4)
            let raters = 2 + Int(g.next() % 3), truth = Int(g.next() % 4)
            for _ in 0..<raters { unit[g.next() % 10 < 6 ? truth : Int(g.next() % 4)] += 1 }
            counts += unit
        }
        let values = [1.0, 2, 3, 4]
        for level in [MeasurementLevel.nominal, .ordinal, .interval] {
            let byKinds = try #require(Bootstrap.alphaInterval(unitCounts: counts, values: values, level: level, samples: 4000, seed: 1))
            var generator = SplitMix64(seed: 7)
            var alphas: [Double] = []
            for _ in 0..<4000 {
                var resample: [Int32] = []
                for _ in 0..<600 { let u = Int(generator.next() % 600); resample += counts[(u * 4)..<(u * 4 + 4)] }
                alphas.append(try #require(Agreement.krippendorffAlpha(unitCounts: resample, values: values, level: level)))
            }
            alphas.sort()
            #expect(abs(byKinds.low - Bootstrap.quantile(alphas, 0.025)) < 0.01, "\(level) low")
            #expect(abs(byKinds.high - Bootstrap.quantile(alphas, 0.975)) < 0.01, "\(level) high")
        }
    }
}
