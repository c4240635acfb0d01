import PairwiseCore

/// Bootstrap confidence intervals.
public enum Bootstrap {
    /// A percentile interval for Krippendorff's alpha, resampling units with replacement.
    /// Resamples where alpha is undefined are left out.
    public static func alphaInterval(_ table: RatingTable, level: MeasurementLevel, samples: Int, seed: UInt64,
                                     confidence: Double = 0.95) -> (low: Double, high: Double)? {
        alphaInterval(unitCounts: table.unitCounts, values: table.categoryValues, level: level, samples: samples, seed: seed, confidence: confidence)
    }

    /// The same from each unit's counts per category, unit after unit. Units with the same
    /// counts add the same coincidences, so a resample is how many of each kind it drew —
    /// one multinomial draw over the kinds, weighted by how many units each has — and α
    /// from the kinds' coincidences so weighted: the distribution of resampling the units
    /// one by one, at a cost set by the kinds (a few dozen) rather than the units.
    public static func alphaInterval(unitCounts: [Int32], values: [Double], level: MeasurementLevel, samples: Int, seed: UInt64,
                                     confidence: Double = 0.95) -> (low: Double, high: Double)? {
        let q = values.count
        guard q > 0, samples > 0 else { return nil }
        var kindOf: [ArraySlice<Int32>: Int] = [:], kinds: [ArraySlice<Int32>] = [], units: [Double] = []
        // A unit's counts as one integer where they fit (up to 8 categories, counts below 256):
        // hashing a million slices costs more than the rest of the interval.
        var packedKindOf: [UInt64: Int] = [:]
        let packed = q <= 8 && !unitCounts.contains { $0 < 0 || $0 > 255 }
        for start in stride(from: 0, to: unitCounts.count, by: q) {
            let counts = unitCounts[start..<(start + q)]
            guard counts.reduce(0, +) >= 2 else { continue }
            let known: Int?
            if packed {
                let key = counts.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                known = packedKindOf[key]
                if known == nil { packedKindOf[key] = kinds.count }
            } else {
                known = kindOf[counts]
                if known == nil { kindOf[counts] = kinds.count }
            }
            if let known { units[known] += 1; continue }
            kinds.append(counts)
            units.append(1)
        }
        guard !kinds.isEmpty else { return nil }
        let coincidences = kinds.map { Agreement.coincidences(unitCounts: Array($0), categories: q) }
        let total = Int(units.reduce(0, +))
        var generator = SplitMix64(seed: seed)
        var drawn = [Int](repeating: 0, count: kinds.count), o = [Double](repeating: 0, count: q * q)
        var alphas: [Double] = []
        alphas.reserveCapacity(samples)
        for _ in 0..<samples {
            Binomial.multinomial(n: total, weights: units, into: &drawn, using: &generator)
            for i in o.indices { o[i] = 0 }
            for (k, times) in drawn.enumerated() where times > 0 {
                for i in o.indices { o[i] += Double(times) * coincidences[k][i] }
            }
            if let alpha = Agreement.alpha(coincidences: o, values: values, level: level) { alphas.append(alpha) }
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
