import Foundation
import PairwiseCore

/// Exact binomial and multinomial draws from a seeded generator: inversion when the mean is
/// small, Hörmann's BTRS (transformed rejection with squeeze, 1993) otherwise. A bootstrap
/// over a few kinds of unit draws each resample's counts per kind as one multinomial instead
/// of one draw per unit: the same distribution, at a cost that does not grow with the units.
public enum Binomial {
    /// A uniform double in [0, 1) from 53 random bits.
    @inline(__always)
    static func uniform(_ g: inout SplitMix64) -> Double { Double(g.next() >> 11) * 0x1p-53 }

    /// One draw from Binomial(n, p).
    public static func draw(n: Int, p: Double, using g: inout SplitMix64) -> Int {
        guard n > 0, p > 0 else { return 0 }
        guard p < 1 else { return n }
        if p > 0.5 { return n - draw(n: n, p: 1 - p, using: &g) }
        return Double(n) * p < 10 ? inversion(n: n, p: p, &g) : btrs(n: n, p: p, &g)
    }

    /// Walks the cumulative distribution from 0 (p ≤ 0.5, n·p < 10: a dozen steps at most on average).
    static func inversion(n: Int, p: Double, _ g: inout SplitMix64) -> Int {
        let q = 1 - p, s = p / q, a = Double(n + 1) * s
        let start = pow(q, Double(n))
        while true {
            var r = start, u = uniform(&g), x = 0
            while u > r {
                u -= r
                x += 1
                r *= a / Double(x) - s
                if x > n || r <= 0 { break }
            }
            if x <= n && u <= r { return x }
        }
    }

    /// BTRS (p ≤ 0.5, n·p ≥ 10), accepting with the exact ratio of probabilities f(k)/f(m).
    static func btrs(n: Int, p: Double, _ g: inout SplitMix64) -> Int {
        let nd = Double(n), spq = (nd * p * (1 - p)).squareRoot()
        let b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p, c = nd * p + 0.5
        let vr = 0.92 - 4.2 / b, alpha = (2.83 + 5.1 / b) * spq, logOdds = log(p / (1 - p))
        let m = (Double(n + 1) * p).rounded(.down)
        let h = lgamma(m + 1) + lgamma(nd - m + 1)
        while true {
            let u = uniform(&g) - 0.5, v = uniform(&g)
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + c).rounded(.down)
            guard k >= 0, k <= nd else { continue }
            if us >= 0.07 && v <= vr { return Int(k) }
            let logV = log(v * alpha / (a / (us * us) + b))
            if logV <= h - lgamma(k + 1) - lgamma(nd - k + 1) + (k - m) * logOdds { return Int(k) }
        }
    }

    /// Counts of `n` draws with replacement among kinds of the given weights (each kind's
    /// chance its weight over their sum), into `counts`.
    public static func multinomial(n: Int, weights: [Double], into counts: inout [Int], using g: inout SplitMix64) {
        var left = n, mass = weights.reduce(0, +)
        for k in weights.indices {
            if k == weights.count - 1 || left == 0 || mass <= 0 {
                counts[k] = k == weights.count - 1 ? left : 0
                left -= counts[k]
                continue
            }
            counts[k] = draw(n: left, p: min(1, weights[k] / mass), using: &g)
            left -= counts[k]
            mass -= weights[k]
        }
    }
}
