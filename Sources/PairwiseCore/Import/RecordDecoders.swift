/// Turns one parsed JSON record of each format into an item and, when the format carries
/// one, its label.
enum RecordDecoders {
    static func decode(_ value: JSONValue, format: InputFormat, source: ItemSource) throws(FieldError) -> (Item, ImportedLabel?) {
        var fields = try RecordFields(value)
        switch format {
        case .jsonl: return (try jsonl(&fields, source: source), nil)
        case .hhRLHF: return try hhRLHF(&fields, source: source)
        case .trl: return try trl(&fields, source: source)
        case .arena: return try arena(&fields, source: source)
        case .helpsteer2: return try helpsteer2(&fields, source: source)
        case .csv: preconditionFailure("CSV records are decoded by CSVRecords")
        }
    }

    /// Our own format (schemas/item.schema.json). Unknown fields are refused, so that a
    /// misspelt field is not silently dropped.
    static func jsonl(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> Item {
        let id = try fields.identifier("id", required: true)
        let prompt = try Prompt(json: fields.requiredValue("prompt"))
        var a = Response(text: try fields.string("response_a"), model: try fields.optionalString("model_a"))
        var b = Response(text: try fields.string("response_b"), model: try fields.optionalString("model_b"))
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
        if let unknown = fields.unusedMembers.first {
            throw FieldError(field: unknown.key, message: "unknown field (allowed: id, prompt, response_a, response_b, model_a, model_b, embedding_a, embedding_b, metadata)")
        }
        return Item(id: id, prompt: prompt, responseA: a, responseB: b, metadata: metadata, source: source)
    }

    static func hhRLHF(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, ImportedLabel?) {
        let chosen = try fields.string("chosen")
        let rejected = try fields.string("rejected")
        let split = try HHTranscript.split(chosen: chosen, rejected: rejected)
        let (item, label) = ABPlacement.place(
            prompt: .chat(split.prompt), chosen: Response(text: split.chosen), rejected: Response(text: split.rejected),
            id: nil, metadata: .object(fields.unusedMembers), source: source)
        return (item, label)
    }

    /// TRL's preference forms: explicit prompt (strings or conversational) and implicit
    /// prompt (the shared prefix of chosen and rejected).
    static func trl(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, ImportedLabel?) {
        let id = try fields.identifier("id", required: false)
        let chosenValue = try fields.requiredValue("chosen")
        let rejectedValue = try fields.requiredValue("rejected")
        let prompt: Prompt
        let chosen: String, rejected: String
        if let promptValue = fields.value("prompt") {
            prompt = try Prompt(json: promptValue)
            chosen = try completion(chosenValue, field: "chosen")
            rejected = try completion(rejectedValue, field: "rejected")
        } else {
            switch (chosenValue, rejectedValue) {
            case (.string(let c), .string(let r)) where HHTranscript.looksLikeTranscript(c):
                let split = try HHTranscript.split(chosen: c, rejected: r)
                (prompt, chosen, rejected) = (.chat(split.prompt), split.chosen, split.rejected)
            case (.string(let c), .string(let r)):
                (prompt, chosen, rejected) = commonTextPrefix(c, r)
            case (.array(let c), .array(let r)):
                let c = try ChatTurn.list(from: c, field: "chosen"), r = try ChatTurn.list(from: r, field: "rejected")
                var shared = 0
                while shared < c.count - 1 && shared < r.count - 1 && c[shared] == r[shared] { shared += 1 }
                guard shared == c.count - 1, shared == r.count - 1, shared > 0 else {
                    throw FieldError(field: "chosen", message: "implicit prompt: chosen and rejected must share every turn but the last")
                }
                (prompt, chosen, rejected) = (.chat(Array(c.dropLast())), c.last!.content, r.last!.content)
            default:
                throw FieldError(field: "rejected", message: "expected the same type as chosen (string or list of turns), got \(rejectedValue.typeName)")
            }
        }
        let (item, label) = ABPlacement.place(prompt: prompt, chosen: Response(text: chosen), rejected: Response(text: rejected),
                                               id: id, metadata: .object(fields.unusedMembers), source: source)
        return (item, label)
    }

    /// A TRL completion: a string, or a list holding one assistant message.
    private static func completion(_ value: JSONValue, field: String) throws(FieldError) -> String {
        switch value {
        case .string(let s): return s
        case .array(let elements):
            let turns = try ChatTurn.list(from: elements, field: field)
            guard turns.count == 1 else { throw FieldError(field: field, message: "expected one message, got \(turns.count)") }
            return turns[0].content
        default:
            throw FieldError(field: field, message: "expected a string or a list of {role, content} messages, got \(value.typeName)")
        }
    }

    /// TRL's rule for implicit string prompts: the longest common prefix, less a trailing space.
    private static func commonTextPrefix(_ c: String, _ r: String) -> (Prompt, String, String) {
        var ci = c.startIndex, ri = r.startIndex
        while ci != c.endIndex && ri != r.endIndex && c[ci] == r[ri] { ci = c.index(after: ci); ri = r.index(after: ri) }
        if ci != c.startIndex && c[c.index(before: ci)] == " " { ci = c.index(before: ci); ri = r.index(before: ri) }
        return (.text(String(c[..<ci])), String(c[ci...]), String(r[ri...]))
    }

    /// Chatbot Arena: the prompt is the turns both conversations share; each response is
    /// the rest of its conversation (one assistant turn in single-turn battles).
    static func arena(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, ImportedLabel?) {
        let id = try fields.identifier("question_id", required: true)
        let modelA = try fields.string("model_a"), modelB = try fields.string("model_b")
        let a = try fields.turns("conversation_a"), b = try fields.turns("conversation_b")
        let winner = try fields.string("winner")
        var shared = 0
        while shared < a.count && shared < b.count && a[shared] == b[shared] { shared += 1 }
        while shared > 0 && a[shared - 1].role == "assistant" { shared -= 1 }
        guard shared > 0 else { throw FieldError(field: "conversation_a", message: "the two conversations share no opening user turn") }
        guard shared < a.count else { throw FieldError(field: "conversation_a", message: "has no response after the prompt") }
        guard shared < b.count else { throw FieldError(field: "conversation_b", message: "has no response after the prompt") }
        let label: ImportedLabel
        switch winner {
        case "model_a": label = .binary(aIsBetter: true)
        case "model_b": label = .binary(aIsBetter: false)
        case "tie": label = ImportedLabel(strength: PreferenceStrength(0)!)
        case "tie (bothbad)": label = ImportedLabel(strength: PreferenceStrength(0)!, bothBad: true)
        default: throw FieldError(field: "winner", message: "'\(winner)' is not one of: model_a, model_b, tie, tie (bothbad)")
        }
        let item = Item(id: id, prompt: .chat(Array(a[..<shared])),
                        responseA: Response(text: arenaReply(a[shared...]), model: modelA),
                        responseB: Response(text: arenaReply(b[shared...]), model: modelB),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, label)
    }

    private static func arenaReply(_ turns: ArraySlice<ChatTurn>) -> String {
        if turns.count == 1 { return turns.first!.content }
        return turns.map { "[\($0.role)]\n\($0.content)" }.joined(separator: "\n\n")
    }

    /// HelpSteer2-Preference: strength −3…+3, negative when response_1 is better.
    static func helpsteer2(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, ImportedLabel?) {
        let prompt = HelpSteer2Prompt.parse(try fields.string("prompt"))
        let r1 = try fields.string("response_1"), r2 = try fields.string("response_2")
        let strengthValue = try fields.requiredValue("preference_strength")
        guard let raw = strengthValue.intValue else {
            throw FieldError(field: "preference_strength", message: "expected an integer from -3 to 3, got \(strengthValue.typeName)")
        }
        guard let strength = PreferenceStrength(raw) else {
            throw FieldError(field: "preference_strength", message: "\(raw) is outside -3…3")
        }
        let item = Item(prompt: prompt, responseA: Response(text: r1), responseB: Response(text: r2),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, ImportedLabel(strength: strength))
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

    public static func render(_ prompt: Prompt) -> String {
        switch prompt {
        case .text(let text): return text
        case .chat(let turns):
            var out = ""
            for (n, turn) in turns.enumerated() {
                if n > 0 { out += separator + (turn.role == "assistant" ? "Assistant\n" : "User\n") }
                out += turn.content
            }
            return out
        }
    }
}
