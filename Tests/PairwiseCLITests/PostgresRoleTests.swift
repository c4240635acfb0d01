import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import Testing

/// Roles PostgreSQL itself enforces: each person connects as their own login, and what an
/// annotator tries through psql, bypassing pairwise, the server refuses.
/// Serialized: login roles are the server's, shared by every project on it, and the tests
/// add the same people.
@Suite(.serialized, .enabled(if: TestPostgres.isAvailable)) struct PostgresRoleTests {
    /// A project made by the server's admin (its first lead), with annotators ann and bo,
    /// lead lena (added by `annotators add`, so not a superuser), passwords set by the admin,
    /// and one judgment each by ann and bo.
    final class Project {
        let directory: TemporaryDirectory
        let admin: String

        init() throws {
            directory = try TemporaryDirectory("pairwise-pg-roles", on: .postgres)
            admin = directory.database!
            #expect(try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory).status == 0)
            #expect(try pairwise(["import", Fixtures.sampleItems], in: directory).status == 0)
            for (name, role) in [("ann", "annotator"), ("bo", "annotator"), ("lena", "lead")] {
                let run = try pairwise(["annotators", "add", name, "--role", role], in: directory)
                #expect(run.status == 0, "\(run.stderr)")
                #expect(TestPostgres.runPsql(admin, "ALTER ROLE \(name) PASSWORD '\(name)-secret'").status == 0)
            }
            for (name, item) in [("ann", 1), ("bo", 1), ("bo", 2)] {
                let run = TestPostgres.runPsql(url(name), """
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                    VALUES (\(item), pairwise_me(), -1, 0, 'ab', 900, '2026-11-23T00:00:00.000Z', 'tui')
                    """)
                #expect(run.status == 0, "\(run.error)")
            }
        }

        /// The project's URL for a person, with their password.
        func url(_ name: String) -> String {
            admin.replacingOccurrences(of: #"//[^@]*@"#, with: "//\(name):\(name)-secret@", options: .regularExpression)
        }

        /// psql as `name`: the status and the server's message.
        func psql(_ name: String, _ sql: String) -> (status: Int32, output: String, error: String) {
            TestPostgres.runPsql(url(name), sql)
        }

        func database() -> String { String(admin.split(separator: "/").last!.split(separator: "?").first!) }
    }

    /// Gold answers are the leads': an annotator learns which items are gold and, once they
    /// judged one, its answer (for the qualification round's feedback), never the rest.
    @Test func anAnnotatorNeverReadsGoldAnswersAheadOfJudging() throws {
        let project = try Project()
        try Fixtures.hhRLHFRecords(3, into: project.directory.path("gold.jsonl"))
        let gold = try pairwise(["gold", "add", "gold.jsonl"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(gold.status == 0, "\(gold.stderr)")
        #expect(project.psql("lena", "SELECT count(*) FROM gold_answers").output == "3\n")
        #expect(project.psql("ann", "SELECT count(*) FROM gold_answers").error.contains("permission denied for table gold_answers"))
        // Which items are gold, an annotator cannot ask (v16.2 dropped the function that told).
        #expect(project.psql("ann", "SELECT count(*) FROM pairwise_gold_item_ids()").error.contains("does not exist"))
        let first = project.psql("lena", "SELECT min(item_id) FROM gold_answers").output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(project.psql("ann", "SELECT count(*) FROM pairwise_gold_answer(\(first))").output == "0\n")
        #expect(project.psql("ann", "UPDATE gold_answers SET strength = 0").error.contains("permission denied"))
        let judged = project.psql("ann", """
            INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
            VALUES (\(first), pairwise_me(), 1, 0, 'ab', 900, '2026-11-23T00:00:00.000Z', 'tui')
            """)
        #expect(judged.status == 0, "\(judged.error)")
        #expect(project.psql("ann", "SELECT count(*) FROM pairwise_gold_answer(\(first))").output == "1\n")
        #expect(project.psql("bo", "SELECT count(*) FROM pairwise_gold_answer(\(first))").output == "0\n")
        // Suggestions: hidden from annotators until the project shows them.
        let suggestions = try pairwise(["import", "gold.jsonl", "--suggestions-from", "judge"], in: project.directory.url,
                                       environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(suggestions.status == 0, "\(suggestions.stderr)")
        #expect(project.psql("ann", "SELECT count(*) FROM suggestions").output == "0\n")
        #expect(try pairwise(["quality", "set", "show_suggestions", "yes"], in: project.directory.url,
                             environment: ["PAIRWISE_DB": project.url("lena")]).status == 0)
        #expect(project.psql("ann", "SELECT count(*) FROM suggestions").output == "3\n")
    }

    /// An annotator's own drift check is the server's verdict (`pairwise_drift_check`), never
    /// the others' labels: ann, who contradicts bo, dee and lena on 30 items, is told in her
    /// status line; bo, who agrees with most, is not. The verdict is the one `DriftPolicy`
    /// gives on what a lead reads.
    @Test func anAnnotatorsOwnDriftCheckSeesTheOthersLabels() throws {
        let project = try Project()
        #expect(try pairwise(["annotators", "add", "dee"], in: project.directory).status == 0)
        #expect(TestPostgres.runPsql(project.admin, "ALTER ROLE dee PASSWORD 'dee-secret'").status == 0)
        // Four people on each item: the server refuses an annotator's label past the overlap.
        #expect(TestPostgres.runPsql(project.admin, "UPDATE settings SET value = '4' WHERE key = 'overlap'").status == 0)
        for (name, strength) in [("bo", -2), ("lena", -2), ("dee", -2), ("ann", 2)] {
            let run = project.psql(name, """
                INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin)
                SELECT id, pairwise_me(), \(strength), 0, 'ab', 900, '2026-11-23T00:00:01.000Z', 'tui' FROM items WHERE id BETWEEN 3 AND 32
                """)
            #expect(run.status == 0, "\(run.error)")
        }
        #expect(project.psql("ann", "SELECT count(*) FROM pairwise_others_labels(200)").error.contains("does not exist"))
        #expect(project.psql("ann", "SELECT count(*) FROM judgments WHERE annotator_id <> pairwise_me()").output == "0\n")
        #expect(project.psql("ann", "SELECT pairwise_drift_check()").output == "t\n")
        #expect(project.psql("bo", "SELECT pairwise_drift_check()").output == "f\n")
        // What a lead reads gives DriftPolicy the same verdicts.
        let lead = try ProjectStore.open(at: project.url("lena"))
        let scored = try lead.scoredJudgments(newest: DriftPolicy.estimateWindow)
        let ann = try #require(scored["ann"])
        // Item 1 has no consensus (one other); on the 30 others it is A, ann's label B.
        #expect(ann.count == 31 && ann.filter { $0.reference == .a && $0.label == .b }.count == 30)
        #expect(DriftPolicy().check(ann, accuracies: [:]).drifting)
        #expect(!DriftPolicy().check(try #require(scored["bo"]), accuracies: [:]).drifting)
        let store = try ProjectStore.open(at: project.url("ann"))
        let session = try AnnotateSession(store: store, annotator: "ann")
        #expect(session.state.qualityNotice == "your recent answers often differ from the others' and the checks: i shows the guidelines")
        // ann judges through pairwise under her own login (the items are locked through
        // pairwise_lock_items: she may not lock their rows herself).
        session.handle(.character("2"))
        session.handle(.tab)
        for _ in 0..<11 { session.handle(.character("3")) }
        session.handle(.enter)
        // "Saved.", or "Saved. That was quick…" when the queue's first pair is a long one.
        #expect(session.state.message?.hasPrefix("Saved.") == true, "\(session.state.message ?? "")")
        #expect(project.psql("ann", "SELECT count(*) FROM judgments").output == "32\n")
        let bo = try AnnotateSession(store: try ProjectStore.open(at: project.url("bo")), annotator: "bo")
        #expect(bo.state.qualityNotice == nil)
    }

    /// A project last upgraded by an older pairwise: a lead who does not own its tables is
    /// told who can upgrade it, and nothing changes; once the owner has opened it, the lead
    /// works, imports included (the leads' use of the items' sequence came with v16.1).
    @Test func onlyTheOwnerUpgradesAProjectAndSaysSo() throws {
        let project = try Project()
        #expect(TestPostgres.runPsql(project.admin, """
            DELETE FROM pairwise_migrations WHERE identifier LIKE 'v16.1 %';
            REVOKE USAGE ON SEQUENCE items_id_seq FROM \(project.database())_lead
            """).status == 0)
        let owner = TestPostgres.runPsql(project.admin, "SELECT tableowner FROM pg_tables WHERE tablename = 'items'").output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!owner.isEmpty && owner != "lena")
        let refused = try pairwise(["status"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(refused.status != 0 && refused.stderr.contains("was last upgraded by an older version of pairwise; only its owner, \(owner), can upgrade it"),
                "\(refused.stderr)")
        #expect(project.psql("lena", "SELECT count(*) FROM pairwise_migrations WHERE identifier LIKE 'v16.1 %'").output == "0\n")
        #expect(try pairwise(["status"], in: project.directory).status == 0)
        #expect(project.psql("lena", "SELECT count(*) FROM pairwise_migrations WHERE identifier LIKE 'v16.1 %'").output == "1\n")
        try Fixtures.hhRLHFRecords(3, into: project.directory.path("more.jsonl"))
        let imported = try pairwise(["import", "more.jsonl"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(imported.status == 0 && imported.stdout.contains("3 items added"), "\(imported.stderr)")
    }

    /// Rankings as judgments: an annotator adds and reads only their own, through pairwise
    /// under their own login too; a lead reads all.
    @Test func anAnnotatorRanksOnlyUnderTheirOwnName() throws {
        let project = try Project()
        let items = try Fixtures.pandaLMRankedItems(2, responses: 4)
        try items.enumerated().map { n, item in
            JSONWriter.string(.object(["id": .string("rank-\(n)"), "prompt": .string(item.prompt), "responses": .array(item.responses.map(JSONValue.string))]))
        }.joined(separator: "\n").write(toFile: project.directory.path("ranked.jsonl"), atomically: true, encoding: .utf8)
        let imported = try pairwise(["import", "ranked.jsonl"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(imported.status == 0, "\(imported.stderr)")
        let item = try #require(Int(project.psql("lena", "SELECT min(id) FROM items WHERE response_count = 4").output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let insert = { (who: String, as_: String) in
            project.psql(who, """
                INSERT INTO rankings (item_id, annotator_id, ranks, created_at, origin)
                VALUES (\(item), (SELECT id FROM annotators WHERE name = '\(as_)'), '[1, 2, 3, 4]', '2026-11-23T00:00:00.000Z', 'tui')
                """)
        }
        #expect(insert("ann", "bo").error.contains("violates row-level security policy"))
        #expect(insert("ann", "ann").status == 0)
        #expect(project.psql("ann", "UPDATE rankings SET ranks = '[4, 3, 2, 1]'").status != 0)
        // bo ranks the other item through the annotate screen under his own login.
        let session = try AnnotateSession(store: try ProjectStore.open(at: project.url("bo")), annotator: "bo")
        for key in [Key.character(":")] + "goto rank-1".map({ Key.character($0) }) + [.enter] { session.handle(key) }
        #expect(session.state.ranking?.item.item.id == "rank-1", "\(session.state.message ?? "")")
        for key in [Key.character("1"), .character("2"), .character("3"), .enter] { session.handle(key) }
        // The sample rubric's required dimensions, one value per response.
        #expect(session.state.message == "Helpfulness is required: one value per response.")
        for key in "33332222" { session.handle(.character(key)) }
        session.handle(.enter)
        #expect(project.psql("bo", "SELECT count(*) FROM rankings").output == "1\n")
        #expect(project.psql("bo", "SELECT rubric FROM rankings").output.hasPrefix(#"{"correctness": [2, 2, 2, 2], "helpfulness": [3, 3, 3, 3]}"#), "stored as jsonb")
        #expect(project.psql("ann", "SELECT count(*) FROM rankings").output == "1\n")
        #expect(project.psql("lena", "SELECT count(*) FROM rankings").output == "2\n")
        #expect(project.psql("lena", "SELECT judges FROM items WHERE response_count = 4 ORDER BY id").output == "1\n1\n")
    }

    @Test func anAnnotatorReadsOnlyTheirOwnJudgments() throws {
        let project = try Project()
        #expect(project.psql("lena", "SELECT count(*) FROM judgments").output == "3\n")
        #expect(project.psql("ann", "SELECT count(*) FROM judgments").output == "1\n")
        #expect(project.psql("ann", "SELECT count(*) FROM current_judgments").output == "1\n")
        #expect(project.psql("ann", "SELECT count(*) FROM judgments WHERE annotator_id <> pairwise_me()").output == "0\n")
        #expect(project.psql("bo", "SELECT count(*) FROM judgments").output == "2\n")
        // Through pairwise too: ann's export is made of ann's judgment alone, lena's of all three.
        let own = try pairwise(["export", "--format", "trl"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("ann")])
        #expect(own.status == 0, "\(own.stderr)")
        #expect(own.stdout.split(separator: "\n").map { $0.contains(#""judgments": 1,"#) } == [true])
        let all = try pairwise(["export", "--format", "judgments"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(all.stdout.split(separator: "\n").count == 3, "\(all.stderr)")
    }

    @Test func anAnnotatorCannotWriteUnderAnotherName() throws {
        let project = try Project()
        let bo = try #require(Int(project.psql("ann", "SELECT id FROM annotators WHERE name = 'bo'").output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let attempts = [
            "INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin) VALUES (3, \(bo), 3, 0, 'ab', 1, 'x', 'tui')",
            "INSERT INTO item_events (item_id, annotator_id, kind, created_at) VALUES (3, \(bo), 'flag', 'x')",
            "INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) SELECT 2, pairwise_me(), 'x'",
            "INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (2, \(bo), 'x')",
            "INSERT INTO item_leases (item_id, annotator_id, expires_at) VALUES (3, \(bo), 1e12)",
        ]
        for sql in attempts {
            let run = project.psql("ann", sql)
            #expect(run.status != 0 && run.error.contains("violates row-level security policy"), "\(sql): \(run.error)")
        }
        for sql in ["SET ROLE bo", "SET SESSION AUTHORIZATION bo"] {
            let run = project.psql("ann", sql)
            #expect(run.status != 0 && run.error.contains("permission denied"), "\(sql): \(run.error)")
        }
        #expect(project.psql("lena", "SELECT count(*) FROM judgments").output == "3\n", "nothing was added")
        #expect(project.psql("lena", "SELECT count(*) FROM judgment_retractions").output == "0\n")
    }

    @Test func anAnnotatorCannotPromoteThemselvesNorChangeJudgments() throws {
        let project = try Project()
        let group = project.database() + "_lead"
        let attempts = [
            ("UPDATE annotators SET role = 'lead' WHERE name = 'ann'", "permission denied for table annotators"),
            ("INSERT INTO annotators (name, role, created_at) VALUES ('ann2', 'lead', 'x')", "permission denied for table annotators"),
            ("GRANT \(group) TO ann", "must have admin option on role"),
            ("ALTER ROLE ann CREATEROLE", "permission denied"),
            ("UPDATE judgments SET strength = 3", "permission denied for table judgments"),
            ("DELETE FROM judgments", "permission denied for table judgments"),
            ("UPDATE settings SET value = '1' WHERE key = 'overlap'", "permission denied for table settings"),
            ("INSERT INTO adjudications (item_id, lead_id, strength, both_bad, reason, created_at) VALUES (1, pairwise_me(), 1, 0, 'other', 'x')",
             "permission denied for table adjudications"),
        ]
        for (sql, message) in attempts {
            let run = project.psql("ann", sql)
            #expect(run.status != 0 && run.error.contains(message), "\(sql): \(run.error)")
        }
        // Through pairwise, the same refusal before the server is asked.
        let promote = try pairwise(["annotators", "add", "ann", "--role", "lead"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("ann")])
        #expect(promote.status == 77)
        #expect(promote.stderr.contains("for leads only (ann is not a lead"))
        #expect(project.psql("lena", "SELECT role FROM annotators WHERE name = 'ann'").output == "annotator\n")
        // Even the owner cannot rewrite a judgment: the append-only triggers refuse it.
        let owner = TestPostgres.runPsql(project.admin, "UPDATE judgments SET strength = 3")
        #expect(owner.status != 0 && owner.error.contains("judgments are append-only"))
    }

    /// The trainer's role reads every label and writes models, and nothing else.
    @Test func theTrainerRoleReadsLabelsAndWritesOnlyModels() throws {
        let project = try Project()
        let setUp = TestPostgres.runPsql(project.admin, """
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bot') THEN CREATE ROLE bot LOGIN; END IF; END $$;
            ALTER ROLE bot PASSWORD 'bot-secret'; GRANT \(project.database())_trainer TO bot;
            """)
        #expect(setUp.status == 0, "\(setUp.error)")
        #expect(project.psql("bot", "SELECT count(*) FROM judgments").output == "3\n")
        for (sql, message) in [
            ("INSERT INTO judgments (item_id, annotator_id, strength, both_bad, shown_order, ms, created_at, origin) VALUES (3, 1, 3, 0, 'ab', 1, 'x', 'tui')",
             "permission denied for table judgments"),
            ("INSERT INTO adjudications (item_id, lead_id, strength, both_bad, reason, created_at) VALUES (1, 1, 1, 0, 'other', 'x')",
             "permission denied for table adjudications"),
            ("UPDATE annotators SET role = 'lead'", "permission denied for table annotators"),
        ] {
            let run = project.psql("bot", sql)
            #expect(run.status != 0 && run.error.contains(message), "\(sql): \(run.error)")
        }
        let train = try pairwise(["train"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("bot")])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.hasPrefix("run 1: 2 pairs"), "\(train.stdout)")
        #expect(project.psql("ann", "SELECT count(*) FROM model_runs WHERE status = 'done'").output == "1\n")
        // Its features are kept in the user's cache folder, named by the project's address.
        let kept = try FileManager.default.contentsOfDirectory(atPath: project.directory.path(".cache/pairwise/features"))
        #expect(kept.count == 1 && kept.allSatisfy { $0.hasSuffix(".features") }, "\(kept)")
    }

    /// A login the server asks a password of, given none: a sentence saying where it goes, exit 77.
    @Test func aMissingPasswordIsSaidSo() throws {
        let project = try Project()
        let bare = project.url("ann").replacingOccurrences(of: "ann:ann-secret@", with: "ann@")
        let run = try pairwise(["status"], in: project.directory.url, environment: ["PAIRWISE_DB": bare])
        #expect(run.status == 77, "\(run.stderr)")
        #expect(run.stderr.contains("the server asks for a password and none was given: put it in the URL (postgres://USER:PASSWORD@HOST/DATABASE), in PGPASSWORD, or in ~/.pgpass (PGPASSFILE)"),
                "\(run.stderr)")
    }

    /// Roles are the cluster's and outlive a dropped database. A project made again in a
    /// database of the same name is made (its migrations ran the old groups' grants before
    /// the functions they name existed: "function pairwise_me() does not exist"), and the old
    /// project's people are not in it until a lead adds them again.
    @Test func aProjectMadeAgainUnderADroppedDatabasesNameHasNoneOfItsPeople() throws {
        let project = try Project()
        let server = try TestPostgres.server.get()
        #expect(TestPostgres.runPsql(server, "DROP DATABASE \(project.database()) WITH (FORCE)").status == 0)
        #expect(TestPostgres.runPsql(server, "CREATE DATABASE \(project.database())").status == 0)
        let made = try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: project.directory)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try pairwise(["import", Fixtures.sampleItems], in: project.directory).status == 0)
        for name in ["ann", "lena"] {
            #expect(project.psql(name, "SELECT count(*) FROM items").error.contains("permission denied for database \"\(project.database())\""),
                    "\(name) of the dropped project")
        }
        #expect(try pairwise(["annotators", "add", "ann"], in: project.directory).status == 0)
        #expect(project.psql("ann", "SELECT count(*) FROM items").output == "62\n")
        #expect(project.psql("ann", "SELECT count(*) FROM gold_answers").error.contains("permission denied for table gold_answers"))
        #expect(project.psql("ann", "UPDATE annotators SET role = 'lead'").error.contains("permission denied for table annotators"))
    }

    /// A login made ahead under a future project's group name would be that project's lead:
    /// `init` refuses it.
    @Test func aLoginSquattingAGroupNameIsRefused() throws {
        let directory = try TemporaryDirectory("pairwise-pg-squat", on: .postgres)
        let name = String(directory.database!.split(separator: "/").last!.split(separator: "?").first!) + "_lead"
        #expect(TestPostgres.runPsql(directory.database!, "CREATE ROLE \(name) LOGIN").status == 0)
        defer { _ = TestPostgres.runPsql(try! TestPostgres.server.get(), "DROP ROLE IF EXISTS \(name)") }
        let made = try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory)
        #expect(made.status != 0 && made.stderr.contains("the role \(name) exists and can log in: a project's group role must not"), "\(made.stderr)")
        #expect(TestPostgres.runPsql(directory.database!, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = '\(name)'")
                    .output == "0\n")
        #expect(TestPostgres.runPsql(directory.database!, "SELECT has_table_privilege('\(name)', 'items', 'SELECT')").output == "f\n")
    }

    @Test func aLeadAddsPeopleWhoThenConnectAsThemselves() throws {
        let project = try Project()
        let added = try pairwise(["annotators", "add", "cy"], in: project.directory.url, environment: ["PAIRWISE_DB": project.url("lena")])
        #expect(added.status == 0, "\(added.stderr)")
        let groups = TestPostgres.runPsql(project.admin, """
            SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles p ON p.oid = m.member WHERE p.rolname = 'cy'
              AND g.rolname LIKE '\(project.database())%'
            """)
        #expect(groups.output == project.database() + "_annotator\n")
        // A lead made annotator leaves the lead group.
        #expect(try pairwise(["annotators", "add", "lena", "--role", "annotator"], in: project.directory).status == 0)
        #expect(project.psql("lena", "SELECT count(*) FROM judgments").output == "0\n")
    }
}
