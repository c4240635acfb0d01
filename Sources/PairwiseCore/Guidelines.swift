/// One version of the project's guidelines (Markdown).
public struct Guidelines: Equatable, Sendable {
    public var version: Int
    public var text: String
    public var source: String?
    public var createdAt: String

    public init(version: Int, text: String, source: String?, createdAt: String) {
        (self.version, self.text, self.source, self.createdAt) = (version, text, source, createdAt)
    }
}

/// A suggested label for an item, from a model or an LLM judge: never a judgment.
public struct Suggestion: Equatable, Sendable {
    public var source: String
    public var strength: Int
    public var bothBad: Bool
    public var note: String?

    public init(source: String, strength: Int, bothBad: Bool, note: String?) {
        (self.source, self.strength, self.bothBad, self.note) = (source, strength, bothBad, note)
    }

    public var label: LabelClass { LabelClass(strength: strength, bothBad: bothBad) }
}
