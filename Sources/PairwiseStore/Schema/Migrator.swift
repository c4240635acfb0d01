import GRDB

/// Applies the schema's migrations to a project of either store: in order, each once and
/// only once, inside the caller's transaction, recording each identifier in the database's
/// ledger (GRDB's `DatabaseMigrator` is the model, and SQLite projects keep its ledger table,
/// `grdb_migrations`, which every project file made before holds).
struct Migrator {
    let dialect: SQLDialect
    /// This store's migrations, oldest first.
    let migrations: [Migration]

    init(_ dialect: SQLDialect, migrations: [Migration] = Schema.migrations) {
        self.dialect = dialect
        self.migrations = migrations.filter { $0.dialects.contains(dialect) }
    }

    /// The table recording which migrations a database has.
    var ledger: String { dialect == .sqlite ? "grdb_migrations" : "pairwise_migrations" }

    /// Every identifier a current database records.
    var identifiers: [String] { migrations.map(\.identifier) }

    /// Whether the database has a ledger at all.
    func hasLedger(_ sql: SQLConnection) throws -> Bool {
        let query: SQLQuery = dialect == .sqlite
            ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = \(ledger)"
            : "SELECT count(*) AS n FROM pg_tables WHERE tablename = \(ledger) AND schemaname = current_schema()"
        return try sql.record(query) { try $0.int("n") } == 1
    }

    /// The identifiers the database records (none without a ledger).
    func applied(_ sql: SQLConnection) throws -> Set<String> {
        guard try hasLedger(sql) else { return [] }
        return Set(try sql.records("SELECT identifier FROM \(raw: ledger)") { try $0.text("identifier") })
    }

    /// Whether the database records a migration this version does not know.
    func isNewer(_ applied: Set<String>) -> Bool { !applied.isSubset(of: Set(identifiers)) }

    /// The migrations still to apply, up to and including `last` when given.
    func pending(_ applied: Set<String>, through last: String? = nil) -> [Migration] {
        let wanted = last.flatMap { last in migrations.firstIndex { $0.identifier == last } }.map { migrations.prefix(through: $0) } ?? migrations[...]
        return wanted.filter { !applied.contains($0.identifier) }
    }

    /// Applies `pending` in order and records each, in the caller's transaction.
    func apply(_ pending: [Migration], _ sql: SQLConnection) throws {
        guard !pending.isEmpty else { return }
        try sql.execute(dialect == .sqlite
            ? "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)"
            : "CREATE TABLE IF NOT EXISTS pairwise_migrations (identifier TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", [])
        for migration in pending {
            try sql.execute(migration.sql(dialect), [])
            try sql.execute("INSERT INTO \(ledger) (identifier) VALUES (?)", [.text(migration.identifier)])
        }
    }

    /// Brings a SQLite project to the newest schema (or through `last`) in one transaction.
    /// Foreign keys are off while it runs, as a table remade and renamed needs, and checked
    /// before it commits; refuses a project a newer version has written.
    static func migrateSQLite(_ writer: any DatabaseWriter, location: String, through last: String? = nil) throws {
        let migrator = Migrator(.sqlite)
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            let sql = GRDBSQLConnection(db)
            try sql.transaction {
                let applied = try migrator.applied(sql)
                if migrator.isNewer(applied) {
                    throw StoreError(.newerVersion, "\(location) was last written by a newer version of pairwise: upgrade pairwise to use it (nothing was changed)")
                }
                try migrator.apply(migrator.pending(applied, through: last), sql)
                if let broken = try sql.row("PRAGMA foreign_key_check") {
                    throw StoreError(.database, "\(location): upgrading the schema would leave a row of \(broken["table"].text ?? "?") pointing at nothing (nothing was changed)")
                }
            }
        }
    }
}
