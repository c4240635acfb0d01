import PairwiseCore
import PairwiseModel
import PairwiseStore

extension Simulation {
    /// Judges the project's items that need judgments: each chosen item (a seeded `share` of
    /// them) gets judgments from simulated annotators until it has `overlap`. Returns how
    /// many judgments were added, in one transaction.
    @discardableResult
    public func fill(_ store: ProjectStore, overlap: Int, share: Double = 1) throws -> Int {
        var generator = SplitMix64(seed: seed ^ 0x51_4D)
        var judgments: [(itemRowID: Int64, annotator: String, strength: Int, bothBad: Bool, order: ShownOrder, ms: Int)] = []
        for entry in try store.itemsNeedingJudgments(overlap: overlap) {
            guard Double.random(in: 0..<1, using: &generator) < share else { continue }
            let free = annotators.filter { !entry.annotators.contains($0.name) }.shuffled(using: &generator)
            for annotator in free.prefix(overlap - entry.annotators.count) {
                let order: ShownOrder = Bool.random(using: &generator) ? .ab : .ba
                let verdict = judge(entry.item, by: annotator, order: order, using: &generator)
                judgments.append((entry.rowID, annotator.name, verdict.strength, verdict.bothBad, order, Int.random(in: 4000...60000, using: &generator)))
            }
        }
        try store.addSimulatedJudgments(judgments)
        return judgments.count
    }
}
