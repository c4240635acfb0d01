/// The file formats `pairwise import` reads.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Our own JSON Lines: `id`, `prompt`, `response_a`, `response_b`, optional models and metadata.
    case jsonl
    /// Anthropic HH-RLHF: `chosen` / `rejected` transcripts.
    case hhRLHF = "hh-rlhf"
    /// TRL preference data: `prompt` / `chosen` / `rejected`, or implicit-prompt `chosen` / `rejected`.
    case trl
    /// Chatbot Arena conversations with a `winner`.
    case arena
    /// HelpSteer2-Preference: `prompt`, `response_1`, `response_2`, `preference_strength`.
    case helpsteer2
    /// CSV with the columns of `jsonl`.
    case csv

    /// Whether records of this format carry a preference label.
    public var carriesLabels: Bool {
        switch self {
        case .hhRLHF, .trl, .arena, .helpsteer2: return true
        case .jsonl, .csv: return false
        }
    }
}

/// A preference carried by an imported record, relative to the stored A/B.
public struct ImportedLabel: Equatable, Sendable {
    public var strength: PreferenceStrength
    public var bothBad: Bool

    /// The strength given to a binary "this one is better" label with no strength of its
    /// own (HH-RLHF, TRL, Arena): 2, "better", the middle of HelpSteer2's three levels.
    public static let binaryMagnitude = 2

    public init(strength: PreferenceStrength, bothBad: Bool = false) {
        self.strength = strength
        self.bothBad = bothBad
    }

    /// "A is better" (or B, when `aIsBetter` is false) with the binary magnitude.
    public static func binary(aIsBetter: Bool) -> ImportedLabel {
        ImportedLabel(strength: PreferenceStrength(aIsBetter ? -binaryMagnitude : binaryMagnitude)!)
    }
}

/// One record read from an input file.
public struct ImportRecord: Equatable, Sendable {
    public var item: Item
    public var label: ImportedLabel?
    /// The 1-based line where the record starts.
    public var line: Int
}

/// A bad record: `file:line: field: what is wrong`.
public struct ImportError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String { "\(file):\(line): \(field): \(message)" }
}
