import PairwiseCore

/// One judged pair as the model sees it: features of A minus features of B, and what the
/// human said.
public struct PairExample: Sendable {
    public enum Label: Sendable, Equatable {
        /// A preferred, with the human strength's margin.
        case aBetter(margin: Double)
        case bBetter(margin: Double)
        /// About the same: trained toward equal reward.
        case tie
    }

    public var difference: SparseVector
    public var label: Label

    public init(difference: SparseVector, label: Label) {
        self.difference = difference
        self.label = label
    }

    /// The label for a human strength (−3…+3, negative: A better), or nil for "both bad",
    /// which stays out of the preference loss. The margin grows with the strength, as
    /// Llama 2's did: |s|/3 (1/3, 2/3, 1).
    public static func label(strength: Int, bothBad: Bool) -> Label? {
        label(meanStrength: Double(strength), bothBad: bothBad)
    }

    /// The same for an aggregated (mean) strength.
    public static func label(meanStrength strength: Double, bothBad: Bool) -> Label? {
        if bothBad { return nil }
        if strength == 0 { return .tie }
        let margin = abs(strength) / 3
        return strength < 0 ? .aBetter(margin: margin) : .bBetter(margin: margin)
    }
}

/// A reward linear in the features, r(prompt, response) = w·φ, fitted with the
/// Bradley–Terry loss on judged pairs: −log σ(r_w − r_l − margin) for a preference,
/// ½(softplus(d) + softplus(−d)) for a tie, plus λ/2·‖w‖².
public struct RewardModel: Sendable {
    public var weights: [Double]
    public let featurizer: Featurizer

    public init(featurizer: Featurizer, weights: [Double]? = nil) {
        self.featurizer = featurizer
        self.weights = weights ?? Array(repeating: 0, count: featurizer.dimension)
    }

    public func reward(prompt: String, response: String) -> Double {
        featurizer.features(prompt: prompt, response: response).dot(weights)
    }

    /// r(A) − r(B).
    public func margin(_ example: PairExample) -> Double { example.difference.dot(weights) }

    public struct Options: Sendable {
        public var l2: Double
        public var maxIterations: Int
        public init(l2: Double = 1e-3, maxIterations: Int = 200) {
            self.l2 = l2
            self.maxIterations = maxIterations
        }
    }

    /// Fits the weights by L-BFGS; the same data and options always give the same weights.
    public static func fit(_ examples: [PairExample], featurizer: Featurizer, options: Options = Options()) -> RewardModel {
        fit(PairData(examples), weights: nil, featurizer: featurizer, options: options)
    }

    /// Fits on the pairs the weights draw (how often each counts; 0 leaves it out, nil
    /// counts each once): the loss is the weighted mean over the draws.
    public static func fit(_ data: PairData, weights: [Double]?, featurizer: Featurizer, options: Options = Options()) -> RewardModel {
        fit(data, weightings: [weights], featurizer: featurizer, options: options)[0]
    }

    /// Fits one model per weighting (see `fit(_:weights:featurizer:options:)`), all at once
    /// on every core (`LockstepFits`); each model is the one a fit of its own gives.
    public static func fit(_ data: PairData, weightings: [[Double]?], featurizer: Featurizer, options: Options = Options()) -> [RewardModel] {
        let dimension = featurizer.dimension
        let fits = LockstepFits(data: data, terms: weightings.map { LockstepFits.Terms(weights: $0, pairs: data.pairs.count) },
                                l2: options.l2, dimension: dimension)
        let results = ResultSlots<RewardModel>(count: weightings.count)
        onThreadsOfTheirOwn(weightings.count) { k in
            let fitted = LBFGS.minimize({ w, g in fits.evaluate(k, at: w, gradient: &g) },
                                        start: Array(repeating: 0, count: dimension), maxIterations: options.maxIterations)
            fits.finish()
            results.store(RewardModel(featurizer: featurizer, weights: fitted), at: k)
        }
        return results.all
    }
}

@inline(__always) func logistic(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
@inline(__always) func softplus(_ x: Double) -> Double { x > 30 ? x : x < -30 ? exp(x) : log1p(exp(x)) }

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
