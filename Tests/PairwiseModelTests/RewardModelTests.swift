import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseTestSupport
import Testing

@Suite struct LBFGSTests {
    @Test func findsTheMinimumOfAQuadratic() {
        let x = LBFGS.minimize({ x, g in
            g[0] = 2 * (x[0] - 3); g[1] = 20 * (x[1] + 1)
            return (x[0] - 3) * (x[0] - 3) + 10 * (x[1] + 1) * (x[1] + 1)
        }, start: [0, 0], maxIterations: 100)
        #expect(abs(x[0] - 3) < 1e-6 && abs(x[1] + 1) < 1e-6)
    }

    @Test func findsRosenbrocksValley() {
        let x = LBFGS.minimize({ x, g in
            let a = 1 - x[0], b = x[1] - x[0] * x[0]
            g[0] = -2 * a - 400 * x[0] * b
            g[1] = 200 * b
            return a * a + 100 * b * b
        }, start: [-1.2, 1], maxIterations: 500)
        #expect(abs(x[0] - 1) < 1e-4 && abs(x[1] - 1) < 1e-4)
    }
}

@Suite struct RewardModelTests {
    let featurizer = Featurizer(hashBits: 14)

    func examples(_ pairs: [SyntheticPreferences.Pair]) -> [PairExample] {
        pairs.compactMap { p in
            PairExample.label(strength: p.strength, bothBad: false).map {
                PairExample(difference: featurizer.features(prompt: "", response: p.responseA)
                    .subtracting(featurizer.features(prompt: "", response: p.responseB)), label: $0)
            }
        }
    }

    /// With a known reward, held-out accuracy approaches that of the true reward itself.
    @Test func recoversAKnownReward() {
        let world = SyntheticPreferences(vocabularySize: 200, sharpness: 12, seed: 3)
        let pairs = world.pairs(count: 4000, seed: 4)
        let decisive = pairs.filter { $0.strength != 0 }
        let best = Double(decisive.filter { ($0.trueMargin > 0) == ($0.strength < 0) }.count) / Double(decisive.count)
        let evaluation = Evaluation.crossValidate(examples(pairs), folds: 5, seed: 1, featurizer: featurizer,
                                                  options: RewardModel.Options(l2: 1e-3))
        #expect(evaluation.pairs == decisive.count)
        #expect(evaluation.accuracy > best - 0.04, "model \(evaluation.accuracy), best achievable \(best)")
        #expect(evaluation.accuracy <= best + 0.02)
    }

    @Test func tiesPullRewardsTogetherAndStrengthWidensTheMargin() {
        let x = featurizer.features(prompt: "", response: "alpha"), y = featurizer.features(prompt: "", response: "beta")
        let z = featurizer.features(prompt: "", response: "gamma")
        let strong = PairExample(difference: x.subtracting(y), label: PairExample.label(strength: -3, bothBad: false)!)
        let slight = PairExample(difference: z.subtracting(y), label: PairExample.label(strength: -1, bothBad: false)!)
        let tie = PairExample(difference: x.subtracting(z), label: .tie)
        let model = RewardModel.fit([strong, slight], featurizer: featurizer, options: RewardModel.Options(l2: 1e-2))
        #expect(model.margin(strong) > model.margin(slight))
        #expect(model.margin(slight) > 0)
        let tied = RewardModel.fit([strong, slight, tie, tie, tie], featurizer: featurizer, options: RewardModel.Options(l2: 1e-2))
        #expect(abs(tied.margin(tie)) < abs(model.margin(tie)))
        #expect(PairExample.label(strength: 2, bothBad: true) == nil)
        #expect(PairExample.label(strength: 2, bothBad: false) == .bBetter(margin: 2.0 / 3))
    }

    @Test func fittingIsDeterministic() {
        let world = SyntheticPreferences(vocabularySize: 50, seed: 9)
        let data = examples(world.pairs(count: 200, seed: 10))
        let a = RewardModel.fit(data, featurizer: featurizer), b = RewardModel.fit(data, featurizer: featurizer)
        #expect(a.weights == b.weights)
    }
}

/// Out-of-bag members in one flat list: for each example, the members whose sample never
/// drew it, in member order (what each held-out margin averages, in that order).
@Suite struct OutOfBagTests {
    @Test func eachExampleListsTheMembersThatLeftItOut() {
        let count = 1_000
        let samples = Ensemble.bootstrapSamples(count: count, size: 7, seed: 3)
        let outOfBag = OutOfBag(samples: samples, count: count)
        let bags = samples.map(Set.init)
        for i in 0..<count {
            #expect(Array(outOfBag.members(of: i)) == bags.indices.filter { !bags[$0].contains(i) }.map(Int32.init), "example \(i)")
        }
        // About e^-1 of 7 members leave an example out.
        let total = (0..<count).reduce(0) { $0 + outOfBag.members(of: $1).count }
        #expect(total > 2_300 && total < 2_850, "\(total)")
        #expect(OutOfBag(samples: [], count: 3).members(of: 2).isEmpty)
    }
}
