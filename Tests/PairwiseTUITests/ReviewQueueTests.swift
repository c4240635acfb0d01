import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTUI
import Testing

@Suite struct ReviewQueueTests {
    func j(_ item: String, _ who: String, _ strength: Int, rubric: [String: RubricValue] = [:]) -> Judgment {
        Judgment(itemID: item, annotator: who, strength: PreferenceStrength(strength)!, bothBad: false, rubric: rubric)
    }

    func sample(suspects: Set<Int64> = [], filter: ReviewFilter = ReviewFilter()) -> ReviewMaterial {
        ReviewMaterial(
            judgments: [
                1: [j("one", "ann", -2), j("one", "bo", -1), j("one", "cy", -2)],                      // unanimous, spread 1: not listed
                2: [j("two", "ann", -2), j("two", "bo", 2)],                                          // split, agreement 0
                3: [j("three", "ann", -1), j("three", "bo", -1), j("three", "cy", 1)],                // split, agreement 1/3, spread 2
                4: [j("four", "ann", -3), j("four", "bo", 0, rubric: ["help": .perResponse(a: 4, b: 1)]),
                    j("four", "cy", -1, rubric: ["help": .perResponse(a: 1, b: 1)])],                 // agreement 1/3, spread 3: before three
                5: [j("five", "ann", 1), j("five", "bo", 3)],                                         // same direction, spread 2: not listed
                6: [j("six", "ann", -3), j("six", "bo", 0)],                                          // decided below
                7: [j("seven", "ann", 2)],                                                            // one judgment
            ],
            adjudications: [6: Adjudication(itemID: "six", lead: "lead", strength: PreferenceStrength(0)!, reason: .ambiguous)],
            flags: [5: ["unclear prompt"], 8: [nil]], suspects: suspects, filter: filter)
    }

    @Test func mostContestedFirstThenFlaggedThenSuspects() {
        let queue = ReviewQueue(material: sample(suspects: [7, 1, 3]), suspects: [7: 0.8, 1: 0.9, 3: 0.95])
        #expect(queue.entries.map(\.rowID) == [2, 4, 3, 5, 8, 1, 7])
        #expect(queue.entries.map(\.why) == [
            "direction split (agreement 0.00), strengths −2…+2",
            "direction split (agreement 0.33), strengths −3…0",
            "direction split (agreement 0.33), strengths −1…+1, model contradicts a label (P 0.95)",
            "flagged ×1: unclear prompt",
            "flagged ×1",
            "model contradicts a label (P 0.90)",
            "model contradicts a label (P 0.80)",
        ])
    }

    @Test func filtersByAnnotatorDimensionAndFlag() {
        #expect(ReviewQueue(material: sample(filter: .init(annotator: "cy")), suspects: [:]).entries.map(\.rowID) == [4, 3])
        #expect(ReviewQueue(material: sample(filter: .init(dimension: "help")), suspects: [:]).entries.map(\.rowID) == [4])
        #expect(ReviewQueue(material: sample(filter: .init(flaggedOnly: true)), suspects: [:]).entries.map(\.rowID) == [5, 8])
    }

    /// Items of different tallies with one sort key (agreement and spread) come in row order,
    /// interleaved, not kind after kind.
    @Test func kindsWithOneSortKeyInterleaveByRow() {
        let up = ItemTally(preferA: 1, preferB: 1, preferNeither: 0, strengths: -1...2)
        let down = ItemTally(preferA: 1, preferB: 1, preferNeither: 0, strengths: -2...1)
        let wide = ItemTally(preferA: 1, preferB: 1, preferNeither: 0, strengths: -3...3)
        let material = ReviewMaterial(tallies: [1: up, 2: down, 3: up, 4: wide, 5: down, 6: up], flags: [3: ["odd"]])
        #expect(ReviewQueue(material: material, suspects: [5: 0.99]).entries.map(\.rowID) == [4, 1, 2, 3, 5, 6])
        #expect(ReviewQueue(material: material, suspects: [5: 0.99]).entries.map(\.why)[3...4] == [
            "direction split (agreement 0.00), strengths −1…+2, flagged ×1: odd",
            "direction split (agreement 0.00), strengths −2…+1, model contradicts a label (P 0.99)",
        ])
    }
}
