import GRDB
import GRDBSQLite

/// Steps one query with SQLite's own column readers, for scans of a million rows where
/// decoding each row through GRDB costs more than reading it. For use inside a GRDB read.
/// The statement is the connection's cached one for this SQL (prepared once, like GRDB's
/// own queries), reset after the last row or when this is released; a fresh one, finalized
/// then, when the cached one is in use by a scan still running.
final class RawRows: SQLScanRow {
    private let connection: OpaquePointer
    private var statement: OpaquePointer?
    /// The cached statement this borrows (kept alive while stepping), or nil for an owned one.
    private let cached: Statement?
    /// The result's column names, as the query names them.
    let columnNames: [String]

    init(_ db: Database, sql: String, arguments: [SQLValue] = []) throws {
        guard let connection = db.sqliteConnection else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "closed connection") }
        self.connection = connection
        let candidate = try db.cachedStatement(sql: sql)
        if sqlite3_stmt_busy(candidate.sqliteStatement) == 0 {
            cached = candidate
            statement = candidate.sqliteStatement
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            columnNames = candidate.columnNames
        } else {
            cached = nil
            var fresh: OpaquePointer?
            let code = sqlite3_prepare_v2(connection, sql, -1, &fresh, nil)
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
            }
            statement = fresh
            columnNames = (0..<Int(sqlite3_column_count(fresh))).map { sqlite3_column_name(fresh, Int32($0)).map { String(cString: $0) } ?? "" }
        }
        // SQLite copies text and blobs it is given with this destructor.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (index, value) in arguments.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case .null: try check(sqlite3_bind_null(statement, position), sql: sql)
            case .integer(let v): try check(sqlite3_bind_int64(statement, position, v), sql: sql)
            case .real(let v): try check(sqlite3_bind_double(statement, position, v), sql: sql)
            case .text(let v): try check(sqlite3_bind_text(statement, position, v, -1, transient), sql: sql)
            case .blob(let v): try check(v.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), transient) }, sql: sql)
            }
        }
    }

    deinit { release() }

    /// Lets the statement go: a cached one reset (its bindings cleared), an owned one finalized.
    private func release() {
        guard let statement else { return }
        if cached != nil {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        } else {
            sqlite3_finalize(statement)
        }
        self.statement = nil
    }

    private func check(_ code: Int32, sql: String) throws {
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }

    /// Moves to the next row; false after the last.
    func next() throws -> Bool {
        guard let statement else { return false }
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW { return true }
        release()
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
        return false
    }

    func isNull(_ column: Int) -> Bool { sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL }

    func int(_ column: Int) -> Int { Int(sqlite3_column_int64(statement, Int32(column))) }

    func double(_ column: Int) -> Double { sqlite3_column_double(statement, Int32(column)) }

    /// The column's text (nil when NULL).
    func text(_ column: Int) -> String? {
        guard let bytes = sqlite3_column_text(statement, Int32(column)) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, Int32(column)))), as: UTF8.self)
    }

    /// `body` over the column's text as SQLite holds it (nil when NULL).
    func withUTF8<T>(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        guard let bytes = sqlite3_column_text(statement, Int32(column)) else { return nil }
        return body(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, Int32(column)))))
    }

    func value(_ column: Int) -> SQLValue {
        switch sqlite3_column_type(statement, Int32(column)) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, Int32(column)))
        case SQLITE_FLOAT: return .real(double(column))
        case SQLITE_BLOB: return .blob(blob(column) ?? [])
        default: return .text(text(column) ?? "")
        }
    }

    /// The column's bytes (nil when NULL).
    func blob(_ column: Int) -> [UInt8]? {
        guard sqlite3_column_type(statement, Int32(column)) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(statement, Int32(column)))
        guard count > 0, let bytes = sqlite3_column_blob(statement, Int32(column)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
