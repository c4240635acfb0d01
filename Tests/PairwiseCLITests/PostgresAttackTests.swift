import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
@testable import PairwiseTUI
import Testing

/// The PostgreSQL boundary attacked as a hostile annotator would, through psql: temporary
/// tables shadowing the project's, explicit ids, forged provenance, held locks, and every
/// function the schema exposes. Each attack is refused or harmless.
/// Inside `PostgresRoleTests`, and so serialized with it: login roles are the server's,
/// shared by every project on it, and both add the same people.
extension PostgresRoleTests {
    @Suite struct Attacks {

        /// lena adds three gold items; the first gold item's row id.
        func addGold(_ project: Project) throws -> Int {
            try Fixtures.hhRLHFRecords(3, into: project.directory.path("gold.jsonl"))
            let gold = try pairwise(["gold", "add", "gold.jsonl"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
            #expect(gold.status == 0, "\(gold.stderr)")
            return try #require(Int(project.psql("lena", "SELECT min(item_id) FROM gold_answers").output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        func id(_ project: Project, _ name: String) throws -> Int {
            try #require(Int(project.psql("lena", "SELECT id FROM annotators WHERE name = '\(name)'").output.trimmingCharacters(in: .whitespacesAndNewlines)))
        }

        /// A judgment as psql would insert it, by `who`, on `item`.
        func judge(_ project: Project, _ who: String, item: Int, strength: Int = 1) -> (status: Int32, output: String, error: String) {
            project.psql(who, """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                VALUES (\(item), pairwise_me(), \(strength), 0, 'ab', 900, '2026-11-23T00:00:00.000Z', 'tui')
                """)
        }

        /// Attacks 1–5: no temporary tables for the project's people; and were an admin to grant
        /// them, nothing the owner's functions and triggers name resolves to them.
        @Test func temporaryTablesShadowNothing() throws {
            let project = try Project()
            let bo = try id(project, "bo")
            let gold = try addGold(project)
            let refused = project.psql("ann", "CREATE TEMP TABLE annotators (id BIGINT, name TEXT)")
            #expect(refused.status != 0 && refused.error.contains("permission denied to create temporary tables"), "\(refused.error)")
            // A careless admin grants TEMP back: the functions still read the project's tables.
            #expect(TestPostgres.runPsql(project.admin, "GRANT TEMPORARY ON DATABASE \(project.database()) TO ann").status == 0)
            let asBo = project.psql("ann", """
                CREATE TEMP TABLE annotators (id BIGINT, name TEXT);
                INSERT INTO pg_temp.annotators VALUES (\(bo), session_user);
                SELECT pairwise_me(), (SELECT count(*) FROM judgments);
                """)
            #expect(asBo.output == "\(try id(project, "ann"))|1\n", "\(asBo.error)")
            // Nor does the shadow let her write or retract under bo's name.
            let boJudgment = project.psql("lena", "SELECT min(id) FROM judgments WHERE annotator_id = \(bo)").output.trimmingCharacters(in: .whitespacesAndNewlines)
            let underBo = project.psql("ann", """
                CREATE TEMP TABLE annotators (id BIGINT, name TEXT);
                INSERT INTO pg_temp.annotators VALUES (\(bo), session_user);
                INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (\(boJudgment), \(bo), 'x');
                """)
            #expect(underBo.status != 0 && underBo.error.contains("violates row-level security policy"), "\(underBo.error)")
            #expect(project.psql("lena", "SELECT count(*) FROM judgment_retractions").output == "0\n")
            // Shadowed judgments and annotators do not open the gold answers.
            let answers = project.psql("ann", """
                CREATE TEMP TABLE annotators (id BIGINT, name TEXT);
                CREATE TEMP TABLE judgments (item_id BIGINT, annotator_id BIGINT);
                INSERT INTO pg_temp.annotators VALUES (1, session_user);
                INSERT INTO pg_temp.judgments VALUES (\(gold), 1);
                SELECT count(*) FROM pairwise_gold_answer(\(gold));
                """)
            #expect(answers.output == "0\n", "\(answers.error)")
            // A temporary items table with a trigger of the annotator's: the owner's trigger never runs it.
            let group = project.database() + "_lead"
            let hijack = project.psql("ann", """
                CREATE TEMP TABLE items (id BIGINT, judges BIGINT, prefer_a BIGINT, prefer_b BIGINT, prefer_neither BIGINT,
                                         strength_min BIGINT, strength_max BIGINT);
                CREATE TEMP TABLE current_judgment_ids (item_id BIGINT, annotator_id BIGINT, judgment_id BIGINT UNIQUE, PRIMARY KEY (item_id, annotator_id));
                INSERT INTO pg_temp.items VALUES (5, 0, 0, 0, 0, NULL, NULL);
                CREATE FUNCTION pg_temp.promote() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN EXECUTE 'GRANT \(group) TO ann'; RETURN NEW; END $$;
                CREATE TRIGGER promote BEFORE UPDATE ON pg_temp.items FOR EACH ROW EXECUTE FUNCTION pg_temp.promote();
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                VALUES (5, pairwise_me(), 2, 0, 'ab', 900, 'x', 'tui');
                """)
            #expect(hijack.status == 0, "\(hijack.error)")
            #expect(project.psql("lena", "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles p ON p.oid = m.member "
                                 + "WHERE g.rolname = '\(group)' AND p.rolname = 'ann'").output == "0\n")
            #expect(project.psql("ann", "SELECT count(*) FROM gold_answers").error.contains("permission denied"))
            // The judgment counted where it belongs: on the project's item 5, in its current judgments.
            #expect(project.psql("lena", "SELECT judges, prefer_b, strength_min, strength_max FROM items WHERE id = 5").output == "1|1|2|2\n")
            #expect(project.psql("lena", "SELECT count(*) FROM current_judgment_ids WHERE item_id = 5").output == "1\n")
        }

        /// Every SECURITY DEFINER function pins its search_path, pg_temp last.
        @Test func everySecurityDefinerFunctionPinsItsSearchPath() throws {
            let project = try Project()
            let functions = project.psql("lena", """
                SELECT p.proname || ' ' || coalesce(array_to_string(p.proconfig, ';'), '-') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.prosecdef ORDER BY 1
                """).output.split(separator: "\n").map(String.init)
            #expect(functions.count >= 17, "\(functions)")
            for line in functions {
                #expect(line.hasSuffix(" search_path=pg_catalog, public, pg_temp"), "\(line)")
            }
        }

        /// Attacks 6–8: nothing an annotator may read or call tells a gold item from another, nor
        /// gives the others' labels.
        @Test func nothingReadableRevealsGoldOrOthersLabels() throws {
            let project = try Project()
            let gold = try addGold(project)
            let annotator = project.database() + "_annotator"
            // Readable relations and their columns, as the server's privileges say.
            let columns = Set(project.psql("lena", """
                SELECT c.relname || '.' || a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND has_column_privilege('\(annotator)', c.oid, a.attnum, 'SELECT')
                """).output.split(separator: "\n").map(String.init))
            for hidden in ["gold_answers.item_id", "items.judges", "items.prefer_a", "items.strength_min", "items.strength_max",
                           "items.source_file", "items.source_format", "items.source_line", "items.created_at"] {
                #expect(!columns.contains(hidden), "\(hidden) is readable")
            }
            #expect(columns.contains("items.prompt") && columns.contains("items.external_id"))
            // The functions an annotator may call are the ones checked here, and no others.
            let callable = project.psql("lena", """
                SELECT string_agg(p.proname, ' ' ORDER BY p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'public' AND p.prokind = 'f' AND p.prorettype <> 'trigger'::regtype AND has_function_privilege('\(annotator)', p.oid, 'EXECUTE')
                """).output
            #expect(callable == "pairwise_arrange pairwise_claim pairwise_direction_counts pairwise_draw pairwise_drift_check pairwise_gold_answer pairwise_gold_first_answers "
                    + "pairwise_lock_items pairwise_me pairwise_now pairwise_progress pairwise_qualification_queue pairwise_queue pairwise_restricted "
                    + "pairwise_setting\n")
            for (sql, message) in [
                ("SELECT * FROM pairwise_gold_item_ids()", "does not exist"),
                ("SELECT * FROM pairwise_others_labels(NULL)", "does not exist"),
                ("SELECT source_file FROM items", "permission denied"),
                ("SELECT strength_min, strength_max FROM items", "permission denied"),
                ("SELECT judges FROM items", "permission denied"),
            ] {
                let run = project.psql("ann", sql)
                #expect(run.status != 0 && run.error.contains(message), "\(sql): \(run.error)")
            }
            // Who judged what: one's own rows only (bo's two are not ann's to count).
            #expect(project.psql("ann", "SELECT count(*) FROM current_judgment_ids").output == "1\n")
            #expect(project.psql("ann", "SELECT count(*) FROM item_leases WHERE annotator_id <> pairwise_me()").output == "0\n")
            // Judging every item with junk opens no gold item but the ones judged, and no one's labels.
            #expect(project.psql("ann", """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                SELECT id, pairwise_me(), 3, 0, 'ab', 900, 'x', 'tui' FROM items WHERE response_count = 2
                """).status == 0)
            #expect(project.psql("ann", "SELECT count(*) FROM pairwise_gold_first_answers()").output == "3\n")
            #expect(project.psql("ann", "SELECT count(DISTINCT item_id) FROM judgments").output == project.psql("ann", "SELECT count(*) FROM items WHERE response_count = 2").output)
            #expect(project.psql("ann", "SELECT pairwise_drift_check()").output == "f\n")
            // The first answer counts: ann's junk on the gold items stays her score.
            #expect(project.psql("ann", "SELECT strength FROM pairwise_gold_first_answers() WHERE item_id = \(gold)").output == "3\n")
        }

        /// The queue an annotator asks for holds gold items among the rest, without saying which;
        /// the qualification round gives only the gold items it still needs.
        @Test func theQueueMixesGoldWithoutSayingWhich() throws {
            let project = try Project()
            _ = try addGold(project)
            for setting in [("gold_rate", "0.5"), ("qualification_items", "2")] {
                #expect(try pairwise(["quality", "set", setting.0, setting.1], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")]).status == 0)
            }
            let regular = Int(project.psql("lena", "SELECT count(*) FROM items WHERE judges < 3 AND id NOT IN (SELECT item_id FROM gold_answers)")
                .output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            // ann judged item 1 (not in her queue); the three unseen gold items join the rest.
            #expect(project.psql("ann", "SELECT count(*) FROM pairwise_queue()").output == "\(regular - 1 + 3)\n")
            // bo's screen, under his own login, asks the server and places the gold it cannot see.
            #expect(TestPostgres.runPsql(project.admin, "UPDATE settings SET value = '0' WHERE key = 'qualification_items'").status == 0)
            let store = try ProjectStore.open(at: project.url("bo"))
            #expect(try store.heldToAnnotatorRules())
            let session = try AnnotateSession(store: store, annotator: "bo")
            #expect(session.state.queueCount == regular - 2 + 3, "bo judged items 1 and 2")
            let again = try AnnotateSession(store: store, annotator: "bo")
            #expect(again.queue == session.queue, "the same order every time")
            #expect(Set(session.queue).isSuperset(of: Set(try ProjectStore.open(at: project.url("lena")).goldItemIDs())))
            #expect(TestPostgres.runPsql(project.admin, "UPDATE settings SET value = '2' WHERE key = 'qualification_items'").status == 0)
            #expect(project.psql("ann", "SELECT count(*) FROM pairwise_qualification_queue()").output == "2\n")
            #expect(project.psql("lena", "SELECT count(*) FROM pairwise_qualification_queue()").output == "0\n", "leads have no round")
        }

        /// Attacks 9 and 11: the server gives an annotator's rows their ids, times, origin,
        /// guidelines version and lease length, whatever the INSERT said.
        @Test func theServerSetsWhatTheClientMustNotChoose() throws {
            let project = try Project()
            let ann = try id(project, "ann")
            let forged = project.psql("ann", """
                INSERT INTO judgments (id, item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin, guidelines_version, source)
                OVERRIDING SYSTEM VALUE VALUES (-7, 4, pairwise_me(), 1, 0, 'ab', 9000000000000, '1970-01-01T00:00:00.000Z', 'simulate', 99, 'forged');
                INSERT INTO judgments (id, item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                OVERRIDING SYSTEM VALUE SELECT 1000 + n, 5, pairwise_me(), 1, 0, 'ab', 1, 'x', 'tui' FROM generate_series(1, 50) n;
                INSERT INTO item_leases (item_id, annotator_id, expires_at) VALUES (6, pairwise_me(), 1e12);
                """)
            #expect(forged.status == 0, "\(forged.error)")
            let plain = project.psql("ann", "INSERT INTO judgments (id, item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin) "
                                     + "VALUES (-8, 4, pairwise_me(), 1, 0, 'ab', 1, 'x', 'tui')")
            #expect(plain.status != 0 && plain.error.contains("cannot insert a non-DEFAULT value into column \"id\""), "\(plain.error)")
            #expect(project.psql("lena", "SELECT min(id) > 0, max(id) < 1000 FROM judgments").output == "t|t\n")
            let today = String(Timestamp.string(Date()).prefix(10))
            #expect(project.psql("lena", "SELECT origin, ms, left(created_at, 10), coalesce(guidelines_version, 0), coalesce(source, '-') FROM judgments "
                                 + "WHERE item_id = 4 AND annotator_id = \(ann)").output == "tui|86400000|\(today)|0|-\n")
            #expect(project.psql("lena", "SELECT expires_at < extract(epoch FROM now()) + 901 FROM item_leases WHERE annotator_id = \(ann)").output == "t\n")
            // Every other writer's next id is free: bo judges through psql after it all.
            #expect(judge(project, "bo", item: 7).status == 0)
            // A lead's rows keep what the lead gave (an import keeps its times).
            #expect(project.psql("lena", "INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin) "
                                 + "VALUES (8, pairwise_me(), 1, 0, 'ab', 5, '2020-01-01T00:00:00.000Z', 'import')").status == 0)
            #expect(project.psql("lena", "SELECT created_at, origin FROM judgments WHERE item_id = 8").output == "2020-01-01T00:00:00.000Z|import\n")
        }

        /// Attack 10: an annotator holding locks in an open transaction holds only what they
        /// claimed or judged, and not the project's write lock; their sessions time out.
        @Test func heldLocksBlockNoOneElse() throws {
            let project = try Project()
            // ann holds every lock she can get for 20 s: every item through the function, and
            // the old advisory lock of the project.
            let hold = """
                BEGIN; SELECT pairwise_lock_items(VARIADIC ARRAY(SELECT id FROM items)); SELECT pg_advisory_lock(\(0x5061_6972_7769_7365));
                SELECT pg_sleep(20); COMMIT;
                """
            _ = TestPostgres.run("/bin/sh", ["-c", "psql '\(project.url("ann"))' -X -q -c \"\(hold)\" >/dev/null 2>&1 &"])
            defer { _ = TestPostgres.runPsql(project.admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ann'") }
            var waited = 0
            let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'ann' AND query LIKE '%pg_sleep%' AND state = 'active'"
            while TestPostgres.runPsql(project.admin, sleeping).output != "1\n",
                  waited < 100 {
                usleep(100_000)
                waited += 1
            }
            // Only item 1 (judged by ann) is locked; the rest are free.
            let free = TestPostgres.runPsql(project.admin, "BEGIN; SELECT id FROM items WHERE id BETWEEN 2 AND 40 FOR UPDATE NOWAIT; COMMIT;")
            #expect(free.status == 0 && free.output.split(separator: "\n").count == 39, "\(free.error)")
            let locked = TestPostgres.runPsql(project.admin, "BEGIN; SELECT id FROM items WHERE id = 1 FOR UPDATE NOWAIT; COMMIT;")
            #expect(locked.status != 0 && locked.error.contains("could not obtain lock"), "\(locked.error)")
            // A lead's writes do not wait for the advisory lock ann holds (a run cut at 10 s would fail).
            let write = try command("/usr/bin/timeout", ["10", binary.path, "quality", "set", "gold_rate", "0.2"], in: project.directory.url,
                                    environment: ["PAIRWISE_DB": project.url("lena")])
            #expect(write.status == 0, "\(write.stderr)")
            #expect(TestPostgres.runPsql(project.admin, sleeping).output == "1\n",
                    "ann still held her locks (waited \(waited))")
            #expect(project.psql("ann", "SELECT 1 FROM pairwise_write_lock FOR UPDATE").error.contains("permission denied"))
            // An annotator's sessions carry the project's timeouts.
            let settings = project.psql("lena", """
                SELECT array_to_string(s.setconfig, ' ') FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
                JOIN pg_database d ON d.oid = s.setdatabase WHERE r.rolname = 'ann' AND d.datname = current_database()
                """).output
            #expect(settings == "idle_in_transaction_session_timeout=1min lock_timeout=10s statement_timeout=5min\n", "\(settings)")
        }

        /// An annotator's claim stops at the overlap, forced or not, unless they judged the item
        /// before (undo brings it back); a lead may go past it.
        @Test func anAnnotatorsClaimStopsAtTheOverlap() throws {
            let project = try Project()
            #expect(TestPostgres.runPsql(project.admin, "UPDATE settings SET value = '1' WHERE key = 'overlap'").status == 0)
            // Item 1 holds ann's and bo's judgments: full at overlap 1.
            #expect(project.psql("ann", "SELECT pairwise_claim(2, true)").output == "f\n", "bo judged item 2: full")
            #expect(project.psql("ann", "SELECT pairwise_claim(1, false)").output == "f\n", "judged already")
            #expect(project.psql("ann", "SELECT pairwise_claim(3, true)").output == "t\n")
            #expect(project.psql("lena", "SELECT pairwise_claim(2, true)").output == "t\n")
            // bo cannot claim what ann holds.
            #expect(project.psql("bo", "SELECT pairwise_claim(3, false)").output == "f\n")
            // Nor can a judgment go past the overlap, claimed or not: item 2 is bo's; ann may
            // revise her own on item 1; a lead may go past.
            let past = judge(project, "ann", item: 2)
            #expect(past.status != 0 && past.error.contains("item 2 is full: it has the annotators it needs"), "\(past.error)")
            #expect(judge(project, "ann", item: 1, strength: 2).status == 0)
            #expect(judge(project, "lena", item: 2).status == 0)
            #expect(project.psql("lena", "SELECT judges FROM items WHERE id IN (1, 2) ORDER BY id").output == "2\n2\n")
        }

        /// Attack 12: names PostgreSQL would cut, and the project's groups, are refused.
        @Test func namesThatAreNotPeopleAreRefused() throws {
            let project = try Project()
            let long = String(repeating: "é", count: 32)  // 64 bytes
            let cut = try pairwise(["annotators", "add", long], in: project.directory)
            #expect(cut.status != 0 && cut.stderr.contains("at most 63 bytes"), "\(cut.stderr)")
            let group = try pairwise(["annotators", "add", project.database() + "_annotator", "--role", "lead"], in: project.directory)
            #expect(group.status != 0 && group.stderr.contains("is one of the project's group roles"), "\(group.stderr)")
            #expect(project.psql("lena", "SELECT count(*) FROM annotators").output == "4\n")
        }

        /// Attack 13: a lead rules their own project only. PostgreSQL 15 lets a role with
        /// CREATEROLE grant itself any other project's groups and set anyone's password, so
        /// leads have none; they add people through `pairwise_add_person`, which touches this
        /// project's groups only. An annotator may not call it.
        @Test func aLeadCannotReachAnotherProjectNorAnyonesLogin() throws {
            let project = try Project()
            let other = try TemporaryDirectory("pairwise-pg-other", on: .postgres)
            #expect(try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: other).status == 0)
            let otherLead = String(other.database!.split(separator: "/").last!.split(separator: "?").first!) + "_lead"
            #expect(project.psql("lena", "SELECT rolcreaterole FROM pg_roles WHERE rolname = 'lena'").output == "f\n")
            let granted = project.psql("lena", "GRANT \(otherLead) TO lena")
            #expect(granted.status != 0 && granted.error.contains("must have admin option on role \"\(otherLead)\""), "\(granted.error)")
            let password = project.psql("lena", "ALTER ROLE ann PASSWORD 'taken'")
            #expect(password.status != 0 && password.error.contains("permission denied"), "\(password.error)")
            let created = project.psql("lena", "CREATE ROLE mallory LOGIN")
            #expect(created.status != 0 && created.error.contains("permission denied to create role"), "\(created.error)")
            let throughTheFunction = project.psql("lena", "SELECT pairwise_add_person('\(otherLead)', true)")
            #expect(throughTheFunction.status != 0 && throughTheFunction.error.contains("\(otherLead) is a role that cannot log in"),
                    "\(throughTheFunction.error)")
            let byAnnotator = project.psql("ann", "SELECT pairwise_add_person('ann', true)")
            #expect(byAnnotator.status != 0 && byAnnotator.error.contains("permission denied for function pairwise_add_person"), "\(byAnnotator.error)")
            #expect(project.psql("lena", "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles p ON p.oid = m.member "
                                 + "WHERE p.rolname IN ('lena', 'ann') AND g.rolname = '\(otherLead)'").output == "0\n")
            #expect(project.psql("ann", "SELECT count(*) FROM judgments").output == "1\n", "ann's login still hers")
        }
    }
}
