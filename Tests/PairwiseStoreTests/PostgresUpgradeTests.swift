import Foundation
import PairwiseTestSupport
import PairwiseCore
import Testing

@testable import PairwiseStore

/// A PostgreSQL project as the version before v16.2 left it (its migrations and its `init`'s
/// roles and privileges) gets the whole boundary when its owner opens it with this version,
/// its leads' CREATEROLE (v22) included.
@Suite(.enabled(if: TestPostgres.isAvailable)) struct PostgresUpgradeTests {
    @Test func aProjectMadeBeforeTheBoundaryGetsItOnUpgrade() throws {
        try TestPostgres.withFreshDatabase { url in
            let connections = try PostgresConnections(PostgresAddress(url))
            let lastBefore = "v16.1 (PostgreSQL): leads take item ids from the sequence ahead of the rows"
            try connections.with { sql in
                try PostgresSchema.migrate(sql, location: url, creating: true, through: lastBefore)
                try sql.transaction {
                    try sql.execute(Self.initAsInV16_1, [])
                    for block in [PostgresRoles.qualityControlPrivileges, PostgresRoles.goldFunctionPrivileges, PostgresRoles.annotatorFunctionPrivileges,
                                  PostgresRoles.rankingPrivileges, PostgresRoles.rankingAdjudicationPrivileges, PostgresRoles.itemIDPrivileges] {
                        try sql.execute(block, [])
                    }
                }
            }
            let check = { (query: String) in TestPostgres.runPsql(url, query).output }
            let annotator = "current_database() || '_annotator'"
            // As it was: TEMP for everyone in the project, the gold ids function, ids given by default.
            #expect(check("SELECT has_database_privilege(\(annotator), current_database(), 'TEMP')") == "t\n")
            #expect(check("SELECT count(*) FROM pg_proc WHERE proname IN ('pairwise_gold_item_ids', 'pairwise_others_labels')") == "2\n")
            #expect(check("SELECT attidentity FROM pg_attribute WHERE attrelid = 'judgments'::regclass AND attname = 'id'") == "d\n")

            // A lead as earlier versions made one: with CREATEROLE.
            let lead = "lead_of_" + (url.split(separator: "/").last!.split(separator: "?").first!)
            #expect(TestPostgres.runPsql(url, "CREATE ROLE \(lead) LOGIN CREATEROLE; GRANT \(check("SELECT current_database() || '_lead'").dropLast()) TO \(lead)").status == 0)

            _ = try ProjectStore.open(at: url)

            #expect(check("SELECT rolcreaterole FROM pg_roles WHERE rolname = '\(lead)'") == "f\n")
            #expect(check("SELECT has_function_privilege('\(lead)', 'pairwise_add_person(TEXT, BOOLEAN)', 'EXECUTE'), "
                          + "has_function_privilege(\(annotator), 'pairwise_add_person(TEXT, BOOLEAN)', 'EXECUTE')") == "t|f\n")

            #expect(check("SELECT count(*) FROM pairwise_migrations WHERE identifier LIKE 'v16.2 %'") == "1\n")
            #expect(check("SELECT has_database_privilege(\(annotator), current_database(), 'TEMP')") == "f\n")
            #expect(check("SELECT count(*) FROM pg_proc WHERE proname IN ('pairwise_gold_item_ids', 'pairwise_others_labels')") == "0\n")
            #expect(check("""
                SELECT string_agg(DISTINCT array_to_string(proconfig, ';'), ' / ') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.prosecdef
                """) == "search_path=pg_catalog, public, pg_temp\n")
            #expect(check("""
                SELECT string_agg(DISTINCT attidentity::text, '') FROM pg_attribute WHERE attname = 'id' AND attidentity <> ''
                  AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
                """) == "a\n")
            #expect(check("SELECT has_column_privilege(\(annotator), 'items', 'judges', 'SELECT'), has_column_privilege(\(annotator), 'items', 'prompt', 'SELECT')")
                    == "f|t\n")
            #expect(check("SELECT has_function_privilege(\(annotator), 'pairwise_queue()', 'EXECUTE')") == "t\n")
            #expect(check("SELECT count(*) FROM pg_policies WHERE policyname IN ('own_current_judgments', 'own_leases_read', 'everyone_reads_leases')") == "2\n")
        }
    }

    /// v23's functions give what v16.2's gave: the queue item for item and place for place,
    /// with gold rates from none to every place; the drift check verdict for verdict. Both
    /// made side by side (v16.2's under other names), asked the same as the project's lead.
    @Test func theFunctionsOfV23GiveWhatV16_2Gave() throws {
        let project = try TemporaryProject(on: .postgres)
        let store = project.store
        let lines = (1...60).map { #"{"id": "i\#($0)", "prompt": "p\#($0)", "response_a": "a\#($0)", "response_b": "b\#($0)"}"# }.joined(separator: "\n")
        _ = try store.importFiles([try project.file("items.jsonl", lines)], options: ImportOptions())
        let admin = try #require(project.database)
        let me = try #require(URLComponents(string: admin)?.user)
        #expect(TestPostgres.runPsql(admin, "UPDATE annotators SET name = '\(me)' WHERE name = 'lead'").status == 0)
        let items = try project.integers("SELECT id FROM items ORDER BY id")
        let answer = JudgmentDraft(strength: PreferenceStrength(1)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 0)
        for item in items.prefix(7) { try store.setGoldAnswer(itemRowID: item, draft: answer, source: "test") }
        let person = try store.person(me).id
        for item in [items[0], items[20]] {
            _ = try store.submit(answer, itemID: item, annotatorID: person)
        }
        // v16.2's definitions, renamed.
        let old = ["pairwise_queue": "\n$$;", "pairwise_arrange": "END $$;", "pairwise_drift_check": "\n$$;"].map { name, end in
            PostgresAnnotatorFunctions.v16_2(name, endingWith: end, [("public.\(name)(", "public.v16_2_\(name)(")])
        }
        let made = TestPostgres.runPsql(admin, old.joined(separator: "\n"))
        #expect(made.status == 0, "\(made.error)")
        func ask(_ sql: String) -> String { TestPostgres.runPsql(admin, sql).output }
        for rate in ["0", "0.1", "0.5", "1"] {
            #expect(TestPostgres.runPsql(admin, "INSERT INTO settings (key, value) VALUES ('gold_rate', '\(rate)') ON CONFLICT (key) DO UPDATE SET value = excluded.value").status == 0)
            let queue = ask("SELECT array_agg(q ORDER BY q) FROM pairwise_queue() q")
            #expect(queue == ask("SELECT array_agg(q ORDER BY q) FROM v16_2_pairwise_queue() q"), "rate \(rate)")
            // 52 open items and the 6 gold items they have not judged (items[0] is gold).
            #expect(queue.split(separator: ",").count == 52 + (rate == "0" ? 0 : 6), "rate \(rate): \(queue)")
            for order in ["q", "md5(q::text)", "q DESC"] {
                let ids = "(SELECT array_agg(q ORDER BY \(order)) FROM pairwise_queue() q)"
                let arranged = ask("SELECT array_agg(a ORDER BY n) FROM pairwise_arrange(\(ids)) WITH ORDINALITY AS x(a, n)")
                #expect(arranged == ask("SELECT array_agg(a ORDER BY n) FROM v16_2_pairwise_arrange(\(ids)) WITH ORDINALITY AS x(a, n)"), "rate \(rate), order \(order)")
                let placed = arranged.split(separator: ",").count - 52
                #expect(rate == "0" ? placed == 0 : rate == "1" ? placed == 6 : (0...6).contains(placed), "rate \(rate): \(arranged)")
            }
        }
        #expect(ask("SELECT count(*) FROM pairwise_arrange('{}')") == "0\n")
        // The drift check: the same verdict as the lead's labels pile up against the gold
        // answers and two others' labels, in a window of 6.
        #expect(TestPostgres.runPsql(admin, "INSERT INTO settings (key, value) VALUES ('drift_window', '6')").status == 0)
        let others = try ["p1", "p2"].map { try store.person($0).id }
        var verdicts: [String] = []
        for (n, item) in items.enumerated().dropFirst(7).prefix(24) {
            for other in others { _ = try store.submit(answer, itemID: item, annotatorID: other) }
            let mine = JudgmentDraft(strength: PreferenceStrength(n % 3 == 0 ? 1 : -2)!, bothBad: false, rubric: [:], note: nil, shownOrder: .ab, milliseconds: 0)
            _ = try store.submit(mine, itemID: n % 4 == 0 ? items[n % 7] : item, annotatorID: person)
            let verdict = ask("SELECT pairwise_drift_check()")
            #expect(verdict == ask("SELECT v16_2_pairwise_drift_check()"), "after \(n)")
            verdicts.append(verdict)
        }
        #expect(Set(verdicts) == ["t\n", "f\n"], "both verdicts come: \(verdicts)")
    }

    /// What `init` gave the project's groups before v16.2 (PostgresRoles.setUp then).
    static let initAsInV16_1 = """
        DO $$
        DECLARE
            lead TEXT := current_database() || '_lead';
            annotator TEXT := current_database() || '_annotator';
            trainer TEXT := current_database() || '_trainer';
        BEGIN
            FOREACH lead IN ARRAY ARRAY[lead, annotator, trainer] LOOP
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = lead) THEN EXECUTE format('CREATE ROLE %I NOLOGIN', lead); END IF;
            END LOOP;
            lead := current_database() || '_lead';
            EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
            EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I, %I, %I', current_database(), lead, annotator, trainer);
            EXECUTE format('GRANT USAGE ON SCHEMA public TO %I, %I, %I', lead, annotator, trainer);
            EXECUTE format('GRANT SELECT ON pairwise_migrations, settings, rubrics, annotators, items, responses, response_embeddings,
                model_runs, model_scores, model_heads, current_judgment_ids, item_leases, trainer_lease,
                judgments, judgment_retractions, item_events, current_judgments,
                adjudications, adjudication_retractions, current_adjudications TO %I, %I, %I', lead, annotator, trainer);
            EXECUTE format('GRANT INSERT ON judgments, judgment_retractions, item_events TO %I, %I', lead, annotator);
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON item_leases TO %I, %I', lead, annotator);
        END $$;
        CREATE FUNCTION pairwise_me() RETURNS BIGINT LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
            'SELECT id FROM annotators WHERE name = session_user';
        ALTER TABLE judgments ENABLE ROW LEVEL SECURITY;
        ALTER TABLE item_leases ENABLE ROW LEVEL SECURITY;
        CREATE POLICY everyone_reads_leases ON item_leases FOR SELECT USING (true);
        """
}
