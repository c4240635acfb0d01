import Foundation

/// The record layouts `pairwise import` reads. Each comes as JSON Lines, a JSON array
/// (`.json`) or CSV (a header naming the fields; `.csv`), gzipped or not.
public enum InputFormat: String, Sendable, CaseIterable {
    /// Our own items (`id`, `prompt`, `response_a`, `response_b`, …), optionally with one
    /// label each (`preference_strength`, `both_bad`, `annotator`, `rubric`, `note`).
    case jsonl
    /// Our items as CSV: the columns of `jsonl` (`metadata` and `rubric` as JSON text).
    case csv
    /// Our `judgments` export: labels on items already in the project.
    case judgments
    /// Anthropic HH-RLHF: `chosen` / `rejected` transcripts.
    case hhRLHF = "hh-rlhf"
    /// TRL preference data: `prompt` / `chosen` / `rejected`, or implicit-prompt `chosen` / `rejected`.
    case trl
    /// Chatbot Arena conversations with a `winner`.
    case arena
    /// The Kaggle LMSYS arena data: JSON-encoded `prompt` / `response_a` / `response_b` lists, `winner_*`.
    case arenaKaggle = "arena-kaggle"
    /// HelpSteer2-Preference: `prompt`, `response_1`, `response_2`, `preference_strength`.
    case helpsteer2
    /// HelpSteer3-Preference: `context`, `response1`, `response2`, `overall_preference`, `individual_preference`.
    case helpsteer3
    /// LLaMA-Factory ShareGPT ranking: `conversations`, `chosen`, `rejected`.
    case sharegpt
    /// LLaMA-Factory alpaca ranking: `instruction`, `input`, `output: [chosen, rejected]`.
    case alpaca
    /// PKU-SafeRLHF: `response_0`, `response_1`, `better_response_id`, `safer_response_id`.
    case pkuSafeRLHF = "pku-saferlhf"
    /// Stanford SHP: `history`, `human_ref_A`, `human_ref_B`, `labels`.
    case shp
    /// HuggingFaceH4/ultrafeedback_binarized: `prompt`, `chosen` / `rejected` conversations, scores.
    case ultrafeedback
    /// Pairs with several annotators' labels, as PandaLM's: `response1`, `response2`, `annotator1`….
    case pandalm
    /// openbmb/UltraFeedback (raw): `instruction`, `completions` with per-aspect ratings: ranked items.
    case ultrafeedbackRaw = "ultrafeedback-raw"
    /// berkeley-nest/Nectar: an HH `prompt`, `answers` with `rank`: ranked items.
    case nectar
    /// OpenAssistant (oasst1/oasst2), in any of its layouts: the trees export (`*.trees.jsonl`),
    /// root messages with their replies, or the datasets' flat message rows; an item per
    /// prompt whose assistant replies carry a `rank`.
    case oasst
}

/// Who gave an imported label.
public enum LabelAuthor: Equatable, Hashable, Sendable {
    /// The source as a whole: stored under the name `--labels-as` gives.
    case source
    /// One of several annotators a record lists under generic names (PandaLM's
    /// `annotator1`, HelpSteer3's n-th individual preference): stored as "NAME/member".
    case member(String)
    /// A person the record names (our jsonl, csv and judgments `annotator`): that name.
    case named(String)
}

/// A preference carried by an imported record, relative to the record's own A/B (its
/// first and second response); the importer orients it against the stored item by text.
public struct ImportedLabel: Equatable, Sendable {
    /// Negative: the record's first response is better.
    public var strength: PreferenceStrength
    public var bothBad: Bool
    /// Values by rubric dimension, relative to the record's A/B like `strength`.
    public var rubric: [String: RubricValue]
    /// Values on dimensions the project may not rate (PKU-SafeRLHF's safer response): kept
    /// when the project's rubric has that dimension, otherwise left out and reported.
    public var optionalRubric: [String: RubricValue]
    public var author: LabelAuthor
    public var note: String?
    /// What a `judgments` file says of how the judgment was made; nil elsewhere.
    public var details: JudgmentDetails?

    /// The strength given to a binary "this one is better" label with no strength of its
    /// own (HH-RLHF, TRL, Arena): 2, "better", the middle of HelpSteer2's three levels.
    public static let binaryMagnitude = 2

    public init(strength: PreferenceStrength, bothBad: Bool = false, rubric: [String: RubricValue] = [:],
                optionalRubric: [String: RubricValue] = [:], author: LabelAuthor = .source, note: String? = nil,
                details: JudgmentDetails? = nil) {
        self.strength = strength
        self.bothBad = bothBad
        self.rubric = rubric
        self.optionalRubric = optionalRubric
        self.author = author
        self.note = note
        self.details = details
    }

    /// "A is better" (or B, when `aIsBetter` is false) with the binary magnitude.
    public static func binary(aIsBetter: Bool, author: LabelAuthor = .source) -> ImportedLabel {
        ImportedLabel(strength: PreferenceStrength(aIsBetter ? -binaryMagnitude : binaryMagnitude)!, author: author)
    }

    /// The same label for the pair placed the other way round: directions reversed,
    /// per-response values exchanged, the shown order flipped.
    public func swapped() -> ImportedLabel {
        var copy = self
        copy.strength = PreferenceStrength(-strength.value)!
        copy.rubric = rubric.mapValues { $0.swapped() }
        copy.optionalRubric = optionalRubric.mapValues { $0.swapped() }
        if let order = details?.shownOrder { copy.details?.shownOrder = order == .ab ? .ba : .ab }
        return copy
    }

    /// Whether two labels say the same thing of a pair (strength, both bad and rubric).
    public func agrees(with other: ImportedLabel) -> Bool {
        strength == other.strength && bothBad == other.bothBad && rubric == other.rubric
    }
}

/// How a judgment was made, as a `judgments` export records it; kept on re-import so that
/// the export reads back exactly.
public struct JudgmentDetails: Equatable, Sendable {
    public var shownOrder: ShownOrder
    public var milliseconds: Int
    public var createdAt: Date
    public var origin: String
    public var source: String?

    public init(shownOrder: ShownOrder, milliseconds: Int, createdAt: Date, origin: String, source: String?) {
        self.shownOrder = shownOrder
        self.milliseconds = milliseconds
        self.createdAt = createdAt
        self.origin = origin
        self.source = source
    }
}

extension RubricValue {
    /// The value for the pair placed the other way round.
    public func swapped() -> RubricValue {
        switch self {
        case .comparative(let v): return .comparative(-v)
        case .perResponse(let a, let b): return .perResponse(a: b, b: a)
        }
    }
}

/// What an imported record is about: an item it carries whole, or an item already in the
/// project that a `judgments` line names (with the SHA-256 of the text it calls response A,
/// to orient its label).
public enum ImportTarget: Equatable, Sendable {
    case item(Item)
    /// An item of three to nine responses, to rank.
    case rankedItem(RankedItem)
    case storedItem(id: String, responseASHA256: String?)
}

/// A ranking a record carries for its ranked item, relative to the record's own order of
/// the responses (the importer orients it against the stored order by response text).
public struct ImportedRanking: Equatable, Sendable {
    public var ranking: Ranking
    /// Per-response rubric values, in the record's order; each must fit the project's rubric.
    public var rubric: ResponseRatings
    /// Values the source always carries (UltraFeedback's aspect ratings): kept when the
    /// project's rubric rates that dimension on a scale that holds them, else left out.
    public var optionalRubric: ResponseRatings
    public var author: LabelAuthor
    public var note: String?
    public init(ranking: Ranking, rubric: ResponseRatings = ResponseRatings(), optionalRubric: ResponseRatings = ResponseRatings(),
                author: LabelAuthor = .source, note: String? = nil) {
        self.ranking = ranking
        self.rubric = rubric
        self.optionalRubric = optionalRubric
        self.author = author
        self.note = note
    }
}

/// One record read from an input file.
public struct ImportRecord: Equatable, Sendable {
    public var target: ImportTarget
    /// The labels the record carries (several for multi-annotator sources).
    public var labels: [ImportedLabel]
    /// The rankings a ranked item's record carries.
    public var rankings: [ImportedRanking]
    /// The 1-based line where the record starts.
    public var line: Int

    public init(target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking] = [], line: Int) {
        self.target = target
        self.labels = labels
        self.rankings = rankings
        self.line = line
    }

    public init(item: Item, labels: [ImportedLabel], line: Int) {
        self.init(target: .item(item), labels: labels, line: line)
    }

    /// The record's labels taken together: the mean strength, and both bad when more than
    /// half say so; nil without labels.
    public var meanLabel: (strength: Double, bothBad: Bool)? {
        guard !labels.isEmpty else { return nil }
        let mean = Double(labels.reduce(0) { $0 + $1.strength.value }) / Double(labels.count)
        return (mean, labels.filter(\.bothBad).count * 2 > labels.count)
    }

    /// The item the record carries, if it carries one.
    public var item: Item? {
        if case .item(let item) = target { return item }
        return nil
    }
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
