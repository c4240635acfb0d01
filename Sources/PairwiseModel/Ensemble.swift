import PairwiseCore

/// K bootstrap fits of the reward model; their spread of margins per pair is the model's
/// uncertainty, their mean margin its preference strength.
public struct Ensemble: Sendable {
    public var members: [RewardModel]

    /// Fits `size` models on seeded bootstrap resamples of `examples`.
    public static func fit(_ examples: [PairExample], size: Int, seed: UInt64, featurizer: Featurizer,
                           options: RewardModel.Options = RewardModel.Options()) -> Ensemble {
        var generator = SplitMix64(seed: seed)
        let members = (0..<max(1, size)).map { _ -> RewardModel in
            let sample = examples.isEmpty ? [] : (0..<examples.count).map { _ in examples[Int.random(in: 0..<examples.count, using: &generator)] }
            return RewardModel.fit(sample, featurizer: featurizer, options: options)
        }
        return Ensemble(members: members)
    }

    /// Mean and standard deviation of r(A) − r(B) over the members, with the mean rewards.
    public func score(prompt: String, a: String, b: String) -> (rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double) {
        let fa = members[0].featurizer.features(prompt: prompt, response: a)
        let fb = members[0].featurizer.features(prompt: prompt, response: b)
        var ra = 0.0, rb = 0.0, margins: [Double] = []
        for m in members {
            let x = fa.dot(m.weights), y = fb.dot(m.weights)
            ra += x; rb += y; margins.append(x - y)
        }
        let k = Double(members.count)
        let mean = margins.reduce(0, +) / k
        let variance = margins.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / k
        return (ra / k, rb / k, mean, variance.squareRoot())
    }
}
