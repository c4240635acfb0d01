import PairwiseCore
import PairwiseModel
import Testing

/// An ensemble's members side by side give each member's reward bit for bit as a dot
/// product of its own does, on rows with escaped entries and full palettes.
@Suite struct MemberWeightsTests {
    @Test(arguments: [1, 5, 8])
    func eachLaneIsTheMembersOwnDotProduct(members: Int) throws {
        let featurizer = LockstepFitsTests.featurizer
        var generator = SplitMix64(seed: 21)
        let models = (0..<members).map { _ in
            RewardModel(featurizer: featurizer, weights: (0..<featurizer.dimension).map { _ in Double.random(in: -2...2, using: &generator) })
        }
        let data = LockstepFitsTests.data()
        let lanes = try #require(MemberWeights(models))
        let ensemble = Ensemble(members: models)
        for r in 0..<data.features.count - 1 {
            let (rewards, _) = lanes.rewards(data.features, r, r + 1)
            for (k, model) in models.enumerated() {
                #expect(rewards[k].bitPattern == data.features.dot(r, model.weights).bitPattern, "row \(r), member \(k)")
            }
            for k in members..<8 { #expect(rewards[k] == 0) }
            let together = ensemble.rewards(data.features, r, r + 1, sideBySide: lanes)
            let apart = ensemble.rewards(data.features, r, r + 1)
            #expect(together.map { [$0.0.bitPattern, $0.1.bitPattern] } == apart.map { [$0.0.bitPattern, $0.1.bitPattern] })
        }
    }

    @Test func noMoreThanEightMembers() {
        let featurizer = Featurizer(hashBits: 8)
        #expect(MemberWeights(Array(repeating: RewardModel(featurizer: featurizer), count: 9)) == nil)
        #expect(MemberWeights([]) == nil)
    }
}
