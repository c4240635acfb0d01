/// The schema of a project in PostgreSQL, versioned alike with SQLite's: a database records
/// the same migration identifiers (in `pairwise_migrations`). No PostgreSQL project predates
/// v11, so the first step creates the schema as SQLite's v1–v11 leave it and records those
/// eleven; every later migration carries SQL for both stores.
///
/// Differences from SQLite, each for a reason: ids are identity columns, ALWAYS since v16.2
/// (`pairwise copy` and a lead's import give them with OVERRIDING SYSTEM VALUE); booleans stay integers 0/1 and times stay ISO-8601
/// text, so that rows read the same from both stores; sorted text (item ids, names, times)
/// uses the "C" collation, SQLite's byte order; the kept counts are maintained by PL/pgSQL
/// triggers that lock the item row first.
enum PostgresSchema {
    /// The migrations the baseline stands for.
    static let baselineIdentifiers = Schema.migrations.prefix(11).map(\.identifier)

    /// Later migrations, oldest first.
    static let migrations: [(identifier: String, sql: String)] = [
        (Schema.migrations[11].identifier, v12 + PostgresRoles.qualityControlPrivileges + PostgresRoles.goldFunctionPrivileges),
        ("v12.1 (PostgreSQL): annotators lock the items they write; the others' labels for their drift check",
         v12_1 + PostgresRoles.annotatorFunctionPrivileges),
        (Schema.migrations[12].identifier, v13 + PostgresRoles.rankingPrivileges),
        (Schema.migrations[13].identifier, v14 + PostgresRoles.rankingAdjudicationPrivileges),
        (Schema.migrations[14].identifier, Schema.v15),
        (Schema.migrations[15].identifier, v16 + PostgresRoles.groupBlock("    ALTER VIEW current_ranking_adjudications SET (security_invoker = true);")),
        ("v16.1 (PostgreSQL): leads take item ids from the sequence ahead of the rows", PostgresRoles.itemIDPrivileges),
        ("v16.2 (PostgreSQL): the boundary holds against an annotator with psql", PostgresBoundary.migration),
    ]

    /// Every identifier a current database records.
    static var identifiers: [String] { baselineIdentifiers + migrations.map(\.identifier) }

    /// Brings the database to the newest schema; returns whether it changed anything.
    /// Refuses a database that is not a project (unless `creating`) or one from a newer version.
    /// `through`: stop after that migration (tests make a project as an older version left it).
    @discardableResult
    static func migrate(_ sql: SQLConnection, location: String, creating: Bool, through last: String? = nil) throws -> Bool {
        // A current project is only read: no lock, so that no one holding the advisory lock
        // (anyone may take one) keeps others from opening it.
        if !creating, last == nil, try sql.transaction({
            try sql.integer("SELECT count(*) FROM pg_tables WHERE tablename = 'pairwise_migrations' AND schemaname = current_schema()") == 1
                && Set(try sql.records("SELECT identifier FROM pairwise_migrations") { try $0.text("identifier") }) == Set(identifiers)
        }) {
            return false
        }
        return try sql.transaction {
            // One migrator at a time: the lock is held to the end of this transaction.
            try sql.execute("SELECT pg_advisory_xact_lock(\(ProjectStore.postgresWriterLock))", [])
            let exists = try sql.integer("SELECT count(*) FROM pg_tables WHERE tablename = 'pairwise_migrations' AND schemaname = current_schema()") == 1
            var applied: Set<String> = []
            if exists {
                applied = Set(try sql.records("SELECT identifier FROM pairwise_migrations") { try $0.text("identifier") })
                if creating {
                    throw StoreError(.alreadyExists, "\(location) already holds a project; pass --db with another database to make another project")
                }
            } else if !creating {
                throw StoreError(.noProject, "\(location) holds no Pairwise project: run `pairwise init --db \(location)` first")
            } else if try sql.integer("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") ?? 0 > 0 {
                throw StoreError(.invalid, "\(location) already holds other tables: a project needs a database of its own (createdb NAME)")
            }
            let known = Set(identifiers)
            if !applied.isSubset(of: known) {
                throw StoreError(.newerVersion, "\(location) was last written by a newer version of pairwise: upgrade pairwise to use it (nothing was changed)")
            }
            let wanted = last.flatMap { last in migrations.firstIndex { $0.identifier == last } }.map { migrations.prefix(through: $0) } ?? migrations[...]
            let pending = wanted.filter { !applied.contains($0.identifier) }
            if !applied.isEmpty, !pending.isEmpty, let owner = try sql.record("""
                SELECT t.tableowner FROM pg_tables t WHERE t.tablename = 'items' AND t.schemaname = current_schema()
                  AND NOT pg_has_role(current_user, t.tableowner, 'USAGE') AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                """, { try $0.text("tableowner") }) {
                // Only the tables' owner may change them: say who, rather than fail on the first statement.
                throw StoreError(.refused, "\(location) was last upgraded by an older version of pairwise; only its owner, \(owner), can upgrade "
                    + "it: \(owner) runs any pairwise command on it once with this version (nothing was changed)")
            }
            var changed = false
            if applied.isEmpty {
                try sql.execute(baseline, [])
                for identifier in baselineIdentifiers { try record(identifier, sql) }
                changed = true
            }
            for migration in pending {
                try sql.execute(migration.sql, [])
                try record(migration.identifier, sql)
                changed = true
            }
            return changed
        }
    }

    private static func record(_ identifier: String, _ sql: SQLConnection) throws {
        try sql.execute("INSERT INTO pairwise_migrations (identifier) VALUES (?)", [.text(identifier)])
    }

    /// As SQLite's v12. Annotators never read gold answers: they learn which items are gold
    /// (not their answers) and, once they judged one, its answer, through functions that run
    /// as the owner.
    static let v12 = """
    CREATE TABLE gold_answers (
        item_id BIGINT PRIMARY KEY REFERENCES items(id),
        strength BIGINT NOT NULL CHECK (strength BETWEEN -3 AND 3),
        both_bad BIGINT NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        explanation TEXT,
        source TEXT,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE suggestions (
        item_id BIGINT NOT NULL REFERENCES items(id),
        source TEXT COLLATE "C" NOT NULL,
        strength BIGINT NOT NULL CHECK (strength BETWEEN -3 AND 3),
        both_bad BIGINT NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        note TEXT,
        file TEXT,
        created_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (item_id, source)
    );
    CREATE TABLE guidelines (
        version BIGINT PRIMARY KEY,
        text TEXT NOT NULL,
        source TEXT,
        created_at TEXT COLLATE "C" NOT NULL
    );
    ALTER TABLE judgments ADD COLUMN guidelines_version BIGINT;
    ALTER TABLE judgments ADD COLUMN suggestion_shown TEXT;
    CREATE FUNCTION pairwise_gold_item_ids() RETURNS SETOF BIGINT LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
        'SELECT item_id FROM gold_answers';
    CREATE FUNCTION pairwise_gold_answer(item BIGINT) RETURNS TABLE (strength BIGINT, both_bad BIGINT, explanation TEXT)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
        'SELECT g.strength, g.both_bad, g.explanation FROM gold_answers g WHERE g.item_id = item
           AND EXISTS (SELECT 1 FROM judgments j JOIN annotators p ON p.id = j.annotator_id
                       WHERE j.item_id = item AND p.name = session_user)';
    """

    /// As SQLite's v13: ranked items' responses, rankings and their retractions, append-only,
    /// with each (item, annotator)'s current ranking and the item's judge count kept by
    /// triggers (SECURITY DEFINER: annotators may not write them).
    static let v13 = """
    ALTER TABLE items ADD COLUMN response_count BIGINT NOT NULL DEFAULT 2;
    CREATE TABLE ranked_responses (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        position BIGINT NOT NULL CHECK (position BETWEEN 0 AND 8),
        text TEXT NOT NULL,
        model TEXT,
        turns TEXT,
        UNIQUE (item_id, position)
    );
    CREATE TABLE rankings (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        ranks TEXT NOT NULL,
        all_bad BIGINT NOT NULL DEFAULT 0,
        rubric TEXT NOT NULL DEFAULT '{}',
        note TEXT,
        shown_order TEXT,
        ms BIGINT,
        created_at TEXT COLLATE "C" NOT NULL,
        origin TEXT NOT NULL,
        source TEXT,
        guidelines_version BIGINT
    );
    CREATE INDEX rankings_by_item ON rankings(item_id, annotator_id);
    CREATE TABLE ranking_retractions (
        ranking_id BIGINT PRIMARY KEY REFERENCES rankings(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE current_ranking_ids (
        item_id BIGINT NOT NULL,
        annotator_id BIGINT NOT NULL,
        ranking_id BIGINT NOT NULL UNIQUE,
        PRIMARY KEY (item_id, annotator_id)
    );
    CREATE INDEX current_ranking_ids_by_annotator ON current_ranking_ids(annotator_id);
    CREATE VIEW current_rankings AS
        SELECT r.* FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id;
    CREATE TRIGGER rankings_append_only BEFORE UPDATE OR DELETE ON rankings
        FOR EACH ROW EXECUTE FUNCTION refuse_change('rankings');
    CREATE TRIGGER ranking_retractions_append_only BEFORE UPDATE OR DELETE ON ranking_retractions
        FOR EACH ROW EXECUTE FUNCTION refuse_change('retractions');
    CREATE TRIGGER rankings_no_truncate BEFORE TRUNCATE ON rankings
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('rankings');

    \(PostgresBoundary.rankingsKeepCurrent)
    CREATE TRIGGER rankings_keep_current AFTER INSERT ON rankings FOR EACH ROW EXECUTE FUNCTION rankings_keep_current();

    \(PostgresBoundary.rankingRetractionsKeepCurrent)
    CREATE TRIGGER ranking_retractions_keep_current AFTER INSERT ON ranking_retractions
        FOR EACH ROW EXECUTE FUNCTION ranking_retractions_keep_current();

    """

    /// As SQLite's v14: leads' rankings of contested ranked items, append-only.
    static let v14 = """
    CREATE TABLE ranking_adjudications (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id),
        lead_id BIGINT NOT NULL REFERENCES annotators(id),
        ranks TEXT NOT NULL,
        all_bad BIGINT NOT NULL DEFAULT 0,
        reason TEXT NOT NULL CHECK (reason IN ('ambiguous', 'guideline gap', 'annotator error', 'both acceptable', 'other')),
        note TEXT,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX ranking_adjudications_by_item ON ranking_adjudications(item_id, id);
    CREATE TABLE ranking_adjudication_retractions (
        adjudication_id BIGINT PRIMARY KEY REFERENCES ranking_adjudications(id),
        lead_id BIGINT NOT NULL REFERENCES annotators(id),
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE VIEW current_ranking_adjudications AS
        SELECT a.* FROM ranking_adjudications a
        WHERE a.id = (
            SELECT max(b.id) FROM ranking_adjudications b
            WHERE b.item_id = a.item_id
              AND NOT EXISTS (SELECT 1 FROM ranking_adjudication_retractions r WHERE r.adjudication_id = b.id));
    CREATE TRIGGER ranking_adjudications_append_only BEFORE UPDATE OR DELETE ON ranking_adjudications
        FOR EACH ROW EXECUTE FUNCTION refuse_change('adjudications');
    CREATE TRIGGER ranking_adjudication_retractions_append_only BEFORE UPDATE OR DELETE ON ranking_adjudication_retractions
        FOR EACH ROW EXECUTE FUNCTION refuse_change('retractions');

    """

    /// As SQLite's v16. A view's `*` is expanded when PostgreSQL creates it, so the view is
    /// made again to show the new column (its grants stay; its options are set again after).
    static let v16 = """
    ALTER TABLE ranking_adjudications ADD COLUMN rubric TEXT NOT NULL DEFAULT '{}';
    CREATE OR REPLACE VIEW current_ranking_adjudications AS
        SELECT a.* FROM ranking_adjudications a
        WHERE a.id = (
            SELECT max(b.id) FROM ranking_adjudications b
            WHERE b.item_id = a.item_id
              AND NOT EXISTS (SELECT 1 FROM ranking_adjudication_retractions r WHERE r.adjudication_id = b.id));

    """

    /// `pairwise_lock_items`: locks item rows, in id order, for a writer who may not update
    /// them (an annotator claiming or judging items). `pairwise_others_labels`: the others'
    /// current labels, without names, on the calling annotator's newest `newest` items, what
    /// their own drift check compares them with (row security shows them only their own).
    static let v12_1 = """
    CREATE FUNCTION pairwise_lock_items(VARIADIC ids BIGINT[]) RETURNS VOID
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS
        'BEGIN PERFORM 1 FROM items WHERE id = ANY(ids) ORDER BY id FOR UPDATE; END';
    CREATE FUNCTION pairwise_others_labels(newest BIGINT) RETURNS TABLE (item_id BIGINT, strength BIGINT, both_bad BIGINT)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
        'WITH me AS (SELECT id FROM annotators WHERE name = session_user),
              mine AS (SELECT c.item_id FROM current_judgment_ids c JOIN me ON c.annotator_id = me.id
                       ORDER BY c.judgment_id DESC LIMIT newest)
         SELECT c.item_id, j.strength, j.both_bad FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
         WHERE c.item_id IN (SELECT item_id FROM mine) AND c.annotator_id NOT IN (SELECT id FROM me)';

    """

    static let baseline = """
    CREATE TABLE pairwise_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE rubrics (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE annotators (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('annotator', 'lead')),
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE items (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        external_id TEXT COLLATE "C" NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        prompt TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        source_format TEXT,
        source_file TEXT,
        source_line BIGINT,
        created_at TEXT COLLATE "C" NOT NULL,
        judges BIGINT NOT NULL DEFAULT 0,
        prefer_a BIGINT NOT NULL DEFAULT 0,
        prefer_b BIGINT NOT NULL DEFAULT 0,
        prefer_neither BIGINT NOT NULL DEFAULT 0,
        strength_min BIGINT,
        strength_max BIGINT
    );
    CREATE INDEX items_by_judges ON items(judges, prefer_a, prefer_b, prefer_neither);
    CREATE INDEX items_split ON items(prefer_a, prefer_b, prefer_neither, strength_min, strength_max)
        WHERE (prefer_a > 0)::integer + (prefer_b > 0)::integer + (prefer_neither > 0)::integer >= 2;
    CREATE TABLE responses (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        slot TEXT NOT NULL CHECK (slot IN ('a', 'b')),
        text TEXT NOT NULL,
        model TEXT,
        turns TEXT,
        UNIQUE (item_id, slot)
    );
    CREATE TABLE assignments (
        item_id BIGINT NOT NULL REFERENCES items(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        assigned_at TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (item_id, annotator_id)
    );
    CREATE TABLE judgments (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        strength BIGINT NOT NULL CHECK (strength BETWEEN -3 AND 3),
        both_bad BIGINT NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        note TEXT,
        shown_order TEXT NOT NULL CHECK (shown_order IN ('ab', 'ba')),
        ms BIGINT NOT NULL CHECK (ms >= 0),
        created_at TEXT COLLATE "C" NOT NULL,
        origin TEXT NOT NULL,
        source TEXT
    );
    CREATE INDEX judgments_by_item ON judgments(item_id, annotator_id, id);
    CREATE INDEX judgments_by_annotator ON judgments(annotator_id, id);
    CREATE TABLE judgment_retractions (
        judgment_id BIGINT PRIMARY KEY REFERENCES judgments(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE item_events (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        kind TEXT NOT NULL CHECK (kind IN ('skip', 'flag')),
        reason TEXT,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX item_events_by_item ON item_events(item_id);
    CREATE TABLE adjudications (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        item_id BIGINT NOT NULL REFERENCES items(id),
        lead_id BIGINT NOT NULL REFERENCES annotators(id),
        strength BIGINT NOT NULL CHECK (strength BETWEEN -3 AND 3),
        both_bad BIGINT NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        reason TEXT NOT NULL CHECK (reason IN ('ambiguous', 'guideline gap', 'annotator error', 'both acceptable', 'other')),
        note TEXT,
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE INDEX adjudications_by_item ON adjudications(item_id, id);
    CREATE TABLE adjudication_retractions (
        adjudication_id BIGINT PRIMARY KEY REFERENCES adjudications(id),
        lead_id BIGINT NOT NULL REFERENCES annotators(id),
        created_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE model_runs (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        started_at TEXT COLLATE "C" NOT NULL,
        finished_at TEXT COLLATE "C",
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        pairs BIGINT,
        accuracy DOUBLE PRECISION,
        log_loss DOUBLE PRECISION,
        calibration_error DOUBLE PRECISION,
        train_seconds DOUBLE PRECISION,
        parameters TEXT NOT NULL DEFAULT '{}',
        weights BYTEA,
        last_judgment_id BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE model_scores (
        run_id BIGINT NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        item_id BIGINT NOT NULL REFERENCES items(id),
        reward_a DOUBLE PRECISION NOT NULL,
        reward_b DOUBLE PRECISION NOT NULL,
        margin DOUBLE PRECISION NOT NULL,
        uncertainty DOUBLE PRECISION NOT NULL,
        held_out_margin DOUBLE PRECISION,
        PRIMARY KEY (run_id, item_id)
    );
    CREATE TABLE trainer_lease (
        id BIGINT PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        expires_at TEXT COLLATE "C" NOT NULL
    );
    CREATE TABLE response_embeddings (
        item_id BIGINT NOT NULL REFERENCES items(id),
        slot TEXT NOT NULL CHECK (slot IN ('a', 'b')),
        vector BYTEA NOT NULL,
        PRIMARY KEY (item_id, slot)
    );
    CREATE TABLE model_heads (
        run_id BIGINT NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        dimension TEXT NOT NULL,
        examples BIGINT NOT NULL,
        held_out_rmse DOUBLE PRECISION,
        held_out_pearson DOUBLE PRECISION,
        weights BYTEA NOT NULL,
        PRIMARY KEY (run_id, dimension)
    );
    CREATE TABLE item_leases (
        item_id BIGINT NOT NULL REFERENCES items(id),
        annotator_id BIGINT NOT NULL REFERENCES annotators(id),
        expires_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (item_id, annotator_id)
    );
    CREATE INDEX item_leases_by_annotator ON item_leases(annotator_id);
    CREATE TABLE current_judgment_ids (
        item_id BIGINT NOT NULL,
        annotator_id BIGINT NOT NULL,
        judgment_id BIGINT NOT NULL UNIQUE,
        PRIMARY KEY (item_id, annotator_id)
    );
    CREATE INDEX current_judgment_ids_by_annotator ON current_judgment_ids(annotator_id);

    CREATE VIEW current_judgments AS
        SELECT j.* FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id;
    CREATE VIEW current_adjudications AS
        SELECT a.* FROM adjudications a
        WHERE a.id = (
            SELECT max(b.id) FROM adjudications b
            WHERE b.item_id = a.item_id
              AND NOT EXISTS (SELECT 1 FROM adjudication_retractions r WHERE r.adjudication_id = b.id));

    -- Judgments, adjudications and their retractions are append-only.
    CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% are append-only', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER judgments_append_only BEFORE UPDATE OR DELETE ON judgments
        FOR EACH ROW EXECUTE FUNCTION refuse_change('judgments');
    CREATE TRIGGER judgment_retractions_append_only BEFORE UPDATE OR DELETE ON judgment_retractions
        FOR EACH ROW EXECUTE FUNCTION refuse_change('retractions');
    CREATE TRIGGER adjudications_append_only BEFORE UPDATE OR DELETE ON adjudications
        FOR EACH ROW EXECUTE FUNCTION refuse_change('adjudications');
    CREATE TRIGGER adjudication_retractions_append_only BEFORE UPDATE OR DELETE ON adjudication_retractions
        FOR EACH ROW EXECUTE FUNCTION refuse_change('retractions');
    CREATE TRIGGER judgments_no_truncate BEFORE TRUNCATE ON judgments
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('judgments');

    -- As SQLite's v9 triggers: a judgment replaces its annotator's current one on the item
    -- and the item's counts and strength range follow. The item row is locked first, so
    -- that two annotators' judgments of one item count in turn. SECURITY DEFINER: the
    -- counts are kept for people who may not write them.
    \(PostgresBoundary.judgmentsKeepCurrent)
    CREATE TRIGGER judgments_keep_current AFTER INSERT ON judgments FOR EACH ROW EXECUTE FUNCTION judgments_keep_current();

    -- Retracting the current judgment makes the pair's previous live one current, or, when
    -- there is none, takes the annotator off the item.
    \(PostgresBoundary.judgmentRetractionsKeepCurrent)
    CREATE TRIGGER judgment_retractions_keep_current AFTER INSERT ON judgment_retractions
        FOR EACH ROW EXECUTE FUNCTION judgment_retractions_keep_current();
    """
}
