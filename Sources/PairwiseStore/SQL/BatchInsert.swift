/// Rows for one table sent as multi-row INSERTs: one statement (one round trip to a
/// server) per many rows, as many as keep its parameters under both stores' limits.
struct BatchInsert {
    private let sql: SQLConnection
    private let prefix: String
    private let row: String
    private let columnCount: Int
    private let rowsPerStatement: Int
    private var values: [SQLValue] = []
    private var pending = 0
    /// Rows written so far.
    private(set) var inserted = 0

    init(_ sql: SQLConnection, table: String, columns: [String]) {
        self.sql = sql
        // PostgreSQL's ids are GENERATED ALWAYS: a lead's import and `copy` give them explicitly.
        let overriding = sql.dialect == .postgres && columns.contains("id") ? "OVERRIDING SYSTEM VALUE " : ""
        prefix = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) \(overriding)VALUES "
        row = "(" + Placeholders.list(columns.count) + ")"
        columnCount = columns.count
        rowsPerStatement = max(1, 30_000 / columns.count)
    }

    /// Adds a row (its values in the columns' order), writing a statement when enough wait.
    mutating func add(_ rowValues: [SQLValue]) throws {
        values += rowValues
        pending += 1
        if pending == rowsPerStatement { try flush() }
    }

    /// Writes the rows still waiting. SQLite keeps every statement text it ran prepared, for
    /// the connection's life: there the rows go in statements of a power of two rows each
    /// (200 rows: 128, 64 and 8), so that a table has a few texts, not one per count (an
    /// import whose batches held 256 different counts of new items peaked at 166 MB, not 96).
    mutating func flush() throws {
        guard pending > 0 else { return }
        var written = 0
        while written < pending {
            let rows = statementRows(left: pending - written)
            // All of them in one statement (always so on PostgreSQL): the values as they are.
            let arguments = rows == pending ? values : Array(values[written * columnCount..<(written + rows) * columnCount])
            try sql.execute(prefix + Array(repeating: row, count: rows).joined(separator: ", "), arguments)
            written += rows
        }
        inserted += pending
        values.removeAll(keepingCapacity: true)
        pending = 0
    }

    /// How many of the `left` rows the next statement takes: all of them on PostgreSQL or
    /// when they fill a statement; on SQLite otherwise the largest power of two not above.
    private func statementRows(left: Int) -> Int {
        guard sql.dialect == .sqlite, left != rowsPerStatement else { return left }
        return 1 << (Int.bitWidth - 1 - left.leadingZeroBitCount)
    }
}
