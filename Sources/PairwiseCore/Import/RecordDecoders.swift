import Foundation

/// Turns one parsed record of each format into an import record: the item (or the stored
/// item a `judgments` line names) and the labels it carries, relative to the record's own
/// first and second response.
enum RecordDecoders {
    /// `fromCSV`: the record is a CSV row, whose cells are all strings.
    static func decode(_ value: JSONValue, format: InputFormat, source: ItemSource,
                       fromCSV: Bool = false) throws(FieldError) -> (target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking]) {
        var fields = try RecordFields(value)
        fields.fromCSV = fromCSV
        switch format {
        case .jsonl where fields.has("responses"): return try RankedDecoders.jsonl(&fields, source: source)
        case .ultrafeedbackRaw: return try RankedDecoders.ultraFeedbackRaw(&fields, source: source)
        case .nectar: return try RankedDecoders.nectar(&fields, source: source)
        default: break
        }
        let (target, labels) = try decodePair(&fields, format: format, source: source)
        return (target, labels, [])
    }

    private static func decodePair(_ fields: inout RecordFields, format: InputFormat, source: ItemSource) throws(FieldError) -> (ImportTarget, [ImportedLabel]) {
        switch format {
        case .jsonl, .csv:
            let (item, label) = try jsonl(&fields, source: source)
            return (.item(item), label.map { [$0] } ?? [])
        case .judgments: return try judgment(&fields)
        case .hhRLHF: return whole(try hhRLHF(&fields, source: source))
        case .trl: return whole(try trl(&fields, source: source))
        case .arena: return whole(try arena(&fields, source: source))
        case .helpsteer2: return whole(try helpsteer2(&fields, source: source))
        case .sharegpt: return whole(try CommunityDecoders.sharegpt(&fields, source: source))
        case .alpaca: return whole(try CommunityDecoders.alpaca(&fields, source: source))
        case .arenaKaggle: return whole(try CommunityDecoders.arenaKaggle(&fields, source: source))
        case .helpsteer3: return whole(try CommunityDecoders.helpsteer3(&fields, source: source))
        case .pkuSafeRLHF: return whole(try CommunityDecoders.pkuSafeRLHF(&fields, source: source))
        case .shp: return whole(try CommunityDecoders.shp(&fields, source: source))
        case .ultrafeedback: return whole(try CommunityDecoders.ultrafeedback(&fields, source: source))
        case .pandalm: return whole(try CommunityDecoders.pandalm(&fields, source: source))
        case .ultrafeedbackRaw, .nectar, .oasst: preconditionFailure("ranked formats are decoded by RankedDecoders")
        }
    }

    private static func whole(_ decoded: (Item, [ImportedLabel])) -> (ImportTarget, [ImportedLabel]) {
        (.item(decoded.0), decoded.1)
    }

    static let jsonlRequiredFields = ["id", "prompt", "response_a", "response_b"]
    static let jsonlFields = "id, prompt, response_a, response_b, model_a, model_b, embedding_a, embedding_b, metadata, "
        + "preference_strength, both_bad, annotator, rubric, note"

    /// Our own format (schemas/item.schema.json), optionally with one label. Unknown fields
    /// are refused, so that a misspelt field is not silently dropped.
    static func jsonl(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, ImportedLabel?) {
        let id = try fields.identifier("id", required: true)
        let prompt = try Prompt(json: fields.requiredValue("prompt"))
        var a = try fields.response("response_a", model: try fields.optionalString("model_a"))
        var b = try fields.response("response_b", model: try fields.optionalString("model_b"))
        a.embedding = try fields.vector("embedding_a")
        b.embedding = try fields.vector("embedding_b")
        switch (a.embedding, b.embedding) {
        case (nil, nil): break
        case (nil, _): throw FieldError(field: "embedding_a", message: "missing: embedding_b is given, and the two come together")
        case (_, nil): throw FieldError(field: "embedding_b", message: "missing: embedding_a is given, and the two come together")
        case (let x?, let y?) where x.count != y.count:
            throw FieldError(field: "embedding_b", message: "has \(y.count) numbers and embedding_a \(x.count); they must be the same length")
        default: break
        }
        var metadata = JSONValue.object([])
        if let value = fields.value("metadata") {
            guard case .object = value else { throw FieldError(field: "metadata", message: "expected an object, got \(value.typeName)") }
            metadata = value
        }
        let label = try optionalLabel(&fields)
        try fields.refuseUnknown(allowed: jsonlFields)
        return (Item(id: id, prompt: prompt, responseA: a, responseB: b, metadata: metadata, source: source), label)
    }

    /// The label fields of our jsonl and csv: all absent, or a `preference_strength` with
    /// optional `both_bad`, `annotator`, `rubric` and `note`.
    private static func optionalLabel(_ fields: inout RecordFields) throws(FieldError) -> ImportedLabel? {
        let annotator = try fields.personName("annotator", required: false)
        let bothBad = try fields.optionalBool("both_bad")
        let rubric = try fields.rubric("rubric")
        let note = try fields.optionalString("note")
        guard fields.value("preference_strength") != nil else {
            if annotator != nil || bothBad != nil || !rubric.isEmpty || note != nil {
                throw FieldError(field: "preference_strength", message: "missing: the record carries a label (annotator, both_bad, rubric or note)")
            }
            return nil
        }
        return ImportedLabel(strength: try fields.strength("preference_strength"), bothBad: bothBad ?? false, rubric: rubric,
                             author: annotator.map(LabelAuthor.named) ?? .source, note: note)
    }

    /// One line of our `judgments` export: a label on an item already in the project.
    static func judgment(_ fields: inout RecordFields) throws(FieldError) -> (ImportTarget, [ImportedLabel]) {
        let itemID = try fields.identifier("item_id", required: true)!
        let annotator = try fields.personName("annotator", required: true)!
        let strength = try fields.strength("preference_strength")
        let bothBad = try fields.optionalBool("both_bad") ?? false
        let rubric = try fields.rubric("rubric")
        let note = try fields.optionalString("note")
        let digest = try fields.optionalString("response_a_sha256")
        var details: JudgmentDetails?
        if let origin = try fields.optionalString("origin") {
            let orderText = try fields.optionalString("shown_order") ?? "ab"
            guard let order = ShownOrder(rawValue: orderText) else { throw FieldError(field: "shown_order", message: "expected ab or ba, got '\(orderText)'") }
            let ms = try fields.optionalInt("ms") ?? 0
            guard ms >= 0 else { throw FieldError(field: "ms", message: "expected a number of milliseconds ≥ 0, got \(ms)") }
            let createdText = try fields.string("created_at")
            guard let created = Timestamp.date(createdText) else {
                throw FieldError(field: "created_at", message: "expected an ISO 8601 time such as 2026-01-31T12:00:00.000Z, got '\(createdText)'")
            }
            details = JudgmentDetails(shownOrder: order, milliseconds: ms, createdAt: created, origin: origin,
                                      source: try fields.optionalString("source"))
        }
        try fields.refuseUnknown(allowed: "item_id, annotator, preference_strength, both_bad, rubric, note, shown_order, ms, created_at, origin, source, response_a_sha256")
        let label = ImportedLabel(strength: strength, bothBad: bothBad, rubric: rubric, author: .named(annotator), note: note, details: details)
        return (.storedItem(id: itemID, responseASHA256: digest), [label])
    }

    static func hhRLHF(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let chosen = try fields.string("chosen")
        let rejected = try fields.string("rejected")
        let split = try HHTranscript.split(chosen: chosen, rejected: rejected)
        let (item, label) = try ABPlacement.place(
            prompt: .chat(split.prompt), chosen: Response(text: split.chosen), rejected: Response(text: split.rejected),
            id: nil, metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// TRL's preference forms: explicit prompt (strings or conversational) and implicit
    /// prompt (what chosen and rejected share).
    static func trl(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let id = try fields.identifier("id", required: false)
        let chosenValue = try fields.requiredValue("chosen")
        let rejectedValue = try fields.requiredValue("rejected")
        let prompt: Prompt
        let chosen: Response, rejected: Response
        if let promptValue = fields.value("prompt") {
            prompt = try Prompt(json: promptValue)
            chosen = try completion(chosenValue, field: "chosen")
            rejected = try completion(rejectedValue, field: "rejected")
        } else {
            switch (chosenValue, rejectedValue) {
            case (.string(let c), .string(let r)):
                let split = try ImplicitPrompt.strings(chosen: c, rejected: r)
                (prompt, chosen, rejected) = (.text(split.prompt), Response(text: split.chosen), Response(text: split.rejected))
            case (.array(let c), .array(let r)):
                (prompt, chosen, rejected) = try ImplicitPrompt.conversations(
                    chosen: try ChatTurn.list(from: c, field: "chosen"), rejected: try ChatTurn.list(from: r, field: "rejected"))
            default:
                throw FieldError(field: "rejected", message: "expected the same type as chosen (string or list of turns), got \(rejectedValue.typeName)")
            }
        }
        let (item, label) = try ABPlacement.place(prompt: prompt, chosen: chosen, rejected: rejected,
                                               id: id, metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// A TRL completion: a string, or a list of messages (several when the completion runs
    /// over more than one turn).
    static func completion(_ value: JSONValue, field: String) throws(FieldError) -> Response {
        switch value {
        case .string(let s): return Response(text: s)
        case .array(let elements):
            let turns = try ChatTurn.list(from: elements, field: field)
            guard !turns.isEmpty else { throw FieldError(field: field, message: "expected at least one message") }
            return Response(turns: turns)
        default:
            throw FieldError(field: field, message: "expected a string or a list of {role, content} messages, got \(value.typeName)")
        }
    }

    /// Chatbot Arena: the prompt is the turns both conversations share (TRL's
    /// `extract_prompt`); each response is the rest of its conversation, turn by turn.
    static func arena(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let id = try fields.identifier("question_id", required: true)
        let modelA = try fields.string("model_a"), modelB = try fields.string("model_b")
        let a = try fields.turns("conversation_a"), b = try fields.turns("conversation_b")
        let winner = try fields.string("winner")
        let split: (prompt: Prompt, chosen: Response, rejected: Response)
        do { split = try ImplicitPrompt.conversations(chosen: a, rejected: b) } catch {
            throw FieldError(field: error.field == "chosen" ? "conversation_a" : "conversation_b", message: error.message)
        }
        let label: ImportedLabel
        switch winner {
        case "model_a": label = .binary(aIsBetter: true)
        case "model_b": label = .binary(aIsBetter: false)
        case "tie": label = ImportedLabel(strength: PreferenceStrength(0)!)
        case "tie (bothbad)": label = ImportedLabel(strength: PreferenceStrength(0)!, bothBad: true)
        default: throw FieldError(field: "winner", message: "'\(winner)' is not one of: model_a, model_b, tie, tie (bothbad)")
        }
        var responseA = split.chosen, responseB = split.rejected
        responseA.model = modelA
        responseB.model = modelB
        let item = Item(id: id, prompt: split.prompt, responseA: responseA, responseB: responseB,
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// HelpSteer2-Preference: strength −3…+3, negative when response_1 is better.
    static func helpsteer2(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let prompt = HelpSteer2Prompt.parse(try fields.string("prompt"))
        let r1 = try fields.string("response_1"), r2 = try fields.string("response_2")
        let strength = try fields.strength("preference_strength")
        let item = Item(prompt: prompt, responseA: Response(text: r1), responseB: Response(text: r2),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, [ImportedLabel(strength: strength)])
    }
}

/// Where the prompt ends when a source gives two whole conversations or transcripts.
enum ImplicitPrompt {
    /// TRL's `extract_prompt` for message lists: the prompt is the messages both share from
    /// the start; each response is the rest of its list (several turns when the dialogue went
    /// on after the first differing reply).
    static func conversations(chosen c: [ChatTurn], rejected r: [ChatTurn]) throws(FieldError) -> (prompt: Prompt, chosen: Response, rejected: Response) {
        var shared = 0
        while shared < c.count && shared < r.count && c[shared] == r[shared] { shared += 1 }
        // The prompt ends with the other side's turn, never with a shared assistant reply
        // that only one conversation continues.
        while shared > 0 && c[shared - 1].role == "assistant" && (shared == c.count || shared == r.count) { shared -= 1 }
        guard shared > 0 else { throw FieldError(field: "chosen", message: "the two conversations share no opening turn") }
        guard shared < c.count else { throw FieldError(field: "chosen", message: "has no response after the shared turns") }
        guard shared < r.count else { throw FieldError(field: "rejected", message: "has no response after the shared turns") }
        return (.chat(Array(c[..<shared])), Response(turns: Array(c[shared...])), Response(turns: Array(r[shared...])))
    }

    /// Implicit string prompts: up to and including the last "\n\nAssistant:" the two share
    /// (TRL's rule for HH transcripts, the reply keeping its leading space), or else TRL's
    /// longest common prefix less a trailing space.
    static func strings(chosen c: String, rejected r: String) throws(FieldError) -> (prompt: String, chosen: String, rejected: String) {
        let cb = Array(c.utf8), rb = Array(r.utf8)
        var common = 0
        while common < cb.count && common < rb.count && cb[common] == rb[common] { common += 1 }
        // Back off to a character boundary: never cut a UTF-8 sequence.
        while common > 0 && common < cb.count && cb[common] & 0xC0 == 0x80 { common -= 1 }
        let marker = Array(HHTranscript.lastAssistantMarker.utf8)
        var cut = common
        var found = false
        var start = common - marker.count
        while start >= 0 {
            if cb[start..<start + marker.count].elementsEqual(marker) { cut = start + marker.count; found = true; break }
            start -= 1
        }
        if !found && cut > 0 && cb[cut - 1] == 0x20 { cut -= 1 }
        guard cut > 0 else { throw FieldError(field: "chosen", message: "chosen and rejected share no prompt (no common beginning)") }
        return (String(decoding: cb[..<cut], as: UTF8.self), String(decoding: cb[cut...], as: UTF8.self),
                String(decoding: rb[cut...], as: UTF8.self))
    }
}

/// HelpSteer2 writes multi-turn prompts in one string, turns separated by
/// "<extra_id_1>" followed by the role name and a newline.
public enum HelpSteer2Prompt {
    static let separator = "<extra_id_1>"

    public static func parse(_ text: String) -> Prompt {
        let parts = text.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count > 1 else { return .text(text) }
        var turns = [ChatTurn(role: "user", content: String(parts[0]))]
        for part in parts.dropFirst() {
            if part.hasPrefix("Assistant\n") { turns.append(ChatTurn(role: "assistant", content: String(part.dropFirst(10)))) }
            else if part.hasPrefix("User\n") { turns.append(ChatTurn(role: "user", content: String(part.dropFirst(5)))) }
            else { return .text(text) }
        }
        return .chat(turns)
    }

    /// The prompt in HelpSteer2's form, or nil when it holds a turn that form has no place
    /// for (a system turn, or a first turn that is not the user's).
    public static func render(_ prompt: Prompt) -> String? {
        switch prompt {
        case .text(let text): return text
        case .chat(let turns):
            var out = ""
            for (n, turn) in turns.enumerated() {
                guard turn.role == "user" || (turn.role == "assistant" && n > 0) else { return nil }
                if n > 0 { out += separator + (turn.role == "assistant" ? "Assistant\n" : "User\n") }
                out += turn.content
            }
            return out
        }
    }
}
