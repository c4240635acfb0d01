import GRDB
import GRDBSQLite

/// Steps one query with SQLite's own column readers, for scans of a million rows where
/// decoding each row through GRDB costs more than reading it. For use inside a GRDB read;
/// the statement is finalized after the last row, or when this is released.
final class RawRows {
    private let connection: OpaquePointer
    private var statement: OpaquePointer?

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed connection") }
        self.connection = connection
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }

    deinit { sqlite3_finalize(statement) }

    /// Moves to the next row; false after the last.
    func next() throws -> Bool {
        guard let statement else { return false }
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW { return true }
        sqlite3_finalize(statement)
        self.statement = nil
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
        return false
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }

    /// The column's text (nil when NULL).
    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(statement, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, column))), as: UTF8.self)
    }
}
