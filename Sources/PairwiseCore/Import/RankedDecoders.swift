/// Records of items with several responses to rank.
enum RankedDecoders {
    static let jsonlFields = "id, prompt, responses, metadata, ranks, all_bad, rubric, annotator, note"

    /// Our jsonl with `responses: [...]` (schemas/item.schema.json): each response a string,
    /// a list of `{role, content}` messages, or `{"text": …, "model": …}`; optionally one
    /// ranking, `ranks` (1 the best, equal ranks tied, in the record's order of the
    /// responses) with `all_bad`, `rubric` (per-response values: `{"key": [one per
    /// response]}`), `annotator` and `note`. Two responses make a pair, as
    /// `response_a`/`response_b` would (ranks [1, 2] say the first is better, with the
    /// strength a binary label has; rubric lists become `{a, b}` values).
    static func jsonl(_ fields: inout RecordFields,
                      source: ItemSource) throws(FieldError) -> (target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking]) {
        let id = try fields.identifier("id", required: true)
        let prompt = try Prompt(json: fields.requiredValue("prompt"))
        let list = try fields.requiredValue("responses")
        guard let elements = list.arrayValue else {
            throw FieldError(field: "responses", message: "expected a list of responses, got \(list.typeName)")
        }
        guard (2...RankedItem.sizes.upperBound).contains(elements.count) else {
            throw FieldError(field: "responses", message: "holds \(elements.count) responses; an item has 2 to \(RankedItem.sizes.upperBound)")
        }
        var responses: [Response] = []
        for (n, element) in elements.enumerated() {
            responses.append(try response(element, field: "responses[\(n)]"))
        }
        try check(responses, field: "responses")
        var metadata = JSONValue.object([])
        if let value = fields.value("metadata") {
            guard case .object = value else { throw FieldError(field: "metadata", message: "expected an object, got \(value.typeName)") }
            metadata = value
        }
        let ranking = try self.ranking(&fields, count: responses.count)
        try fields.refuseUnknown(allowed: jsonlFields)
        return decoded(id: id, prompt: prompt, responses: responses, ranking: ranking, metadata: metadata, source: source)
    }

    /// A record of 2 responses as a pair (its ranking a binary label), of more as a ranked item.
    static func decoded(id: String?, prompt: Prompt, responses: [Response], ranking: ImportedRanking?, metadata: JSONValue,
                        source: ItemSource) -> (target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking]) {
        if responses.count == 2 {
            let item = Item(id: id, prompt: prompt, responseA: responses[0], responseB: responses[1], metadata: metadata, source: source)
            let labels = ranking.map { imported in
                let direction = imported.ranking.ranks[0] < imported.ranking.ranks[1] ? -1 : imported.ranking.ranks[0] > imported.ranking.ranks[1] ? 1 : 0
                return ImportedLabel(strength: PreferenceStrength(direction * ImportedLabel.binaryMagnitude)!, bothBad: imported.ranking.allBad,
                                     rubric: imported.rubric.values.mapValues { .perResponse(a: $0[0], b: $0[1]) },
                                     optionalRubric: imported.optionalRubric.values.mapValues { .perResponse(a: $0[0], b: $0[1]) },
                                     author: imported.author, note: imported.note)
            }
            return (.item(item), labels.map { [$0] } ?? [], [])
        }
        let item = RankedItem(id: id, prompt: prompt, responses: responses, metadata: metadata, source: source)
        return (.rankedItem(item), [], ranking.map { [$0] } ?? [])
    }

    /// Refuses repeated responses and counts outside 2…9.
    static func check(_ responses: [Response], field: String) throws(FieldError) {
        guard (2...RankedItem.sizes.upperBound).contains(responses.count) else {
            throw FieldError(field: field, message: "holds \(responses.count) responses; an item has 2 to \(RankedItem.sizes.upperBound)")
        }
        for (n, response) in responses.enumerated() where responses[..<n].contains(where: { $0.json == response.json }) {
            throw FieldError(field: "\(field)[\(n)]", message: "repeats an earlier response: each response of an item differs")
        }
    }

    /// The aspects UltraFeedback's GPT-4 annotator rates 1–5 for every completion.
    static let ultraFeedbackAspects = ["helpfulness", "honesty", "instruction_following", "truthfulness"]

    /// openbmb/UltraFeedback (raw): `instruction` and `completions`, each with a `response`,
    /// its `model` and `annotations` rating four aspects 1–5 (`Rating`, "N/A" when not
    /// rated). A completion's score is the mean of its rated aspects (the rule
    /// ultrafeedback_binarized now uses); the scores rank the completions, as the source's
    /// annotator (`--labels-as NAME`). A record with a completion left unrated has no ranking.
    /// `source`, `models`, `correct_answers` and the rest are kept as metadata.
    static func ultraFeedbackRaw(_ fields: inout RecordFields,
                                 source: ItemSource) throws(FieldError) -> (target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking]) {
        let instruction = try fields.string("instruction")
        let list = try fields.requiredValue("completions")
        guard let completions = list.arrayValue else { throw FieldError(field: "completions", message: "expected a list, got \(list.typeName)") }
        var responses: [Response] = [], scores: [Double?] = []
        var aspects: [String: [Int]] = [:]
        for (n, completion) in completions.enumerated() {
            let here = "completions[\(n)]"
            guard case .object = completion else { throw FieldError(field: here, message: "expected an object, got \(completion.typeName)") }
            guard let text = completion["response"]?.stringValue else { throw FieldError(field: here + ".response", message: "missing or not a string") }
            responses.append(Response(text: text, model: completion["model"]?.stringValue))
            var ratings: [Double] = []
            for aspect in ultraFeedbackAspects {
                guard let rating = completion["annotations"]?[aspect]?["Rating"] else { continue }
                if let number = rating.doubleValue ?? rating.stringValue.flatMap(Double.init), (1...5).contains(number) {
                    ratings.append(number)
                    if number == number.rounded() { aspects[aspect, default: []].append(Int(number)) }
                }
            }
            scores.append(ratings.isEmpty ? nil : ratings.reduce(0, +) / Double(ratings.count))
        }
        try check(responses, field: "completions")
        // An aspect every completion has a rating of becomes a per-response rubric value,
        // kept where the project rates that dimension 1–5.
        let rated = ResponseRatings(aspects.filter { $0.value.count == responses.count })
        let ranking = scores.allSatisfy({ $0 != nil }) ? Ranking(scores: scores.map { $0! }).map { ImportedRanking(ranking: $0, optionalRubric: rated) } : nil
        let metadata = JSONValue.object(fields.unusedMembers)
        return decoded(id: nil, prompt: .text(instruction), responses: responses, ranking: ranking, metadata: metadata, source: source)
    }

    /// berkeley-nest/Nectar: `prompt` as an HH transcript ("Human: …\n\nAssistant:"), and
    /// `answers`, each with its `answer`, `model` and GPT-4's `rank` (1 the best). The ranks
    /// are the source's annotator's ranking (`--labels-as NAME`); `turns`, `source`,
    /// `good_natured` and the rest are kept as metadata.
    static func nectar(_ fields: inout RecordFields,
                       source: ItemSource) throws(FieldError) -> (target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking]) {
        var transcript = try fields.string("prompt")
        if transcript.hasPrefix("Human: ") { transcript = "\n\n" + transcript }
        while transcript.hasSuffix(" ") || transcript.hasSuffix("\n") { transcript.removeLast() }
        if transcript.hasSuffix("\n\nAssistant:") { transcript.removeLast("\n\nAssistant:".count) }
        let turns: [ChatTurn]
        do { turns = try HHTranscript.parseTurns(transcript) } catch {
            throw FieldError(field: "prompt", message: "expected an HH transcript (\"Human: …\\n\\nAssistant:\"): \(error.message)")
        }
        let prompt: Prompt = turns.count == 1 && turns[0].role == "user" ? .text(turns[0].content) : .chat(turns)
        let list = try fields.requiredValue("answers")
        guard let answers = list.arrayValue else { throw FieldError(field: "answers", message: "expected a list, got \(list.typeName)") }
        var responses: [Response] = [], ranks: [Int?] = []
        for (n, answer) in answers.enumerated() {
            let here = "answers[\(n)]"
            guard case .object = answer else { throw FieldError(field: here, message: "expected an object, got \(answer.typeName)") }
            guard let text = answer["answer"]?.stringValue else { throw FieldError(field: here + ".answer", message: "missing or not a string") }
            responses.append(Response(text: text, model: answer["model"]?.stringValue))
            let rank = answer["rank"]?.doubleValue
            if let rank, rank < 1 || rank != rank.rounded() { throw FieldError(field: here + ".rank", message: "expected a whole number from 1, got \(rank)") }
            ranks.append(rank.map { Int($0) })
        }
        try check(responses, field: "answers")
        let ranking = ranks.allSatisfy({ $0 != nil }) ? Ranking(ranks: ranks.map { $0! }).map { ImportedRanking(ranking: $0) } : nil
        return decoded(id: nil, prompt: prompt, responses: responses, ranking: ranking, metadata: .object(fields.unusedMembers), source: source)
    }

    /// A response: a string, a list of `{role, content}` messages, or `{text, model}`.
    static func response(_ value: JSONValue, field: String) throws(FieldError) -> Response {
        switch value {
        case .string(let text): return Response(text: text)
        case .array(let elements):
            let turns = try ChatTurn.list(from: elements, field: field)
            guard !turns.isEmpty else { throw FieldError(field: field, message: "expected at least one message") }
            return Response(turns: turns)
        case .object:
            var fields = try RecordFields(value)
            guard let text = try fields.optionalString("text") else { throw FieldError(field: field + ".text", message: "missing") }
            let model: String?
            do { model = try fields.optionalString("model") } catch { throw FieldError(field: field + "." + error.field, message: error.message) }
            if let unknown = fields.unusedMembers.first {
                throw FieldError(field: field + "." + unknown.key, message: "unknown field (allowed: text, model)")
            }
            return Response(text: text, model: model)
        default:
            throw FieldError(field: field, message: "expected a string, a list of {role, content} messages or {text, model}, got \(value.typeName)")
        }
    }

    /// The record's ranking, if it has `ranks`.
    static func ranking(_ fields: inout RecordFields, count: Int) throws(FieldError) -> ImportedRanking? {
        let annotator = try fields.personName("annotator", required: false)
        let allBad = try fields.optionalBool("all_bad")
        let note = try fields.optionalString("note")
        let rubric = try fields.value("rubric").map { value throws(FieldError) in try ResponseRatings(json: value, count: count) }
        guard let value = fields.value("ranks") else {
            if annotator != nil || allBad != nil || note != nil || rubric != nil {
                throw FieldError(field: "ranks", message: "missing: the record carries a ranking (annotator, all_bad, rubric or note)")
            }
            return nil
        }
        guard let elements = value.arrayValue else { throw FieldError(field: "ranks", message: "expected a list of ranks, got \(value.typeName)") }
        guard elements.count == count else {
            throw FieldError(field: "ranks", message: "has \(elements.count) ranks for \(count) responses")
        }
        var ranks: [Int] = []
        for (n, element) in elements.enumerated() {
            guard let number = element.doubleValue, number == number.rounded(), number >= 1, number <= Double(count) else {
                let given = element.doubleValue.map { $0 == $0.rounded() && abs($0) < 1e15 ? "\(Int($0))" : "\($0)" } ?? element.typeName
                throw FieldError(field: "ranks[\(n)]", message: "expected a whole number from 1 (the best) to \(count) (the number of responses), got \(given)")
            }
            ranks.append(Int(number))
        }
        guard ranks.contains(1) else {
            throw FieldError(field: "ranks", message: "has no rank 1: the best response is ranked 1 (equal ranks tie)")
        }
        return ImportedRanking(ranking: Ranking(ranks: ranks, allBad: allBad ?? false)!, rubric: rubric ?? ResponseRatings(),
                               author: annotator.map(LabelAuthor.named) ?? .source, note: note)
    }

    /// An OpenAssistant message tree (`message_tree_id`, `prompt`: the first user message,
    /// each message with `text`, `role` prompter or assistant, `replies`): an item for every
    /// prompter message with two or more assistant replies that carry a `rank` (0 the best),
    /// its prompt the conversation down to that message; the ranks are the source's ranking
    /// (`--labels-as NAME`: OpenAssistant ranked by its volunteers' votes). Deleted messages
    /// are passed by. Item ids are the prompter messages' ids.
    static func oasstTree(_ value: JSONValue,
                          source: ItemSource) throws(FieldError) -> [(target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking])] {
        guard case .object = value else { throw FieldError(field: "record", message: "expected a JSON object, got \(value.typeName)") }
        // A trees file's record wraps its root message in `prompt`; a root message may also stand alone.
        let wrapped = value["prompt"] != nil
        guard let root = wrapped ? value["prompt"] : value, case .object = root else {
            throw FieldError(field: "prompt", message: "missing or not a message object")
        }
        var out: [(target: ImportTarget, labels: [ImportedLabel], rankings: [ImportedRanking])] = []
        let tree = value["message_tree_id"]?.stringValue ?? root["message_tree_id"]?.stringValue
        func visit(_ message: JSONValue, path: String, turns: [ChatTurn]) throws(FieldError) {
            guard message["deleted"] != .bool(true) else { return }
            guard let text = message["text"]?.stringValue else { throw FieldError(field: path + ".text", message: "missing or not a string") }
            let role = message["role"]?.stringValue
            guard role == "prompter" || role == "assistant" else {
                throw FieldError(field: path + ".role", message: "expected prompter or assistant, got \(message["role"]?.stringValue ?? message["role"]?.typeName ?? "nothing")")
            }
            let here = turns + [ChatTurn(role: role == "prompter" ? "user" : "assistant", content: text)]
            let replies = message["replies"]?.arrayValue ?? []
            if role == "prompter" {
                let ranked = replies.filter { $0["deleted"] != .bool(true) && $0["role"]?.stringValue == "assistant" && $0["rank"]?.doubleValue != nil
                    && $0["text"]?.stringValue != nil }
                let responses = ranked.map { Response(text: $0["text"]!.stringValue!) }
                if ranked.count >= 2, ranked.count <= RankedItem.sizes.upperBound, Set(responses.map(\.text)).count == responses.count {
                    let ranks = ranked.map { Int($0["rank"]!.doubleValue!) + 1 }
                    let prompt: Prompt = here.count == 1 ? .text(text) : .chat(here)
                    var metadata: [JSONMember] = []
                    if let tree { metadata.append(JSONMember(key: "message_tree_id", value: .string(tree))) }
                    if let lang = message["lang"]?.stringValue { metadata.append(JSONMember(key: "lang", value: .string(lang))) }
                    out.append(decoded(id: message["message_id"]?.stringValue, prompt: prompt, responses: responses,
                                       ranking: Ranking(ranks: ranks).map { ImportedRanking(ranking: $0) }, metadata: .object(metadata), source: source))
                }
            }
            for (n, reply) in replies.enumerated() { try visit(reply, path: path + ".replies[\(n)]", turns: here) }
        }
        try visit(root, path: wrapped ? "prompt" : "message", turns: [])
        return out
    }
}
