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
