/// Export lines of a ranked item with its current rankings.
public enum RankedExport {
    /// The `ranked` format's line (schemas/ranked-export.schema.json): the prompt, the
    /// responses best first with their consensus rank and Borda score, each response's
    /// rubric values (the mean over `ratings`, the annotators' values in stored order), and
    /// how many rankings made it. Nil without rankings.
    public static func rankedLine(_ item: RankedItem, rankings: [Ranking], ratings: [ResponseRatings] = [], adjudicated: Bool = false) -> String? {
        guard let consensus = AggregatedRanking(rankings) else { return nil }
        let order = consensus.ranks.indices.sorted {
            consensus.ranks[$0] != consensus.ranks[$1] ? consensus.ranks[$0] < consensus.ranks[$1] : $0 < $1
        }
        let means = ResponseRatings.means(ratings, count: item.responses.count)
        let responses: [JSONValue] = order.map { i in
            var members = [JSONMember(key: "response", value: item.responses[i].json)]
            if let model = item.responses[i].model { members.append(JSONMember(key: "model", value: .string(model))) }
            members += [JSONMember(key: "rank", value: .int(consensus.ranks[i])), JSONMember(key: "score", value: .double(rounded(consensus.scores[i])))]
            if !means.isEmpty {
                members.append(JSONMember(key: "rubric", value: .object(means.map { JSONMember(key: $0.key, value: .double(rounded($0.values[i]))) })))
            }
            return .object(members)
        }
        return JSONWriter.string(.object([
            "id": .string(item.id), "prompt": item.prompt.json, "responses": .array(responses),
            "all_bad": .bool(consensus.allBad), "rankings": .int(consensus.rankings),
            "label_source": .string(labelSource(consensus, adjudicated: adjudicated)),
        ]))
    }

    /// The `rankings` format's line: one annotator's ranking as our ranked jsonl
    /// (schemas/ranked-item.schema.json), the responses in stored order, so that it reads
    /// back with `import --labels` as the same item and the same label.
    public static func rankingLine(_ item: RankedItem, ranking: Ranking, rubric: ResponseRatings, annotator: String, note: String?) -> String {
        var members = [JSONMember(key: "id", value: .string(item.id)), JSONMember(key: "prompt", value: item.prompt.json),
                       JSONMember(key: "responses", value: .array(item.responses.map { response in
                           response.model.map { .object(["text": .string(response.text), "model": .string($0)]) } ?? response.json
                       })),
                       JSONMember(key: "ranks", value: .array(ranking.ranks.map(JSONValue.int))), JSONMember(key: "all_bad", value: .bool(ranking.allBad))]
        if !rubric.isEmpty { members.append(JSONMember(key: "rubric", value: rubric.json)) }
        members.append(JSONMember(key: "annotator", value: .string(annotator)))
        if let note { members.append(JSONMember(key: "note", value: .string(note))) }
        return JSONWriter.string(.object(members))
    }

    /// How the label came about: a lead's decision, one ranking, several the same, or a consensus.
    static func labelSource(_ consensus: AggregatedRanking, adjudicated: Bool) -> String {
        adjudicated ? "adjudicated" : consensus.rankings == 1 ? "single" : consensus.unanimous ? "unanimous" : "majority"
    }

    /// TRL lines for the pairs `policy` takes from the consensus (`ExportEncoder`'s TRL
    /// form: strings, or messages when `conversational`). `margin` is 3 × the chosen's
    /// Borda score less the rejected's: 3 for the best against the worst when every
    /// ranking agrees, as "much better" is 3 for a pair. Ids are `ID/chosen>rejected`
    /// with responses numbered from 1 in stored order.
    public static func trlLines(_ item: RankedItem, rankings: [Ranking], policy: RankedPairPolicy, conversational: Bool,
                                adjudicated: Bool = false) -> [String] {
        guard let consensus = AggregatedRanking(rankings), !consensus.allBad else { return [] }
        let prompt: JSONValue
        switch (conversational, item.prompt) {
        case (true, .text(let text)): prompt = Prompt.chat([ChatTurn(role: "user", content: text)]).json
        default: prompt = item.prompt.json
        }
        return policy.pairs(consensus, contentHash: item.contentHash).map { chosen, rejected in
            let reply = { (response: Response) -> JSONValue in conversational ? Prompt.chat(response.messages).json : .string(response.text) }
            return JSONWriter.string(.object([
                "id": .string("\(item.id)/\(chosen + 1)>\(rejected + 1)"), "prompt": prompt,
                "chosen": reply(item.responses[chosen]), "rejected": reply(item.responses[rejected]),
                "margin": .double(rounded(3 * (consensus.scores[chosen] - consensus.scores[rejected]))),
                "label_source": .string(labelSource(consensus, adjudicated: adjudicated)),
                "judgments": .int(consensus.rankings), "agreement": .null, "model_margin": .null,
            ]))
        }
    }

    /// Whether TRL needs its conversational form for this item.
    public static func needsConversationalForm(_ item: RankedItem) -> Bool {
        if case .chat = item.prompt { return true }
        return item.responses.contains { $0.turns != nil }
    }

    /// Six decimals: scores are means of fractions, and a file should not carry 0.30000000000000004.
    static func rounded(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}
