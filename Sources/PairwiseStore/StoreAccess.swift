import GRDB

/// The project through the store-neutral `SQLConnection`: every query of the store runs in
/// one of these, on whichever store holds the project.
extension ProjectStore {
    /// Runs `body` on a read-only snapshot of the project.
    func read<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        try StoreError.translating(path: path) { try readUntranslated(body) }
    }

    private func readUntranslated<T>(_ body: (SQLConnection) throws -> T) throws -> T {
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
    /// write lock is taken at its start; on PostgreSQL, the row of `pairwise_write_lock`,
    /// which only leads and the trainer may lock), so that what it reads cannot change
    /// before it writes.
    func write<T>(_ body: (SQLConnection) throws -> T) throws -> T {
        try write(locking: .project, body)
    }

    /// A write that reads and changes only the rows of `items` (their judgments, leases and
    /// events) and the caller's own rows: the annotate screen's submit and claim. On
    /// PostgreSQL it locks those item rows (in id order, so two such writes never deadlock)
    /// instead of the whole project, so annotators on different items commit side by side;
    /// every change to an item's places takes its row lock first (the judgment trigger
    /// does too), so the overlap holds. On SQLite, `write`.
    func write<T>(lockingItems items: [Int64], _ body: (SQLConnection) throws -> T) throws -> T {
        try write(locking: .items(Array(Set(items)).sorted()), body)
    }

    /// What a PostgreSQL write transaction locks first.
    private enum WriteLock {
        case project
        case items([Int64])
    }

    private func write<T>(locking lock: WriteLock, _ body: (SQLConnection) throws -> T) throws -> T {
        try StoreError.translating(path: path) { try writeUntranslated(locking: lock, body) }
    }

    private func writeUntranslated<T>(locking lock: WriteLock, _ body: (SQLConnection) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let pool):
            return try pool.writeWithoutTransaction { db in
                let sql = GRDBSQLConnection(db)
                return try sql.transaction { try body(sql) }
            }
        case .postgres(let connections):
            return try connections.with { sql in
                try sql.transaction {
                    switch lock {
                    case .project:
                        try sql.execute("SELECT 1 FROM pairwise_write_lock FOR UPDATE", [])
                    case .items(let ids) where !ids.isEmpty:
                        // Through a function: annotators may not lock rows of items themselves,
                        // and it locks only the items they hold or judged.
                        try sql.execute("SELECT pairwise_lock_items(\(Placeholders.list(ids.count)))", ids.map(SQLValue.integer))
                    case .items:
                        break
                    }
                    return try body(sql)
                }
            }
        }
    }
}
