import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import Testing

@Suite struct SimulationTests {
    static let items: [Item] = {
        let world = SyntheticPreferences(vocabularySize: 500, seed: 21)
        return world.pairs(count: 4000, wordsPerResponse: 12, seed: 22).enumerated().map { n, p in
            Item(id: "s\(n)", prompt: .text("q"), responseA: Response(text: p.responseA), responseB: Response(text: p.responseB))
        }
    }()

    @Test func withoutNoiseEveryJudgmentIsTheTruth() {
        let simulation = Simulation(annotators: 3, noise: 0, seed: 5)
        var generator = SplitMix64(seed: 1)
        for item in Self.items.prefix(200) {
            for a in simulation.annotators {
                #expect(simulation.judge(item, by: a, order: .ba, using: &generator).strength == simulation.trueStrength(item))
            }
        }
        #expect(simulation.annotators.map(\.accuracy) == [1, 1, 1])
    }

    @Test func measuredAccuracyMatchesTheSetting() {
        let simulation = Simulation(annotators: 4, noise: 0.4, seed: 5)
        #expect(simulation.annotators.map(\.accuracy).map { ($0 * 1000).rounded() / 1000 } == [0.8, 0.667, 0.533, 0.4])
        #expect(simulation.annotators.map(\.positionBias).map { ($0 * 100).rounded() / 100 } == [0.5, 0.6, 0.7, 0.8])
        var generator = SplitMix64(seed: 2)
        for a in simulation.annotators {
            var exact = 0
            var wrongFirst = 0, wrongDecisive = 0
            for item in Self.items {
                let truth = simulation.trueStrength(item)
                let verdict = simulation.judge(item, by: a, order: .ab, using: &generator)
                if verdict.strength == truth && !verdict.bothBad { exact += 1 }
            }
            // Wrong answers can still land on the truth by chance (1 in 7 levels × sides), so
            // the exact-match rate is at least the accuracy and not far above it.
            let rate = Double(exact) / Double(Self.items.count)
            #expect(rate >= a.accuracy - 0.03 && rate <= a.accuracy + (1 - a.accuracy) * 0.2 + 0.03, "\(a.name): \(rate)")
            // When guessing, the first shown (A here) is preferred at the position bias.
            for item in Self.items {
                let verdict = simulation.judge(item, by: Simulation.Annotator(name: "guesser", accuracy: 0, positionBias: a.positionBias), order: .ab, using: &generator)
                if verdict.strength != 0 { wrongDecisive += 1; if verdict.strength < 0 { wrongFirst += 1 } }
            }
            #expect(abs(Double(wrongFirst) / Double(wrongDecisive) - a.positionBias) < 0.03)
        }
    }
}
