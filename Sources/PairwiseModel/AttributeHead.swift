import PairwiseCore
import PairwiseStats

/// A regression head for one per-response rubric dimension (HelpSteer2-style attributes):
/// the mean human rating of a response, predicted as intercept + w·φ from the same features
/// as the reward, fitted by ridge regression (squared loss + λ/2·‖w‖², L-BFGS).
public struct AttributeHead: Sendable {
    public var dimension: String
    public var intercept: Double
    public var weights: [Double]

    public init(dimension: String, intercept: Double, weights: [Double]) {
        self.dimension = dimension
        self.intercept = intercept
        self.weights = weights
    }

    public func predict(_ features: SparseVector) -> Double { intercept + features.dot(weights) }

    /// Fits on (features, rating) rows; the intercept is the mean rating.
    public static func fit(_ rows: [(features: SparseVector, rating: Double)], dimension: String, size: Int, l2: Double = 1e-3,
                           maxIterations: Int = 200) -> AttributeHead {
        let n = Double(max(1, rows.count))
        let mean = rows.reduce(0.0) { $0 + $1.rating } / n
        func objective(_ w: [Double], _ gradient: inout [Double]) -> Double {
            var loss = 0.0
            for i in 0..<size { gradient[i] = l2 * w[i]; loss += 0.5 * l2 * w[i] * w[i] }
            for row in rows {
                let residual = row.features.dot(w) - (row.rating - mean)
                loss += 0.5 * residual * residual / n
                let x = row.features
                for k in x.indices.indices { gradient[Int(x.indices[k])] += residual / n * x.values[k] }
            }
            return loss
        }
        let weights = LBFGS.minimize(objective, start: Array(repeating: 0, count: size), maxIterations: maxIterations)
        return AttributeHead(dimension: dimension, intercept: mean, weights: weights)
    }

    /// Held-out root mean squared error and Pearson's r of a head's predictions.
    public func evaluate(_ rows: [(features: SparseVector, rating: Double)]) -> (rmse: Double?, pearson: Double?) {
        guard !rows.isEmpty else { return (nil, nil) }
        let predicted = rows.map { predict($0.features) }, actual = rows.map(\.rating)
        let squared = zip(predicted, actual).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return ((squared / Double(rows.count)).squareRoot(), Correlation.pearson(predicted, actual))
    }
}
