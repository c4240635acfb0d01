import PairwiseCore

/// Simulated annotators for demos, tests and benchmarks, judging from a hidden reward so that
/// statistics and the model can be checked against the truth.
///
/// The hidden reward of a response is the mean, over its words, of a value in [−1, 1] that
/// each (lower-cased) word gets from a hash with the simulation's seed: learnable from the
/// text, unknown to everyone. The true preference is r(A) − r(B); under 0.02 in size it is a
/// tie, and its strength is 1, 2 or 3 by size (0.1 and 0.25 are the boundaries).
///
/// Annotator k (of n) is correct with probability 1 − noise·(0.5 + k/n), so accuracies are
/// spread below 1 − noise/2. When wrong, they pick a random verdict, favouring the response
/// shown first with their position bias (0.5 plus up to 0.3, growing with k).
public struct Simulation: Sendable {
    public struct Annotator: Sendable, Equatable {
        public var name: String
        public var accuracy: Double
        public var positionBias: Double

        public init(name: String, accuracy: Double, positionBias: Double) {
            self.name = name
            self.accuracy = accuracy
            self.positionBias = positionBias
        }
    }

    public let seed: UInt64
    public let annotators: [Annotator]

    public init(annotators count: Int, noise: Double, seed: UInt64) {
        self.seed = seed
        annotators = (0..<count).map { k in
            let fraction = count > 1 ? Double(k) / Double(count - 1) : 0
            return Annotator(name: "sim\(k + 1)", accuracy: max(0, min(1, 1 - noise * (0.5 + fraction))),
                             positionBias: 0.5 + 0.3 * fraction)
        }
    }

    /// The hidden reward of a response.
    public func reward(_ text: String) -> Double {
        var total = 0.0, words = 0
        Featurizer.scan(text) { hash, _ in
            let h = SplitMix64.mix(hash ^ seed)
            total += Double(h >> 11) / Double(1 << 53) * 2 - 1
            words += 1
        }
        return words == 0 ? 0 : total / Double(words)
    }

    /// The true strength of a pair, −3…+3 (negative: A better).
    public func trueStrength(_ item: Item) -> Int {
        let d = reward(item.responseB.text) - reward(item.responseA.text)
        let size = abs(d)
        let level = size < 0.02 ? 0 : size < 0.1 ? 1 : size < 0.25 ? 2 : 3
        return d < 0 ? -level : level
    }

    /// One annotator's judgment of an item shown in `order`: the truth with probability
    /// `accuracy`, else a random strength leaning toward the response shown first.
    public func judge(_ item: Item, by annotator: Annotator, order: ShownOrder, using generator: inout SplitMix64) -> (strength: Int, bothBad: Bool) {
        let truth = trueStrength(item)
        if Double.random(in: 0..<1, using: &generator) < annotator.accuracy { return (truth, false) }
        let level = Int.random(in: 0...3, using: &generator)
        let firstShown = Double.random(in: 0..<1, using: &generator) < annotator.positionBias
        // "First shown better" is negative when A is shown first.
        let sign = (firstShown == (order == .ab)) ? -1 : 1
        return (sign * level, Double.random(in: 0..<1, using: &generator) < 0.05)
    }
}
