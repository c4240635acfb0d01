import PairwiseCore

/// Whether ranking k responses trains a better reward model than one pair per prompt, on
/// simulated annotators with a known reward (`SyntheticPreferences`' words and values).
///
/// Each item has k responses; an annotator ranks them by Plackett–Luce with the true
/// rewards × sharpness (the best drawn in proportion to exp(reward), then the best of the
/// rest, …). The same rankings train three models, scored on fresh held-out pairs against
/// the true reward:
/// - every implied pair, each weighted 2/k (`Ranking.pairWeight`: a ranking counts as k − 1
///   comparisons, the weighting the trainer uses);
/// - every implied pair at weight 1;
/// - one implied pair per item drawn at random (what a pairwise tool would collect per
///   prompt, and what ultrafeedback_binarized keeps).
public enum RankedTrainingBenchmark {
    public struct Result: Sendable {
        public var policy: String
        public var pairs: Int
        /// Held-out accuracy against the true reward's order.
        public var accuracy: Double
    }

    public static let policies = ["all implied pairs, weight 2/k", "all implied pairs, weight 1", "one random pair per item"]

    /// Mean held-out accuracy of each policy over `seeds`.
    public static func run(items: Int, responses k: Int, seeds: [UInt64], heldOut: Int = 2000, sharpness: Double = 4) -> [Result] {
        var totals = Array(repeating: (pairs: 0, accuracy: 0.0), count: policies.count)
        for seed in seeds {
            let world = SyntheticPreferences(vocabularySize: 400, sharpness: sharpness, seed: seed)
            var generator = SplitMix64(seed: seed &* 0x9E37 &+ 11)
            let featurizer = Featurizer(hashBits: 14)
            var features = SparseRows()
            var implied: [(a: Int32, b: Int32, weight: Double)] = []
            var randomPair: [(a: Int32, b: Int32)] = []
            for _ in 0..<items {
                let drawn = (0..<k).map { _ in world.response(using: &generator) }
                let base = Int32(features.count)
                for response in drawn { features.append(featurizer.features(prompt: "", response: response.text)) }
                let ranking = plackettLuce(drawn.map { $0.reward * sharpness }, using: &generator)
                let pairs = ranking.impliedPairs.filter { $0.direction != 0 }.map { pair in
                    // Oriented so that `a` is the preferred response.
                    pair.direction < 0 ? (base + Int32(pair.first), base + Int32(pair.second)) : (base + Int32(pair.second), base + Int32(pair.first))
                }
                implied += pairs.map { ($0.0, $0.1, ranking.pairWeight) }
                randomPair.append(pairs[Int.random(in: 0..<pairs.count, using: &generator)])
            }
            // Held out: fresh pairs, labeled by the true reward.
            var test = SparseRows(), truth: [Bool] = []
            for _ in 0..<heldOut {
                let a = world.response(using: &generator), b = world.response(using: &generator)
                test.append(featurizer.features(prompt: "", response: a.text))
                test.append(featurizer.features(prompt: "", response: b.text))
                truth.append(a.reward > b.reward)
            }
            let label = PairExample.Label.aBetter(margin: 0)
            let sets: [(pairs: [(Int32, Int32)], weights: [Double]?)] = [
                (implied.map { ($0.a, $0.b) }, implied.map(\.weight)),
                (implied.map { ($0.a, $0.b) }, nil),
                (randomPair.map { ($0.a, $0.b) }, nil),
            ]
            for (n, set) in sets.enumerated() {
                let data = PairData(features: features, pairs: set.pairs.map { PairData.Pair(a: $0.0, b: $0.1, label: label) })
                let model = RewardModel.fit(data, weights: set.weights, featurizer: featurizer)
                var correct = 0
                model.weights.withUnsafeBufferPointer { w in
                    for t in 0..<heldOut where (test.dot(2 * t, w) > test.dot(2 * t + 1, w)) == truth[t] { correct += 1 }
                }
                totals[n].pairs += set.pairs.count
                totals[n].accuracy += Double(correct) / Double(heldOut)
            }
        }
        return policies.indices.map { Result(policy: policies[$0], pairs: totals[$0].pairs / seeds.count, accuracy: totals[$0].accuracy / Double(seeds.count)) }
    }

    /// A Plackett–Luce draw: the best chosen in proportion to exp(utility), then the best of
    /// the rest, and so on.
    static func plackettLuce(_ utilities: [Double], using generator: inout SplitMix64) -> Ranking {
        var left = Array(utilities.indices)
        var ranks = [Int](repeating: 0, count: utilities.count)
        var place = 1
        while !left.isEmpty {
            let top = left.map { utilities[$0] }.max()!
            let weights = left.map { (utilities[$0] - top).exponential }
            var draw = Double.random(in: 0..<weights.reduce(0, +), using: &generator)
            var chosen = left.count - 1
            for (n, w) in weights.enumerated() {
                if draw < w { chosen = n; break }
                draw -= w
            }
            ranks[left[chosen]] = place
            place += 1
            left.remove(at: chosen)
        }
        return Ranking(ranks: ranks)!
    }
}

extension SyntheticPreferences {
    /// One response: words drawn from the vocabulary, and its true reward (their mean value).
    public func response(words: Int = 30, using generator: inout SplitMix64) -> (text: String, reward: Double) {
        var chosen: [String] = [], total = 0.0
        for _ in 0..<words {
            let k = Int.random(in: 0..<vocabulary.count, using: &generator)
            chosen.append(vocabulary[k])
            total += values[k]
        }
        return (chosen.joined(separator: " "), total / Double(words))
    }
}
