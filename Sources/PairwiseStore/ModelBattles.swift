import GRDB
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
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.model AS model_a, b.model AS model_b, j.strength, j.both_bad
                FROM current_judgments j
                JOIN responses a ON a.item_id = j.item_id AND a.slot = 'a'
                JOIN responses b ON b.item_id = j.item_id AND b.slot = 'b'
                WHERE a.model IS NOT NULL AND b.model IS NOT NULL AND a.model <> b.model
                ORDER BY j.id
                """).map { row in
                ModelBattle(modelA: row["model_a"], modelB: row["model_b"], strength: row["strength"], bothBad: row["both_bad"])
            }
        }
    }
}
