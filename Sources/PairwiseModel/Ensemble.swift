import Foundation
import PairwiseCore

/// K bootstrap fits of the reward model; their spread of margins per pair is the model's
/// uncertainty, their mean margin its preference strength.
public struct Ensemble: Sendable {
    public var members: [RewardModel]

    public init(members: [RewardModel]) {
        self.members = members
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

    /// Each member's rewards on rows a and b, (r(A), r(B)) in member order: with `weights`
    /// (the members' side by side) each row is read once for all of them.
    public func rewards(_ rows: SparseRows, _ a: Int, _ b: Int, sideBySide weights: MemberWeights? = nil) -> [(Double, Double)] {
        guard let weights, weights.count == members.count else { return members.map { (rows.dot(a, $0.weights), rows.dot(b, $0.weights)) } }
        let (ra, rb) = weights.rewards(rows, a, b)
        return members.indices.map { (ra[$0], rb[$0]) }
    }

    /// The mean margin of the given members, from each member's rewards (`rewards`).
    public func margin(_ rewards: [(Double, Double)], members chosen: ArraySlice<Int32>) -> Double? {
        guard !chosen.isEmpty else { return nil }
        return chosen.reduce(0.0) { $0 + rewards[Int($1)].0 - rewards[Int($1)].1 } / Double(chosen.count)
    }

    /// The mean margin of the given members on rows a and b.
    public func margin(_ rows: SparseRows, _ a: Int, _ b: Int, members chosen: ArraySlice<Int32>) -> Double? {
        margin(rewards(rows, a, b), members: chosen)
    }

    /// Mean and standard deviation of r(A) − r(B) over the members, with the mean rewards,
    /// from the features of A and B (rows a and b).
    public func score(_ rows: SparseRows, _ a: Int, _ b: Int) -> (rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double) {
        summarize(rewards(rows, a, b))
    }

    /// Mean rewards, and mean and spread of the margins, from each member's (r(A), r(B)).
    public func summarize(_ rewards: [(Double, Double)]) -> (rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double) {
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

/// The weights of up to eight models side by side (a feature's weights of every model in
/// one SIMD value, model k in lane k), so that one reading of a row gives each model's
/// reward: each lane's sum is the one `SparseRows.dot` gives, bit for bit.
public final class MemberWeights: @unchecked Sendable {
    public let count: Int
    private let lanes: UnsafeMutablePointer<SIMD8<Double>>

    /// nil for no models, or more than eight.
    public init?(_ models: [RewardModel]) {
        guard let dimension = models.first?.weights.count, models.count <= 8,
              models.allSatisfy({ $0.weights.count == dimension }) else { return nil }
        count = models.count
        lanes = .allocate(capacity: max(1, dimension))
        for j in 0..<dimension {
            var w = SIMD8<Double>()
            for (k, model) in models.enumerated() { w[k] = model.weights[j] }
            lanes[j] = w
        }
    }

    deinit { lanes.deallocate() }

    /// Each model's reward on rows a and b (lanes past the models: 0).
    public func rewards(_ rows: SparseRows, _ a: Int, _ b: Int) -> (SIMD8<Double>, SIMD8<Double>) {
        var cursorA = rows.cursor(atStartOf: a), cursorB = rows.cursor(atStartOf: b)
        var sumsA = SIMD8<Double>(), sumsB = SIMD8<Double>()
        rows.addDots(a, from: &cursorA, count: rows.entryCount(a), b, from: &cursorB, count: rows.entryCount(b),
                     sideBySide: UnsafePointer(lanes), to: &sumsA, &sumsB)
        return (sumsA, sumsB)
    }
}

/// For each example an ensemble was fitted on, the members whose bootstrap sample left it out
/// (out-of-bag), in member order: one flat list with each example's start (a list per
/// example took ~70 bytes each at millions of pairs).
public struct OutOfBag: Sendable {
    private var starts: [Int]
    private var members: [Int32]

    /// From each member's bootstrap sample of `count` examples.
    public init(samples: [[Int]], count: Int) {
        var inBag = samples.map { sample in
            var drawn = [Bool](repeating: false, count: count)
            for i in sample { drawn[i] = true }
            return drawn
        }
        starts = [Int](repeating: 0, count: count + 1)
        for i in 0..<count { starts[i + 1] = starts[i] + inBag.reduce(0) { $0 + ($1[i] ? 0 : 1) } }
        members = [Int32](repeating: 0, count: starts[count])
        var next = Array(starts.dropLast())
        for k in inBag.indices {
            for i in 0..<count where !inBag[k][i] {
                members[next[i]] = Int32(k)
                next[i] += 1
            }
        }
        inBag.removeAll()
    }

    /// The members that left example `i` out, in member order.
    public func members(of i: Int) -> ArraySlice<Int32> { members[starts[i]..<starts[i + 1]] }
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
