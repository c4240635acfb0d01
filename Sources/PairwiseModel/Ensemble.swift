import Foundation
import PairwiseCore

/// K bootstrap fits of the reward model; their spread of margins per pair is the model's
/// uncertainty, their mean margin its preference strength.
public struct Ensemble: Sendable {
    public var members: [RewardModel]
    /// Each member's bootstrap sample: indices into the examples it was fitted on.
    public var samples: [[Int]] = []

    public init(members: [RewardModel], samples: [[Int]] = []) {
        self.members = members
        self.samples = samples
    }

    /// Fits `size` models on seeded bootstrap resamples of `examples`.
    public static func fit(_ examples: [PairExample], size: Int, seed: UInt64, featurizer: Featurizer,
                           options: RewardModel.Options = RewardModel.Options()) -> Ensemble {
        let samples = bootstrapSamples(count: examples.count, size: size, seed: seed)
        let members = RewardModel.fit(PairData(examples), weightings: samples.map { draws(count: examples.count, $0) }, featurizer: featurizer, options: options)
        return Ensemble(members: members, samples: samples)
    }

    /// Every member's resample, drawn in order, so that the result does not depend on
    /// which core fits which member.
    public static func bootstrapSamples(count: Int, size: Int, seed: UInt64) -> [[Int]] {
        var generator = SplitMix64(seed: seed)
        return (0..<max(1, size)).map { _ in
            count == 0 ? [Int]() : (0..<count).map { _ in Int.random(in: 0..<count, using: &generator) }
        }
    }

    /// How often a sample drew each of `count` examples.
    public static func draws(count: Int, _ sample: [Int]) -> [Double] {
        var times = [Double](repeating: 0, count: count)
        for i in sample { times[i] += 1 }
        return times
    }

    /// For each of the `count` examples the ensemble was fitted on, the members whose
    /// bootstrap sample left it out (out-of-bag).
    public func outOfBagMembers(count: Int) -> [[Int]] {
        var result = Array(repeating: [Int](), count: count)
        for (k, sample) in samples.enumerated() {
            var inBag = [Bool](repeating: false, count: count)
            for i in sample { inBag[i] = true }
            for i in 0..<count where !inBag[i] { result[i].append(k) }
        }
        return result
    }

    /// The mean margin of the given members on rows a and b.
    public func margin(_ rows: SparseRows, _ a: Int, _ b: Int, members chosen: [Int]) -> Double? {
        guard !chosen.isEmpty else { return nil }
        return chosen.reduce(0.0) { $0 + rows.dot(a, members[$1].weights) - rows.dot(b, members[$1].weights) } / Double(chosen.count)
    }

    /// Mean and standard deviation of r(A) − r(B) over the members, with the mean rewards,
    /// from the features of A and B (rows a and b).
    public func score(_ rows: SparseRows, _ a: Int, _ b: Int) -> (rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double) {
        summarize(members.map { (rows.dot(a, $0.weights), rows.dot(b, $0.weights)) })
    }

    /// Mean rewards, and mean and spread of the margins, from each member's (r(A), r(B)).
    func summarize(_ rewards: [(Double, Double)]) -> (rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double) {
        var ra = 0.0, rb = 0.0, margins: [Double] = []
        for (x, y) in rewards {
            ra += x; rb += y; margins.append(x - y)
        }
        let k = Double(members.count)
        let mean = margins.reduce(0, +) / k
        let variance = margins.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / k
        return (ra / k, rb / k, mean, variance.squareRoot())
    }
}

/// Slots for results computed concurrently, one per index.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func store(_ value: Value, at index: Int) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// Every slot, each of which must have been filled.
    public var all: [Value] { slots.map { $0! } }
    /// The filled slots, in index order.
    public var filled: [Value] { slots.compactMap { $0 } }
}
