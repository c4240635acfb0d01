import PairwiseCore

/// Bootstrap confidence intervals.
public enum Bootstrap {
    /// A percentile interval for Krippendorff's alpha, resampling units with replacement.
    /// Resamples where alpha is undefined are left out.
    public static func alphaInterval(_ table: RatingTable, level: MeasurementLevel, samples: Int, seed: UInt64,
                                     confidence: Double = 0.95) -> (low: Double, high: Double)? {
        let counts = table.counts().filter { $0.reduce(0, +) >= 2 }
        guard !counts.isEmpty, samples > 0 else { return nil }
        var generator = SplitMix64(seed: seed)
        var alphas: [Double] = []
        alphas.reserveCapacity(samples)
        var resample = counts
        for _ in 0..<samples {
            for i in 0..<counts.count { resample[i] = counts[Int.random(in: 0..<counts.count, using: &generator)] }
            if let alpha = Agreement.krippendorffAlpha(counts: resample, values: table.categoryValues, level: level) { alphas.append(alpha) }
        }
        guard !alphas.isEmpty else { return nil }
        alphas.sort()
        let tail = (1 - confidence) / 2
        return (quantile(alphas, tail), quantile(alphas, 1 - tail))
    }

    /// The p-quantile of sorted values with linear interpolation (NumPy's default).
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let position = p * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }
}
