import PairwiseCore
import PairwiseStats
import Testing

@Suite struct QualityControlTests {
    func gold(_ agreed: Int, of count: Int) -> [ScoredJudgment] {
        (0..<count).map { n in
            ScoredJudgment(itemRowID: Int64(n), judgmentID: Int64(n), label: n < agreed ? .a : .b, reference: .a, gold: true)
        }
    }

    @Test func consensusNeedsTwoAndAStrictMajority() {
        #expect(LabelClass.consensus([.a]) == nil)
        #expect(LabelClass.consensus([.a, .a]) == .a)
        #expect(LabelClass.consensus([.a, .b]) == nil)
        #expect(LabelClass.consensus([.b, .a, .b]) == .b)
        #expect(LabelClass.consensus([.a, .a, .b, .b]) == nil)
        #expect(LabelClass(strength: 2, bothBad: true) == .bothBad)
        #expect(LabelClass(strength: 0, bothBad: false) == .tie)
    }

    @Test func qualificationCountsTheFirstAnswers() {
        #expect(QualificationStatus(goldOutcomes: [true, false], required: 0, passLevel: 0.8) == .notRequired)
        #expect(QualificationStatus(goldOutcomes: [true, false], required: 5, passLevel: 0.8) == .inProgress(done: 2, correct: 1, required: 5))
        #expect(QualificationStatus(goldOutcomes: [true, true, true, true, false, false], required: 5, passLevel: 0.8) == .passed(correct: 4, required: 5))
        #expect(QualificationStatus(goldOutcomes: [true, true, true, false, false, true], required: 5, passLevel: 0.8) == .failed(correct: 3, required: 5))
        #expect(GoldScore(outcomes: [true, false, true, true]).accuracy == 0.75)
    }

    /// With settled answers only, the posterior is Beta(k + 1, n − k + 1): its CDF at 0.75
    /// (exact binomial sums: 0.97937 for 11 of 20, 0.07452 for 18 of 20, 0.96567 for 5 of 10)
    /// and mean (k + 1)/(n + 2).
    @Test func settledAnswersGiveTheBetaPosterior() {
        let policy = DriftPolicy(window: 30, level: 0.75)
        let low = policy.check(gold(11, of: 20), accuracies: [:])
        #expect(abs(low.probabilityBelowLevel - 0.9793703953655495) < 2e-3)
        #expect(abs(low.accuracy! - 12.0 / 22.0) < 1e-3)
        #expect(low.drifting && low.references == 20 && low.agreed == 11 && low.gold == 20)
        let high = policy.check(gold(18, of: 20), accuracies: [:])
        #expect(abs(high.probabilityBelowLevel - 0.07452348056494884) < 2e-3)
        #expect(!high.drifting)
        let few = policy.check(gold(5, of: 10), accuracies: [:])
        #expect(abs(few.probabilityBelowLevel - 0.965672492980957) < 2e-3)
        #expect(few.drifting)
        // Below the minimum of evidence (window / 3 = 10), nobody is listed.
        #expect(!policy.check(gold(4, of: 9), accuracies: [:]).drifting)
        // Only the last `window` judgments count: 20 wrong long ago, then 30 right.
        #expect(!policy.check(gold(0, of: 20) + gold(30, of: 30), accuracies: [:]).drifting)
    }

    @Test func othersCountByTheirReliability() {
        func compared(_ agreed: Int, of count: Int, with other: String) -> [ScoredJudgment] {
            (0..<count).map { n in
                ScoredJudgment(itemRowID: Int64(n), judgmentID: Int64(n), label: .a, reference: nil, gold: false,
                               others: [(other, n < agreed ? .a : .b)])
            }
        }
        let policy = DriftPolicy(window: 30, level: 0.75)
        // A coin-flipping other says nothing: the prior's 0.75 stays.
        let coin = policy.check(compared(0, of: 20, with: "coin"), accuracies: ["coin": 0.5])
        #expect(abs(coin.probabilityBelowLevel - 0.75) < 1e-9)
        // A perfect other is as good as a gold answer.
        let perfect = policy.check(compared(11, of: 20, with: "ok"), accuracies: ["ok": 1])
        #expect(abs(perfect.probabilityBelowLevel - 0.9793703953655495) < 2e-3)
        #expect(perfect.evidenced == 20 && perfect.references == 0)
    }
}
