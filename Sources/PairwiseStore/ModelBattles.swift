import PairwiseCore

/// A judged battle between the models that wrote an item's two responses.
public struct ModelBattle: Sendable, Equatable {
    public var modelA: String
    public var modelB: String
    /// −3…+3, negative when A was preferred.
    public var strength: Int
    public var bothBad: Bool
}

/// The project's battles and what the export's rule left out of them.
public struct ProjectBattles: Sendable {
    public var battles: [ModelBattle] = []
    /// Labels by simulated annotators, and labels of gold items, left out.
    public var simulatedLeftOut = 0
    public var goldLeftOut = 0
}

extension ProjectStore {
    /// Every current judgment of an item whose two responses carry model names (one battle
    /// each) and every current ranking broken into pairs, the labels `policy` counts (by
    /// default the leaderboard's: neither simulated nor gold), with how many it left out.
    public func modelBattles(policy: LabelPolicy = .for(.leaderboard)) throws -> ProjectBattles {
        var result = ProjectBattles()
        var leftOut = LeftOutLabels()
        let gate = try read { sql in try LabelGate(policy, sql: sql) }
        func keep(item: Int64, origin: String?) -> Bool {
            let verdict = gate.verdict(item: item, origin: origin)
            leftOut.add(verdict)
            return verdict == .counts
        }
        try read { sql in
            // No pair's response names its model: no scan of every judgment to find none.
            guard try sql.integer("SELECT count(*) FROM (SELECT 1 FROM responses WHERE model IS NOT NULL LIMIT 1) AS named") == 1 else { return }
            try sql.scan("""
                SELECT a.model AS model_a, b.model AS model_b, j.strength, j.both_bad, j.item_id, j.origin
                FROM current_judgments j
                JOIN responses a ON a.item_id = j.item_id AND a.slot = 'a'
                JOIN responses b ON b.item_id = j.item_id AND b.slot = 'b'
                WHERE a.model IS NOT NULL AND b.model IS NOT NULL AND a.model <> b.model
                ORDER BY j.id
                """) { row in
                guard keep(item: try row.int64("item_id"), origin: try row.text("origin")) else { return }
                result.battles.append(ModelBattle(modelA: try row.text("model_a"), modelB: try row.text("model_b"),
                                                  strength: try row.int("strength"), bothBad: try row.bool("both_bad")))
            }
        }
        for (item, origin, battles) in try rankedModelBattles() where keep(item: item, origin: origin) { result.battles += battles }
        (result.simulatedLeftOut, result.goldLeftOut) = (leftOut.simulated, leftOut.gold)
        return result
    }
}

extension ProjectStore {
    /// Every current ranking of a ranked item broken into the pairs it implies (full rank
    /// breaking, which keeps the Bradley–Terry fit a consistent estimate of Plackett–Luce
    /// utilities): one battle per pair of responses whose models are named and differ, the
    /// better-ranked as A (strength −2, or 0 for a tie).
    func rankedModelBattles() throws -> [(item: Int64, origin: String?, battles: [ModelBattle])] {
        try read { sql in
            var models: [Int64: [Int: String]] = [:]
            try sql.scan("""
                SELECT item_id, position, model FROM ranked_responses WHERE model IS NOT NULL
                  AND item_id IN (SELECT item_id FROM current_ranking_ids)
                """) { row in models[try row.int64("item_id"), default: [:]][try row.int("position")] = try row.text("model") }
            var out: [(item: Int64, origin: String?, battles: [ModelBattle])] = []
            try sql.scan("SELECT item_id, ranks, all_bad, origin FROM current_rankings ORDER BY id") { row in
                let item = try row.int64("item_id")
                guard let names = models[item], let ranking = Ranking(json: try row.text("ranks"), allBad: try row.bool("all_bad")) else { return }
                var battles: [ModelBattle] = []
                for pair in ranking.impliedPairs {
                    guard let a = names[pair.first], let b = names[pair.second], a != b else { continue }
                    battles.append(ModelBattle(modelA: a, modelB: b, strength: pair.direction * 2, bothBad: ranking.allBad && pair.direction == 0))
                }
                if !battles.isEmpty { out.append((item, try row.text("origin"), battles)) }
            }
            return out
        }
    }
}
