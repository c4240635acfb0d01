/// What the PostgreSQL server enforces against an annotator who connects with any client
/// (psql included), added by migration v16.2 to projects made before it:
///
/// - Every SECURITY DEFINER function pins `search_path` to `pg_catalog, public, pg_temp`
///   (`pg_temp` last) and names every table with its schema, so that no temporary object
///   of the caller's can stand in for the project's; and the project's people get no
///   TEMPORARY privilege on the database at all.
/// - What the client must not choose, the server sets: an annotator's row ids, times,
///   origin, guidelines version and lease length (`pairwise_server_sets`, a BEFORE trigger),
///   whatever the INSERT said (`OVERRIDING SYSTEM VALUE` included).
/// - Nothing an annotator can read tells a gold item from another or gives others' labels:
///   the items' counts, label ranges and provenance are hidden (column privileges); who
///   judged or holds what is visible for one's own rows only; the queue, the claim of an
///   item, the qualification round and the drift check are functions that answer with the
///   next items to show, a yes/no, or a verdict.
/// - Locks: an annotator locks only items they hold or judged, a claim skips an item
///   someone else has locked, and the project's write lock is a row only leads and the
///   trainer may lock.
enum PostgresBoundary {
    /// The `SET` clause of every SECURITY DEFINER function.
    static let pinnedPath = "SET search_path = pg_catalog, public, pg_temp"

    /// The migration: the functions made again (pinned, names qualified), the others
    /// dropped, identities made ALWAYS, the server-set trigger, and the privileges.
    static let migration = functions + """
    DROP FUNCTION IF EXISTS public.pairwise_gold_item_ids();
    DROP FUNCTION IF EXISTS public.pairwise_others_labels(BIGINT);
    ALTER FUNCTION public.refuse_change() \(pinnedPath);
    CREATE TABLE public.pairwise_write_lock (id BIGINT PRIMARY KEY CHECK (id = 1));
    INSERT INTO public.pairwise_write_lock VALUES (1);

    """ + identitiesAlways + serverSetTriggers + privileges

    /// Tables whose ids come from an identity column: the server gives every id
    /// (`pairwise copy` and the import, run by leads, say OVERRIDING SYSTEM VALUE).
    static let identityTables = ["rubrics", "annotators", "items", "responses", "judgments", "item_events", "adjudications", "model_runs",
                                 "ranked_responses", "rankings", "ranking_adjudications"]

    static let identitiesAlways = identityTables.map { "ALTER TABLE public.\($0) ALTER COLUMN id SET GENERATED ALWAYS;\n" }.joined()

    /// The tables whose rows an annotator adds, each with the trigger that sets what the
    /// server decides.
    static let annotatorTables = ["judgments", "rankings", "item_events", "judgment_retractions", "ranking_retractions"]

    static let serverSetTriggers = annotatorTables.map {
        "CREATE TRIGGER \($0)_server_sets BEFORE INSERT ON public.\($0) FOR EACH ROW EXECUTE FUNCTION public.pairwise_server_sets();\n"
    }.joined() + "CREATE TRIGGER item_leases_server_sets BEFORE INSERT OR UPDATE ON public.item_leases FOR EACH ROW EXECUTE FUNCTION public.pairwise_server_sets();\n"

    /// The kept counts' triggers (SECURITY DEFINER: the counts are kept for people who may
    /// not write them), as every migration that makes or remakes them writes them.
    static let judgmentsKeepCurrent = """
    CREATE OR REPLACE FUNCTION public.judgments_keep_current() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        previous BIGINT;
        had BOOLEAN;
        low BIGINT;
        high BIGINT;
    BEGIN
        PERFORM 1 FROM public.items WHERE id = NEW.item_id FOR UPDATE;
        SELECT j.strength INTO previous FROM public.current_judgment_ids c JOIN public.judgments j ON j.id = c.judgment_id
            WHERE c.item_id = NEW.item_id AND c.annotator_id = NEW.annotator_id;
        had := FOUND;
        \(refuseFull("had"))
        SELECT min(j.strength), max(j.strength) INTO low, high FROM public.current_judgment_ids c JOIN public.judgments j ON j.id = c.judgment_id
            WHERE c.item_id = NEW.item_id AND c.annotator_id <> NEW.annotator_id;
        UPDATE public.items SET
            prefer_a = prefer_a - (had AND previous < 0)::integer + (NEW.strength < 0)::integer,
            prefer_b = prefer_b - (had AND previous > 0)::integer + (NEW.strength > 0)::integer,
            prefer_neither = prefer_neither - (had AND previous = 0)::integer + (NEW.strength = 0)::integer,
            judges = judges + (NOT had)::integer,
            strength_min = LEAST(coalesce(low, NEW.strength), NEW.strength),
            strength_max = GREATEST(coalesce(high, NEW.strength), NEW.strength)
        WHERE id = NEW.item_id;
        INSERT INTO public.current_judgment_ids (item_id, annotator_id, judgment_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET judgment_id = excluded.judgment_id;
        RETURN NULL;
    END $$;
    """

    static let judgmentRetractionsKeepCurrent = """
    CREATE OR REPLACE FUNCTION public.judgment_retractions_keep_current() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        retracted public.judgments%ROWTYPE;
        replacement BIGINT;
        replacement_strength BIGINT;
    BEGIN
        SELECT * INTO retracted FROM public.judgments WHERE id = NEW.judgment_id;
        PERFORM 1 FROM public.items WHERE id = retracted.item_id FOR UPDATE;
        IF NOT EXISTS (SELECT 1 FROM public.current_judgment_ids WHERE judgment_id = NEW.judgment_id) THEN
            RETURN NULL;
        END IF;
        SELECT max(k.id) INTO replacement FROM public.judgments k
            WHERE k.item_id = retracted.item_id AND k.annotator_id = retracted.annotator_id
              AND NOT EXISTS (SELECT 1 FROM public.judgment_retractions r WHERE r.judgment_id = k.id);
        UPDATE public.items SET prefer_a = prefer_a - (retracted.strength < 0)::integer, prefer_b = prefer_b - (retracted.strength > 0)::integer,
                         prefer_neither = prefer_neither - (retracted.strength = 0)::integer
            WHERE id = retracted.item_id;
        IF replacement IS NULL THEN
            DELETE FROM public.current_judgment_ids WHERE judgment_id = NEW.judgment_id;
            UPDATE public.items SET judges = judges - 1 WHERE id = retracted.item_id;
        ELSE
            UPDATE public.current_judgment_ids SET judgment_id = replacement WHERE judgment_id = NEW.judgment_id;
            SELECT strength INTO replacement_strength FROM public.judgments WHERE id = replacement;
            UPDATE public.items SET prefer_a = prefer_a + (replacement_strength < 0)::integer, prefer_b = prefer_b + (replacement_strength > 0)::integer,
                             prefer_neither = prefer_neither + (replacement_strength = 0)::integer
                WHERE id = retracted.item_id;
        END IF;
        UPDATE public.items SET (strength_min, strength_max) = (
            SELECT min(j.strength), max(j.strength) FROM public.current_judgment_ids c JOIN public.judgments j ON j.id = c.judgment_id
            WHERE c.item_id = retracted.item_id)
        WHERE id = retracted.item_id;
        RETURN NULL;
    END $$;
    """

    static let rankingsKeepCurrent = """
    CREATE OR REPLACE FUNCTION public.rankings_keep_current() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    BEGIN
        PERFORM 1 FROM public.items WHERE id = NEW.item_id FOR UPDATE;
        \(refuseFull("EXISTS (SELECT 1 FROM public.current_ranking_ids WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id)"))
        UPDATE public.items SET judges = judges + 1 WHERE id = NEW.item_id
            AND NOT EXISTS (SELECT 1 FROM public.current_ranking_ids WHERE item_id = NEW.item_id AND annotator_id = NEW.annotator_id);
        INSERT INTO public.current_ranking_ids (item_id, annotator_id, ranking_id) VALUES (NEW.item_id, NEW.annotator_id, NEW.id)
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET ranking_id = excluded.ranking_id;
        RETURN NULL;
    END $$;
    """

    static let rankingRetractionsKeepCurrent = """
    CREATE OR REPLACE FUNCTION public.ranking_retractions_keep_current() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        retracted public.rankings%ROWTYPE;
        replacement BIGINT;
    BEGIN
        SELECT * INTO retracted FROM public.rankings WHERE id = NEW.ranking_id;
        PERFORM 1 FROM public.items WHERE id = retracted.item_id FOR UPDATE;
        IF NOT EXISTS (SELECT 1 FROM public.current_ranking_ids WHERE ranking_id = NEW.ranking_id) THEN
            RETURN NULL;
        END IF;
        SELECT max(k.id) INTO replacement FROM public.rankings k
            WHERE k.item_id = retracted.item_id AND k.annotator_id = retracted.annotator_id
              AND NOT EXISTS (SELECT 1 FROM public.ranking_retractions x WHERE x.ranking_id = k.id);
        IF replacement IS NULL THEN
            DELETE FROM public.current_ranking_ids WHERE ranking_id = NEW.ranking_id;
            UPDATE public.items SET judges = judges - 1 WHERE id = retracted.item_id;
        ELSE
            UPDATE public.current_ranking_ids SET ranking_id = replacement WHERE ranking_id = NEW.ranking_id;
        END IF;
        RETURN NULL;
    END $$;
    """

    /// PL/pgSQL refusing an annotator's first label (`had`: they labelled the item before) on
    /// an item that has its overlap's worth of annotators (gold never fills; a lead may go past).
    static func refuseFull(_ had: String) -> String {
        """
        IF NOT (\(had)) AND public.pairwise_restricted()
               AND NOT EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = NEW.item_id)
               AND (SELECT i.judges FROM public.items i WHERE i.id = NEW.item_id)
                   >= public.pairwise_setting('overlap', '\(ProjectStore.defaultOverlap)')::BIGINT THEN
                RAISE EXCEPTION 'item % is full: it has the annotators it needs', NEW.item_id USING ERRCODE = 'check_violation';
            END IF;
        """
    }

    static let functions = """
    CREATE OR REPLACE FUNCTION public.pairwise_me() RETURNS BIGINT LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS
        $$SELECT a.id FROM public.annotators a WHERE a.name = session_user$$;

    -- Whether the person connected is held to the annotators' rules: anyone outside the
    -- project's lead group (a project without groups has no one to hold).
    CREATE FUNCTION public.pairwise_restricted() RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = pg_catalog.current_database() || '_lead') THEN false
                    ELSE NOT pg_catalog.pg_has_role(session_user, pg_catalog.current_database() || '_lead', 'MEMBER') END
    $$;

    CREATE FUNCTION public.pairwise_setting(wanted TEXT, fallback TEXT) RETURNS TEXT LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS
        $$SELECT coalesce((SELECT s.value FROM public.settings s WHERE s.key = wanted), fallback)$$;

    -- Time as the client stores it: ISO 8601, UTC, milliseconds.
    CREATE FUNCTION public.pairwise_now() RETURNS TEXT LANGUAGE sql STABLE \(pinnedPath) AS
        $$SELECT pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')$$;

    -- What an annotator's rows hold that the client must not choose.
    CREATE FUNCTION public.pairwise_server_sets() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        sequence_name TEXT;
    BEGIN
        IF NOT public.pairwise_restricted() THEN RETURN NEW; END IF;
        IF TG_TABLE_NAME = 'item_leases' THEN
            NEW.expires_at := pg_catalog.date_part('epoch', pg_catalog.now()) + \(Int(ProjectStore.leaseSeconds));
            RETURN NEW;
        END IF;
        NEW.created_at := public.pairwise_now();
        IF TG_TABLE_NAME IN ('judgments', 'rankings', 'item_events') THEN
            -- The identity gave this row the session's newest value; any other id was chosen.
            sequence_name := pg_catalog.pg_get_serial_sequence('public.' || TG_TABLE_NAME, 'id');
            BEGIN
                IF NEW.id IS DISTINCT FROM pg_catalog.currval(sequence_name) THEN
                    NEW.id := pg_catalog.nextval(sequence_name);
                END IF;
            EXCEPTION WHEN object_not_in_prerequisite_state THEN
                NEW.id := pg_catalog.nextval(sequence_name);
            END;
        END IF;
        IF TG_TABLE_NAME IN ('judgments', 'rankings') THEN
            NEW.origin := 'tui';
            NEW.source := NULL;
            NEW.ms := LEAST(GREATEST(coalesce(NEW.ms, 0), 0), 86400000);
            NEW.guidelines_version := (SELECT max(g.version) FROM public.guidelines g);
        END IF;
        RETURN NEW;
    END $$;

    \(judgmentsKeepCurrent)

    \(judgmentRetractionsKeepCurrent)

    \(rankingsKeepCurrent)

    \(rankingRetractionsKeepCurrent)

    -- Locks, in id order, the rows of the items among `ids` the caller holds or judged (a
    -- lead: any), so that a submit and the claim after it never deadlock with another's.
    CREATE OR REPLACE FUNCTION public.pairwise_lock_items(VARIADIC ids BIGINT[]) RETURNS VOID LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        me BIGINT := public.pairwise_me();
        open BOOLEAN := NOT public.pairwise_restricted();
    BEGIN
        PERFORM 1 FROM public.items i WHERE i.id = ANY(ids)
            AND (open OR EXISTS (SELECT 1 FROM public.item_leases l WHERE l.item_id = i.id AND l.annotator_id = me)
                      OR EXISTS (SELECT 1 FROM public.judgments j WHERE j.item_id = i.id AND j.annotator_id = me)
                      OR EXISTS (SELECT 1 FROM public.rankings r WHERE r.item_id = i.id AND r.annotator_id = me))
            ORDER BY i.id FOR UPDATE;
    END $$;

    -- Reserves an item for the caller (releasing their other leases); false, reserving
    -- nothing, when they already judged it, it is full (judges plus others' live leases
    -- reach the overlap), or someone else's open transaction has it locked. Gold items are
    -- never full. `force` goes past the overlap: for a lead always, for an annotator only on
    -- an item they judged before (brought back by undo).
    CREATE FUNCTION public.pairwise_claim(item BIGINT, force BOOLEAN) RETURNS BOOLEAN LANGUAGE plpgsql SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        me BIGINT := public.pairwise_me();
        wanted BIGINT := public.pairwise_setting('overlap', '\(ProjectStore.defaultOverlap)')::BIGINT;
        now_seconds DOUBLE PRECISION := pg_catalog.date_part('epoch', pg_catalog.now());
        taken BIGINT;
    BEGIN
        IF me IS NULL THEN
            RAISE EXCEPTION '% is not a person in this project', session_user USING ERRCODE = 'insufficient_privilege';
        END IF;
        DELETE FROM public.item_leases WHERE annotator_id = me AND item_id <> item;
        IF force AND public.pairwise_restricted()
           AND NOT EXISTS (SELECT 1 FROM public.judgments j WHERE j.item_id = item AND j.annotator_id = me)
           AND NOT EXISTS (SELECT 1 FROM public.rankings r WHERE r.item_id = item AND r.annotator_id = me) THEN
            force := false;
        END IF;
        IF force THEN
            PERFORM 1 FROM public.items WHERE id = item FOR UPDATE;
        ELSE
            PERFORM 1 FROM public.items WHERE id = item FOR UPDATE SKIP LOCKED;
            IF NOT FOUND
               OR EXISTS (SELECT 1 FROM public.current_judgment_ids c WHERE c.item_id = item AND c.annotator_id = me)
               OR EXISTS (SELECT 1 FROM public.current_ranking_ids c WHERE c.item_id = item AND c.annotator_id = me) THEN
                DELETE FROM public.item_leases WHERE annotator_id = me;
                RETURN false;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = item) THEN
                SELECT i.judges + (SELECT count(*) FROM public.item_leases l
                                   WHERE l.item_id = item AND l.annotator_id <> me AND l.expires_at > now_seconds
                                     AND NOT EXISTS (SELECT 1 FROM public.current_judgment_ids c WHERE c.item_id = item AND c.annotator_id = l.annotator_id)
                                     AND NOT EXISTS (SELECT 1 FROM public.current_ranking_ids c WHERE c.item_id = item AND c.annotator_id = l.annotator_id))
                    INTO taken FROM public.items i WHERE i.id = item;
                IF taken >= wanted THEN
                    DELETE FROM public.item_leases WHERE annotator_id = me;
                    RETURN false;
                END IF;
            END IF;
        END IF;
        INSERT INTO public.item_leases (item_id, annotator_id, expires_at) VALUES (item, me, now_seconds + \(Int(ProjectStore.leaseSeconds)))
            ON CONFLICT (item_id, annotator_id) DO UPDATE SET expires_at = excluded.expires_at;
        RETURN true;
    END $$;

    -- The caller's queue, unordered: items short of the overlap they have not judged, and
    -- the gold items they have not seen (when gold_rate is above 0 and anything else is
    -- left). Which is which, the caller cannot tell; `pairwise_arrange` places the gold.
    CREATE FUNCTION public.pairwise_queue() RETURNS SETOF BIGINT LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        WITH me AS (SELECT public.pairwise_me() AS id),
        regular AS (
            SELECT i.id FROM public.items i
            WHERE i.judges < public.pairwise_setting('overlap', '\(ProjectStore.defaultOverlap)')::BIGINT
              AND NOT EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = i.id)
              AND NOT EXISTS (SELECT 1 FROM public.current_judgment_ids c, me WHERE c.item_id = i.id AND c.annotator_id = me.id)
              AND NOT EXISTS (SELECT 1 FROM public.current_ranking_ids c, me WHERE c.item_id = i.id AND c.annotator_id = me.id)),
        rate AS (SELECT public.pairwise_setting('gold_rate', '0.1')::DOUBLE PRECISION AS r)
        SELECT id FROM regular
        UNION ALL
        SELECT g.item_id FROM public.gold_answers g, me, rate
        WHERE rate.r > 0 AND EXISTS (SELECT 1 FROM regular)
          AND NOT EXISTS (SELECT 1 FROM public.judgments j WHERE j.item_id = g.item_id AND j.annotator_id = me.id)
          AND NOT EXISTS (SELECT 1 FROM public.rankings r WHERE r.item_id = g.item_id AND r.annotator_id = me.id)
    $$;

    -- A uniform number in [0, 1) for a queue position, from the project's seed and the caller.
    CREATE FUNCTION public.pairwise_draw(salt TEXT, place BIGINT) RETURNS DOUBLE PRECISION LANGUAGE sql IMMUTABLE \(pinnedPath) AS
        $$SELECT (('x' || pg_catalog.substr(pg_catalog.md5(salt || ':' || place), 1, 13))::bit(52)::BIGINT)::DOUBLE PRECISION / 4503599627370496.0$$;

    -- The caller's queue, in the order given, with its gold items taken out and put back
    -- as GoldSchedule.mix places them: each position is gold with probability gold_rate
    -- (a seeded draw per annotator and position) while they last, in a seeded order.
    CREATE FUNCTION public.pairwise_arrange(ids BIGINT[]) RETURNS SETOF BIGINT LANGUAGE plpgsql STABLE SECURITY DEFINER \(pinnedPath) AS $$
    DECLARE
        salt TEXT := public.pairwise_setting('seed', '1') || ':' || public.pairwise_me();
        rate DOUBLE PRECISION := public.pairwise_setting('gold_rate', '0.1')::DOUBLE PRECISION;
        gold BIGINT[];
        next INT := 1;
        place BIGINT := 0;
        item BIGINT;
    BEGIN
        SELECT coalesce(array_agg(g ORDER BY pg_catalog.md5(salt || ':gold:' || g)), '{}') INTO gold
            FROM pg_catalog.unnest(ids) AS g WHERE EXISTS (SELECT 1 FROM public.gold_answers a WHERE a.item_id = g);
        FOREACH item IN ARRAY ids LOOP
            CONTINUE WHEN item = ANY(gold);
            WHILE next <= pg_catalog.cardinality(gold) AND rate > 0 AND public.pairwise_draw(salt, place) < rate LOOP
                RETURN NEXT gold[next];
                next := next + 1;
                place := place + 1;
            END LOOP;
            RETURN NEXT item;
            place := place + 1;
        END LOOP;
    END $$;

    -- The gold items the caller's qualification round still needs, while it is under way
    -- (none before or after it): only what they are about to answer.
    CREATE FUNCTION public.pairwise_qualification_queue() RETURNS SETOF BIGINT LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        WITH me AS (SELECT public.pairwise_me() AS id),
        answered AS (
            SELECT count(DISTINCT j.item_id) AS n FROM public.judgments j, me
            WHERE j.annotator_id = me.id AND EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = j.item_id)),
        round AS (
            SELECT public.pairwise_setting('qualification_items', '0')::BIGINT AS required,
                   GREATEST(0, (SELECT n FROM answered) - public.pairwise_setting('\(QualitySettings.roundStartPrefix)' || session_user, '0')::BIGINT) AS done)
        SELECT g.item_id FROM public.gold_answers g, me
        WHERE public.pairwise_restricted()
          AND public.pairwise_setting('\(QualitySettings.passPrefix)' || session_user, '') = ''
          AND NOT EXISTS (SELECT 1 FROM public.judgments j WHERE j.item_id = g.item_id AND j.annotator_id = me.id)
        ORDER BY g.item_id
        LIMIT (SELECT GREATEST(0, required - done) FROM round)
    $$;

    -- The caller's first answer to each gold item they judged, oldest first, with the
    -- expected one: their qualification round's score and its feedback.
    CREATE FUNCTION public.pairwise_gold_first_answers() RETURNS TABLE (item_id BIGINT, strength BIGINT, both_bad BIGINT,
            expected_strength BIGINT, expected_both_bad BIGINT, explanation TEXT)
        LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        SELECT j.item_id, j.strength, j.both_bad, g.strength, g.both_bad, g.explanation
        FROM public.judgments j JOIN public.gold_answers g ON g.item_id = j.item_id
        WHERE j.annotator_id = public.pairwise_me()
          AND j.id = (SELECT min(k.id) FROM public.judgments k WHERE k.item_id = j.item_id AND k.annotator_id = j.annotator_id)
        ORDER BY j.id
    $$;

    CREATE OR REPLACE FUNCTION public.pairwise_gold_answer(item BIGINT) RETURNS TABLE (strength BIGINT, both_bad BIGINT, explanation TEXT)
        LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        SELECT g.strength, g.both_bad, g.explanation FROM public.gold_answers g WHERE g.item_id = item
           AND EXISTS (SELECT 1 FROM public.judgments j WHERE j.item_id = item AND j.annotator_id = public.pairwise_me())
    $$;

    -- The caller's drift check, as `DriftPolicy.check` makes it for an annotator's own
    -- screen (everyone else's accuracy taken as 0.8): a verdict, never the others' labels.
    CREATE FUNCTION public.pairwise_drift_check() RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        WITH me AS (SELECT public.pairwise_me() AS id),
        settings AS (SELECT GREATEST(1, public.pairwise_setting('drift_window', '30')::BIGINT) AS window_size,
                            public.pairwise_setting('drift_level', '0.75')::DOUBLE PRECISION AS level),
        labels AS (
            SELECT j.id, j.item_id, CASE WHEN j.both_bad = 1 THEN 2 ELSE sign(j.strength)::INT END AS class, j.annotator_id
            FROM public.judgments j),
        gold_firsts AS (
            SELECT l.id, l.class, CASE WHEN g.both_bad = 1 THEN 2 ELSE sign(g.strength)::INT END AS reference, true AS gold, l.item_id
            FROM labels l JOIN public.gold_answers g ON g.item_id = l.item_id, me
            WHERE l.annotator_id = me.id
              AND l.id = (SELECT min(k.id) FROM public.judgments k WHERE k.item_id = l.item_id AND k.annotator_id = me.id)),
        newest AS (
            SELECT l.id, l.class, l.item_id FROM public.current_judgment_ids c JOIN labels l ON l.id = c.judgment_id, me
            WHERE c.annotator_id = me.id AND NOT EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = c.item_id)
            ORDER BY c.judgment_id DESC LIMIT 200),  -- DriftPolicy.estimateWindow
        scored AS (
            SELECT id, class, reference, true AS settled, item_id FROM gold_firsts
            UNION ALL
            SELECT n.id, n.class, CASE WHEN a.both_bad = 1 THEN 2 ELSE sign(a.strength)::INT END, a.item_id IS NOT NULL, n.item_id
            FROM newest n LEFT JOIN public.current_adjudications a ON a.item_id = n.item_id),
        recent AS (SELECT * FROM scored ORDER BY id DESC LIMIT (SELECT window_size FROM settings)),
        evidence AS (
            SELECT r.id, r.settled, r.class = r.reference AS agreed_settled,
                   (SELECT count(*) FROM public.current_judgment_ids c JOIN labels o ON o.id = c.judgment_id, me
                    WHERE c.item_id = r.item_id AND c.annotator_id <> me.id AND o.class = r.class) AS others_agreed,
                   (SELECT count(*) FROM public.current_judgment_ids c JOIN labels o ON o.id = c.judgment_id, me
                    WHERE c.item_id = r.item_id AND c.annotator_id <> me.id AND o.class <> r.class) AS others_disagreed
            FROM recent r),
        counts AS (
            SELECT count(*) FILTER (WHERE settled AND agreed_settled) AS sa,
                   count(*) FILTER (WHERE settled AND NOT agreed_settled) AS sd,
                   coalesce(sum(others_agreed) FILTER (WHERE NOT settled), 0) AS oa,
                   coalesce(sum(others_disagreed) FILTER (WHERE NOT settled), 0) AS od,
                   count(*) FILTER (WHERE settled OR others_agreed + others_disagreed > 0) AS evidenced
            FROM evidence),
        grid AS (
            SELECT (k + 0.5) / 200.0 AS p,
                   c.sa * pg_catalog.ln((k + 0.5) / 200.0) + c.sd * pg_catalog.ln(1 - (k + 0.5) / 200.0)
                   + c.oa * pg_catalog.ln(0.8 * (k + 0.5) / 200.0 + 0.2 * (1 - (k + 0.5) / 200.0))
                   + c.od * pg_catalog.ln(1 - (0.8 * (k + 0.5) / 200.0 + 0.2 * (1 - (k + 0.5) / 200.0))) AS ll
            FROM pg_catalog.generate_series(0, 199) AS k, counts c),
        weights AS (SELECT p, pg_catalog.exp(ll - (SELECT max(ll) FROM grid)) AS w FROM grid)
        SELECT (SELECT evidenced FROM counts) >= GREATEST(5, (SELECT window_size FROM settings) / 3)
           AND (SELECT sum(w) FILTER (WHERE p < (SELECT level FROM settings)) / sum(w) FROM weights) >= 0.9
    $$;

    -- For each item of two or more current judgments (gold left out), how many prefer A, B
    -- and neither, as a histogram: what agreement on the direction needs, and no item's.
    CREATE FUNCTION public.pairwise_direction_counts() RETURNS TABLE (prefer_a BIGINT, prefer_b BIGINT, prefer_neither BIGINT, items BIGINT)
        LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        SELECT i.prefer_a, i.prefer_b, i.prefer_neither, count(*) FROM public.items i
        WHERE i.judges >= 2 AND NOT EXISTS (SELECT 1 FROM public.gold_answers g WHERE g.item_id = i.id)
        GROUP BY 1, 2, 3
    $$;

    -- What `status` shows an annotator of the project's progress: counts only.
    CREATE FUNCTION public.pairwise_progress() RETURNS TABLE (needing BIGINT, unlabeled BIGINT, judgments BIGINT, retracted BIGINT, rankings BIGINT)
        LANGUAGE sql STABLE SECURITY DEFINER \(pinnedPath) AS $$
        SELECT (SELECT count(*) FROM public.items WHERE judges < public.pairwise_setting('overlap', '\(ProjectStore.defaultOverlap)')::BIGINT),
               (SELECT count(*) FROM public.items WHERE judges = 0),
               (SELECT count(*) FROM public.current_judgment_ids),
               (SELECT count(*) FROM public.judgment_retractions),
               (SELECT count(*) FROM public.current_ranking_ids)
    $$;

    """

    /// Who may do what after v16.2, for the project's groups when they exist.
    static let privileges = PostgresRoles.groupBlock("""
            EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC, %I, %I, %I', current_database(), lead, annotator, trainer);
            REVOKE ALL ON FUNCTION public.pairwise_restricted(), public.pairwise_setting(TEXT, TEXT), public.pairwise_server_sets(),
                public.pairwise_claim(BIGINT, BOOLEAN), public.pairwise_queue(), public.pairwise_arrange(BIGINT[]), public.pairwise_qualification_queue(),
                public.pairwise_gold_first_answers(), public.pairwise_drift_check(), public.pairwise_direction_counts(),
                public.pairwise_progress(), public.pairwise_me(), public.pairwise_gold_answer(BIGINT), public.pairwise_lock_items(BIGINT[]) FROM PUBLIC;
            EXECUTE format('GRANT EXECUTE ON FUNCTION public.pairwise_restricted(), public.pairwise_setting(TEXT, TEXT), public.pairwise_claim(BIGINT, BOOLEAN),
                public.pairwise_queue(), public.pairwise_arrange(BIGINT[]), public.pairwise_qualification_queue(), public.pairwise_gold_first_answers(), public.pairwise_drift_check(),
                public.pairwise_direction_counts(), public.pairwise_progress(), public.pairwise_me(), public.pairwise_gold_answer(BIGINT), public.pairwise_lock_items(BIGINT[]) TO %I, %I, %I', lead, annotator, trainer);
            -- Items: an annotator reads what is shown, not the counts, ranges or provenance.
            EXECUTE format('REVOKE SELECT ON public.items FROM %I', annotator);
            EXECUTE format('GRANT SELECT (id, external_id, content_hash, prompt, metadata, response_count) ON public.items TO %I', annotator);
            -- Who judged, ranked or holds what: one's own rows only.
            ALTER TABLE public.current_judgment_ids ENABLE ROW LEVEL SECURITY;
            EXECUTE format('CREATE POLICY all_current_judgments ON public.current_judgment_ids TO %I, %I USING (true)', lead, trainer);
            EXECUTE format('CREATE POLICY own_current_judgments ON public.current_judgment_ids TO %I USING (annotator_id = public.pairwise_me())', annotator);
            ALTER TABLE public.current_ranking_ids ENABLE ROW LEVEL SECURITY;
            EXECUTE format('CREATE POLICY all_current_rankings ON public.current_ranking_ids TO %I, %I USING (true)', lead, trainer);
            EXECUTE format('CREATE POLICY own_current_rankings ON public.current_ranking_ids TO %I USING (annotator_id = public.pairwise_me())', annotator);
            DROP POLICY IF EXISTS everyone_reads_leases ON public.item_leases;
            EXECUTE format('CREATE POLICY leases_read ON public.item_leases FOR SELECT TO %I, %I USING (true)', lead, trainer);
            EXECUTE format('CREATE POLICY own_leases_read ON public.item_leases FOR SELECT TO %I USING (annotator_id = public.pairwise_me())', annotator);
            -- The project's write lock: a row only leads and the trainer may lock.
            EXECUTE format('GRANT SELECT ON public.pairwise_write_lock TO %I, %I, %I', lead, annotator, trainer);
            EXECUTE format('GRANT UPDATE ON public.pairwise_write_lock TO %I, %I', lead, trainer);
            -- Every annotator's and trainer's sessions give their locks back.
            FOR person IN SELECT m.rolname FROM pg_roles g JOIN pg_auth_members a ON a.roleid = g.oid JOIN pg_roles m ON m.oid = a.member
                          WHERE g.rolname IN (annotator, trainer) AND NOT m.rolsuper LOOP
                EXECUTE \(PostgresRoles.sessionLimitsStatement("person"));
            END LOOP;
        """)
}
