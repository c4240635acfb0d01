import PairwiseCore

/// A judged battle between the models that wrote an item's two responses.
public struct ModelBattle: Sendable, Equatable {
    public var modelA: String
    public var modelB: String
    /// −3…+3, negative when A was preferred.
    public var strength: Int
    public var bothBad: Bool
}

extension ProjectStore {
    /// Every current judgment of an item whose two responses carry model names: one battle each.
    public func modelBattles() throws -> [ModelBattle] {
        try read { sql in
            try sql.rows("""
                SELECT a.model AS model_a, b.model AS model_b, j.strength, j.both_bad
                FROM current_judgments j
                JOIN responses a ON a.item_id = j.item_id AND a.slot = 'a'
                JOIN responses b ON b.item_id = j.item_id AND b.slot = 'b'
                WHERE a.model IS NOT NULL AND b.model IS NOT NULL AND a.model <> b.model
                ORDER BY j.id
                """, []).map { row in
                ModelBattle(modelA: row.text(0) ?? "", modelB: row.text(1) ?? "", strength: row.int(2), bothBad: row.int(3) != 0)
            }
        }
    }
}

extension ProjectStore {
    /// Every current ranking of a ranked item broken into the pairs it implies (full rank
    /// breaking, which keeps the Bradley–Terry fit a consistent estimate of Plackett–Luce
    /// utilities): one battle per pair of responses whose models are named and differ, the
    /// better-ranked as A (strength −2, or 0 for a tie).
    public func rankedModelBattles() throws -> [ModelBattle] {
        try read { sql in
            var models: [Int64: [Int: String]] = [:]
            try sql.scan("""
                SELECT item_id, position, model FROM ranked_responses WHERE model IS NOT NULL
                  AND item_id IN (SELECT item_id FROM current_ranking_ids)
                """, []) { row in models[Int64(row.int(0)), default: [:]][row.int(1)] = row.text(2) }
            var battles: [ModelBattle] = []
            try sql.scan("SELECT item_id, ranks, all_bad FROM current_rankings ORDER BY id", []) { row in
                guard let names = models[Int64(row.int(0))], let ranking = Ranking(json: row.text(1) ?? "", allBad: row.int(2) != 0) else { return }
                for pair in ranking.impliedPairs {
                    guard let a = names[pair.first], let b = names[pair.second], a != b else { continue }
                    battles.append(ModelBattle(modelA: a, modelB: b, strength: pair.direction * 2, bothBad: ranking.allBad && pair.direction == 0))
                }
            }
            return battles
        }
    }
}
