/// SQLite's triggers keeping the current labels and the items' counts, in the order the
/// migrations made and remade them (PostgreSQL's, in PL/pgSQL, are in `PostgresBoundary`).
/// Kept as shipped: a project file made by an older version is upgraded through each.
enum SQLiteTriggers {
    /// v6: a judgment becomes its annotator's current one on the item; retracting it makes the previous
    /// live one current, or takes the annotator off the item.
    static let judgmentsV6 = """
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

    /// v7: each item's current judgments by direction, counted from the kept ids.
    static let directionsV7Backfill = """
    UPDATE items SET prefer_a = d.a, prefer_b = d.b, prefer_neither = d.n
    FROM (SELECT c.item_id, sum(j.strength < 0) AS a, sum(j.strength > 0) AS b, sum(j.strength = 0) AS n
          FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id GROUP BY c.item_id) d
    WHERE items.id = d.item_id;
    """

    /// v7: the same triggers keeping the item's directions: the judgment replaced leaves them, the new
    /// or previous live one joins them.
    static let judgmentsV7 = """
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

    /// v8: the judgment trigger in one update of the item: the judgment it replaces (if any) leaves the
    /// counts and it joins them. A new judgment's id is always the largest (an INTEGER PRIMARY KEY
    /// given by SQLite is max + 1), so it always becomes current.
    static let judgmentsV8 = """
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

    /// v9: as v8's and v7's, and the item's strength range from its current judgments.
    static let judgmentsV9 = """
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

    /// v13: a ranking becomes its annotator's current one on the item and counts a judge; retracting it
    /// makes the previous live one current, or takes the annotator off the item.
    static let rankingsV13 = """
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

    /// v20: what `status` reads, kept by triggers on the rows the label triggers write: how many
    /// items have each number of judges, and each annotator's current judgments and rankings.
    static let keptCountsV20 = """
    CREATE TABLE item_judge_counts (judges INTEGER PRIMARY KEY, items INTEGER NOT NULL);
    INSERT INTO item_judge_counts (judges, items) SELECT judges, count(*) FROM items GROUP BY judges;
    CREATE TABLE annotator_label_counts (
        annotator_id INTEGER PRIMARY KEY,
        judgments INTEGER NOT NULL DEFAULT 0,
        rankings INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO annotator_label_counts (annotator_id, judgments, rankings)
    SELECT p.id, (SELECT count(*) FROM current_judgment_ids c WHERE c.annotator_id = p.id),
           (SELECT count(*) FROM current_ranking_ids c WHERE c.annotator_id = p.id)
    FROM annotators p;

    CREATE TRIGGER items_count_added AFTER INSERT ON items BEGIN
        INSERT INTO item_judge_counts (judges, items) VALUES (NEW.judges, 1) ON CONFLICT (judges) DO UPDATE SET items = items + 1;
    END;
    CREATE TRIGGER items_count_removed AFTER DELETE ON items BEGIN
        UPDATE item_judge_counts SET items = items - 1 WHERE judges = OLD.judges;
    END;
    CREATE TRIGGER items_count_judges AFTER UPDATE OF judges ON items WHEN OLD.judges <> NEW.judges BEGIN
        UPDATE item_judge_counts SET items = items - 1 WHERE judges = OLD.judges;
        INSERT INTO item_judge_counts (judges, items) VALUES (NEW.judges, 1) ON CONFLICT (judges) DO UPDATE SET items = items + 1;
    END;
    \(annotatorCountTriggers("current_judgments", on: "current_judgment_ids", counting: "judgments"))
    \(annotatorCountTriggers("current_rankings", on: "current_ranking_ids", counting: "rankings"))
    """

    /// v20's two triggers keeping `annotator_label_counts.<column>` as rows of `table` come and go.
    private static func annotatorCountTriggers(_ name: String, on table: String, counting column: String) -> String {
        """
        CREATE TRIGGER \(name)_count_added AFTER INSERT ON \(table) BEGIN
            INSERT INTO annotator_label_counts (annotator_id, \(column)) VALUES (NEW.annotator_id, 1)
                ON CONFLICT (annotator_id) DO UPDATE SET \(column) = \(column) + 1;
        END;
        CREATE TRIGGER \(name)_count_removed AFTER DELETE ON \(table) BEGIN
            UPDATE annotator_label_counts SET \(column) = \(column) - 1 WHERE annotator_id = OLD.annotator_id;
        END;
        """
    }
}
