/// The project's schema: one ordered list of migrations that both stores apply (`Migrator`),
/// each table defined once (`TableDefinition`) and each statement written once unless the
/// stores need different SQL. Never edit what a shipped migration leaves behind; add one.
///
/// No PostgreSQL project predates v11 (the earlier ones made it as v11 left SQLite's, in one
/// step); so steps that only carried old SQLite files' rows forward, and the triggers v11
/// replaced, are SQLite's alone. Differences kept on purpose: PostgreSQL's ids are identity
/// columns (ALWAYS since v16.2: `pairwise copy` and a lead's import give them with
/// OVERRIDING SYSTEM VALUE), booleans stay integers 0/1 and times ISO-8601 text so that rows
/// read the same from both stores, sorted text uses the "C" collation (SQLite's byte order),
/// and its kept counts are maintained by PL/pgSQL triggers that lock the item row first.
enum Schema {
    static let migrations: [Migration] = [
        Migration("v1: items, judgments, adjudications, model runs", v1),
        Migration("v2: trainer lease, the judgments each model run saw", [
            // One row at most: the process refitting the model, until its lease expires.
            .table(TableDefinition("trainer_lease", [
                .integer("id", "PRIMARY KEY CHECK (id = 1)"),
                .text("holder", "NOT NULL"),
                .sortedText("expires_at", "NOT NULL"),
            ])),
            .addColumn(table: "model_runs", .integer("last_judgment_id", "NOT NULL DEFAULT 0")),
        ]),
        Migration("v3: held-out margins, response embeddings, rubric heads", [
            // The ensemble members that did not see an item in their bootstrap sample: their mean margin.
            .addColumn(table: "model_scores", .real("held_out_margin")),
            // Optional user-supplied vectors (jsonl embedding_a / embedding_b), little-endian float32.
            .table(TableDefinition("response_embeddings", [
                .integer("item_id", "NOT NULL REFERENCES items(id)"),
                .text("slot", "NOT NULL CHECK (slot IN ('a', 'b'))"),
                .blob("vector", "NOT NULL"),
            ], constraints: ["PRIMARY KEY (item_id, slot)"], withoutRowID: true)),
            // A regression head per per-response rubric dimension, fitted with each run.
            .table(TableDefinition("model_heads", [
                .integer("run_id", "NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE"),
                .text("dimension", "NOT NULL"),
                .integer("examples", "NOT NULL"),
                .real("held_out_rmse"),
                .real("held_out_pearson"),
                .blob("weights", "NOT NULL"),
            ], constraints: ["PRIMARY KEY (run_id, dimension)"], withoutRowID: true)),
        ]),
        Migration("v4: multi-turn responses, the source of imported judgments", [
            // A response of several turns (a multi-turn battle after the first differing reply):
            // its messages as JSON [{role, content}]; text holds them rendered for reading.
            .addColumn(table: "responses", .text("turns")),
            // For imported labels, the file they came from (origin says the format).
            .addColumn(table: "judgments", .text("source")),
        ]),
        Migration("v5: item leases", [
            // An item on an annotator's screen, reserved until the lease expires (unix seconds), so
            // that annotators working at once never judge an item more often than the overlap.
            .table(TableDefinition("item_leases", [
                .integer("item_id", "NOT NULL REFERENCES items(id)"),
                .integer("annotator_id", "NOT NULL REFERENCES annotators(id)"),
                .real("expires_at", "NOT NULL"),
            ], constraints: ["PRIMARY KEY (item_id, annotator_id)"], withoutRowID: true)),
            .both("CREATE INDEX item_leases_by_annotator ON item_leases(annotator_id);"),
        ]),
        Migration("v6: current judgments kept at write time", v6),
        Migration("v7: each item's current directions kept at write time", [
            // Each item's current judgments by direction (preferring A, B, neither), kept by the
            // same triggers, so that agreement on the direction reads one row per item.
            .addColumn(table: "items", .integer("prefer_a", "NOT NULL DEFAULT 0")),
            .addColumn(table: "items", .integer("prefer_b", "NOT NULL DEFAULT 0")),
            .addColumn(table: "items", .integer("prefer_neither", "NOT NULL DEFAULT 0")),
            .sqlite(SQLiteTriggers.directionsV7Backfill),
            .sqlite(SQLiteTriggers.judgmentsV7),
        ]),
        Migration("v8: one item update per judgment", [.sqlite(SQLiteTriggers.judgmentsV8)]),
        Migration("v9: each item's strength range kept at write time", v9),
        Migration("v10: items by judges with their directions", [
            // The judge count index also holds each item's directions, so that the status line's
            // agreement reads the index alone.
            .both("""
            DROP INDEX items_by_judges;
            CREATE INDEX items_by_judges ON items(judges, prefer_a, prefer_b, prefer_neither);
            """),
        ]),
        Migration("v11: responses in a rowid table", [
            // As a WITHOUT ROWID table, whose rows SQLite keeps small (about a quarter of a page
            // before overflow), every response of a kilobyte or more took an overflow page for its
            // last bytes: hh-rlhf-sized text made the table four times the size of its text.
            .sqlite(responses.named("responses_by_rowid").createSQL(.sqlite) + """
            INSERT INTO responses_by_rowid (item_id, slot, text, model, turns)
                SELECT item_id, slot, text, model, turns FROM responses ORDER BY item_id, slot;
            DROP TABLE responses;
            ALTER TABLE responses_by_rowid RENAME TO responses;
            """),
            .postgres("DROP TABLE responses;\n" + responses.createSQL(.postgres)),
        ]),
        Migration("v12: gold answers, suggestions, guidelines", v12),
        Migration("v12.1 (PostgreSQL): annotators lock the items they write; the others' labels for their drift check", only: .postgres, [
            .postgres(PostgresSchema.v12_1 + PostgresRoles.annotatorFunctionPrivileges),
        ]),
        Migration("v13: items of three to nine responses, and rankings", v13),
        Migration("v14: leads' decisions on contested rankings", v14),
        Migration("v15: each annotator's current judgments newest first", [
            // Each annotator's current judgments in judgment order, so that their newest (what the
            // drift check and the quality report read) come from the index, not from sorting all
            // of theirs; it serves lookups by annotator as the index it replaces did.
            .both("""
            CREATE INDEX current_judgment_ids_newest_by_annotator ON current_judgment_ids(annotator_id, judgment_id);
            DROP INDEX current_judgment_ids_by_annotator;
            """),
        ]),
        Migration("v16: a lead's rubric values on a decided ranking", [
            // The per-response rubric values a lead sets when deciding a ranked item (stored order,
            // as `rankings.rubric`): they stand in for the annotators' values as the decision's
            // order stands in for their rankings. `{}` on decisions made before.
            .addColumn(table: "ranking_adjudications", .text("rubric", "NOT NULL DEFAULT '{}'")),
            // PostgreSQL expands a view's `*` when it makes the view: made again to show the new
            // column (its grants stay; its options are set again).
            .postgres("CREATE OR REPLACE VIEW " + currentRankingAdjudications + ";\n"
                + PostgresRoles.groupBlock("    ALTER VIEW current_ranking_adjudications SET (security_invoker = true);")),
        ]),
        Migration("v16.1 (PostgreSQL): leads take item ids from the sequence ahead of the rows", only: .postgres, [
            .postgres(PostgresRoles.itemIDPrivileges),
        ]),
        Migration("v16.2 (PostgreSQL): the boundary holds against an annotator with psql", only: .postgres, [
            .postgres(PostgresBoundary.migration),
        ]),
        Migration("v17: the keys people label with over SSH", [
            // Who a key the SSH server verified belongs to (`pairwise remote add`): the forced
            // command names the fingerprint, and the person is read here, never from the client.
            .table(TableDefinition("remote_keys", [
                .sortedText("fingerprint", "PRIMARY KEY"),
                .integer("annotator_id", "NOT NULL REFERENCES annotators(id)"),
                .text("public_key", "NOT NULL"),
                .sortedText("added_at", "NOT NULL"),
            ])),
            .both("CREATE INDEX remote_keys_by_annotator ON remote_keys(annotator_id);"),
            .postgres(PostgresRoles.remoteKeyPrivileges),
        ]),
        Migration("v18: each model run's uncertainties in one value", [
            // The newest run's uncertainty of every item, as float64s indexed by item id (NaN:
            // not scored), so that an annotator's queue reads one value instead of a row per
            // item; NULL on runs made before, and where ids are too sparse for an array.
            .addColumn(table: "model_runs", .blob("uncertainties")),
        ]),
        Migration("v19: the responses that name their model", [
            // Whether any pair names its models (the leaderboard's battles) is asked by `stats`;
            // without this index the answer, when it is no, was a pass over every response's text.
            .both("CREATE INDEX responses_naming_models ON responses(item_id, slot) WHERE model IS NOT NULL;"),
        ]),
        // SQLite counts an index range entry by entry: at 10M judgments `status` spent most of a
        // second counting. PostgreSQL counts as before (a row per annotator written by every
        // label of theirs would be rewritten once per row of a bulk import in one transaction).
        Migration("v20 (SQLite): items by judge count and each annotator's current labels, kept at write time", only: .sqlite, [
            .sqlite(SQLiteTriggers.keptCountsV20),
        ]),
        Migration("v21: labels made on the screen by time", [
            // The pace a lead's next steps are sized by counts the labels made on the screen in the
            // past week; without these it was a pass over every judgment. Imports never write them.
            .both("""
            CREATE INDEX judgments_made_on_screen ON judgments(created_at) WHERE origin = 'tui';
            CREATE INDEX rankings_made_on_screen ON rankings(created_at) WHERE origin = 'tui';
            """),
        ]),
        Migration("v22 (PostgreSQL): leads add people through the project, without CREATEROLE", only: .postgres, [
            .postgres(PostgresPeople.migration),
        ]),
        Migration("v23 (PostgreSQL): what an annotator's screen asks the server for as it opens, in a fraction of the time", only: .postgres, [
            .postgres(PostgresAnnotatorFunctions.migration),
        ]),
    ]

    /// The responses of a pair's two slots, as v11 made them.
    static let responses = TableDefinition("responses", [
        .id,
        .integer("item_id", "NOT NULL REFERENCES items(id) ON DELETE CASCADE"),
        .text("slot", "NOT NULL CHECK (slot IN ('a', 'b'))"),
        .text("text", "NOT NULL"),
        .text("model"),
        .text("turns"),                      // JSON [{role, content}] of a multi-turn response
    ], constraints: ["UNIQUE (item_id, slot)"])

    static let v1: [SchemaStep] = [
        .table(TableDefinition("settings", [.text("key", "PRIMARY KEY NOT NULL"), .text("value", "NOT NULL")])),
        .table(TableDefinition("rubrics", [
            .id,
            .text("name", "NOT NULL"),
            .text("definition", "NOT NULL"),     // JSON, schemas/rubric.schema.json
            .sortedText("created_at", "NOT NULL"),
        ])),
        .table(TableDefinition("annotators", [
            .id,
            .sortedText("name", "NOT NULL UNIQUE"),
            .text("role", "NOT NULL CHECK (role IN ('annotator', 'lead'))"),
            .sortedText("created_at", "NOT NULL"),
        ])),
        .table(TableDefinition("items", [
            .id,
            .sortedText("external_id", "NOT NULL UNIQUE"),
            .text("content_hash", "NOT NULL UNIQUE"),  // SHA-256 of prompt + both responses (order-free)
            .text("prompt", "NOT NULL"),               // JSON: a string or a list of {role, content}
            .text("metadata", "NOT NULL DEFAULT '{}'"),
            .text("source_format"),
            .text("source_file"),
            .integer("source_line"),
            .sortedText("created_at", "NOT NULL"),
        ])),
        .table(TableDefinition("responses", [
            .integer("item_id", "NOT NULL REFERENCES items(id) ON DELETE CASCADE"),
            .text("slot", "NOT NULL CHECK (slot IN ('a', 'b'))"),
            .text("text", "NOT NULL"),
            .text("model"),
        ], constraints: ["PRIMARY KEY (item_id, slot)"], withoutRowID: true)),
        .table(TableDefinition("assignments", [
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .integer("annotator_id", "NOT NULL REFERENCES annotators(id)"),
            .sortedText("assigned_at", "NOT NULL"),
        ], constraints: ["PRIMARY KEY (item_id, annotator_id)"], withoutRowID: true)),
        .table(TableDefinition("judgments", [
            .id,
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .integer("annotator_id", "NOT NULL REFERENCES annotators(id)"),
            .integer("strength", "NOT NULL CHECK (strength BETWEEN -3 AND 3)"),  // negative: A better
            .integer("both_bad", "NOT NULL CHECK (both_bad IN (0, 1))"),
            .text("rubric", "NOT NULL DEFAULT '{}'"),                             // JSON object by dimension key
            .text("note"),
            .text("shown_order", "NOT NULL CHECK (shown_order IN ('ab', 'ba'))"),
            .integer("ms", "NOT NULL CHECK (ms >= 0)"),
            .sortedText("created_at", "NOT NULL"),
            .text("origin", "NOT NULL"),                                          // 'tui', 'import:FORMAT' or 'simulate'
        ])),
        .both("""
        CREATE INDEX judgments_by_item ON judgments(item_id, annotator_id, id);
        CREATE INDEX judgments_by_annotator ON judgments(annotator_id, id);
        """),
        // Undo adds a row here; the judgment itself is never touched.
        .table(retractions("judgment_retractions", of: "judgment_id", in: "judgments", by: "annotator_id")),
        .table(TableDefinition("item_events", [
            .id,
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .integer("annotator_id", "NOT NULL REFERENCES annotators(id)"),
            .text("kind", "NOT NULL CHECK (kind IN ('skip', 'flag'))"),
            .text("reason"),
            .sortedText("created_at", "NOT NULL"),
        ])),
        .both("CREATE INDEX item_events_by_item ON item_events(item_id);"),
        .table(TableDefinition("adjudications", [
            .id,
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .integer("lead_id", "NOT NULL REFERENCES annotators(id)"),
            .integer("strength", "NOT NULL CHECK (strength BETWEEN -3 AND 3)"),
            .integer("both_bad", "NOT NULL CHECK (both_bad IN (0, 1))"),
            .text("rubric", "NOT NULL DEFAULT '{}'"),
            .text("reason", "NOT NULL CHECK (reason IN \(decisionReasons))"),
            .text("note"),
            .sortedText("created_at", "NOT NULL"),
        ])),
        .both("CREATE INDEX adjudications_by_item ON adjudications(item_id, id);"),
        .table(retractions("adjudication_retractions", of: "adjudication_id", in: "adjudications", by: "lead_id")),
        .table(TableDefinition("model_runs", [
            .id,
            .sortedText("started_at", "NOT NULL"),
            .sortedText("finished_at"),
            .text("status", "NOT NULL CHECK (status IN ('running', 'done', 'failed'))"),
            .integer("pairs"),
            .real("accuracy"),
            .real("log_loss"),
            .real("calibration_error"),
            .real("train_seconds"),
            .text("parameters", "NOT NULL DEFAULT '{}'"),
            .blob("weights"),
        ])),
        .table(TableDefinition("model_scores", [
            .integer("run_id", "NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE"),
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .real("reward_a", "NOT NULL"),
            .real("reward_b", "NOT NULL"),
            .real("margin", "NOT NULL"),
            .real("uncertainty", "NOT NULL"),
        ], constraints: ["PRIMARY KEY (run_id, item_id)"], withoutRowID: true)),

        // Judgments, adjudications and their retractions are append-only.
        .postgres("""
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% are append-only', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
        END $$;
        """),
        .appendOnly(table: "judgments", noun: "judgments", truncate: true),
        .appendOnly(table: "judgment_retractions", noun: "retractions"),
        .appendOnly(table: "adjudications", noun: "adjudications"),
        .appendOnly(table: "adjudication_retractions", noun: "retractions"),

        .both("""
        -- Each annotator's latest judgment of each item that has not been retracted.
        CREATE VIEW current_judgments AS
            SELECT j.* FROM judgments j
            WHERE j.id = (
                SELECT max(k.id) FROM judgments k
                WHERE k.item_id = j.item_id AND k.annotator_id = j.annotator_id
                  AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id));
        -- Each item's latest adjudication that has not been retracted.
        CREATE VIEW current_adjudications AS
            SELECT a.* FROM adjudications a
            WHERE a.id = (
                SELECT max(b.id) FROM adjudications b
                WHERE b.item_id = a.item_id
                  AND NOT EXISTS (SELECT 1 FROM adjudication_retractions r WHERE r.adjudication_id = b.id));
        """),
    ]

    /// The latest live judgment of each (item, annotator), and each item's count of such
    /// annotators, kept up to date by triggers as judgments and retractions are added (every
    /// writer: the TUI, import, simulate), instead of a view that searched for them on every
    /// read. `current_judgments` stays, as a join over the kept ids.
    static let v6: [SchemaStep] = [
        .table(currentLabelIDs("current_judgment_ids", "judgment_id")),
        .both("CREATE INDEX current_judgment_ids_by_annotator ON current_judgment_ids(annotator_id);"),
        // Distinct annotators with a live judgment of the item.
        .addColumn(table: "items", .integer("judges", "NOT NULL DEFAULT 0")),
        .both("""
        INSERT INTO current_judgment_ids (item_id, annotator_id, judgment_id)
            SELECT item_id, annotator_id, id FROM current_judgments;
        UPDATE items SET judges = (SELECT count(*) FROM current_judgment_ids c WHERE c.item_id = items.id);
        CREATE INDEX items_by_judges ON items(judges);

        DROP VIEW current_judgments;
        CREATE VIEW current_judgments AS
            SELECT j.* FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id;
        """),
        .sqlite(SQLiteTriggers.judgmentsV6),
    ]

    /// Each item's lowest and highest current strength (NULL without judgments), kept by the
    /// same triggers, and an index of the items whose directions are split: review lists
    /// them, most contested first, without reading any judgment.
    static let v9: [SchemaStep] = [
        .addColumn(table: "items", .integer("strength_min")),
        .addColumn(table: "items", .integer("strength_max")),
        .sqlite("""
        UPDATE items SET strength_min = r.low, strength_max = r.high
        FROM (SELECT c.item_id, min(j.strength) AS low, max(j.strength) AS high
              FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id GROUP BY c.item_id) r
        WHERE items.id = r.item_id;
        CREATE INDEX items_split ON items(prefer_a, prefer_b, prefer_neither, strength_min, strength_max)
            WHERE (prefer_a > 0) + (prefer_b > 0) + (prefer_neither > 0) >= 2;
        """),
        .postgres("""
        CREATE INDEX items_split ON items(prefer_a, prefer_b, prefer_neither, strength_min, strength_max)
            WHERE (prefer_a > 0)::integer + (prefer_b > 0)::integer + (prefer_neither > 0)::integer >= 2;
        """),
        .sqlite(SQLiteTriggers.judgmentsV9),
        // A judgment replaces its annotator's current one on the item and the item's counts and
        // strength range follow; the item row is locked first, so that two annotators'
        // judgments of one item count in turn.
        .postgres("""
        \(PostgresBoundary.judgmentsKeepCurrent)
        CREATE TRIGGER judgments_keep_current AFTER INSERT ON judgments FOR EACH ROW EXECUTE FUNCTION judgments_keep_current();
        \(PostgresBoundary.judgmentRetractionsKeepCurrent)
        CREATE TRIGGER judgment_retractions_keep_current AFTER INSERT ON judgment_retractions
            FOR EACH ROW EXECUTE FUNCTION judgment_retractions_keep_current();
        """),
    ]

    /// Quality control: items with a known answer, labels suggested by a model or an LLM
    /// judge (never judgments), and the project's guidelines, every version kept; each
    /// judgment records the guidelines version it was made under and the suggestion shown.
    static let v12: [SchemaStep] = [
        .table(TableDefinition("gold_answers", [
            .integer("item_id", "PRIMARY KEY REFERENCES items(id)"),
            .integer("strength", "NOT NULL CHECK (strength BETWEEN -3 AND 3)"),   // relative to the stored A/B
            .integer("both_bad", "NOT NULL CHECK (both_bad IN (0, 1))"),
            .text("rubric", "NOT NULL DEFAULT '{}'"),
            .text("explanation"),                // shown with the expected answer in qualification
            .text("source"),                     // the file it came from
            .sortedText("created_at", "NOT NULL"),
        ])),
        .table(TableDefinition("suggestions", [
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .sortedText("source", "NOT NULL"),   // the suggesting model's name
            .integer("strength", "NOT NULL CHECK (strength BETWEEN -3 AND 3)"),
            .integer("both_bad", "NOT NULL CHECK (both_bad IN (0, 1))"),
            .text("rubric", "NOT NULL DEFAULT '{}'"),
            .text("note"),
            .text("file"),
            .sortedText("created_at", "NOT NULL"),
        ], constraints: ["PRIMARY KEY (item_id, source)"], withoutRowID: true)),
        .table(TableDefinition("guidelines", [
            .integer("version", "PRIMARY KEY"),
            .text("text", "NOT NULL"),           // Markdown
            .text("source"),
            .sortedText("created_at", "NOT NULL"),
        ])),
        .addColumn(table: "judgments", .integer("guidelines_version")),
        .addColumn(table: "judgments", .text("suggestion_shown")),
        // Annotators never read gold answers: they learn which items are gold (not their
        // answers) and, once they judged one, its answer, through functions that run as the owner.
        .postgres(PostgresSchema.v12 + PostgresRoles.qualityControlPrivileges + PostgresRoles.goldFunctionPrivileges),
    ]

    /// Ranked items: an item of three to nine responses keeps them in `ranked_responses`
    /// (position 0…8, the source's order), so that every query of a pair's responses a and b
    /// passes it by; `items.response_count` tells the two kinds apart. A ranking gives each
    /// stored response its rank (a JSON list, 1 the best, equal ranks tied). Rankings are
    /// append-only like judgments, with retractions, and triggers keep each (item,
    /// annotator)'s current ranking and the item's judge count, which the queue and the
    /// overlap read for both kinds.
    static let v13: [SchemaStep] = [
        .addColumn(table: "items", .integer("response_count", "NOT NULL DEFAULT 2")),
        .table(TableDefinition("ranked_responses", [
            .id,
            .integer("item_id", "NOT NULL REFERENCES items(id) ON DELETE CASCADE"),
            .integer("position", "NOT NULL CHECK (position BETWEEN 0 AND 8)"),
            .text("text", "NOT NULL"),
            .text("model"),
            .text("turns"),
        ], constraints: ["UNIQUE (item_id, position)"])),
        .table(TableDefinition("rankings", [
            .id,
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .integer("annotator_id", "NOT NULL REFERENCES annotators(id)"),
            .text("ranks", "NOT NULL"),                 // JSON: each stored response's rank, 1 the best
            .integer("all_bad", "NOT NULL DEFAULT 0"),
            .text("rubric", "NOT NULL DEFAULT '{}'"),   // JSON: per-response dimension -> value per stored response
            .text("note"),
            .text("shown_order"),                       // JSON: the stored positions in the order shown
            .integer("ms"),
            .sortedText("created_at", "NOT NULL"),
            .text("origin", "NOT NULL"),
            .text("source"),
            .integer("guidelines_version"),
        ])),
        .both("CREATE INDEX rankings_by_item ON rankings(item_id, annotator_id);"),
        .table(retractions("ranking_retractions", of: "ranking_id", in: "rankings", by: "annotator_id")),
        .table(currentLabelIDs("current_ranking_ids", "ranking_id")),
        .both("""
        CREATE INDEX current_ranking_ids_by_annotator ON current_ranking_ids(annotator_id);
        CREATE VIEW current_rankings AS
            SELECT r.* FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id;
        """),
        .appendOnly(table: "rankings", noun: "rankings", truncate: true),
        .appendOnly(table: "ranking_retractions", noun: "retractions"),
        .sqlite(SQLiteTriggers.rankingsV13),
        .postgres("""
        \(PostgresBoundary.rankingsKeepCurrent)
        CREATE TRIGGER rankings_keep_current AFTER INSERT ON rankings FOR EACH ROW EXECUTE FUNCTION rankings_keep_current();
        \(PostgresBoundary.rankingRetractionsKeepCurrent)
        CREATE TRIGGER ranking_retractions_keep_current AFTER INSERT ON ranking_retractions
            FOR EACH ROW EXECUTE FUNCTION ranking_retractions_keep_current();
        """ + PostgresRoles.rankingPrivileges),
    ]

    /// A lead's ranking of a contested ranked item, with the reason (as a pair's
    /// adjudication): it overrides the annotators' rankings in exports and training.
    /// Append-only with retractions; `current_ranking_adjudications` is each item's latest live one.
    static let v14: [SchemaStep] = [
        .table(TableDefinition("ranking_adjudications", [
            .id,
            .integer("item_id", "NOT NULL REFERENCES items(id)"),
            .integer("lead_id", "NOT NULL REFERENCES annotators(id)"),
            .text("ranks", "NOT NULL"),
            .integer("all_bad", "NOT NULL DEFAULT 0"),
            .text("reason", "NOT NULL CHECK (reason IN \(decisionReasons))"),
            .text("note"),
            .sortedText("created_at", "NOT NULL"),
        ])),
        .both("CREATE INDEX ranking_adjudications_by_item ON ranking_adjudications(item_id, id);"),
        .table(retractions("ranking_adjudication_retractions", of: "adjudication_id", in: "ranking_adjudications", by: "lead_id")),
        .both("CREATE VIEW " + currentRankingAdjudications + ";"),
        .appendOnly(table: "ranking_adjudications", noun: "adjudications"),
        .appendOnly(table: "ranking_adjudication_retractions", noun: "retractions"),
        .postgres(PostgresRoles.rankingAdjudicationPrivileges),
    ]

    /// The reasons a lead gives for a decision.
    static let decisionReasons = "('ambiguous', 'guideline gap', 'annotator error', 'both acceptable', 'other')"

    static let currentRankingAdjudications = """
    current_ranking_adjudications AS
        SELECT a.* FROM ranking_adjudications a
        WHERE a.id = (
            SELECT max(b.id) FROM ranking_adjudications b
            WHERE b.item_id = a.item_id
              AND NOT EXISTS (SELECT 1 FROM ranking_adjudication_retractions r WHERE r.adjudication_id = b.id))
    """

    /// A label kind's retractions: one row per retracted label, by the person who retracted it.
    static func retractions(_ name: String, of label: String, in table: String, by person: String) -> TableDefinition {
        TableDefinition(name, [
            .integer(label, "PRIMARY KEY REFERENCES \(table)(id)"),
            .integer(person, "NOT NULL REFERENCES annotators(id)"),
            .sortedText("created_at", "NOT NULL"),
        ])
    }

    /// Each (item, annotator)'s current label of a kind, kept by triggers.
    static func currentLabelIDs(_ name: String, _ label: String) -> TableDefinition {
        TableDefinition(name, [
            .integer("item_id", "NOT NULL"),
            .integer("annotator_id", "NOT NULL"),
            .integer(label, "NOT NULL UNIQUE"),
        ], constraints: ["PRIMARY KEY (item_id, annotator_id)"], withoutRowID: true)
    }
}
