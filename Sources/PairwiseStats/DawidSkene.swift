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
        let annotators = table.annotators.count
        let codes = table.codes
        let units = table.units.indices.filter { u in (0..<annotators).contains { codes[u * annotators + $0] >= 0 } }
        var ratings = Ratings()
        for (position, u) in units.enumerated() {
            for a in 0..<annotators where codes[u * annotators + a] >= 0 { ratings.append(unit: position, annotator: a, label: Int(codes[u * annotators + a])) }
        }
        var result = fit(ratings, units: units.count, annotators: annotators, categories: table.categoryCount,
                         maxIterations: maxIterations, tolerance: tolerance)
        result.units = units
        return result
    }

    /// Ratings as parallel columns: unit (0..<units), annotator, label (0..<categories).
    public struct Ratings: Sendable {
        public var unit: [Int32] = [], annotator: [Int32] = [], label: [Int32] = []
        public init() {}
        public mutating func append(unit u: Int, annotator a: Int, label l: Int) {
            unit.append(Int32(u)); annotator.append(Int32(a)); label.append(Int32(l))
        }
        public var count: Int { unit.count }
    }

    /// The fit over ratings given as columns (every unit 0..<units rated at least once).
    /// Units with the same ratings (the same annotators giving the same labels) have the
    /// same posterior at every step, so the EM runs once per distinct pattern, weighted by
    /// how many units share it: the same estimates, at the cost of the patterns rather than
    /// the units (a few thousand patterns for a million judgments by a handful of people).
    public static func fit(_ ratings: Ratings, units unitCount: Int, annotators: Int, categories q: Int,
                           maxIterations: Int = 100, tolerance: Double = 1e-5) -> Result {
        guard ratings.count > 0, q > 0 else {
            return Result(units: [], posteriors: [], labels: [], priors: [], errors: [], iterations: 0)
        }
        let patterns = Patterns(ratings, units: unitCount, categories: q)
        let types = patterns.weight.count
        let weight = patterns.weight.map(Double.init)
        let typeOf = patterns.ratingType, cellOf = patterns.ratingCell
        let n = typeOf.count, ratingCount = Double(ratings.count)
        // Majority vote: the share of each label among a unit's ratings.
        var probas = [Double](repeating: 0, count: types * q)
        for r in 0..<n { probas[typeOf[r] * q + cellOf[r] % q] += 1 }
        for t in 0..<types {
            var total = 0.0
            for k in 0..<q { total += probas[t * q + k] }
            for k in 0..<q { probas[t * q + k] /= total }
        }
        var observed = [Bool](repeating: false, count: annotators * q)
        for r in 0..<n { observed[cellOf[r]] = true }

        func priorsOf(_ probas: [Double]) -> [Double] {
            var sums = [Double](repeating: 0, count: q)
            for t in 0..<types { for k in 0..<q { sums[k] += weight[t] * probas[t * q + k] } }
            return sums.map { $0 / Double(unitCount) }
        }
        // errors[(a·q + observed)·q + true]
        func mStep(_ probas: [Double]) -> [Double] {
            var errors = [Double](repeating: 0, count: annotators * q * q)
            for r in 0..<n { for k in 0..<q { errors[cellOf[r] * q + k] += weight[typeOf[r]] * probas[typeOf[r] * q + k] } }
            for a in 0..<annotators {
                for l in 0..<q where observed[a * q + l] { for k in 0..<q { errors[(a * q + l) * q + k] = max(errors[(a * q + l) * q + k], epsilon) } }
                for k in 0..<q {
                    var total = 0.0
                    for l in 0..<q where observed[a * q + l] { total += errors[(a * q + l) * q + k] }
                    for l in 0..<q where observed[a * q + l] { errors[(a * q + l) * q + k] /= total }
                }
            }
            return errors
        }
        func eStep(_ priors: [Double], _ errors: [Double]) -> [Double] {
            let logErrors = errors.map { log2($0) }
            var logs = [Double](repeating: 0, count: types * q)
            for t in 0..<types { for k in 0..<q { logs[t * q + k] = log2(max(priors[k], epsilon)) } }
            for r in 0..<n { for k in 0..<q { logs[typeOf[r] * q + k] += logErrors[cellOf[r] * q + k] } }
            for t in 0..<types {
                var top = -Double.infinity
                for k in 0..<q { top = max(top, logs[t * q + k]) }
                var total = 0.0
                for k in 0..<q { logs[t * q + k] = exp2(logs[t * q + k] - top); total += logs[t * q + k] }
                for k in 0..<q { logs[t * q + k] /= total }
            }
            return logs
        }
        func lowerBound(_ probas: [Double], _ priors: [Double], _ errors: [Double]) -> Double {
            let logErrors = errors.map { log($0) }, logPriors = priors.map { log(max($0, epsilon)) }
            var joint = 0.0
            for r in 0..<n {
                var sum = 0.0
                for k in 0..<q { sum += probas[typeOf[r] * q + k] * (logErrors[cellOf[r] * q + k] + logPriors[k]) }
                joint += weight[typeOf[r]] * sum
            }
            var entropy = 0.0
            for t in 0..<types {
                var sum = 0.0
                for k in 0..<q { let c = max(probas[t * q + k], epsilon); sum -= log(c) * c }
                entropy += weight[t] * sum
            }
            return joint + entropy
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
            let newLoss = lowerBound(probas, priors, errors) / ratingCount
            if newLoss - loss < tolerance { break }
            loss = newLoss
        }
        let typePosteriors = (0..<types).map { t in Array(probas[(t * q)..<(t * q + q)]) }
        let typeLabels = typePosteriors.map { row in row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0 }
        let nested = (0..<annotators).map { a in (0..<q).map { l in Array(errors[((a * q + l) * q)..<((a * q + l) * q + q)]) } }
        return Result(units: Array(0..<unitCount), posteriors: patterns.unitType.map { typePosteriors[$0] },
                      labels: patterns.unitType.map { typeLabels[$0] }, priors: priors, errors: nested, iterations: iterations)
    }

    /// The distinct rating patterns of the units: each unit's pattern, each pattern's
    /// number of units, and each pattern's ratings (annotator · categories + label).
    struct Patterns {
        var unitType: [Int]
        var weight: [Int] = []
        var ratingType: [Int] = [], ratingCell: [Int] = []

        init(_ ratings: Ratings, units: Int, categories q: Int) {
            var cellsOfUnit = [[Int32]](repeating: [], count: units)
            for r in 0..<ratings.count {
                cellsOfUnit[Int(ratings.unit[r])].append(ratings.annotator[r] * Int32(q) + ratings.label[r])
            }
            var typeOfPattern: [[Int32]: Int] = [:]
            unitType = [Int](repeating: 0, count: units)
            for u in 0..<units {
                let cells = cellsOfUnit[u].sorted()
                if let t = typeOfPattern[cells] {
                    unitType[u] = t
                    weight[t] += 1
                    continue
                }
                let t = weight.count
                typeOfPattern[cells] = t
                unitType[u] = t
                weight.append(1)
                for cell in cells { ratingType.append(t); ratingCell.append(Int(cell)) }
            }
        }
    }
}
