/// Agreement coefficients. Each takes a rating table and returns nil where the statistic
/// does not apply (too few ratings, or no variation to agree beyond chance).
public enum Agreement {
    // MARK: Krippendorff's alpha

    /// Krippendorff's alpha, from the coincidence matrix as in Krippendorff's "Computing
    /// Krippendorff's Alpha-Reliability" (units with fewer than two ratings do not count).
    public static func krippendorffAlpha(_ table: RatingTable, level: MeasurementLevel) -> Double? {
        krippendorffAlpha(unitCounts: table.unitCounts, values: table.categoryValues, level: level)
    }

    /// The same from per-unit category counts, for bootstrapping without rebuilding tables.
    public static func krippendorffAlpha(counts: [[Int]], values: [Double], level: MeasurementLevel) -> Double? {
        krippendorffAlpha(unitCounts: counts.flatMap { $0.map(Int32.init) }, values: values, level: level)
    }

    /// The same from each unit's counts per category, unit after unit.
    public static func krippendorffAlpha(unitCounts: [Int32], values: [Double], level: MeasurementLevel) -> Double? {
        guard !values.isEmpty else { return nil }
        return alpha(coincidences: coincidences(unitCounts: unitCounts, categories: values.count), values: values, level: level)
    }

    /// The coincidence matrix (categories × categories) of units given as counts per
    /// category, unit after unit; units with fewer than two values pair nothing.
    public static func coincidences(unitCounts: [Int32], categories q: Int) -> [Double] {
        var o = Array(repeating: 0.0, count: q * q)
        var start = 0
        while start < unitCounts.count {
            defer { start += q }
            var m = 0
            for c in 0..<q { m += Int(unitCounts[start + c]) }
            guard m >= 2 else { continue }
            let scale = 1.0 / Double(m - 1)
            for c in 0..<q where unitCounts[start + c] > 0 {
                let nc = Int(unitCounts[start + c])
                for k in 0..<q where unitCounts[start + k] > 0 {
                    o[c * q + k] += Double(nc * (Int(unitCounts[start + k]) - (c == k ? 1 : 0))) * scale
                }
            }
        }
        return o
    }

    /// α from a coincidence matrix: 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
    public static func alpha(coincidences o: [Double], values: [Double], level: MeasurementLevel) -> Double? {
        let q = values.count
        var marginals = Array(repeating: 0.0, count: q)
        for c in 0..<q { for k in 0..<q { marginals[c] += o[c * q + k] } }
        let n = marginals.reduce(0, +)
        guard n > 1 else { return nil }
        let delta = distances(values: values, marginals: marginals, level: level)
        var observed = 0.0, expected = 0.0
        for c in 0..<q {
            for k in 0..<q where c != k {
                observed += o[c * q + k] * delta[c * q + k]
                expected += marginals[c] * marginals[k] * delta[c * q + k]
            }
        }
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * observed / expected
    }

    /// Squared distances δ² between categories at a level.
    static func distances(values: [Double], marginals: [Double], level: MeasurementLevel) -> [Double] {
        let q = values.count
        var delta = Array(repeating: 0.0, count: q * q)
        for c in 0..<q {
            for k in 0..<q where c != k {
                let d: Double
                switch level {
                case .nominal: d = 1
                case .interval: d = (values[c] - values[k]) * (values[c] - values[k])
                case .ratio:
                    let sum = values[c] + values[k]
                    d = sum == 0 ? 0 : ((values[c] - values[k]) / sum) * ((values[c] - values[k]) / sum)
                case .ordinal:
                    let (low, high) = (min(c, k), max(c, k))
                    var between = 0.0
                    for g in low...high { between += marginals[g] }
                    let x = between - (marginals[c] + marginals[k]) / 2
                    d = x * x
                }
                delta[c * q + k] = d
            }
        }
        return delta
    }

    // MARK: Chance-corrected agreement among many annotators (Gwet 2014, as irrCAC computes it)

    /// Agreement weights between categories.
    public enum Weights: String, Sendable {
        case identity, linear, quadratic, ordinal, ratio

        /// The weight matrix for categories with these values.
        public func matrix(_ values: [Double]) -> [[Double]] {
            let q = values.count
            var w = Array(repeating: Array(repeating: 0.0, count: q), count: q)
            let span = (values.max() ?? 0) - (values.min() ?? 0)
            for k in 0..<q {
                for l in 0..<q {
                    switch self {
                    case .identity: w[k][l] = k == l ? 1 : 0
                    case .linear: w[k][l] = span == 0 ? 1 : 1 - abs(values[k] - values[l]) / span
                    case .quadratic: w[k][l] = span == 0 ? 1 : 1 - (values[k] - values[l]) * (values[k] - values[l]) / (span * span)
                    case .ordinal:
                        let n = Double(abs(k - l) + 1)
                        let top = Double(q) * Double(q - 1) / 2
                        w[k][l] = top == 0 ? 1 : 1 - (n * (n - 1) / 2) / top
                    case .ratio:
                        let sum = values[k] + values[l]
                        let r = sum == 0 ? 0 : ((values[k] - values[l]) / sum) * ((values[k] - values[l]) / sum)
                        let hi = values.max() ?? 0, lo = values.min() ?? 0
                        let maxR = hi + lo == 0 ? 0 : ((hi - lo) / (hi + lo)) * ((hi - lo) / (hi + lo))
                        w[k][l] = maxR == 0 ? 1 : 1 - r / maxR
                    }
                }
            }
            return w
        }
    }

    /// Observed agreement (weighted) over units with two or more ratings, and the average
    /// classification probabilities π_k over all rated units.
    static func observed(_ table: RatingTable, weights: [[Double]]) -> Observed? {
        let q = table.categoryCount
        let counts = table.unitCounts
        let w = weights.flatMap { $0 }
        var paSum = 0.0, unitsWithTwo = 0, rated = 0
        var pi = Array(repeating: 0.0, count: q)
        var start = 0
        while start < counts.count {
            defer { start += q }
            var r = 0
            for k in 0..<q { r += Int(counts[start + k]) }
            guard r > 0 else { continue }
            rated += 1
            for k in 0..<q { pi[k] += Double(counts[start + k]) / Double(r) }
            guard r >= 2 else { continue }
            unitsWithTwo += 1
            var sum = 0.0
            for k in 0..<q where counts[start + k] > 0 {
                var weighted = 0.0
                for l in 0..<q { weighted += w[k * q + l] * Double(counts[start + l]) }
                sum += Double(counts[start + k]) * (weighted - 1)
            }
            paSum += sum / Double(r * (r - 1))
        }
        guard unitsWithTwo > 0 else { return nil }
        return Observed(pa: paSum / Double(unitsWithTwo), pi: pi.map { $0 / Double(rated) })
    }

    /// Observed agreement and average classification probabilities, as `observed` gives them.
    struct Observed {
        var pa: Double
        var pi: [Double]
    }

    /// Identity-weighted observed agreement: what percent agreement, Fleiss' kappa and AC1 share.
    static func observedIdentity(_ table: RatingTable) -> Observed? {
        observed(table, weights: Weights.identity.matrix(table.categoryValues))
    }

    /// Percent agreement: the share of agreeing pairs of ratings per unit, averaged over
    /// units with two or more ratings.
    public static func percentAgreement(_ table: RatingTable) -> Double? {
        observedIdentity(table)?.pa
    }

    /// Fleiss' kappa, in Gwet's generalised form that also accepts units with different
    /// numbers of ratings (equal to Fleiss' formula when every unit has the same number).
    public static func fleissKappa(_ table: RatingTable) -> Double? {
        fleissKappa(observedIdentity(table))
    }

    static func fleissKappa(_ identity: Observed?) -> Double? {
        guard let (pa, pi) = identity.map({ ($0.pa, $0.pi) }) else { return nil }
        let pe = pi.reduce(0) { $0 + $1 * $1 }
        guard pe < 1 else { return nil }
        return (pa - pe) / (1 - pe)
    }

    /// Gwet's AC1 (identity weights) or AC2 (other weights).
    public static func gwetAC(_ table: RatingTable, weights kind: Weights = .identity) -> Double? {
        gwetAC(table, weights: kind, identity: kind == .identity ? observedIdentity(table) : nil)
    }

    /// The same, given the identity-weighted observed agreement when the weights are identity.
    static func gwetAC(_ table: RatingTable, weights kind: Weights, identity: Observed?) -> Double? {
        let q = table.categoryCount
        guard q >= 2 else {
            // One category only: AC1 is 1 (all agree); AC2's chance term divides by q(q−1)
            // and is undefined, as in irrCAC.
            return kind == .identity && observed(table, weights: [[1]]) != nil ? 1 : nil
        }
        let w = kind.matrix(table.categoryValues)
        guard let (pa, pi) = (kind == .identity ? identity : observed(table, weights: w)).map({ ($0.pa, $0.pi) }) else { return nil }
        let tw = w.reduce(0) { $0 + $1.reduce(0, +) }
        let pe = tw * pi.reduce(0) { $0 + $1 * (1 - $1) } / Double(q * (q - 1))
        guard pe < 1 else { return nil }
        return (pa - pe) / (1 - pe)
    }

    // MARK: Cohen's kappa

    /// Cohen's kappa between two annotators over the units both rated; weighted kappa uses
    /// the ranks of the categories the two used (as scikit-learn does).
    public static func cohenKappa(_ table: RatingTable, first: Int = 0, second: Int = 1, weights: Weights = .identity) -> Double? {
        let width = table.annotators.count, q = table.categoryCount
        var confusion = [Int](repeating: 0, count: q * q)
        for u in 0..<table.units.count {
            let a = table.codes[u * width + first], b = table.codes[u * width + second]
            if a >= 0 && b >= 0 { confusion[Int(a) * q + Int(b)] += 1 }
        }
        return cohenKappa(confusion: confusion, categories: q, weights: weights)
    }

    /// Cohen's kappa from the two annotators' confusion counts over `categories` categories
    /// (row: the first's category), using the categories either of them used.
    public static func cohenKappa(confusion counts: [Int], categories: Int, weights: Weights = .identity) -> Double? {
        let used = (0..<categories).filter { c in (0..<categories).contains { counts[c * categories + $0] > 0 || counts[$0 * categories + c] > 0 } }
        let total = counts.reduce(0, +)
        guard total > 0 else { return nil }
        let q = used.count
        var confusion = Array(repeating: Array(repeating: 0.0, count: q), count: q)
        for (i, a) in used.enumerated() { for (j, b) in used.enumerated() { confusion[i][j] = Double(counts[a * categories + b]) } }
        let n = Double(total)
        let rows = confusion.map { $0.reduce(0, +) }
        let columns = (0..<q).map { j in confusion.reduce(0) { $0 + $1[j] } }
        var observed = 0.0, expected = 0.0
        for i in 0..<q {
            for j in 0..<q {
                let d: Double
                switch weights {
                case .linear: d = Double(abs(i - j))
                case .quadratic: d = Double((i - j) * (i - j))
                default: d = i == j ? 0 : 1
                }
                observed += d * confusion[i][j] / n
                expected += d * rows[i] * columns[j] / (n * n)
            }
        }
        guard expected > 0 else { return nil }
        return 1 - observed / expected
    }
}
