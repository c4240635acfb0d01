/// Records of items with several responses to rank.
enum RankedDecoders {
    static let jsonlFields = "id, prompt, responses, metadata, ranks, all_bad, annotator, note"

    /// Our jsonl with `responses: [...]` (schemas/item.schema.json): each response a string,
    /// a list of `{role, content}` messages, or `{"text": …, "model": …}`; optionally one
    /// ranking, `ranks` (1 the best, equal ranks tied, in the record's order of the
    /// responses) with `all_bad`, `annotator` and `note`. Two responses make a pair, as
    /// `response_a`/`response_b` would (ranks [1, 2] say the first is better, with the
    /// strength a binary label has).
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
        for (n, response) in responses.enumerated() where responses[..<n].contains(where: { $0.json == response.json }) {
            throw FieldError(field: "responses[\(n)]", message: "repeats an earlier response: each response of an item differs")
        }
        var metadata = JSONValue.object([])
        if let value = fields.value("metadata") {
            guard case .object = value else { throw FieldError(field: "metadata", message: "expected an object, got \(value.typeName)") }
            metadata = value
        }
        let ranking = try self.ranking(&fields, count: responses.count)
        try fields.refuseUnknown(allowed: jsonlFields)
        if responses.count == 2 {
            let item = Item(id: id, prompt: prompt, responseA: responses[0], responseB: responses[1], metadata: metadata, source: source)
            let labels = ranking.map { imported in
                let direction = imported.ranking.ranks[0] < imported.ranking.ranks[1] ? -1 : imported.ranking.ranks[0] > imported.ranking.ranks[1] ? 1 : 0
                return ImportedLabel(strength: PreferenceStrength(direction * ImportedLabel.binaryMagnitude)!, bothBad: imported.ranking.allBad,
                                     author: imported.author, note: imported.note)
            }
            return (.item(item), labels.map { [$0] } ?? [], [])
        }
        let item = RankedItem(id: id, prompt: prompt, responses: responses, metadata: metadata, source: source)
        return (.rankedItem(item), [], ranking.map { [$0] } ?? [])
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
        let annotator = try fields.optionalString("annotator")
        let allBad = try fields.optionalBool("all_bad")
        let note = try fields.optionalString("note")
        guard let value = fields.value("ranks") else {
            if annotator != nil || allBad != nil || note != nil {
                throw FieldError(field: "ranks", message: "missing: the record carries a ranking (annotator, all_bad or note)")
            }
            return nil
        }
        guard let elements = value.arrayValue else { throw FieldError(field: "ranks", message: "expected a list of ranks, got \(value.typeName)") }
        guard elements.count == count else {
            throw FieldError(field: "ranks", message: "has \(elements.count) ranks for \(count) responses")
        }
        var ranks: [Int] = []
        for (n, element) in elements.enumerated() {
            guard let number = element.doubleValue, number == number.rounded(), number >= 1, number <= 1000 else {
                let given = element.doubleValue.map { $0 == $0.rounded() && abs($0) < 1e15 ? "\(Int($0))" : "\($0)" } ?? element.typeName
                throw FieldError(field: "ranks[\(n)]", message: "expected a whole number from 1 (the best) to 1000, got \(given)")
            }
            ranks.append(Int(number))
        }
        if let annotator, annotator.isEmpty { throw FieldError(field: "annotator", message: "expected a name, got an empty string") }
        return ImportedRanking(ranking: Ranking(ranks: ranks, allBad: allBad ?? false)!, author: annotator.map(LabelAuthor.named) ?? .source, note: note)
    }
}
