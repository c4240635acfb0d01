/// What a label says, for comparing it with a reference answer: which response is better,
/// neither, or both bad (a both-bad label is that whatever its strength).
public enum LabelClass: String, Hashable, Sendable {
    case a, b, tie, bothBad = "both bad"

    public init(strength: Int, bothBad: Bool) {
        self = bothBad ? .bothBad : strength < 0 ? .a : strength > 0 ? .b : .tie
    }

    /// The class most of `labels` hold, when at least two hold it and they are more than
    /// half: the others' consensus an annotator is compared with.
    public static func consensus(_ labels: [LabelClass]) -> LabelClass? {
        guard labels.count >= 2 else { return nil }
        var counts: [LabelClass: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        guard let (top, count) = counts.max(by: { $0.value < $1.value }), count >= 2, 2 * count > labels.count else { return nil }
        return top
    }
}

/// One judgment of an annotator beside what it is checked against: a gold item's expected
/// answer, else the lead's adjudication or the other annotators' consensus (`reference`),
/// and the other annotators' current labels of the item.
public struct ScoredJudgment: Equatable, Sendable {
    public var itemRowID: Int64
    public var judgmentID: Int64
    public var label: LabelClass
    /// Nil when the item has no reference yet.
    public var reference: LabelClass?
    public var gold: Bool
    /// The reference is certain: a gold answer or a lead's adjudication.
    public var settled: Bool
    /// The other annotators' current labels of the item, by name.
    public var others: [(annotator: String, label: LabelClass)]

    public init(itemRowID: Int64, judgmentID: Int64, label: LabelClass, reference: LabelClass?, gold: Bool,
                settled: Bool? = nil, others: [(annotator: String, label: LabelClass)] = []) {
        self.itemRowID = itemRowID
        self.judgmentID = judgmentID
        self.label = label
        self.reference = reference
        self.gold = gold
        self.settled = settled ?? gold
        self.others = others
    }

    public static func == (a: ScoredJudgment, b: ScoredJudgment) -> Bool {
        a.itemRowID == b.itemRowID && a.judgmentID == b.judgmentID && a.label == b.label && a.reference == b.reference
            && a.gold == b.gold && a.settled == b.settled && a.others.elementsEqual(b.others) { $0.annotator == $1.annotator && $0.label == $1.label }
    }
}
