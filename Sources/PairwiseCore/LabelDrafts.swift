/// Labels made on a screen, ready to be stored: what the workflow hands the store.

/// A judgment ready to be stored, relative to the stored A/B: what it says, and how it was made.
@dynamicMemberLookup
public struct JudgmentDraft: Equatable, Sendable {
    public var label: PairLabel
    public var shownOrder: ShownOrder
    public var milliseconds: Int
    /// The guidelines version on screen when it was made, if the project has guidelines.
    public var guidelinesVersion: Int?
    /// The source of the suggestion shown beside the pair, if one was.
    public var suggestionShown: String?

    public init(strength: PreferenceStrength, bothBad: Bool, rubric: [String: RubricValue], note: String?,
                shownOrder: ShownOrder, milliseconds: Int, guidelinesVersion: Int? = nil, suggestionShown: String? = nil) {
        self.label = PairLabel(strength: strength, bothBad: bothBad, rubric: rubric, note: note)
        self.shownOrder = shownOrder
        self.milliseconds = milliseconds
        self.guidelinesVersion = guidelinesVersion
        self.suggestionShown = suggestionShown
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<PairLabel, Value>) -> Value {
        get { label[keyPath: field] }
        set { label[keyPath: field] = newValue }
    }
}

/// A ranking made on the annotate screen, to store, with what the screen showed.
public struct RankingDraft: Equatable, Sendable {
    public var ranking: Ranking
    /// Per-response rubric values, in stored order.
    public var rubric: ResponseRatings
    /// The stored positions in the order shown.
    public var shown: [Int]
    public var note: String?
    public var milliseconds = 0
    public var guidelinesVersion: Int?

    public init(ranking: Ranking, rubric: ResponseRatings = ResponseRatings(), shown: [Int], note: String?) {
        self.ranking = ranking
        self.rubric = rubric
        self.shown = shown
        self.note = note
    }
}
