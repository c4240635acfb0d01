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
        aggregate(JudgmentTally(labeled.judgments), adjudication: labeled.adjudication)
    }

    /// The same from what the item's judgments add up to.
    public static func aggregate(_ tally: JudgmentTally, adjudication: Adjudication?) -> AggregatedPreference? {
        if let adjudication {
            return AggregatedPreference(strength: Double(adjudication.strength.value), bothBad: adjudication.bothBad,
                                        judgments: tally.judgments, adjudicated: true)
        }
        return aggregate(strengthSum: tally.strengthSum, bothBad: tally.bothBad, judgments: tally.judgments)
    }

    /// The same for an item without an adjudication, from its judgments' sum of strengths
    /// and how many of them say both bad.
    public static func aggregate(strengthSum: Int, bothBad: Int, judgments: Int) -> AggregatedPreference? {
        guard judgments > 0 else { return nil }
        return AggregatedPreference(strength: Double(strengthSum) / Double(judgments), bothBad: bothBad * 2 > judgments,
                                    judgments: judgments, adjudicated: false)
    }
}

/// What an item's current judgments add up to: all its aggregated label and its
/// provenance need, so that an export reads three columns per judgment, not whole judgments.
public struct JudgmentTally: Equatable, Sendable {
    public private(set) var judgments = 0
    public private(set) var strengthSum = 0
    /// Judgments that say both responses are bad.
    public private(set) var bothBad = 0
    /// Judgments by direction: A preferred, tie, B preferred.
    public private(set) var directions = (a: 0, tie: 0, b: 0)

    public init() {}

    public init(_ judgments: [Judgment]) {
        for judgment in judgments { add(strength: judgment.strength.value, bothBad: judgment.bothBad) }
    }

    public mutating func add(strength: Int, bothBad: Bool) {
        judgments += 1
        strengthSum += strength
        if bothBad { self.bothBad += 1 }
        if strength < 0 { directions.a += 1 } else if strength == 0 { directions.tie += 1 } else { directions.b += 1 }
    }

    public static func == (x: JudgmentTally, y: JudgmentTally) -> Bool {
        x.judgments == y.judgments && x.strengthSum == y.strengthSum && x.bothBad == y.bothBad && x.directions == y.directions
    }
}
