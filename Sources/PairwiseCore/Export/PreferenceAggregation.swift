/// An item together with the labels that count for it.
public struct LabeledItem: Sendable {
    public var item: Item
    /// The current judgments: each annotator's latest one that was not retracted.
    public var judgments: [Judgment]
    /// The latest adjudication that was not retracted.
    public var adjudication: Adjudication?

    public init(item: Item, judgments: [Judgment], adjudication: Adjudication? = nil) {
        self.item = item
        self.judgments = judgments
        self.adjudication = adjudication
    }
}

/// An item's label after aggregation.
public struct AggregatedPreference: Equatable, Sendable {
    /// −3…+3, negative when A is preferred; a mean, so it may be fractional.
    public var strength: Double
    public var bothBad: Bool
    /// The number of judgments aggregated.
    public var judgments: Int
    public var adjudicated: Bool

    public init(strength: Double, bothBad: Bool, judgments: Int, adjudicated: Bool) {
        self.strength = strength
        self.bothBad = bothBad
        self.judgments = judgments
        self.adjudicated = adjudicated
    }

    /// True when neither response is preferred.
    public var isTie: Bool { strength == 0 }
    public var aIsPreferred: Bool { strength < 0 }
    /// How strongly the preferred response wins: |strength|, the mean strength toward it.
    public var margin: Double { abs(strength) }
}

/// The one rule that turns an item's labels into the label we export:
/// - an adjudication, when there is one, wins outright (its strength and both-bad flag);
/// - otherwise the strength is the mean of the current judgments (each annotator's latest,
///   retractions excluded), and "both bad" holds when more than half of them say so;
/// - an item with no judgments has no label.
public enum PreferenceAggregation {
    public static func aggregate(_ labeled: LabeledItem) -> AggregatedPreference? {
        if let adjudication = labeled.adjudication {
            return AggregatedPreference(strength: Double(adjudication.strength.value), bothBad: adjudication.bothBad,
                                        judgments: labeled.judgments.count, adjudicated: true)
        }
        let judgments = labeled.judgments
        return aggregate(strengthSum: judgments.reduce(0) { $0 + $1.strength.value }, bothBad: judgments.filter(\.bothBad).count,
                         judgments: judgments.count)
    }

    /// The same for an item without an adjudication, from its judgments' sum of strengths
    /// and how many of them say both bad.
    public static func aggregate(strengthSum: Int, bothBad: Int, judgments: Int) -> AggregatedPreference? {
        guard judgments > 0 else { return nil }
        return AggregatedPreference(strength: Double(strengthSum) / Double(judgments), bothBad: bothBad * 2 > judgments,
                                    judgments: judgments, adjudicated: false)
    }
}
