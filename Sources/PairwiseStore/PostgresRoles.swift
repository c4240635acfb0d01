import PairwiseCore

/// Who may do what in a PostgreSQL project, enforced by the server: every person connects
/// as a login role of their own, a member of one of the project's group roles
/// (`DB_lead`, `DB_annotator`, `DB_trainer`, DB being the database's name).
///
/// - Annotators read the items, the leads' adjudications (the project's final labels, as
///   exports show them) and their own judgments, events and retractions only, and insert
///   those only under their own name (row-level security on `session_user`); they cannot
///   update or delete any of them, nor touch people, settings or adjudications.
/// - Leads read everything, adjudicate, import, change settings and add people (through
///   `PostgresPeople`: leads have no CREATEROLE).
/// - The trainer reads every label and writes model runs and scores, nothing else.
///
/// Judgments, retractions and adjudications are append-only for everyone (no UPDATE or
/// DELETE grant, and the triggers refuse the owner too). Which item each annotator judged
/// (`current_judgment_ids`, without the judgment) and the leases stay readable to all: the
/// overlap reservation counts other people's places.
enum PostgresRoles {
    /// The project's three group roles, for the database `sql` is connected to.
    struct Groups {
        let lead: String, annotator: String, trainer: String, database: String

        init(_ sql: SQLConnection) throws {
            database = try sql.record("SELECT current_database() AS name") { try $0.text("name") } ?? "pairwise"
            (lead, annotator, trainer) = (database + "_lead", database + "_annotator", database + "_trainer")
        }
    }

    /// Creates the group roles (when new) and gives each its privileges and policies; run by
    /// the database owner at `init`, who needs CREATEROLE.
    static func setUp(_ sql: SQLConnection) throws {
        let groups = try Groups(sql)
        let (lead, annotator, trainer) = (quoted(groups.lead), quoted(groups.annotator), quoted(groups.trainer))
        for name in [groups.lead, groups.annotator, groups.trainer] {
            if try roleExists(name, sql) {
                // A login of that name would be given the project's privileges as a person.
                if try sql.integer("SELECT count(*) FROM pg_roles WHERE rolname = ? AND rolcanlogin", [.text(name)]) ?? 0 > 0 {
                    throw StoreError(.refused, "the role \(name) exists and can log in: a project's group role must not (drop it, or make the project in a database of another name)")
                }
                try removeMembers(of: name, sql)
            } else {
                try sql.execute("CREATE ROLE \(quoted(name)) NOLOGIN", [])
            }
        }
        let database = quoted(groups.database)
        let everyone = "\(lead), \(annotator), \(trainer)"
        try sql.execute("""
            REVOKE ALL ON DATABASE \(database) FROM PUBLIC;
            GRANT CONNECT ON DATABASE \(database) TO \(everyone);
            REVOKE ALL ON SCHEMA public FROM PUBLIC;
            GRANT USAGE ON SCHEMA public TO \(everyone);
            GRANT SELECT ON pairwise_migrations, settings, rubrics, annotators, items, responses, response_embeddings,
                model_runs, model_scores, model_heads, current_judgment_ids, item_leases, trainer_lease,
                judgments, judgment_retractions, item_events, current_judgments,
                adjudications, adjudication_retractions, current_adjudications TO \(everyone);
            GRANT INSERT ON judgments, judgment_retractions, item_events TO \(lead), \(annotator);
            GRANT INSERT, UPDATE, DELETE ON item_leases TO \(lead), \(annotator);
            GRANT INSERT ON adjudications, adjudication_retractions, rubrics, items, responses, response_embeddings, assignments TO \(lead);
            GRANT INSERT, UPDATE ON settings, annotators TO \(lead);
            GRANT INSERT, UPDATE, DELETE ON model_runs, model_scores, model_heads, trainer_lease TO \(lead), \(trainer);

            ALTER VIEW current_judgments SET (security_invoker = true);
            ALTER VIEW current_adjudications SET (security_invoker = true);

            ALTER TABLE judgments ENABLE ROW LEVEL SECURITY;
            CREATE POLICY all_labels ON judgments TO \(lead), \(trainer) USING (true) WITH CHECK (true);
            CREATE POLICY own_labels ON judgments TO \(annotator)
                USING (annotator_id = pairwise_me()) WITH CHECK (annotator_id = pairwise_me());
            ALTER TABLE judgment_retractions ENABLE ROW LEVEL SECURITY;
            CREATE POLICY all_retractions ON judgment_retractions TO \(lead), \(trainer) USING (true) WITH CHECK (true);
            CREATE POLICY own_retractions ON judgment_retractions TO \(annotator)
                USING (annotator_id = pairwise_me())
                WITH CHECK (annotator_id = pairwise_me() AND judgment_id IN (SELECT id FROM judgments WHERE annotator_id = pairwise_me()));
            ALTER TABLE item_events ENABLE ROW LEVEL SECURITY;
            CREATE POLICY all_events ON item_events TO \(lead), \(trainer) USING (true) WITH CHECK (true);
            CREATE POLICY own_events ON item_events TO \(annotator)
                USING (annotator_id = pairwise_me()) WITH CHECK (annotator_id = pairwise_me());
            ALTER TABLE item_leases ENABLE ROW LEVEL SECURITY;
            CREATE POLICY everyone_reads_leases ON item_leases FOR SELECT USING (true);
            CREATE POLICY all_leases ON item_leases TO \(lead) USING (true) WITH CHECK (true);
            CREATE POLICY own_leases_in ON item_leases FOR INSERT TO \(annotator) WITH CHECK (annotator_id = pairwise_me());
            CREATE POLICY own_leases_renewed ON item_leases FOR UPDATE TO \(annotator)
                USING (annotator_id = pairwise_me()) WITH CHECK (annotator_id = pairwise_me());
            CREATE POLICY own_leases_out ON item_leases FOR DELETE TO \(annotator) USING (annotator_id = pairwise_me());
            """, [])
        // Each later migration's privileges, as they stand now (the functions of v12 and
        // v12.1 were replaced by v16.2's).
        try sql.execute(qualityControlPrivileges, [])
        try sql.execute(rankingPrivileges, [])
        try sql.execute(rankingAdjudicationPrivileges, [])
        try sql.execute(itemIDPrivileges, [])
        try sql.execute(PostgresBoundary.privileges, [])
        try sql.execute(remoteKeyPrivileges, [])
        try sql.execute(PostgresPeople.privileges, [])
    }

    /// The keys of people who label over SSH (v17) are the leads' to read and change.
    static let remoteKeyPrivileges = groupBlock("""
            EXECUTE format('GRANT SELECT, INSERT, DELETE ON remote_keys TO %I', lead);
        """)

    /// Leads, who import items, take their ids from the items' sequence ahead of the rows
    /// (v16.1), so that an import sends rows without waiting for each id.
    static let itemIDPrivileges = groupBlock("""
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence('items', 'id'), lead);
        """)

    /// Who may read and write gold answers, suggestions and guidelines (v12), for the
    /// project's groups when they exist: run at `init` and by the migration that adds them.
    /// Gold answers are the leads' and the trainer's; annotators read suggestions only while
    /// the project shows them, and the guidelines always.
    static let qualityControlPrivileges = groupBlock("""
            EXECUTE format('GRANT SELECT ON guidelines, suggestions TO %I, %I, %I', lead, annotator, trainer);
            EXECUTE format('GRANT SELECT ON gold_answers TO %I, %I', lead, trainer);
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON gold_answers, suggestions TO %I', lead);
            EXECUTE format('GRANT INSERT ON guidelines TO %I', lead);
            ALTER TABLE suggestions ENABLE ROW LEVEL SECURITY;
            EXECUTE format('CREATE POLICY all_suggestions ON suggestions TO %I, %I USING (true) WITH CHECK (true)', lead, trainer);
            EXECUTE format($p$CREATE POLICY shown_suggestions ON suggestions FOR SELECT TO %I
                USING (EXISTS (SELECT 1 FROM settings WHERE key = 'show_suggestions' AND value = 'yes'))$p$, annotator);
        """)

    /// Rankings as judgments (v13): everyone reads the ranked responses and which items
    /// each person ranked; annotators read and add only their own rankings and retractions.
    static let rankingPrivileges = groupBlock("""
            EXECUTE format('GRANT SELECT ON ranked_responses, rankings, ranking_retractions, current_ranking_ids, current_rankings TO %I, %I, %I',
                           lead, annotator, trainer);
            EXECUTE format('GRANT INSERT ON rankings, ranking_retractions TO %I, %I', lead, annotator);
            EXECUTE format('GRANT INSERT ON ranked_responses TO %I', lead);
            ALTER VIEW current_rankings SET (security_invoker = true);
            ALTER TABLE rankings ENABLE ROW LEVEL SECURITY;
            EXECUTE format('CREATE POLICY all_rankings ON rankings TO %I, %I USING (true) WITH CHECK (true)', lead, trainer);
            EXECUTE format('CREATE POLICY own_rankings ON rankings TO %I USING (annotator_id = pairwise_me()) WITH CHECK (annotator_id = pairwise_me())',
                           annotator);
            ALTER TABLE ranking_retractions ENABLE ROW LEVEL SECURITY;
            EXECUTE format('CREATE POLICY all_ranking_retractions ON ranking_retractions TO %I, %I USING (true) WITH CHECK (true)', lead, trainer);
            EXECUTE format($p$CREATE POLICY own_ranking_retractions ON ranking_retractions TO %I USING (annotator_id = pairwise_me())
                WITH CHECK (annotator_id = pairwise_me() AND ranking_id IN (SELECT id FROM rankings WHERE annotator_id = pairwise_me()))$p$, annotator);
        """)

    /// Leads' decisions on rankings (v14): everyone reads them (the project's final labels,
    /// as exports show them); leads add them.
    static let rankingAdjudicationPrivileges = groupBlock("""
            EXECUTE format('GRANT SELECT ON ranking_adjudications, ranking_adjudication_retractions, current_ranking_adjudications TO %I, %I, %I',
                           lead, annotator, trainer);
            EXECUTE format('GRANT INSERT ON ranking_adjudications, ranking_adjudication_retractions TO %I', lead);
            ALTER VIEW current_ranking_adjudications SET (security_invoker = true);
        """)

    /// v12's functions, until v16.2 replaced them.
    static let goldFunctionPrivileges = groupBlock("""
            REVOKE ALL ON FUNCTION pairwise_gold_item_ids(), pairwise_gold_answer(BIGINT) FROM PUBLIC;
            EXECUTE format('GRANT EXECUTE ON FUNCTION pairwise_gold_item_ids(), pairwise_gold_answer(BIGINT) TO %I, %I, %I', lead, annotator, trainer);
        """)

    /// Who may call `pairwise_lock_items` and `pairwise_others_labels` (v12.1): everyone in
    /// the project's groups.
    static let annotatorFunctionPrivileges = groupBlock("""
            REVOKE ALL ON FUNCTION pairwise_lock_items(BIGINT[]), pairwise_others_labels(BIGINT) FROM PUBLIC;
            EXECUTE format('GRANT EXECUTE ON FUNCTION pairwise_lock_items(BIGINT[]), pairwise_others_labels(BIGINT) TO %I, %I, %I',
                           lead, annotator, trainer);
        """)

    /// A DO block run for the project's groups once `setUp` gave them this database, with
    /// `lead`, `annotator` and `trainer` naming them (PL/pgSQL variables). While a project is
    /// being made, its migrations skip these (`setUp` runs them all at the end), even where
    /// groups of the same name outlived a dropped database: run then, an early migration's
    /// block would name functions that a later one makes.
    static func groupBlock(_ body: String) -> String {
        """
        DO $$
        DECLARE
            lead TEXT := current_database() || '_lead';
            annotator TEXT := current_database() || '_annotator';
            trainer TEXT := current_database() || '_trainer';
            person TEXT;
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = lead) THEN RETURN; END IF;
            IF NOT has_table_privilege(lead, 'public.items', 'SELECT') THEN RETURN; END IF;
        \(body)
        END $$;
        """
    }

    /// Annotators' and the trainer's sessions get these defaults in the project's database
    /// (a session left open in a transaction, or waiting on a lock, gives way).
    static let sessionLimits = ["lock_timeout": "10s", "statement_timeout": "5min", "idle_in_transaction_session_timeout": "1min"]

    /// PL/pgSQL for the statement setting `sessionLimits` on the role a variable names.
    static func sessionLimitsStatement(_ variable: String) -> String {
        sessionLimits.sorted { $0.key < $1.key }.map { key, value in
            "format('ALTER ROLE %I IN DATABASE %I SET \(key) = ''\(value)''', \(variable), current_database())"
        }.joined(separator: ";\n                EXECUTE ")
    }

    /// Takes every member out of a group role that outlived its project: roles are the
    /// cluster's, so a database dropped and made again under the same name finds its old
    /// groups with the old project's people in them. A new project has no people yet.
    static func removeMembers(of group: String, _ sql: SQLConnection) throws {
        let members = try sql.records(SQLQuery("""
            SELECT p.rolname AS name FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles p ON p.oid = m.member
            WHERE g.rolname = ? ORDER BY p.rolname
            """, [.text(group)])) { try $0.text("name") }
        for member in members { try sql.execute("REVOKE \(quoted(group)) FROM \(quoted(member))", []) }
    }

    static func roleExists(_ name: String, _ sql: SQLConnection) throws -> Bool {
        try sql.integer("SELECT count(*) FROM pg_roles WHERE rolname = ?", [.text(name)]) ?? 0 > 0
    }

    /// An identifier in double quotes (a name may hold any character but NUL).
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
