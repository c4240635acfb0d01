import GRDB

/// The versioned schema. Each migration is applied once, in order, inside a transaction;
/// never edit a shipped migration, add a new one.
enum Schema {
    /// Every migration, oldest first: its identifier (stored in each database; never change
    /// one) and its SQL.
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1: items, judgments, adjudications, model runs", v1),
        ("v2: trainer lease, the judgments each model run saw", v2),
        ("v3: held-out margins, response embeddings, rubric heads", v3),
        ("v4: multi-turn responses, the source of imported judgments", v4),
        ("v5: item leases", v5),
        ("v6: current judgments kept at write time", v6),
        ("v7: each item's current directions kept at write time", v7),
        ("v8: one item update per judgment", v8),
        ("v9: each item's strength range kept at write time", v9),
        ("v10: items by judges with their directions", v10),
        ("v11: responses in a rowid table", v11),
        ("v12: gold answers, suggestions, guidelines", v12),
        ("v13: items of three to nine responses, and rankings", v13),
        ("v14: leads' decisions on contested rankings", v14),
        ("v15: each annotator's current judgments newest first", v15),
        ("v16: a lead's rubric values on a decided ranking", v16),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    /// The per-response rubric values a lead sets when deciding a ranked item (stored order,
    /// as `rankings.rubric`): they stand in for the annotators' values as the decision's
    /// order stands in for their rankings. `{}` on decisions made before.
    static let v16 = """
    ALTER TABLE ranking_adjudications ADD COLUMN rubric TEXT NOT NULL DEFAULT '{}';
    """

    /// Each annotator's current judgments in judgment order, so that their newest (what the
    /// drift check and the quality report read) come from the index, not from sorting all
    /// of theirs; it serves lookups by annotator as the index it replaces did.
    static let v15 = """
    CREATE INDEX current_judgment_ids_newest_by_annotator ON current_judgment_ids(annotator_id, judgment_id);
    DROP INDEX current_judgment_ids_by_annotator;
    """

    /// A lead's ranking of a contested ranked item, with the reason (as a pair's
    /// adjudication): it overrides the annotators' rankings in exports and training.
    /// Append-only with retractions; `current_ranking_adjudications` is each item's latest live one.
    static let v14 = """
    CREATE TABLE ranking_adjudications (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        lead_id INTEGER NOT NULL REFERENCES annotators(id),
        ranks TEXT NOT NULL,
        all_bad INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL CHECK (reason IN ('ambiguous', 'guideline gap', 'annotator error', 'both acceptable', 'other')),
        note TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX ranking_adjudications_by_item ON ranking_adjudications(item_id, id);
    CREATE TABLE ranking_adjudication_retractions (
        adjudication_id INTEGER PRIMARY KEY REFERENCES ranking_adjudications(id),
        lead_id INTEGER NOT NULL REFERENCES annotators(id),
        created_at TEXT NOT NULL
    );
    CREATE VIEW current_ranking_adjudications AS
        SELECT a.* FROM ranking_adjudications a
        WHERE a.id = (
            SELECT max(b.id) FROM ranking_adjudications b
            WHERE b.item_id = a.item_id
              AND NOT EXISTS (SELECT 1 FROM ranking_adjudication_retractions r WHERE r.adjudication_id = b.id));
    CREATE TRIGGER ranking_adjudications_no_update BEFORE UPDATE ON ranking_adjudications
        BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
    CREATE TRIGGER ranking_adjudications_no_delete BEFORE DELETE ON ranking_adjudications
        BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
    CREATE TRIGGER ranking_adjudication_retractions_no_update BEFORE UPDATE ON ranking_adjudication_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    CREATE TRIGGER ranking_adjudication_retractions_no_delete BEFORE DELETE ON ranking_adjudication_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    """

    /// Ranked items: an item of three to nine responses keeps them in `ranked_responses`
    /// (position 0…8, the source's order), so that every query of a pair's responses a and b
    /// passes it by; `items.response_count` tells the two kinds apart. A ranking gives each
    /// stored response its rank (a JSON list, 1 the best, equal ranks tied). Rankings are
    /// append-only like judgments, with retractions, and triggers keep each (item,
    /// annotator)'s current ranking and the item's judge count, which the queue and the
    /// overlap read for both kinds.
    static let v13 = """
    ALTER TABLE items ADD COLUMN response_count INTEGER NOT NULL DEFAULT 2;
    CREATE TABLE ranked_responses (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position BETWEEN 0 AND 8),
        text TEXT NOT NULL,
        model TEXT,
        turns TEXT,
        UNIQUE (item_id, position)
    );
    CREATE TABLE rankings (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        ranks TEXT NOT NULL,                 -- JSON: each stored response's rank, 1 the best
        all_bad INTEGER NOT NULL DEFAULT 0,
        rubric TEXT NOT NULL DEFAULT '{}',   -- JSON: per-response dimension -> value per stored response
        note TEXT,
        shown_order TEXT,                    -- JSON: the stored positions in the order shown
        ms INTEGER,
        created_at TEXT NOT NULL,
        origin TEXT NOT NULL,
        source TEXT,
        guidelines_version INTEGER
    );
    CREATE INDEX rankings_by_item ON rankings(item_id, annotator_id);
    CREATE TABLE ranking_retractions (
        ranking_id INTEGER PRIMARY KEY REFERENCES rankings(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE current_ranking_ids (
        item_id INTEGER NOT NULL,
        annotator_id INTEGER NOT NULL,
        ranking_id INTEGER NOT NULL UNIQUE,
        PRIMARY KEY (item_id, annotator_id)
    ) WITHOUT ROWID;
    CREATE INDEX current_ranking_ids_by_annotator ON current_ranking_ids(annotator_id);
    CREATE VIEW current_rankings AS
        SELECT r.* FROM current_ranking_ids c JOIN rankings r ON r.id = c.ranking_id;

    CREATE TRIGGER rankings_no_update BEFORE UPDATE ON rankings
        BEGIN SELECT RAISE(ABORT, 'rankings are append-only'); END;
    CREATE TRIGGER rankings_no_delete BEFORE DELETE ON rankings
        BEGIN SELECT RAISE(ABORT, 'rankings are append-only'); END;
    CREATE TRIGGER ranking_retractions_no_update BEFORE UPDATE ON ranking_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    CREATE TRIGGER ranking_retractions_no_delete BEFORE DELETE ON ranking_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;

    CREATE TRIGGER rankings_keep_current AFTER INSERT ON rankings BEGIN
        UPDATE items SET judges = judges + 1 WHERE id = NEW.item_id
            AND NOT EXISTS (SELECT 1 FROM current_ranking_ids WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id);
        INSERT INTO current_ranking_ids (item_id, annotator_id, ranking_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET ranking_id = excluded.ranking_id;
    END;
    CREATE TRIGGER ranking_retractions_keep_current AFTER INSERT ON ranking_retractions
    WHEN EXISTS (SELECT 1 FROM current_ranking_ids WHERE ranking_id = NEW.ranking_id)
    BEGIN
        UPDATE current_ranking_ids SET ranking_id = (
            SELECT max(k.id) FROM rankings r JOIN rankings k ON k.item_id = r.item_id AND k.annotator_id = r.annotator_id
            WHERE r.id = NEW.ranking_id AND NOT EXISTS (SELECT 1 FROM ranking_retractions x WHERE x.ranking_id = k.id))
        WHERE ranking_id = NEW.ranking_id AND EXISTS (
            SELECT 1 FROM rankings r JOIN rankings k ON k.item_id = r.item_id AND k.annotator_id = r.annotator_id
            WHERE r.id = NEW.ranking_id AND NOT EXISTS (SELECT 1 FROM ranking_retractions x WHERE x.ranking_id = k.id));
        UPDATE items SET judges = judges - 1
            WHERE id = (SELECT item_id FROM current_ranking_ids WHERE ranking_id = NEW.ranking_id);
        DELETE FROM current_ranking_ids WHERE ranking_id = NEW.ranking_id;
    END;
    """

    /// Quality control: items with a known answer, labels suggested by a model or an LLM
    /// judge (never judgments), and the project's guidelines, every version kept; each
    /// judgment records the guidelines version it was made under and the suggestion shown.
    static let v12 = """
    CREATE TABLE gold_answers (
        item_id INTEGER PRIMARY KEY REFERENCES items(id),
        strength INTEGER NOT NULL CHECK (strength BETWEEN -3 AND 3),   -- relative to the stored A/B
        both_bad INTEGER NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        explanation TEXT,                    -- shown with the expected answer in qualification
        source TEXT,                         -- the file it came from
        created_at TEXT NOT NULL
    );
    CREATE TABLE suggestions (
        item_id INTEGER NOT NULL REFERENCES items(id),
        source TEXT NOT NULL,                -- the suggesting model's name
        strength INTEGER NOT NULL CHECK (strength BETWEEN -3 AND 3),
        both_bad INTEGER NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        note TEXT,
        file TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (item_id, source)
    ) WITHOUT ROWID;
    CREATE TABLE guidelines (
        version INTEGER PRIMARY KEY,
        text TEXT NOT NULL,                  -- Markdown
        source TEXT,
        created_at TEXT NOT NULL
    );
    ALTER TABLE judgments ADD COLUMN guidelines_version INTEGER;
    ALTER TABLE judgments ADD COLUMN suggestion_shown TEXT;
    """

    /// Responses move to a rowid table. As a WITHOUT ROWID table, whose rows SQLite keeps
    /// small (about a quarter of a page before overflow), every response of a kilobyte or
    /// more took an overflow page for its last bytes: hh-rlhf-sized text made the table four
    /// times the size of its text, and an import wrote and read back four times as much.
    static let v11 = """
    CREATE TABLE responses_by_rowid (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        slot TEXT NOT NULL CHECK (slot IN ('a', 'b')),
        text TEXT NOT NULL,
        model TEXT,
        turns TEXT,                          -- JSON [{role, content}] of a multi-turn response
        UNIQUE (item_id, slot)
    );
    INSERT INTO responses_by_rowid (item_id, slot, text, model, turns)
        SELECT item_id, slot, text, model, turns FROM responses ORDER BY item_id, slot;
    DROP TABLE responses;
    ALTER TABLE responses_by_rowid RENAME TO responses;
    """

    /// The judge count index also holds each item's directions, so that the status line's
    /// agreement reads the index alone.
    static let v10 = """
    DROP INDEX items_by_judges;
    CREATE INDEX items_by_judges ON items(judges, prefer_a, prefer_b, prefer_neither);
    """

    /// Each item's lowest and highest current strength (NULL without judgments), kept by the
    /// same triggers, and an index of the items whose directions are split: review lists
    /// them, most contested first, without reading any judgment.
    static let v9 = """
    ALTER TABLE items ADD COLUMN strength_min INTEGER;
    ALTER TABLE items ADD COLUMN strength_max INTEGER;
    UPDATE items SET strength_min = r.low, strength_max = r.high
    FROM (SELECT c.item_id, min(j.strength) AS low, max(j.strength) AS high
          FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id GROUP BY c.item_id) r
    WHERE items.id = r.item_id;
    CREATE INDEX items_split ON items(prefer_a, prefer_b, prefer_neither, strength_min, strength_max)
        WHERE (prefer_a > 0) + (prefer_b > 0) + (prefer_neither > 0) >= 2;

    -- The item's other annotators' current judgments and the new one make its range.
    DROP TRIGGER judgments_keep_current;
    CREATE TRIGGER judgments_keep_current AFTER INSERT ON judgments BEGIN
        UPDATE items SET (prefer_a, prefer_b, prefer_neither, judges, strength_min, strength_max) = (
            SELECT items.prefer_a - coalesce(sum(j.strength < 0 AND c.annotator_id = NEW.annotator_id), 0) + (NEW.strength < 0),
                   items.prefer_b - coalesce(sum(j.strength > 0 AND c.annotator_id = NEW.annotator_id), 0) + (NEW.strength > 0),
                   items.prefer_neither - coalesce(sum(j.strength = 0 AND c.annotator_id = NEW.annotator_id), 0) + (NEW.strength = 0),
                   items.judges + (coalesce(sum(c.annotator_id = NEW.annotator_id), 0) = 0),
                   min(coalesce(min(CASE WHEN c.annotator_id <> NEW.annotator_id THEN j.strength END), NEW.strength), NEW.strength),
                   max(coalesce(max(CASE WHEN c.annotator_id <> NEW.annotator_id THEN j.strength END), NEW.strength), NEW.strength)
            FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id = NEW.item_id)
        WHERE id = NEW.item_id;
        INSERT INTO current_judgment_ids (item_id, annotator_id, judgment_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET judgment_id = excluded.judgment_id;
    END;

    -- As v7's, then the item's range from its current judgments.
    DROP TRIGGER judgment_retractions_keep_current;
    CREATE TRIGGER judgment_retractions_keep_current AFTER INSERT ON judgment_retractions
    WHEN EXISTS (SELECT 1 FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id)
    BEGIN
        UPDATE items SET prefer_a = prefer_a - (r.strength < 0), prefer_b = prefer_b - (r.strength > 0),
                         prefer_neither = prefer_neither - (r.strength = 0)
        FROM (SELECT item_id, strength FROM judgments WHERE id = NEW.judgment_id) r WHERE items.id = r.item_id;
        UPDATE current_judgment_ids SET judgment_id = (
            SELECT max(k.id) FROM judgments j JOIN judgments k ON k.item_id = j.item_id AND k.annotator_id = j.annotator_id
            WHERE j.id = NEW.judgment_id AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id))
        WHERE judgment_id = NEW.judgment_id AND EXISTS (
            SELECT 1 FROM judgments j JOIN judgments k ON k.item_id = j.item_id AND k.annotator_id = j.annotator_id
            WHERE j.id = NEW.judgment_id AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id));
        UPDATE items SET judges = judges - 1
            WHERE id = (SELECT item_id FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id);
        DELETE FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id;
        UPDATE items SET prefer_a = prefer_a + (p.strength < 0), prefer_b = prefer_b + (p.strength > 0),
                         prefer_neither = prefer_neither + (p.strength = 0)
        FROM (SELECT k.item_id, k.strength FROM judgments r JOIN current_judgment_ids c ON c.item_id = r.item_id AND c.annotator_id = r.annotator_id
              JOIN judgments k ON k.id = c.judgment_id WHERE r.id = NEW.judgment_id) p
        WHERE items.id = p.item_id;
        UPDATE items SET (strength_min, strength_max) = (
            SELECT min(j.strength), max(j.strength) FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id = items.id)
        WHERE id = (SELECT item_id FROM judgments WHERE id = NEW.judgment_id);
    END;
    """

    /// The judgment trigger in one update of the item: the judgment it replaces (if any)
    /// leaves the counts and it joins them. A new judgment's id is always the largest (an
    /// INTEGER PRIMARY KEY given by SQLite is max + 1), so it always becomes current.
    static let v8 = """
    DROP TRIGGER judgments_keep_current;
    CREATE TRIGGER judgments_keep_current AFTER INSERT ON judgments BEGIN
        UPDATE items SET (prefer_a, prefer_b, prefer_neither, judges) = (
            SELECT items.prefer_a - coalesce(sum(j.strength < 0), 0) + (NEW.strength < 0),
                   items.prefer_b - coalesce(sum(j.strength > 0), 0) + (NEW.strength > 0),
                   items.prefer_neither - coalesce(sum(j.strength = 0), 0) + (NEW.strength = 0),
                   items.judges + (count(j.id) = 0)
            FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id = NEW.item_id AND c.annotator_id = NEW.annotator_id)
        WHERE id = NEW.item_id;
        INSERT INTO current_judgment_ids (item_id, annotator_id, judgment_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET judgment_id = excluded.judgment_id;
    END;
    """

    /// Each item's current judgments by direction (preferring A, B, neither), kept by the
    /// same triggers, so that agreement on the direction reads one row per item.
    static let v7 = """
    ALTER TABLE items ADD COLUMN prefer_a INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE items ADD COLUMN prefer_b INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE items ADD COLUMN prefer_neither INTEGER NOT NULL DEFAULT 0;
    UPDATE items SET prefer_a = d.a, prefer_b = d.b, prefer_neither = d.n
    FROM (SELECT c.item_id, sum(j.strength < 0) AS a, sum(j.strength > 0) AS b, sum(j.strength = 0) AS n
          FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id GROUP BY c.item_id) d
    WHERE items.id = d.item_id;

    DROP TRIGGER judgments_keep_current;
    CREATE TRIGGER judgments_keep_current AFTER INSERT ON judgments BEGIN
        -- The judgment it replaces leaves the item's directions.
        UPDATE items SET
            prefer_a = prefer_a - coalesce((SELECT j.strength < 0 FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                                            WHERE c.item_id = NEW.item_id AND c.annotator_id = NEW.annotator_id AND c.judgment_id < NEW.id), 0),
            prefer_b = prefer_b - coalesce((SELECT j.strength > 0 FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                                            WHERE c.item_id = NEW.item_id AND c.annotator_id = NEW.annotator_id AND c.judgment_id < NEW.id), 0),
            prefer_neither = prefer_neither - coalesce((SELECT j.strength = 0 FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                                            WHERE c.item_id = NEW.item_id AND c.annotator_id = NEW.annotator_id AND c.judgment_id < NEW.id), 0),
            judges = judges + NOT EXISTS (SELECT 1 FROM current_judgment_ids WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id)
        WHERE id = NEW.item_id;
        INSERT INTO current_judgment_ids (item_id, annotator_id, judgment_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET judgment_id = excluded.judgment_id
            WHERE excluded.judgment_id > current_judgment_ids.judgment_id;
        -- It joins them, when it is now the current one.
        UPDATE items SET prefer_a = prefer_a + (NEW.strength < 0), prefer_b = prefer_b + (NEW.strength > 0),
                         prefer_neither = prefer_neither + (NEW.strength = 0)
        WHERE id = NEW.item_id AND EXISTS (SELECT 1 FROM current_judgment_ids WHERE judgment_id = NEW.id);
    END;

    DROP TRIGGER judgment_retractions_keep_current;
    CREATE TRIGGER judgment_retractions_keep_current AFTER INSERT ON judgment_retractions
    WHEN EXISTS (SELECT 1 FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id)
    BEGIN
        -- The retracted judgment leaves the item's directions.
        UPDATE items SET prefer_a = prefer_a - (r.strength < 0), prefer_b = prefer_b - (r.strength > 0),
                         prefer_neither = prefer_neither - (r.strength = 0)
        FROM (SELECT item_id, strength FROM judgments WHERE id = NEW.judgment_id) r WHERE items.id = r.item_id;
        UPDATE current_judgment_ids SET judgment_id = (
            SELECT max(k.id) FROM judgments j JOIN judgments k ON k.item_id = j.item_id AND k.annotator_id = j.annotator_id
            WHERE j.id = NEW.judgment_id AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id))
        WHERE judgment_id = NEW.judgment_id AND EXISTS (
            SELECT 1 FROM judgments j JOIN judgments k ON k.item_id = j.item_id AND k.annotator_id = j.annotator_id
            WHERE j.id = NEW.judgment_id AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id));
        UPDATE items SET judges = judges - 1
            WHERE id = (SELECT item_id FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id);
        DELETE FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id;
        -- The pair's previous live judgment, now current, joins them.
        UPDATE items SET prefer_a = prefer_a + (p.strength < 0), prefer_b = prefer_b + (p.strength > 0),
                         prefer_neither = prefer_neither + (p.strength = 0)
        FROM (SELECT k.item_id, k.strength FROM judgments r JOIN current_judgment_ids c ON c.item_id = r.item_id AND c.annotator_id = r.annotator_id
              JOIN judgments k ON k.id = c.judgment_id WHERE r.id = NEW.judgment_id) p
        WHERE items.id = p.item_id;
    END;
    """

    /// The latest live judgment of each (item, annotator), and each item's count of such
    /// annotators, kept up to date by triggers as judgments and retractions are added (every
    /// writer: the TUI, import, simulate), instead of a view that searched for them on every
    /// read. `current_judgments` stays, as a join over the kept ids.
    static let v6 = """
    CREATE TABLE current_judgment_ids (
        item_id INTEGER NOT NULL,
        annotator_id INTEGER NOT NULL,
        judgment_id INTEGER NOT NULL UNIQUE,
        PRIMARY KEY (item_id, annotator_id)
    ) WITHOUT ROWID;
    CREATE INDEX current_judgment_ids_by_annotator ON current_judgment_ids(annotator_id);
    -- Distinct annotators with a live judgment of the item.
    ALTER TABLE items ADD COLUMN judges INTEGER NOT NULL DEFAULT 0;

    INSERT INTO current_judgment_ids (item_id, annotator_id, judgment_id)
        SELECT item_id, annotator_id, id FROM current_judgments;
    UPDATE items SET judges = (SELECT count(*) FROM current_judgment_ids c WHERE c.item_id = items.id);
    CREATE INDEX items_by_judges ON items(judges);

    DROP VIEW current_judgments;
    CREATE VIEW current_judgments AS
        SELECT j.* FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id;

    CREATE TRIGGER judgments_keep_current AFTER INSERT ON judgments BEGIN
        UPDATE items SET judges = judges + 1 WHERE id = NEW.item_id
            AND NOT EXISTS (SELECT 1 FROM current_judgment_ids WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id);
        INSERT INTO current_judgment_ids (item_id, annotator_id, judgment_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET judgment_id = excluded.judgment_id
            WHERE excluded.judgment_id > current_judgment_ids.judgment_id;
    END;

    -- Retracting the current judgment makes the pair's previous live one current, or, when
    -- there is none, takes the annotator off the item.
    CREATE TRIGGER judgment_retractions_keep_current AFTER INSERT ON judgment_retractions
    WHEN EXISTS (SELECT 1 FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id)
    BEGIN
        UPDATE current_judgment_ids SET judgment_id = (
            SELECT max(k.id) FROM judgments j JOIN judgments k ON k.item_id = j.item_id AND k.annotator_id = j.annotator_id
            WHERE j.id = NEW.judgment_id AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id))
        WHERE judgment_id = NEW.judgment_id AND EXISTS (
            SELECT 1 FROM judgments j JOIN judgments k ON k.item_id = j.item_id AND k.annotator_id = j.annotator_id
            WHERE j.id = NEW.judgment_id AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = k.id));
        UPDATE items SET judges = judges - 1
            WHERE id = (SELECT item_id FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id);
        DELETE FROM current_judgment_ids WHERE judgment_id = NEW.judgment_id;
    END;
    """

    static let v5 = """
    -- An item on an annotator's screen, reserved until the lease expires (unix seconds), so
    -- that annotators working at once never judge an item more often than the overlap.
    CREATE TABLE item_leases (
        item_id INTEGER NOT NULL REFERENCES items(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        expires_at REAL NOT NULL,
        PRIMARY KEY (item_id, annotator_id)
    ) WITHOUT ROWID;
    CREATE INDEX item_leases_by_annotator ON item_leases(annotator_id);
    """

    static let v4 = """
    -- A response of several turns (a multi-turn battle after the first differing reply):
    -- its messages as JSON [{role, content}]; text holds them rendered for reading.
    ALTER TABLE responses ADD COLUMN turns TEXT;
    -- For imported labels, the file they came from (origin says the format).
    ALTER TABLE judgments ADD COLUMN source TEXT;
    """

    static let v3 = """
    -- The ensemble members that did not see an item in their bootstrap sample: their mean margin.
    ALTER TABLE model_scores ADD COLUMN held_out_margin REAL;
    -- Optional user-supplied vectors (jsonl embedding_a / embedding_b), little-endian float32.
    CREATE TABLE response_embeddings (
        item_id INTEGER NOT NULL REFERENCES items(id),
        slot TEXT NOT NULL CHECK (slot IN ('a', 'b')),
        vector BLOB NOT NULL,
        PRIMARY KEY (item_id, slot)
    ) WITHOUT ROWID;
    -- A regression head per per-response rubric dimension, fitted with each run.
    CREATE TABLE model_heads (
        run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        dimension TEXT NOT NULL,
        examples INTEGER NOT NULL,
        held_out_rmse REAL,
        held_out_pearson REAL,
        weights BLOB NOT NULL,
        PRIMARY KEY (run_id, dimension)
    ) WITHOUT ROWID;
    """

    static let v2 = """
    -- One row at most: the process refitting the model, until its lease expires.
    CREATE TABLE trainer_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    ALTER TABLE model_runs ADD COLUMN last_judgment_id INTEGER NOT NULL DEFAULT 0;
    """

    static let v1 = """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
    );
    CREATE TABLE rubrics (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        definition TEXT NOT NULL,            -- JSON, schemas/rubric.schema.json
        created_at TEXT NOT NULL
    );
    CREATE TABLE annotators (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('annotator', 'lead')),
        created_at TEXT NOT NULL
    );
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        external_id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,   -- SHA-256 of prompt + both responses (order-free)
        prompt TEXT NOT NULL,                -- JSON: a string or a list of {role, content}
        metadata TEXT NOT NULL DEFAULT '{}',
        source_format TEXT,
        source_file TEXT,
        source_line INTEGER,
        created_at TEXT NOT NULL
    );
    CREATE TABLE responses (
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        slot TEXT NOT NULL CHECK (slot IN ('a', 'b')),
        text TEXT NOT NULL,
        model TEXT,
        PRIMARY KEY (item_id, slot)
    ) WITHOUT ROWID;
    CREATE TABLE assignments (
        item_id INTEGER NOT NULL REFERENCES items(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (item_id, annotator_id)
    ) WITHOUT ROWID;
    CREATE TABLE judgments (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        strength INTEGER NOT NULL CHECK (strength BETWEEN -3 AND 3),   -- negative: A better
        both_bad INTEGER NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',   -- JSON object by dimension key
        note TEXT,
        shown_order TEXT NOT NULL CHECK (shown_order IN ('ab', 'ba')),
        ms INTEGER NOT NULL CHECK (ms >= 0),
        created_at TEXT NOT NULL,
        origin TEXT NOT NULL                 -- 'tui', 'import:FORMAT' or 'simulate'
    );
    CREATE INDEX judgments_by_item ON judgments(item_id, annotator_id, id);
    CREATE INDEX judgments_by_annotator ON judgments(annotator_id, id);
    -- Undo adds a row here; the judgment itself is never touched.
    CREATE TABLE judgment_retractions (
        judgment_id INTEGER PRIMARY KEY REFERENCES judgments(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE item_events (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        annotator_id INTEGER NOT NULL REFERENCES annotators(id),
        kind TEXT NOT NULL CHECK (kind IN ('skip', 'flag')),
        reason TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX item_events_by_item ON item_events(item_id);
    CREATE TABLE adjudications (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id),
        lead_id INTEGER NOT NULL REFERENCES annotators(id),
        strength INTEGER NOT NULL CHECK (strength BETWEEN -3 AND 3),
        both_bad INTEGER NOT NULL CHECK (both_bad IN (0, 1)),
        rubric TEXT NOT NULL DEFAULT '{}',
        reason TEXT NOT NULL CHECK (reason IN ('ambiguous', 'guideline gap', 'annotator error', 'both acceptable', 'other')),
        note TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX adjudications_by_item ON adjudications(item_id, id);
    CREATE TABLE adjudication_retractions (
        adjudication_id INTEGER PRIMARY KEY REFERENCES adjudications(id),
        lead_id INTEGER NOT NULL REFERENCES annotators(id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE model_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
        pairs INTEGER,
        accuracy REAL,
        log_loss REAL,
        calibration_error REAL,
        train_seconds REAL,
        parameters TEXT NOT NULL DEFAULT '{}',
        weights BLOB
    );
    CREATE TABLE model_scores (
        run_id INTEGER NOT NULL REFERENCES model_runs(id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES items(id),
        reward_a REAL NOT NULL,
        reward_b REAL NOT NULL,
        margin REAL NOT NULL,
        uncertainty REAL NOT NULL,
        PRIMARY KEY (run_id, item_id)
    ) WITHOUT ROWID;

    -- Judgments, adjudications and their retractions are append-only.
    CREATE TRIGGER judgments_no_update BEFORE UPDATE ON judgments
        BEGIN SELECT RAISE(ABORT, 'judgments are append-only'); END;
    CREATE TRIGGER judgments_no_delete BEFORE DELETE ON judgments
        BEGIN SELECT RAISE(ABORT, 'judgments are append-only'); END;
    CREATE TRIGGER judgment_retractions_no_update BEFORE UPDATE ON judgment_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    CREATE TRIGGER judgment_retractions_no_delete BEFORE DELETE ON judgment_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    CREATE TRIGGER adjudications_no_update BEFORE UPDATE ON adjudications
        BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
    CREATE TRIGGER adjudications_no_delete BEFORE DELETE ON adjudications
        BEGIN SELECT RAISE(ABORT, 'adjudications are append-only'); END;
    CREATE TRIGGER adjudication_retractions_no_update BEFORE UPDATE ON adjudication_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;
    CREATE TRIGGER adjudication_retractions_no_delete BEFORE DELETE ON adjudication_retractions
        BEGIN SELECT RAISE(ABORT, 'retractions are append-only'); END;

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
    """
}
