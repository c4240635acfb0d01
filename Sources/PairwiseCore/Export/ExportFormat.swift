import Foundation

/// The file formats `pairwise export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// TRL preference data: `prompt`, `chosen`, `rejected`, `margin`; one line per non-tied item.
    case trl
    /// HH-RLHF transcripts: `chosen`, `rejected`; one line per non-tied item.
    case hhRLHF = "hh-rlhf"
    /// HelpSteer2-Preference: `prompt`, `response_1`, `response_2`, `preference_strength`; ties included.
    case helpsteer2
    /// One line per current judgment, every field.
    case judgments
    /// The current judgments as CSV, one column per rubric value.
    case csv
    /// Ranked items: the prompt and the responses best first, with consensus rank and score.
    case ranked
    /// One line per current ranking of a ranked item, as our ranked jsonl (reads back with
    /// `import --labels`).
    case rankings

    /// Whether the format writes one record per item (rather than per judgment).
    public var isPerItem: Bool {
        switch self {
        case .trl, .hhRLHF, .helpsteer2, .ranked: return true
        case .judgments, .csv, .rankings: return false
        }
    }
}

/// Why an item with a label has no line in a format: reported after the export.
public enum ExportOmission: String, Sendable, CaseIterable {
    case systemTurn = "a system turn the format has no place for"
    case multiTurnResponse = "responses of several turns, which the format cannot hold"
    case rankedItem = "three or more ranked responses (--format trl, ranked or rankings writes them)"
    case rankedItemFiltered = "three or more ranked responses, which --only and --min-agreement do not select yet"
    case pairItem = "two responses, whose judgments --format judgments or csv writes"
}

/// What an export makes of one item.
public enum ExportOutcome: Equatable, Sendable {
    /// The line, as UTF-8 without its line break.
    case written([UInt8])
    /// No label, or a tie in a format that cannot say "tie": nothing to write.
    case unlabeled
    /// A label the format cannot carry faithfully.
    case leftOut(ExportOmission)
}

/// Encodes exported records, one line each.
public enum ExportEncoder {
    /// The line for an item in a per-item format. With `provenance`, the line ends with how
    /// the label came about and the model's margin (`modelMargin` is r(A) − r(B) of the
    /// newest model; written toward the chosen response, or for helpsteer2 as
    /// r(response_2) − r(response_1), the orientation of preference_strength).
    /// `conversational`: TRL rows as message lists, even for a plain-text item (TRL reads a
    /// file's form from its first row, so a file holds one form).
    public static func line(for item: Item, label: AggregatedPreference?, format: ExportFormat, conversational: Bool = false,
                            provenance: LabelProvenance? = nil, modelMargin: Double? = nil) -> ExportOutcome {
        guard let label else { return .unlabeled }
        let conversational = conversational || needsConversationalForm(item)
        var members: [JSONMember]
        switch format {
        case .trl:
            guard !label.isTie else { return .unlabeled }
            let (chosen, rejected) = label.aIsPreferred ? (item.responseA, item.responseB) : (item.responseB, item.responseA)
            if conversational {
                let prompt: JSONValue
                switch item.prompt {
                case .text(let text): prompt = Prompt.chat([ChatTurn(role: "user", content: text)]).json
                case .chat: prompt = item.prompt.json
                }
                members = [JSONMember(key: "id", value: .string(item.id)), JSONMember(key: "prompt", value: prompt),
                           JSONMember(key: "chosen", value: Prompt.chat(chosen.messages).json),
                           JSONMember(key: "rejected", value: Prompt.chat(rejected.messages).json)]
            } else {
                members = [JSONMember(key: "id", value: .string(item.id)), JSONMember(key: "prompt", value: item.prompt.json),
                           JSONMember(key: "chosen", value: .string(chosen.text)), JSONMember(key: "rejected", value: .string(rejected.text))]
            }
            members.append(JSONMember(key: "margin", value: .double(label.margin)))
        case .hhRLHF:
            guard !label.isTie else { return .unlabeled }
            let (chosen, rejected) = label.aIsPreferred ? (item.responseA, item.responseB) : (item.responseB, item.responseA)
            guard let chosenText = HHTranscript.transcript(prompt: item.prompt, reply: chosen),
                  let rejectedText = HHTranscript.transcript(prompt: item.prompt, reply: rejected) else { return .leftOut(.systemTurn) }
            members = [JSONMember(key: "chosen", value: .string(chosenText)), JSONMember(key: "rejected", value: .string(rejectedText))]
        case .helpsteer2:
            guard item.responseA.turns == nil, item.responseB.turns == nil else { return .leftOut(.multiTurnResponse) }
            guard let prompt = HelpSteer2Prompt.render(item.prompt) else { return .leftOut(.systemTurn) }
            members = [JSONMember(key: "id", value: .string(item.id)), JSONMember(key: "prompt", value: .string(prompt)),
                       JSONMember(key: "response_1", value: .string(item.responseA.text)),
                       JSONMember(key: "response_2", value: .string(item.responseB.text)),
                       JSONMember(key: "preference_strength", value: .int(Int(label.strength.rounded())))]
        case .judgments, .csv, .rankings:
            preconditionFailure("\(format) is written per label")
        case .ranked:
            return .unlabeled   // pairs have no ranked form
        }
        if let provenance {
            let oriented = modelMargin.map { format == .helpsteer2 ? -$0 : (label.aIsPreferred ? $0 : -$0) }
            members += [JSONMember(key: "label_source", value: .string(provenance.source.rawValue)),
                        JSONMember(key: "judgments", value: .int(provenance.judgments)),
                        JSONMember(key: "agreement", value: provenance.agreement.map(JSONValue.double) ?? .null),
                        JSONMember(key: "model_margin", value: oriented.map(JSONValue.double) ?? .null)]
        }
        var line: [UInt8] = []
        JSONWriter.append(.object(members), to: &line)
        return .written(line)
    }

    /// Whether an item needs TRL's conversational form (a chat prompt, or a response of
    /// several turns).
    public static func needsConversationalForm(_ item: Item) -> Bool {
        if case .chat = item.prompt { return true }
        return item.responseA.turns != nil || item.responseB.turns != nil
    }

    /// The CSV header for judgments under a rubric: fixed columns, then one column per
    /// comparative dimension and two (`KEY_a`, `KEY_b`) per per-response dimension.
    public static func csvHeader(rubric: Rubric) -> String {
        var columns = ["item_id", "annotator", "preference_strength", "both_bad", "shown_order", "ms", "created_at", "origin", "source", "note"]
        for d in rubric.dimensions {
            switch d.kind {
            case .comparative: columns.append(d.key)
            case .perResponse: columns += [d.key + "_a", d.key + "_b"]
            }
        }
        return columns.joined(separator: ",")
    }
}
