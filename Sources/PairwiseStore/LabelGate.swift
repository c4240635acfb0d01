import PairwiseCore

/// A `LabelPolicy` applied to one read: the gold items it leaves out and the items a lead
/// settled, looked up once, then a verdict per label.
struct LabelGate {
    let policy: LabelPolicy
    /// Gold items whose labels the policy leaves out (none when it counts them, or when the
    /// reader may not know which items are gold).
    let goldItems: Set<Int64>
    /// Items a lead adjudicated (pairs and ranked), read only when the verdicts depend on it.
    let adjudicatedItems: Set<Int64>

    init(_ policy: LabelPolicy, sql: SQLConnection) throws {
        self.policy = policy
        goldItems = policy.gold ? [] : try ProjectStore.readableGoldItemIDs(sql)
        var settled: Set<Int64> = []
        if policy.adjudicationSettles && !policy.simulated {
            try sql.scan("SELECT item_id FROM current_adjudications") { settled.insert(try $0.int64("item_id")) }
            try sql.scan("SELECT item_id FROM current_ranking_adjudications") { settled.insert(try $0.int64("item_id")) }
        }
        adjudicatedItems = settled
    }

    /// Whether a current label on `item` made with `origin` counts, or why not.
    func verdict(item: Int64, origin: String?) -> LabelPolicy.Verdict {
        policy.verdict(origin: origin, onGoldItem: goldItems.contains(item), adjudicated: adjudicatedItems.contains(item))
    }

    /// Whether the lead's adjudication of `item` counts.
    func countsAdjudication(item: Int64) -> Bool {
        policy.countsAdjudication(onGoldItem: goldItems.contains(item))
    }

    /// Whether the policy leaves nothing out, so a reader need not ask per label.
    var admitsEverything: Bool { goldItems.isEmpty && policy.simulated }
}
