import Foundation
import GRDB

/// `SQLConnection` on a GRDB database (SQLite), for the span of one `read` or `write`.
public final class GRDBSQLConnection: SQLConnection {
    public let db: Database
    public var dialect: SQLDialect { .sqlite }

    public init(_ db: Database) { self.db = db }

    /// Statements with arguments are stepped with SQLite's own binding and column readers
    /// (`RawRows`) on the connection's cached statement: GRDB's argument conversion and rows
    /// cost more than the statement at an import's million rows. This project uses no GRDB
    /// observation, which those readers skip.
    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        // Without arguments it may be a script (the schema).
        if arguments.isEmpty {
            try db.execute(sql: sql)
        } else {
            let rows = try RawRows(db, sql: sql, arguments: arguments)
            while try rows.next() {}
        }
        return db.changesCount
    }

    public func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let rows = try RawRows(db, sql: sql, arguments: arguments)
        var found: [SQLRow] = []
        while try rows.next() {
            found.append(SQLRow(columns: rows.columnNames, values: (0..<rows.columnNames.count).map(rows.value)))
        }
        return found
    }

    public func scan(_ sql: String, _ arguments: [SQLValue], _ body: (any SQLScanRow) throws -> Void) throws {
        let rows = try RawRows(db, sql: sql, arguments: arguments)
        while try rows.next() { try body(rows) }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        if db.isInsideTransaction {
            try db.inSavepoint {
                result = try body()
                return .commit
            }
        } else {
            try db.inTransaction(.immediate) {
                result = try body()
                return .commit
            }
        }
        return result!
    }
}
