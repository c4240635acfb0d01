import GRDB

/// The project through the store-neutral `SQLConnection`, which store code moves onto file
/// by file (docs/ARCHITECTURE.md, "PostgreSQL as a second store").
extension ProjectStore {
    /// Runs `body` on a read-only snapshot of the project.
    func read<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        try pool.read { db in try body(GRDBSQLConnection(db)) }
    }

    /// Runs `body` in one write transaction (IMMEDIATE on SQLite: the write lock is taken at
    /// its start, so what it reads cannot change before it writes).
    func write<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            let sql = GRDBSQLConnection(db)
            return try sql.transaction { try body(sql) }
        }
    }
}
