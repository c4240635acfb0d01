import Foundation

/// What `pairwise copy` copied: rows per table.
public struct CopySummary: Equatable, Sendable {
    public var rows: [String: Int] = [:]
    public init() {}
}

/// Copies a whole project into a new one, between SQLite and PostgreSQL in either direction:
/// every table's rows with the same ids, read from one snapshot of the source and written in
/// one transaction (all or nothing). The counts each item keeps and the current judgments
/// are not copied but remade by the destination's own triggers as the judgments and
/// retractions arrive in id order, so they hold there by construction. Left out: the
/// trainer's lease (a process's, not the project's).
public enum ProjectCopy {
    /// Every copied table and its columns, parents before children, in the order of the
    /// schema at v12 (`copiedColumnsCoverTheSchema` checks a new migration's columns are here).
    static let tables: [(name: String, columns: [String], order: String)] = [
        ("settings", ["key", "value"], "key"),
        ("rubrics", ["id", "name", "definition", "created_at"], "id"),
        ("annotators", ["id", "name", "role", "created_at"], "id"),
        ("items", ["id", "external_id", "content_hash", "prompt", "metadata", "source_format", "source_file", "source_line", "created_at",
                   "response_count"], "id"),
        ("responses", ["id", "item_id", "slot", "text", "model", "turns"], "id"),
        ("response_embeddings", ["item_id", "slot", "vector"], "item_id, slot"),
        ("assignments", ["item_id", "annotator_id", "assigned_at"], "item_id, annotator_id"),
        ("judgments", ["id", "item_id", "annotator_id", "strength", "both_bad", "rubric", "note", "shown_order", "ms", "created_at", "origin", "source",
                        "guidelines_version", "suggestion_shown"], "id"),
        ("judgment_retractions", ["judgment_id", "annotator_id", "created_at"], "judgment_id"),
        ("item_events", ["id", "item_id", "annotator_id", "kind", "reason", "created_at"], "id"),
        ("adjudications", ["id", "item_id", "lead_id", "strength", "both_bad", "rubric", "reason", "note", "created_at"], "id"),
        ("adjudication_retractions", ["adjudication_id", "lead_id", "created_at"], "adjudication_id"),
        ("model_runs", ["id", "started_at", "finished_at", "status", "pairs", "accuracy", "log_loss", "calibration_error", "train_seconds",
                        "parameters", "weights", "last_judgment_id", "uncertainties"], "id"),
        ("model_scores", ["run_id", "item_id", "reward_a", "reward_b", "margin", "uncertainty", "held_out_margin"], "run_id, item_id"),
        ("model_heads", ["run_id", "dimension", "examples", "held_out_rmse", "held_out_pearson", "weights"], "run_id, dimension"),
        ("item_leases", ["item_id", "annotator_id", "expires_at"], "item_id, annotator_id"),
        ("gold_answers", ["item_id", "strength", "both_bad", "rubric", "explanation", "source", "created_at"], "item_id"),
        ("suggestions", ["item_id", "source", "strength", "both_bad", "rubric", "note", "file", "created_at"], "item_id, source"),
        ("guidelines", ["version", "text", "source", "created_at"], "version"),
        ("ranked_responses", ["id", "item_id", "position", "text", "model", "turns"], "id"),
        ("rankings", ["id", "item_id", "annotator_id", "ranks", "all_bad", "rubric", "note", "shown_order", "ms", "created_at", "origin", "source",
                      "guidelines_version"], "id"),
        ("ranking_retractions", ["ranking_id", "annotator_id", "created_at"], "ranking_id"),
        ("ranking_adjudications", ["id", "item_id", "lead_id", "ranks", "all_bad", "reason", "note", "created_at", "rubric"], "id"),
        ("ranking_adjudication_retractions", ["adjudication_id", "lead_id", "created_at"], "adjudication_id"),
        ("remote_keys", ["fingerprint", "annotator_id", "public_key", "added_at"], "fingerprint"),
    ]

    /// Columns no copy carries: kept by triggers in the destination, or a process's own.
    static let remade: [String: Set<String>] = [
        "items": ["judges", "prefer_a", "prefer_b", "prefer_neither", "strength_min", "strength_max"],
    ]
    static let notCopied: Set<String> = ["current_judgment_ids", "current_ranking_ids", "trainer_lease",
                                         "item_judge_counts", "annotator_label_counts"]

    /// Tables whose ids an identity (PostgreSQL) must continue after.
    static let identityTables = ["rubrics", "annotators", "items", "responses", "judgments", "item_events", "adjudications", "model_runs",
                                 "ranked_responses", "rankings", "ranking_adjudications"]

    /// Copies `source` into a new project at `destination` (a path or a `postgres://` URL of
    /// an empty database); on a failure nothing is left in a new SQLite file.
    @discardableResult
    public static func copy(from source: ProjectStore, to destination: String) throws -> (ProjectStore, CopySummary) {
        let target = try StoreError.translating(path: destination) { try ProjectStore.createEmpty(at: destination) }
        do {
            let summary = try source.read { from in
                try target.write { to in try copyRows(from: from, to: to) }
            }
            try target.analyzeAfterBulkLoad()
            return (target, summary)
        } catch {
            target.removeNewProject()
            throw error
        }
    }

    private static func copyRows(from: SQLConnection, to: SQLConnection) throws -> CopySummary {
        var summary = CopySummary()
        for table in tables {
            var insert = BatchInsert(to, table: table.name, columns: table.columns)
            // PostgreSQL plans the counts' triggers when their tables are still empty, and
            // keeps plans that scan them whole: each judgment cost more than the last (60k
            // judgments: 2.2 ms each, 139 s). Statistics taken as the tables double (inside
            // this transaction, which sees its own rows) replan them with their indexes
            // (0.21 ms each, 21 s).
            var analyzeAt = 1_024
            try from.scan("SELECT \(table.columns.joined(separator: ", ")) FROM \(table.name) ORDER BY \(table.order)", []) { row in
                try insert.add(table.columns.indices.map { row.value($0) })
                if to.dialect == .postgres && insert.inserted >= analyzeAt {
                    try to.execute("ANALYZE items, current_judgment_ids, current_ranking_ids, \(table.name)", [])
                    analyzeAt *= 2
                }
            }
            try insert.flush()
            summary.rows[table.name] = insert.inserted
        }
        try ProjectStore.advanceIdentities(identityTables, sql: to)
        return summary
    }
}
