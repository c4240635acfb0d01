import Foundation
import PairwiseCore
import PairwiseStats
import Testing

@Suite struct ProjectStatisticsTests {
    static func j(_ item: String, _ who: String, _ strength: Int, _ order: ShownOrder = .ab, bothBad: Bool = false, ms: Int = 1000) -> Judgment {
        Judgment(itemID: item, annotator: who, strength: PreferenceStrength(strength)!, bothBad: bothBad, shownOrder: order, milliseconds: ms)
    }

    /// Three annotators, three items; every figure below is worked out by hand.
    static let judgments = [
        j("i1", "ann", -2), j("i1", "bo", -1, .ba), j("i1", "cy", 3),
        j("i2", "ann", 1, .ba, ms: 3000), j("i2", "bo", 2), j("i2", "cy", 1),
        j("i3", "ann", 0, bothBad: true, ms: 5000), j("i3", "bo", 0, bothBad: true),
    ]

    @Test func annotatorFigures() {
        let s = ProjectStatistics(judgments: Self.judgments, rubric: Rubric(name: "r", dimensions: []))
        #expect(s.judgments == 8 && s.items == 3)
        let ann = s.annotators[0]
        #expect(ann.name == "ann" && ann.judgments == 3 && ann.medianSeconds == 3)
        // i1: others A, B (no majority); i2: others B, B → agrees; i3: other tie → agrees.
        #expect(ann.consensusAgreement == 1)
        // Non-ties: i1 A shown first (ab, A) → first; i2 B shown first (ba, B) → first.
        #expect(ann.firstShownPreferred == 1)
        #expect(abs(ann.tieShare - 1.0 / 3) < 1e-15 && abs(ann.bothBadShare - 1.0 / 3) < 1e-15)
        let cy = s.annotators[2]
        // i1: others A, A → cy says B, disagrees; i2: others B, B → agrees.
        #expect(cy.consensusAgreement == 0.5)
    }

    @Test func strengthAndItems() {
        let s = ProjectStatistics(judgments: Self.judgments, rubric: Rubric(name: "r", dimensions: []))
        // Strengths: −2, −1, 3, 1, 2, 1, 0, 0.
        #expect(s.strengthCounts == [0, 1, 1, 2, 2, 1, 1])
        #expect(s.meanAbsoluteStrength == 10.0 / 8)
        // Items: i1 directions A, A, B (1 agreeing pair of 3), spread 5; i2 all B; i3 ties.
        // Least agreement first, then the larger strength spread: i1, then i2 (spread 1), then i3 (spread 0).
        #expect(s.contested.map(\.itemID) == ["i1", "i2", "i3"])
        #expect(s.contested[0].itemID == "i1" && abs(s.contested[0].directionAgreement - 1.0 / 3) < 1e-15 && s.contested[0].strengthSpread == 5)
        // |strength| 0: ann and bo on i3, each agreeing with the other: 2 of 2.
        #expect(s.strengthLevels[0].judgments == 2 && s.strengthLevels[0].agreement == 1)
        // |strength| 3: cy on i1 (B) against ann (A) and bo (A): 0 of 2.
        #expect(s.strengthLevels[3].judgments == 1 && s.strengthLevels[3].agreement == 0)
        // ann and bo agree on all three directions (A, B, tie): kappa 1.
        #expect(s.kappa["ann"]?["bo"] == 1)
    }
}
