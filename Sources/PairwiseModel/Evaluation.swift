import PairwiseCore

/// How well a model's margins predict held-out human preferences.
public struct Evaluation: Sendable, Equatable {
    /// Share of decisive pairs (not ties) whose preferred side has the larger reward.
    public var accuracy: Double
    /// Mean −log P(human choice) over decisive pairs, P = σ(margin).
    public var logLoss: Double
    /// Expected calibration error over 10 equal-width bins of P(preferred side).
    public var calibrationError: Double
    /// The bins `calibrationError` is computed from, those with pairs.
    public var calibration: [CalibrationBin]
    public var pairs: Int

    /// Scores (margin, label) pairs.
    public init(margins: [(Double, PairExample.Label)]) {
        var correct = 0, n = 0
        var loss = 0.0
        var bins = Array(repeating: (count: 0, confidence: 0.0, hits: 0), count: 10)
        for (margin, label) in margins {
            let aWins: Bool
            switch label {
            case .aBetter: aWins = true
            case .bBetter: aWins = false
            case .tie: continue
            }
            n += 1
            let pA = logistic(margin)
            if (margin > 0) == aWins && margin != 0 { correct += 1 }
            loss -= log(max(1e-15, aWins ? pA : 1 - pA))
            // Calibration of the predicted side's probability.
            let confidence = max(pA, 1 - pA)
            let bin = min(9, Int(confidence * 10))
            bins[bin].count += 1
            bins[bin].confidence += confidence
            if (pA >= 0.5) == aWins { bins[bin].hits += 1 }
        }
        pairs = n
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        logLoss = n == 0 ? 0 : loss / Double(n)
        calibration = bins.enumerated().filter { $0.element.count > 0 }.map { k, bin in
            CalibrationBin(lower: Double(k) / 10, pairs: bin.count, meanConfidence: bin.confidence / Double(bin.count), correct: bin.hits)
        }
        calibrationError = n == 0 ? 0 : bins.reduce(0) { sum, bin in
            bin.count == 0 ? sum : sum + abs(bin.confidence / Double(bin.count) - Double(bin.hits) / Double(bin.count)) * Double(bin.count) / Double(n)
        }
    }

    /// k-fold cross-validation with a seeded shuffle: every pair is scored by the model that
    /// did not see it.
    public static func crossValidate(_ examples: [PairExample], folds: Int, seed: UInt64, featurizer: Featurizer,
                                     options: RewardModel.Options = RewardModel.Options()) -> Evaluation {
        var order = Array(examples.indices)
        var generator = SplitMix64(seed: seed)
        order.shuffle(using: &generator)
        var margins: [(Double, PairExample.Label)] = []
        for fold in 0..<folds {
            let test = order.enumerated().filter { $0.offset % folds == fold }.map(\.element)
            let testSet = Set(test)
            let train = order.filter { !testSet.contains($0) }.map { examples[$0] }
            let model = RewardModel.fit(train, featurizer: featurizer, options: options)
            for i in test { margins.append((model.margin(examples[i]), examples[i].label)) }
        }
        return Evaluation(margins: margins)
    }
}

extension PairExample {
    /// The example for an item and its aggregated human strength, or nil for both-bad.
    public static func from(item: Item, meanStrength: Double, bothBad: Bool, featurizer: Featurizer) -> PairExample? {
        guard let label = label(meanStrength: meanStrength, bothBad: bothBad) else { return nil }
        let prompt = item.prompt.plainText
        let a = featurizer.features(prompt: prompt, response: item.responseA.text)
        let b = featurizer.features(prompt: prompt, response: item.responseB.text)
        return PairExample(difference: a.subtracting(b), label: label)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
