/// One step of a migration, as each store's SQL needs it. Most steps are written once for
/// both stores; a step for one store only says why (SQLite's history before PostgreSQL
/// projects existed, each store's own trigger language, PostgreSQL's roles).
enum SchemaStep: Sendable {
    /// The same SQL on both stores.
    case both(String)
    /// SQLite only.
    case sqlite(String)
    /// PostgreSQL only.
    case postgres(String)
    /// A table, made from its one definition.
    case table(TableDefinition)
    /// A column added to a table.
    case addColumn(table: String, Column)
    /// Triggers refusing every change but INSERT to `table`, saying "`noun` are append-only"
    /// (on PostgreSQL, `truncate` also refuses TRUNCATE).
    case appendOnly(table: String, noun: String, truncate: Bool = false)

    /// The step's SQL in `dialect`; nil when it is the other store's.
    func sql(_ dialect: SQLDialect) -> String? {
        switch (self, dialect) {
        case (.both(let sql), _), (.sqlite(let sql), .sqlite), (.postgres(let sql), .postgres): return sql
        case (.sqlite, .postgres), (.postgres, .sqlite): return nil
        case (.table(let table), _): return table.createSQL(dialect)
        case (.addColumn(let table, let column), _): return "ALTER TABLE \(table) ADD COLUMN \(column.definition(dialect));\n"
        case (.appendOnly(let table, let noun, _), .sqlite):
            return """
            CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(noun) are append-only'); END;
            CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(noun) are append-only'); END;

            """
        case (.appendOnly(let table, let noun, let truncate), .postgres):
            return """
            CREATE TRIGGER \(table)_append_only BEFORE UPDATE OR DELETE ON \(table)
                FOR EACH ROW EXECUTE FUNCTION refuse_change('\(noun)');

            """ + (truncate ? """
            CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table)
                FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('\(noun)');

            """ : "")
        }
    }
}

/// A schema change, applied once to each database in order. Its identifier is stored in the
/// database; never change one, nor what a shipped migration leaves behind.
struct Migration: Sendable {
    let identifier: String
    /// The stores it applies to (and is recorded in): both, or a change one store alone needs.
    let dialects: Set<SQLDialect>
    let steps: [SchemaStep]

    init(_ identifier: String, only dialect: SQLDialect? = nil, _ steps: [SchemaStep]) {
        self.identifier = identifier
        self.dialects = dialect.map { [$0] } ?? [.sqlite, .postgres]
        self.steps = steps
    }

    /// Its SQL in `dialect`, the steps in order.
    func sql(_ dialect: SQLDialect) -> String {
        steps.compactMap { $0.sql(dialect) }.joined(separator: "\n")
    }
}
