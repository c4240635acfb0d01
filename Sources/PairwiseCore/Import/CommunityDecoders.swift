/// Decoders for the preference datasets people have besides ours and TRL's: each keeps the
/// source's text exactly, and fields it does not use as the item's metadata.
enum CommunityDecoders {
    /// ShareGPT roles as LLaMA-Factory writes them, in the chat roles we store.
    private static func role(_ from: String) -> String {
        switch from {
        case "human", "user": return "user"
        case "gpt", "assistant", "model": return "assistant"
        default: return from
        }
    }

    private static func sharegptTurn(_ value: JSONValue, field: String) throws(FieldError) -> ChatTurn {
        guard case .object = value else { throw FieldError(field: field, message: "expected a {from, value} object, got \(value.typeName)") }
        guard let from = value["from"]?.stringValue, !from.isEmpty else { throw FieldError(field: field + ".from", message: "expected a role such as human or gpt") }
        guard let text = value["value"]?.stringValue else { throw FieldError(field: field + ".value", message: "expected a string") }
        return ChatTurn(role: role(from), content: text)
    }

    /// LLaMA-Factory's ShareGPT ranking data: `conversations` ({from, value}), `chosen` and
    /// `rejected` ({from, value} each), optional `system`.
    static func sharegpt(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let conversation = try fields.requiredValue("conversations")
        guard let elements = conversation.arrayValue, !elements.isEmpty else {
            throw FieldError(field: "conversations", message: "expected a non-empty list of {from, value} turns")
        }
        var turns: [ChatTurn] = []
        if let system = try fields.optionalString("system"), !system.isEmpty { turns.append(ChatTurn(role: "system", content: system)) }
        for (n, element) in elements.enumerated() { turns.append(try sharegptTurn(element, field: "conversations[\(n)]")) }
        let chosen = try sharegptTurn(try fields.requiredValue("chosen"), field: "chosen")
        let rejected = try sharegptTurn(try fields.requiredValue("rejected"), field: "rejected")
        let (item, label) = try ABPlacement.place(prompt: .chat(turns), chosen: Response(turns: [chosen]), rejected: Response(turns: [rejected]),
                                               id: nil, metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// LLaMA-Factory's alpaca ranking data: `instruction`, optional `input` (appended after a
    /// newline, as LLaMA-Factory does), `output: [chosen, rejected]` or `chosen`/`rejected`,
    /// optional `system` and `history` ([[question, answer], …]).
    static func alpaca(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        var query = try fields.string("instruction")
        if let input = try fields.optionalString("input"), !input.isEmpty { query += "\n" + input }
        let chosen: String, rejected: String
        if let output = fields.value("output") {
            guard let pair = output.arrayValue, pair.count == 2, let c = pair[0].stringValue, let r = pair[1].stringValue else {
                throw FieldError(field: "output", message: "expected [chosen, rejected]: two strings")
            }
            (chosen, rejected) = (c, r)
        } else {
            (chosen, rejected) = (try fields.string("chosen"), try fields.string("rejected"))
        }
        var turns: [ChatTurn] = []
        if let system = try fields.optionalString("system"), !system.isEmpty { turns.append(ChatTurn(role: "system", content: system)) }
        if let history = fields.value("history") {
            for (n, exchange) in (history.arrayValue ?? []).enumerated() {
                guard let pair = exchange.arrayValue, pair.count == 2, let q = pair[0].stringValue, let a = pair[1].stringValue else {
                    throw FieldError(field: "history[\(n)]", message: "expected [question, answer]: two strings")
                }
                turns += [ChatTurn(role: "user", content: q), ChatTurn(role: "assistant", content: a)]
            }
        }
        let prompt: Prompt = turns.isEmpty ? .text(query) : .chat(turns + [ChatTurn(role: "user", content: query)])
        let (item, label) = try ABPlacement.place(prompt: prompt, chosen: Response(text: chosen), rejected: Response(text: rejected),
                                               id: nil, metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// The Kaggle LMSYS arena data: `prompt`, `response_a`, `response_b` as JSON-encoded lists
    /// (one entry per turn), `winner_model_a`, `winner_model_b`, `winner_tie` (one of them 1).
    /// A multi-turn battle's prompt is the first user turn; each response is the rest of its
    /// conversation (the later user turns included), as TRL's `extract_prompt` gives it.
    static func arenaKaggle(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let id = try fields.identifier("id", required: false)
        let prompts = try fields.stringList("prompt")
        let a = try fields.stringList("response_a"), b = try fields.stringList("response_b")
        guard !prompts.isEmpty else { throw FieldError(field: "prompt", message: "expected at least one turn") }
        guard a.count == prompts.count else { throw FieldError(field: "response_a", message: "has \(a.count) turns for \(prompts.count) prompts") }
        guard b.count == prompts.count else { throw FieldError(field: "response_b", message: "has \(b.count) turns for \(prompts.count) prompts") }
        let modelA = try fields.optionalString("model_a"), modelB = try fields.optionalString("model_b")
        let winners = (try fields.int("winner_model_a"), try fields.int("winner_model_b"), try fields.int("winner_tie"))
        let label: ImportedLabel
        switch winners {
        case (1, 0, 0): label = .binary(aIsBetter: true)
        case (0, 1, 0): label = .binary(aIsBetter: false)
        case (0, 0, 1): label = ImportedLabel(strength: PreferenceStrength(0)!)
        default: throw FieldError(field: "winner_model_a", message: "expected exactly one of winner_model_a, winner_model_b, winner_tie to be 1")
        }
        func rest(_ replies: [String]) -> [ChatTurn] {
            var turns = [ChatTurn(role: "assistant", content: replies[0])]
            for n in 1..<replies.count { turns += [ChatTurn(role: "user", content: prompts[n]), ChatTurn(role: "assistant", content: replies[n])] }
            return turns
        }
        let item = Item(id: id, prompt: .chat([ChatTurn(role: "user", content: prompts[0])]),
                        responseA: Response(turns: rest(a), model: modelA), responseB: Response(turns: rest(b), model: modelB),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// HelpSteer3-Preference: `context` turns, `response1`, `response2`,
    /// `overall_preference` (−3…3, negative: response1 better) and `individual_preference`,
    /// one entry per annotator ({score, reasoning, …}): each becomes that annotator's
    /// judgment, the reasoning its note. Without individual entries the overall one is the label.
    static func helpsteer3(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let context = try fields.turns("context")
        guard !context.isEmpty else { throw FieldError(field: "context", message: "expected at least one turn") }
        let r1 = try fields.string("response1"), r2 = try fields.string("response2")
        let overall = try fields.strength("overall_preference")
        var labels: [ImportedLabel] = []
        if let individual = fields.value("individual_preference") {
            guard let entries = individual.arrayValue else {
                throw FieldError(field: "individual_preference", message: "expected a list of {score, reasoning}, got \(individual.typeName)")
            }
            for (n, entry) in entries.enumerated() {
                var entryFields = try RecordFields(entry)
                let here = "individual_preference[\(n)]"
                let score: PreferenceStrength
                do { score = try entryFields.strength("score") } catch { throw FieldError(field: here + "." + error.field, message: error.message) }
                let reasoning = try? entryFields.optionalString("reasoning")
                labels.append(ImportedLabel(strength: score, author: .member(String(n + 1)), note: reasoning ?? nil))
            }
        }
        if labels.isEmpty { labels = [ImportedLabel(strength: overall)] }
        let item = Item(prompt: .chat(context), responseA: Response(text: r1), responseB: Response(text: r2),
                        metadata: .object([JSONMember(key: "overall_preference", value: .int(overall.value))] + fields.unusedMembers),
                        source: source)
        return (item, labels)
    }

    /// PKU-SafeRLHF: `prompt`, `response_0`, `response_1`, `better_response_id` (the
    /// preference) and `safer_response_id` (kept on the rubric's comparative `safety`
    /// dimension when the project has one); `response_N_source` names the model.
    static func pkuSafeRLHF(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let prompt = try fields.string("prompt")
        let r0 = try fields.string("response_0"), r1 = try fields.string("response_1")
        func choice(_ key: String) throws(FieldError) -> Int {
            let id = try fields.int(key)
            guard id == 0 || id == 1 else { throw FieldError(field: key, message: "expected 0 or 1, got \(id)") }
            return id
        }
        let better = try choice("better_response_id")
        var optional: [String: RubricValue] = [:]
        if fields.value("safer_response_id") != nil { optional["safety"] = .comparative(try choice("safer_response_id") == 0 ? -1 : 1) }
        let models = (try fields.optionalString("response_0_source"), try fields.optionalString("response_1_source"))
        var label = ImportedLabel.binary(aIsBetter: better == 0)
        label.optionalRubric = optional
        let item = Item(prompt: .text(prompt), responseA: Response(text: r0, model: models.0), responseB: Response(text: r1, model: models.1),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// Stanford SHP: `history` (the post), `human_ref_A`, `human_ref_B`, `labels` (1: A is
    /// preferred, 0: B); scores and ids stay as metadata.
    static func shp(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let history = try fields.string("history")
        let a = try fields.string("human_ref_A"), b = try fields.string("human_ref_B")
        let preferred = try fields.int("labels")
        guard preferred == 0 || preferred == 1 else { throw FieldError(field: "labels", message: "expected 1 (A preferred) or 0 (B preferred), got \(preferred)") }
        let item = Item(prompt: .text(history), responseA: Response(text: a), responseB: Response(text: b),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, [.binary(aIsBetter: preferred == 1)])
    }

    /// HuggingFaceH4/ultrafeedback_binarized: `prompt`, `chosen` and `rejected` as whole
    /// conversations (the prompt's user turn first), `score_chosen`, `score_rejected`; the
    /// prompt is the turns both share, as for TRL's implicit conversational form.
    static func ultrafeedback(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        let promptText = try fields.string("prompt")
        let chosen = try fields.turns("chosen"), rejected = try fields.turns("rejected")
        // `messages` repeats `chosen`; keep it only if it says something else.
        if let messages = fields.object["messages"], let list = messages.arrayValue,
           (try? ChatTurn.list(from: list, field: "messages")) == chosen { fields.skip("messages") }
        let split = try ImplicitPrompt.conversations(chosen: chosen, rejected: rejected)
        guard case .chat(let shared) = split.prompt, shared.last?.content == promptText else {
            throw FieldError(field: "chosen", message: "expected the conversation to open with the prompt's user turn")
        }
        let (item, label) = try ABPlacement.place(prompt: split.prompt, chosen: split.chosen, rejected: split.rejected,
                                               id: nil, metadata: .object(fields.unusedMembers), source: source)
        return (item, [label])
    }

    /// A response that a source wrote as a bare JSON scalar (PandaLM's test set has `true`
    /// for six replies): the text Python's `str()` gives it, as the source's own code reads it.
    private static func scalarText(_ fields: inout RecordFields, _ key: String) throws(FieldError) -> String {
        switch try fields.requiredValue(key) {
        case .string(let text): return text
        case .bool(let flag): return flag ? "True" : "False"
        case .int(let number): return String(number)
        case let other: throw FieldError(field: key, message: "expected a string, got \(other.typeName)")
        }
    }

    /// Multi-annotator pairs as PandaLM's test set has them: `instruction`, `input`,
    /// `response1`, `response2`, `annotator1`…: 0 tie, 1 the first is better, 2 the second.
    /// Each annotator becomes a judgment ("NAME/annotator1" under `--labels-as NAME`).
    static func pandalm(_ fields: inout RecordFields, source: ItemSource) throws(FieldError) -> (Item, [ImportedLabel]) {
        var prompt = try fields.string("instruction")
        if let input = try fields.optionalString("input"), !input.isEmpty { prompt += "\n" + input }
        let r1 = try scalarText(&fields, "response1"), r2 = try scalarText(&fields, "response2")
        let columns = (fields.object.objectMembers ?? []).map(\.key).filter { $0.hasPrefix("annotator") && Int($0.dropFirst(9)) != nil }
        guard !columns.isEmpty else { throw FieldError(field: "annotator1", message: "missing: no annotatorN columns") }
        var labels: [ImportedLabel] = []
        for column in columns {
            let value = try fields.int(column)
            let strength: Int
            switch value {
            case 0: strength = 0
            case 1: strength = -ImportedLabel.binaryMagnitude
            case 2: strength = ImportedLabel.binaryMagnitude
            default: throw FieldError(field: column, message: "expected 0 (tie), 1 (first better) or 2 (second better), got \(value)")
            }
            labels.append(ImportedLabel(strength: PreferenceStrength(strength)!, author: .member(column)))
        }
        let item = Item(prompt: .text(prompt), responseA: Response(text: r1), responseB: Response(text: r2),
                        metadata: .object(fields.unusedMembers), source: source)
        return (item, labels)
    }
}
