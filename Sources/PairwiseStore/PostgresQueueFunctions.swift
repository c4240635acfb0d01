/// An annotator's queue on PostgreSQL as v23 computes it: the same items in the same places
/// as v16.2's `pairwise_queue` and `pairwise_arrange`, in a fraction of the time at a
/// million judgments (the settings read once, not once per item; the queue after its last
/// gold item passed through in one statement).
enum PostgresQueueFunctions {
    static let migration = """
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

    """
}
