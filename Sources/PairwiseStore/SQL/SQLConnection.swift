import Foundation

/// One value in or out of a SQL statement, the same on both stores: SQLite's storage
/// classes, which PostgreSQL's column types map onto (integers and booleans to `integer`,
/// floating point and numeric to `real`, text types to `text`, bytea to `blob`).
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A result row: values by position, with the columns' names.
public struct SQLRow: Sendable, Equatable {
    public let columns: [String]
    public let values: [SQLValue]

    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    public subscript(_ index: Int) -> SQLValue { values[index] }

    /// The value of the named column.
    public subscript(_ name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }
}

/// Which SQL the other side speaks, for the few statements that differ (schema, locks).
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgres
}

/// A database connection the store's queries run on, whichever store holds the project.
/// Statements use `?` placeholders (or `?N`, numbered from 1); the PostgreSQL connection
/// rewrites them to `$N`.
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs a statement; the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// Runs a query; every row it returns.
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T

    /// Runs a query and calls `body` on each row in turn, without a value per cell: for
    /// scans of a million rows (SQLite steps its statement; PostgreSQL fetches through a cursor).
    func scan(_ sql: String, _ arguments: [SQLValue], _ body: (any SQLScanRow) throws -> Void) throws
}

/// The row a `scan` is on, read by column position during the call only.
public protocol SQLScanRow {
    /// The result's column names, in order.
    var columnNames: [String] { get }
    func isNull(_ column: Int) -> Bool
    /// The column as an integer (0 when NULL).
    func int(_ column: Int) -> Int
    /// The column as a number (0 when NULL).
    func double(_ column: Int) -> Double
    func text(_ column: Int) -> String?
    func blob(_ column: Int) -> [UInt8]?
    /// The column as it is stored.
    func value(_ column: Int) -> SQLValue
}

extension SQLRow: SQLScanRow {
    public var columnNames: [String] { columns }
    public func isNull(_ column: Int) -> Bool { values[column].isNull }
    public func int(_ column: Int) -> Int { values[column].integerOrZero }
    public func double(_ column: Int) -> Double { values[column].realOrZero }
    public func text(_ column: Int) -> String? { values[column].text }
    public func blob(_ column: Int) -> [UInt8]? { values[column].blob }
    public func value(_ column: Int) -> SQLValue { values[column] }
}

extension SQLValue {
    /// The conversions a row's reads make (as SQLite's column functions do): NULL, text and
    /// bytes read as 0, a real truncated to an integer.
    var isNull: Bool { if case .null = self { true } else { false } }
    var integerOrZero: Int {
        switch self {
        case .integer(let v): Int(v)
        case .real(let v): Int(v)
        default: 0
        }
    }
    var realOrZero: Double { real ?? 0 }
    var blob: [UInt8]? { if case .blob(let v) = self { v } else { nil } }
}

extension SQLConnection {
    /// The first row, if any.
    public func row(_ sql: String, _ arguments: [SQLValue] = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }
}

/// A statement the database refused, or a value of another type than the caller asked for.
public struct SQLError: Error, CustomStringConvertible, Equatable {
    public let message: String
    /// PostgreSQL's SQLSTATE, or SQLite's extended result code as text.
    public let code: String?

    public init(_ message: String, code: String? = nil) {
        self.message = message
        self.code = code
    }

    public var description: String { message }
}

extension SQLValue {
    /// The integer, if this is one.
    public var integer: Int64? { if case .integer(let v) = self { return v } else { return nil } }
    /// The number, integer or real.
    public var real: Double? {
        switch self {
        case .integer(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }
    /// The text, if this is text.
    public var text: String? { if case .text(let v) = self { return v } else { return nil } }

    /// NULL for nil.
    public static func optional(_ value: Double?) -> SQLValue { value.map(SQLValue.real) ?? .null }
    public static func optional(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    public static func optional(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
}

extension SQLConnection {
    /// The first column of the first row as an integer (a count, an id); nil when there is
    /// no row or it is NULL.
    public func integer(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
        try row(sql, arguments)?[0].integer
    }
}
