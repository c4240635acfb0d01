import Foundation
import PairwiseCore
import PairwiseModel
import Testing

/// Several models fitted at once (`RewardModel.fit(_:weightings:)`) against fits of their
/// own written the plain way: the loss and gradient summed pair by pair over sparse vectors,
/// as the trainer did before the fits shared their readings of the rows.
@Suite struct LockstepFitsTests {
    /// 10 weightings: a group of 8 models to a reading of the rows, then a group of 2;
    /// 262k features, so a round reads the rows in blocks split between the cores (with 8
    /// lanes, two blocks a core on two cores).
    static let featurizer = Featurizer(hashBits: 18)
    static let options = RewardModel.Options(l2: 1e-3, maxIterations: 12)

    /// Rows spread over the whole feature space (gaps too wide for a code, rows with more
    /// distinct values than a palette holds), pairs that share rows, every kind of label.
    static func data() -> PairData {
        var generator = SplitMix64(seed: 11)
        var rows = SparseRows()
        let dimension = featurizer.dimension
        for r in 0..<400 {
            let count = r % 7 == 0 ? 40 : Int.random(in: 1...12, using: &generator)
            let indices = Set((0..<count).map { _ in Int32.random(in: 0..<Int32(dimension), using: &generator) }).sorted()
            let values = indices.map { _ in r % 5 == 0 ? Double.random(in: -1...1, using: &generator) : [0.25, 0.5, 1][Int.random(in: 0..<3, using: &generator)] }
            rows.append(SparseVector(indices: indices, values: values))
        }
        var pairs: [PairData.Pair] = []
        for p in 0..<300 {
            let a = Int32(p % 400), b = Int32((p * 7 + 3) % 400)
            let label: PairExample.Label = switch p % 4 {
            case 0: .aBetter(margin: Double(p % 3) / 3)
            case 1: .bBetter(margin: 1)
            case 2: .tie
            default: .aBetter(margin: 0)
            }
            pairs.append(PairData.Pair(a: a, b: b == a ? (b + 1) % 400 : b, label: label))
        }
        return PairData(features: rows, pairs: pairs)
    }

    static func weightings(pairs: Int) -> [[Double]?] {
        var generator = SplitMix64(seed: 12)
        let samples = Ensemble.bootstrapSamples(count: pairs, size: 8, seed: 13)
        var held = [Double](repeating: 1, count: pairs)
        for p in 0..<pairs where p % 5 == 0 { held[p] = 0 }
        let ranked = (0..<pairs).map { _ in [2.0 / 3, 0.5, 0][Int.random(in: 0..<3, using: &generator)] }
        return [nil, held] + samples.map { Ensemble.draws(count: pairs, $0) } + [ranked]
    }

    /// The plain fit: chosen pairs in order, each row's entries added as a sparse vector.
    static func fitOnItsOwn(_ data: PairData, weights: [Double]?) -> [Double] {
        let dimension = featurizer.dimension
        let chosen = weights.map { w in data.pairs.indices.filter { w[$0] > 0 } } ?? Array(data.pairs.indices)
        let counts = chosen.map { weights?[$0] ?? 1 }
        let n = max(1, counts.reduce(0, +))
        let rows = (0..<data.features.count).map { data.features.row($0) }
        func logistic(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
        func softplus(_ x: Double) -> Double { x > 30 ? x : x < -30 ? exp(x) : log1p(exp(x)) }
        return LBFGS.minimize({ w, g in
            var loss = 0.0
            for i in 0..<dimension {
                g[i] = options.l2 * w[i]
                loss += 0.5 * options.l2 * w[i] * w[i]
            }
            for (position, p) in chosen.enumerated() {
                let pair = data.pairs[p], a = rows[Int(pair.a)], b = rows[Int(pair.b)]
                let d = a.dot(w) - b.dot(w)
                let (value, slope): (Double, Double)
                switch pair.label {
                case .aBetter(let m): (value, slope) = (softplus(-(d - m)), -logistic(-(d - m)))
                case .bBetter(let m): (value, slope) = (softplus(d + m), logistic(d + m))
                case .tie: (value, slope) = (0.5 * (softplus(d) + softplus(-d)), 0.5 * (logistic(d) - logistic(-d)))
                }
                loss += counts[position] * value / n
                let scale = counts[position] * slope / n
                for k in a.indices.indices { g[Int(a.indices[k])] += scale * a.values[k] }
                for k in b.indices.indices { g[Int(b.indices[k])] += -scale * b.values[k] }
            }
            return loss
        }, start: Array(repeating: 0, count: dimension), maxIterations: options.maxIterations)
    }

    /// Where two weight vectors first differ in any bit, and how many places differ.
    static func firstDifference(_ a: [Double], _ b: [Double]) -> String? {
        guard a.count == b.count else { return "\(a.count) weights against \(b.count)" }
        let differing = a.indices.filter { a[$0].bitPattern != b[$0].bitPattern }
        return differing.first.map { "weight \($0): \(a[$0]) against \(b[$0]), \(differing.count) differ" }
    }

    @Test func eachModelIsTheOneAFitOfItsOwnGivesBitForBit() {
        let data = Self.data()
        let weightings = Self.weightings(pairs: data.pairs.count)
        let together = RewardModel.fit(data, weightings: weightings, featurizer: Self.featurizer, options: Self.options)
        #expect(together.count == weightings.count)
        for (k, weighting) in weightings.enumerated() {
            let alone = Self.fitOnItsOwn(data, weights: weighting)
            #expect(Self.firstDifference(together[k].weights, alone) == nil, "model \(k)")
            #expect(alone.contains { $0 != 0 }, "model \(k) learned nothing")
        }
        // One model alone, and three (another width of lanes), give the same weights.
        let one = RewardModel.fit(data, weights: weightings[1], featurizer: Self.featurizer, options: Self.options)
        #expect(Self.firstDifference(one.weights, together[1].weights) == nil)
        let three = RewardModel.fit(data, weightings: Array(weightings.prefix(3)), featurizer: Self.featurizer, options: Self.options)
        for k in 0..<3 { #expect(Self.firstDifference(three[k].weights, together[k].weights) == nil, "model \(k)") }
    }

    /// A background trainer reads the rows on one core, not two: the same weights.
    @Test func backgroundFitsOnOneCoreGiveTheSameWeights() {
        let data = Self.data()
        let weightings = Array(Self.weightings(pairs: data.pairs.count).prefix(6))
        let foreground = RewardModel.fit(data, weightings: weightings, featurizer: Self.featurizer, options: Self.options)
        let background = ResultSlots<[RewardModel]>(count: 1)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            BackgroundPriority.enterOnCurrentThread()
            #expect(BackgroundPriority.workersForCurrentThread == max(1, ProcessInfo.processInfo.activeProcessorCount - 1))
            background.store(RewardModel.fit(data, weightings: weightings, featurizer: Self.featurizer, options: Self.options), at: 0)
            done.signal()
        }
        thread.start()
        done.wait()
        for k in weightings.indices {
            #expect(Self.firstDifference(background.all[0][k].weights, foreground[k].weights) == nil, "model \(k)")
        }
    }
}
