import Foundation
import GRDB

/// `SQLConnection` on a GRDB database (SQLite), for the span of one `read` or `write`.
public final class GRDBSQLConnection: SQLConnection {
    public let db: Database
    public var dialect: SQLDialect { .sqlite }

    public init(_ db: Database) { self.db = db }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        // A statement with arguments is one statement, prepared once per connection; without,
        // it may be a script (the schema).
        if arguments.isEmpty {
            try db.execute(sql: sql)
        } else {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        }
        return db.changesCount
    }

    public func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = statement.columnNames
        return try Row.fetchAll(statement, arguments: Self.arguments(arguments)).map { row in
            SQLRow(columns: columns, values: (0..<row.count).map { Self.value(row[$0] as DatabaseValue) })
        }
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

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value {
            case .null: return .null
            case .integer(let v): return v.databaseValue
            case .real(let v): return v.databaseValue
            case .text(let v): return v.databaseValue
            case .blob(let v): return Data(v).databaseValue
            }
        })
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let v): return .integer(v)
        case .double(let v): return .real(v)
        case .string(let v): return .text(v)
        case .blob(let v): return .blob(Array(v))
        }
    }
}
