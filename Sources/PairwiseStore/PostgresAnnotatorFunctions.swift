import Foundation

/// What an annotator's screen asks the PostgreSQL server for as it opens, as v23 computes
/// it: the same answers as v16.2's functions, in a fraction of the time at a million
/// judgments.
/// - `pairwise_queue` reads the settings once, not once per item, from an index holding
///   each item's judge count and id.
/// - `pairwise_arrange` passes the queue after its last gold item through in one statement.
/// - `pairwise_drift_check` reads the caller's own newest labels from their index: its
///   shared subqueries (the caller, the labels' classes) are no longer materialized, which
///   made it classify every judgment and walk every current label.
enum PostgresAnnotatorFunctions {
    static let migration = """
    CREATE INDEX items_open ON public.items(judges, id);

    -- The caller's queue, unordered: items short of the overlap they have not judged, and
    -- the gold items they have not seen (when gold_rate is above 0 and anything else is
    -- left). Which is which, the caller cannot tell; `pairwise_arrange` places the gold.
    CREATE OR REPLACE FUNCTION public.pairwise_queue() RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE SECURITY DEFINER \(PostgresBoundary.pinnedPath) AS $$
    DECLARE
        me BIGINT := public.pairwise_me();
        overlap BIGINT := public.pairwise_setting('overlap', '\(ProjectStore.defaultOverlap)')::BIGINT;
        rate DOUBLE PRECISION := public.pairwise_setting('gold_rate', '0.1')::DOUBLE PRECISION;
        regular BIGINT;
    BEGIN
        RETURN QUERY SELECT i.id FROM public.items i
            WHERE i.judges < overlap
              AND NOT EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM public.current_judgment_ids c WHERE c.item_id = i.id AND c.annotator_id = me)
              AND NOT EXISTS (SELECT 1 FROM public.current_ranking_ids c WHERE c.item_id = i.id AND c.annotator_id = me);
        GET DIAGNOSTICS regular = ROW_COUNT;
        IF regular > 0 AND rate > 0 THEN
            RETURN QUERY SELECT g.item_id FROM public.gold_answers g
                WHERE NOT EXISTS (SELECT 1 FROM public.judgments j WHERE j.item_id = g.item_id AND j.annotator_id = me)
                  AND NOT EXISTS (SELECT 1 FROM public.rankings r WHERE r.item_id = g.item_id AND r.annotator_id = me);
        END IF;
    END $$;

    -- The caller's queue, in the order given, with its gold items taken out and put back
    -- as GoldSchedule.mix places them: each position is gold with probability gold_rate
    -- (a seeded draw per annotator and position) while they last, in a seeded order. Once
    -- the gold is placed (or there is none), the rest of the queue goes out in one statement.
    CREATE OR REPLACE FUNCTION public.pairwise_arrange(ids BIGINT[]) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE SECURITY DEFINER \(PostgresBoundary.pinnedPath) AS $$
    DECLARE
        salt TEXT := public.pairwise_setting('seed', '1') || ':' || public.pairwise_me();
        rate DOUBLE PRECISION := public.pairwise_setting('gold_rate', '0.1')::DOUBLE PRECISION;
        gold BIGINT[];
        next INT := 1;
        place BIGINT := 0;
        k INT := 1;
        item BIGINT;
    BEGIN
        SELECT coalesce(array_agg(a.item_id ORDER BY pg_catalog.md5(salt || ':gold:' || a.item_id)), '{}') INTO gold
            FROM public.gold_answers a WHERE a.item_id IN (SELECT pg_catalog.unnest(ids));
        WHILE k <= coalesce(pg_catalog.cardinality(ids), 0) LOOP
            IF next > pg_catalog.cardinality(gold) OR rate <= 0 THEN
                RETURN QUERY SELECT u.id FROM pg_catalog.unnest(ids[k:]) WITH ORDINALITY AS u(id, n)
                    WHERE u.id <> ALL(gold) ORDER BY u.n;
                RETURN;
            END IF;
            item := ids[k];
            k := k + 1;
            CONTINUE WHEN item = ANY(gold);
            WHILE next <= pg_catalog.cardinality(gold) AND public.pairwise_draw(salt, place) < rate LOOP
                RETURN NEXT gold[next];
                next := next + 1;
                place := place + 1;
            END LOOP;
            RETURN NEXT item;
            place := place + 1;
        END LOOP;
    END $$;

    """ + v16_2("pairwise_drift_check", endingWith: "\n$$;", [
        ("WITH me AS (", "WITH me AS NOT MATERIALIZED ("),
        ("labels AS (", "labels AS NOT MATERIALIZED ("),
    ]) + "\n"

    /// v16.2's definition of the function `name` (to the first `end` after its start), made
    /// again with `edits`, each of which must apply.
    static func v16_2(_ name: String, endingWith end: String, _ edits: [(String, String)]) -> String {
        let functions = PostgresBoundary.functions
        guard let start = functions.range(of: "CREATE FUNCTION public.\(name)("),
              let stop = functions.range(of: end, range: start.upperBound..<functions.endIndex) else {
            preconditionFailure("v16.2 defines \(name)")
        }
        var definition = "CREATE OR REPLACE" + String(functions[start.lowerBound..<stop.upperBound].dropFirst("CREATE".count))
        for (old, new) in edits {
            precondition(definition.contains(old), "v16.2's \(name) holds \(old)")
            definition = definition.replacingOccurrences(of: old, with: new)
        }
        return definition
    }
}
