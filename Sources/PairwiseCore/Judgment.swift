import Foundation

/// The order in which the two responses were shown to the annotator.
public enum ShownOrder: String, Sendable, CaseIterable {
    /// Stored A first.
    case ab
    /// Stored B first.
    case ba
}

/// A value given to one rubric dimension: one number for a comparative dimension
/// (negative = A better), or one number per response for a per-response dimension.
public enum RubricValue: Equatable, Sendable {
    case comparative(Int)
    case perResponse(a: Int, b: Int)

    public var json: JSONValue {
        switch self {
        case .comparative(let v): return .int(v)
        case .perResponse(let a, let b): return .object(["a": .int(a), "b": .int(b)])
        }
    }

    public init?(json: JSONValue) {
        if let v = json.intValue { self = .comparative(v); return }
        if let a = json["a"]?.intValue, let b = json["b"]?.intValue { self = .perResponse(a: a, b: b); return }
        return nil
    }
}

/// The overall preference on HelpSteer2's scale: −3 (A much better) … 0 (about the same)
/// … +3 (B much better).
public struct PreferenceStrength: Equatable, Hashable, Sendable, Comparable {
    public static let range = -3...3
    public let value: Int

    public init?(_ value: Int) {
        guard PreferenceStrength.range.contains(value) else { return nil }
        self.value = value
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// What a judgment says of a pair, relative to the stored A/B: the part a judgment on record,
/// one being made and a lead's decision share. Each of those types reads its fields as its own
/// (`judgment.strength`).
public struct PairLabel: Equatable, Sendable {
    public var strength: PreferenceStrength
    public var bothBad: Bool
    /// Values by dimension key.
    public var rubric: [String: RubricValue]
    public var note: String?

    public init(strength: PreferenceStrength, bothBad: Bool = false, rubric: [String: RubricValue] = [:], note: String? = nil) {
        self.strength = strength
        self.bothBad = bothBad
        self.rubric = rubric
        self.note = note
    }
}

/// One annotator's judgment of one item. Stored append-only.
@dynamicMemberLookup
public struct Judgment: Equatable, Sendable {
    public var itemID: String
    public var annotator: String
    /// What it says.
    public var label: PairLabel
    public var shownOrder: ShownOrder
    /// Time spent, in milliseconds (idle stretches excluded by the TUI).
    public var milliseconds: Int
    public var createdAt: Date
    /// How the judgment came about: `tui` (a person in the annotation screen),
    /// `import:FORMAT` (a label carried by a file), or `simulate` (a simulated annotator).
    public var origin: String
    /// For imported labels, the file they came from (its name).
    public var source: String?

    /// Whether a simulated annotator made it (left out of training exports unless asked).
    public var isSimulated: Bool { origin == Judgment.simulatedOrigin }
    public static let simulatedOrigin = "simulate"

    public init(itemID: String, annotator: String, strength: PreferenceStrength, bothBad: Bool = false,
                rubric: [String: RubricValue] = [:], note: String? = nil, shownOrder: ShownOrder = .ab,
                milliseconds: Int = 0, createdAt: Date = Date(), origin: String = "tui", source: String? = nil) {
        self.itemID = itemID
        self.annotator = annotator
        self.label = PairLabel(strength: strength, bothBad: bothBad, rubric: rubric, note: note)
        self.shownOrder = shownOrder
        self.milliseconds = milliseconds
        self.createdAt = createdAt
        self.origin = origin
        self.source = source
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<PairLabel, Value>) -> Value {
        get { label[keyPath: field] }
        set { label[keyPath: field] = newValue }
    }

    /// The rubric as a JSON object, keys sorted so that the stored text is deterministic.
    public var rubricJSON: JSONValue { Judgment.rubricJSON(label.rubric) }

    /// Rubric values as a JSON object, keys sorted.
    public static func rubricJSON(_ rubric: [String: RubricValue]) -> JSONValue {
        .object(rubric.keys.sorted().map { JSONMember(key: $0, value: rubric[$0]!.json) })
    }
}

/// The roles a person can have in a project.
public enum Role: String, Sendable, CaseIterable {
    case annotator
    case lead
}

/// Why a lead settled an item the way they did.
public enum AdjudicationReason: String, Sendable, CaseIterable {
    case ambiguous
    case guidelineGap = "guideline gap"
    case annotatorError = "annotator error"
    case bothAcceptable = "both acceptable"
    case other
}

/// A lead's final decision on an item; it overrides the annotators' judgments in exports.
public struct Adjudication: Equatable, Sendable {
    public var itemID: String
    public var lead: String
    public var strength: PreferenceStrength
    public var bothBad: Bool
    public var rubric: [String: RubricValue]
    public var reason: AdjudicationReason
    public var note: String?
    public var createdAt: Date

    public init(itemID: String, lead: String, strength: PreferenceStrength, bothBad: Bool = false,
                rubric: [String: RubricValue] = [:], reason: AdjudicationReason, note: String? = nil, createdAt: Date = Date()) {
        self.itemID = itemID
        self.lead = lead
        self.strength = strength
        self.bothBad = bothBad
        self.rubric = rubric
        self.reason = reason
        self.note = note
        self.createdAt = createdAt
    }
}
