/// The two kinds of label: a pair's judgment and a ranked item's ranking. They share one
/// life (submitted, replaced by the same person's next, retracted by undo, overruled by a
/// lead's decision, which a lead may retract), kept in parallel tables this names.
enum LabelKind: CaseIterable {
    case judgment, ranking

    var table: String { self == .judgment ? "judgments" : "rankings" }
    var retractions: String { self == .judgment ? "judgment_retractions" : "ranking_retractions" }
    /// Each (item, annotator)'s current label, kept by the triggers.
    var currentTable: String { self == .judgment ? "current_judgment_ids" : "current_ranking_ids" }
    /// The label's id column in `retractions` and `currentTable`.
    var idColumn: String { self == .judgment ? "judgment_id" : "ranking_id" }
    /// A lead's decisions on items of this kind, and their retractions (by `adjudication_id`).
    var decisions: String { self == .judgment ? "adjudications" : "ranking_adjudications" }
    var decisionRetractions: String { self == .judgment ? "adjudication_retractions" : "ranking_adjudication_retractions" }
    /// The word for one, in messages.
    var noun: String { self == .judgment ? "judgment" : "ranking" }
}
