import GRDB

/// The project through the store-neutral `SQLConnection`: every query of the store runs in
/// one of these, on whichever store holds the project.
extension ProjectStore {
    /// Runs `body` on a read-only snapshot of the project.
    func read<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let pool):
            return try pool.read { db in try body(GRDBSQLConnection(db)) }
        case .postgres(let connections):
            return try connections.with { sql in
                try sql.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { try body(sql) }
            }
        }
    }

    /// Runs `body` in one write transaction, one writer at a time (IMMEDIATE on SQLite: the
    /// write lock is taken at its start; on PostgreSQL, the project's advisory lock), so
    /// that what it reads cannot change before it writes.
    func write<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let pool):
            return try pool.writeWithoutTransaction { db in
                let sql = GRDBSQLConnection(db)
                return try sql.transaction { try body(sql) }
            }
        case .postgres(let connections):
            return try connections.with { sql in
                try sql.transaction {
                    try sql.execute("SELECT pg_advisory_xact_lock(\(Self.postgresWriterLock))", [])
                    return try body(sql)
                }
            }
        }
    }
}
