#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Annotator reliability by Dawid–Skene (1979): EM over a confusion matrix per annotator
/// and a posterior over the true label of each unit, initialised from majority vote. It
/// follows crowd-kit's DawidSkene step for step (the ε floor of 1e-10 on observed
/// confusion cells and priors, and its stopping rule on the evidence lower bound per rating).
public enum DawidSkene {
    public static let epsilon = 1e-10

    public struct Result: Sendable {
        /// Units that have at least one rating, in table order.
        public var units: [Int]
        /// `posteriors[u][k]`: P(true category k) for `units[u]`.
        public var posteriors: [[Double]]
        /// The most probable category of each unit (the first on a tie).
        public var labels: [Int]
        public var priors: [Double]
        /// `errors[a][observed][true]`: P(annotator a says `observed` | truth `true`); 0 where
        /// the annotator never gave `observed`.
        public var errors: [[[Double]]]
        public var iterations: Int

        /// The chance an annotator labels a random unit correctly: Σ_k prior_k · errors[a][k][k].
        public func accuracy(annotator a: Int) -> Double {
            priors.indices.reduce(0) { $0 + priors[$1] * errors[a][$1][$1] }
        }
    }

    public static func fit(_ table: RatingTable, maxIterations: Int = 100, tolerance: Double = 1e-5) -> Result {
        let q = table.categoryCount, annotators = table.annotators.count
        let codes = table.codes
        let units = table.units.indices.filter { u in (0..<annotators).contains { codes[u * annotators + $0] >= 0 } }
        // (unit position, annotator, label) for every rating.
        var ratings: [(u: Int, a: Int, l: Int)] = []
        for (position, u) in units.enumerated() {
            for a in 0..<annotators where codes[u * annotators + a] >= 0 { ratings.append((position, a, Int(codes[u * annotators + a]))) }
        }
        // Majority vote: the share of each label among a unit's ratings.
        var probas = Array(repeating: Array(repeating: 0.0, count: q), count: units.count)
        for r in ratings { probas[r.u][r.l] += 1 }
        for u in probas.indices { let total = probas[u].reduce(0, +); for k in 0..<q { probas[u][k] /= total } }
        var observed = Array(repeating: Array(repeating: false, count: q), count: annotators)
        for r in ratings { observed[r.a][r.l] = true }

        func priorsOf(_ probas: [[Double]]) -> [Double] {
            (0..<q).map { k in probas.reduce(0) { $0 + $1[k] } / Double(probas.count) }
        }
        func mStep(_ probas: [[Double]]) -> [[[Double]]] {
            var errors = Array(repeating: Array(repeating: Array(repeating: 0.0, count: q), count: q), count: annotators)
            for r in ratings { for k in 0..<q { errors[r.a][r.l][k] += probas[r.u][k] } }
            for a in 0..<annotators {
                for l in 0..<q where observed[a][l] { for k in 0..<q { errors[a][l][k] = max(errors[a][l][k], epsilon) } }
                for k in 0..<q {
                    var total = 0.0
                    for l in 0..<q where observed[a][l] { total += errors[a][l][k] }
                    for l in 0..<q where observed[a][l] { errors[a][l][k] /= total }
                }
            }
            return errors
        }
        func eStep(_ priors: [Double], _ errors: [[[Double]]]) -> [[Double]] {
            var logs = Array(repeating: (0..<q).map { log2(max(priors[$0], epsilon)) }, count: units.count)
            for r in ratings { for k in 0..<q { logs[r.u][k] += log2(errors[r.a][r.l][k]) } }
            return logs.map { row in
                let top = row.max() ?? 0
                let scaled = row.map { exp2($0 - top) }
                let total = scaled.reduce(0, +)
                return scaled.map { $0 / total }
            }
        }
        func lowerBound(_ probas: [[Double]], _ priors: [Double], _ errors: [[[Double]]]) -> Double {
            var joint = 0.0
            for r in ratings {
                for k in 0..<q { joint += probas[r.u][k] * (log(errors[r.a][r.l][k]) + log(max(priors[k], epsilon))) }
            }
            var entropy = 0.0
            for row in probas { for p in row { let c = max(p, epsilon); entropy -= log(c) * c } }
            return joint + entropy
        }

        guard !ratings.isEmpty, q > 0 else {
            return Result(units: [], posteriors: [], labels: [], priors: [], errors: [], iterations: 0)
        }
        var priors = priorsOf(probas)
        var errors = mStep(probas)
        var loss = -Double.infinity
        var iterations = 0
        for _ in 0..<maxIterations {
            iterations += 1
            probas = eStep(priors, errors)
            priors = priorsOf(probas)
            errors = mStep(probas)
            let newLoss = lowerBound(probas, priors, errors) / Double(ratings.count)
            if newLoss - loss < tolerance { break }
            loss = newLoss
        }
        let labels = probas.map { row in row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0 }
        return Result(units: units, posteriors: probas, labels: labels, priors: priors, errors: errors, iterations: iterations)
    }
}
