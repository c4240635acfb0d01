/// How an item's exported label came about.
public struct LabelProvenance: Equatable, Sendable {
    public enum Source: String, Sendable, CaseIterable {
        /// Two or more judgments, all in the same direction (A, tie or B).
        case unanimous
        /// Two or more judgments that disagree on the direction: their mean decides.
        case majority
        /// A lead's adjudication decides.
        case adjudicated
        /// One judgment.
        case single
    }

    public var source: Source
    /// Current judgments on the item.
    public var judgments: Int
    /// Share of pairs of judgments that agree on the direction; nil with fewer than two.
    public var agreement: Double?

    public init(source: Source, judgments: Int, agreement: Double?) {
        self.source = source
        self.judgments = judgments
        self.agreement = agreement
    }

    /// The provenance of an item's label from what its judgments add up to and whether a
    /// lead decided it, or nil when it has none.
    public static func of(_ tally: JudgmentTally, adjudicated: Bool) -> LabelProvenance? {
        let agreement = pairwiseAgreement(counts: [tally.directions.a, tally.directions.tie, tally.directions.b])
        if adjudicated { return LabelProvenance(source: .adjudicated, judgments: tally.judgments, agreement: agreement) }
        switch tally.judgments {
        case 0: return nil
        case 1: return LabelProvenance(source: .single, judgments: 1, agreement: nil)
        default: return LabelProvenance(source: agreement == 1 ? .unanimous : .majority, judgments: tally.judgments, agreement: agreement)
        }
    }

    /// Share of agreeing pairs among the values; nil with fewer than two.
    public static func pairwiseAgreement(_ values: [Int]) -> Double? {
        var counts: [Int: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        return pairwiseAgreement(counts: Array(counts.values))
    }

    /// The same from how many values fall in each category.
    public static func pairwiseAgreement(counts: [Int]) -> Double? {
        let n = counts.reduce(0, +)
        guard n >= 2 else { return nil }
        let agreeing = counts.reduce(0) { $0 + $1 * ($1 - 1) }
        return Double(agreeing) / Double(n * (n - 1))
    }
}
