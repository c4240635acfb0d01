/// What only a PostgreSQL project has in its migrations (functions run as the owner;
/// roles and privileges are in `PostgresRoles` and `PostgresBoundary`), and the checks made
/// before migrating one: whose database it is, and who may upgrade it.
enum PostgresSchema {
    static var migrator: Migrator { Migrator(.postgres) }

    /// Brings the database to the newest schema; returns whether it changed anything.
    /// Refuses a database that is not a project (unless `creating`) or one from a newer version.
    /// `through`: stop after that migration (tests make a project as an older version left it).
    @discardableResult
    static func migrate(_ sql: SQLConnection, location: String, creating: Bool, through last: String? = nil) throws -> Bool {
        let migrator = migrator
        // A current project is only read: no lock, so that no one holding the advisory lock
        // (anyone may take one) keeps others from opening it.
        if !creating, last == nil, try sql.transaction({ try migrator.applied(sql) == Set(migrator.identifiers) }) {
            return false
        }
        return try sql.transaction {
            // One migrator at a time: the lock is held to the end of this transaction.
            try sql.execute("SELECT pg_advisory_xact_lock(\(ProjectStore.postgresWriterLock))", [])
            let exists = try migrator.hasLedger(sql)
            let applied = try migrator.applied(sql)
            if exists {
                if creating {
                    throw StoreError(.alreadyExists, "\(location) already holds a project; pass --db with another database to make another project")
                }
            } else if !creating {
                throw StoreError(.noProject, "\(location) holds no Pairwise project: run `pairwise init --db \(location)` first")
            } else if try sql.integer("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") ?? 0 > 0 {
                throw StoreError(.invalid, "\(location) already holds other tables: a project needs a database of its own (createdb NAME)")
            }
            if migrator.isNewer(applied) {
                throw StoreError(.newerVersion, "\(location) was last written by a newer version of pairwise: upgrade pairwise to use it (nothing was changed)")
            }
            let pending = migrator.pending(applied, through: last)
            if !applied.isEmpty, !pending.isEmpty, let owner = try sql.record("""
                SELECT t.tableowner FROM pg_tables t WHERE t.tablename = 'items' AND t.schemaname = current_schema()
                  AND NOT pg_has_role(current_user, t.tableowner, 'USAGE') AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                """, { try $0.text("tableowner") }) {
                // Only the tables' owner may change them: say who, rather than fail on the first statement.
                throw StoreError(.refused, "\(location) was last upgraded by an older version of pairwise; only its owner, \(owner), can upgrade "
                    + "it: \(owner) runs any pairwise command on it once with this version (nothing was changed)")
            }
            try migrator.apply(pending, sql)
            return !pending.isEmpty
        }
    }

    /// v12's gold functions: annotators never read gold answers; they learn which items are
    /// gold (not their answers) and, once they judged one, its answer.
    static let v12 = """
    CREATE FUNCTION pairwise_gold_item_ids() RETURNS SETOF BIGINT LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
        'SELECT item_id FROM gold_answers';
    CREATE FUNCTION pairwise_gold_answer(item BIGINT) RETURNS TABLE (strength BIGINT, both_bad BIGINT, explanation TEXT)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
        'SELECT g.strength, g.both_bad, g.explanation FROM gold_answers g WHERE g.item_id = item
           AND EXISTS (SELECT 1 FROM judgments j JOIN annotators p ON p.id = j.annotator_id
                       WHERE j.item_id = item AND p.name = session_user)';
    """

    /// `pairwise_lock_items`: locks item rows, in id order, for a writer who may not update
    /// them (an annotator claiming or judging items). `pairwise_others_labels`: the others'
    /// current labels, without names, on the calling annotator's newest `newest` items, what
    /// their own drift check compares them with (row security shows them only their own).
    static let v12_1 = """
    CREATE FUNCTION pairwise_lock_items(VARIADIC ids BIGINT[]) RETURNS VOID
        LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS
        'BEGIN PERFORM 1 FROM items WHERE id = ANY(ids) ORDER BY id FOR UPDATE; END';
    CREATE FUNCTION pairwise_others_labels(newest BIGINT) RETURNS TABLE (item_id BIGINT, strength BIGINT, both_bad BIGINT)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS
        'WITH me AS (SELECT id FROM annotators WHERE name = session_user),
              mine AS (SELECT c.item_id FROM current_judgment_ids c JOIN me ON c.annotator_id = me.id
                       ORDER BY c.judgment_id DESC LIMIT newest)
         SELECT c.item_id, j.strength, j.both_bad FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
         WHERE c.item_id IN (SELECT item_id FROM mine) AND c.annotator_id NOT IN (SELECT id FROM me)';

    """
}
