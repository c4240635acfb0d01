import Foundation

/// Pearson's and Spearman's correlation coefficients.
public enum Correlation {
    /// Pearson's r; nil with fewer than 2 pairs or a constant variable.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
        precondition(x.count == y.count)
        guard x.count >= 2 else { return nil }
        let n = Double(x.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Spearman's ρ: Pearson's r of the ranks, tied values sharing their mean rank.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
        pearson(ranks(x), ranks(y))
    }

    /// 1-based ranks with ties given the mean of the ranks they span.
    public static func ranks(_ values: [Double]) -> [Double] {
        // Each value sorted with its place beside it (not places sorted by a lookup into the
        // values per comparison: at millions, a cache miss each); a tie's members get one rank.
        var sorted = values.enumerated().map { (value: $0.element, place: $0.offset) }
        sorted.sort { $0.value < $1.value }
        var result = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < sorted.count {
            var end = start
            while end + 1 < sorted.count && sorted[end + 1].value == sorted[start].value { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { result[sorted[k].place] = rank }
            start = end + 1
        }
        return result
    }
}
