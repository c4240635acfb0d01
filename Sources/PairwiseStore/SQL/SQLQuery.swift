/// A statement with its arguments bound where they are written: `"… WHERE item_id = \(id)"`
/// puts a placeholder in the text and the value in `arguments`, so text and values cannot
/// drift apart; `\(raw: name)` writes trusted SQL (a table name, a built clause) as it is.
/// The same on both stores (the PostgreSQL connection rewrites the placeholders).
public struct SQLQuery: ExpressibleByStringInterpolation, Sendable {
    public private(set) var sql: String
    public private(set) var arguments: [SQLValue]

    public init(stringLiteral value: String) {
        sql = value
        arguments = []
    }

    public init(stringInterpolation: Interpolation) {
        sql = stringInterpolation.sql
        arguments = stringInterpolation.arguments
    }

    /// A query from text and its arguments in order.
    public init(_ sql: String, _ arguments: [SQLValue]) {
        self.sql = sql
        self.arguments = arguments
    }

    /// This query with `other` after it (a separating space is the caller's).
    public static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        SQLQuery(lhs.sql + rhs.sql, lhs.arguments + rhs.arguments)
    }

    public struct Interpolation: StringInterpolationProtocol {
        var sql = ""
        var arguments: [SQLValue] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 2 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        /// A bound value.
        public mutating func appendInterpolation(_ value: SQLValue) {
            sql += "?"
            arguments.append(value)
        }

        public mutating func appendInterpolation(_ value: Int64) { appendInterpolation(SQLValue.integer(value)) }
        public mutating func appendInterpolation(_ value: Int) { appendInterpolation(SQLValue.integer(Int64(value))) }
        public mutating func appendInterpolation(_ value: Double) { appendInterpolation(SQLValue.real(value)) }
        public mutating func appendInterpolation(_ value: String) { appendInterpolation(SQLValue.text(value)) }
        public mutating func appendInterpolation(_ value: Bool) { appendInterpolation(SQLValue.integer(value ? 1 : 0)) }
        public mutating func appendInterpolation(_ value: String?) { appendInterpolation(value.map(SQLValue.text) ?? .null) }
        public mutating func appendInterpolation(_ value: Int?) { appendInterpolation(value.map { SQLValue.integer(Int64($0)) } ?? .null) }

        /// Values bound as a parenthesised list, for `IN \(list: ids)`.
        public mutating func appendInterpolation(list values: [Int64]) { appendInterpolation(list: values.map(SQLValue.integer)) }
        public mutating func appendInterpolation(list values: [String]) { appendInterpolation(list: values.map(SQLValue.text)) }
        public mutating func appendInterpolation(list values: [SQLValue]) {
            sql += "(" + Placeholders.list(values.count) + ")"
            arguments += values
        }

        /// Another query, its arguments in place.
        public mutating func appendInterpolation(_ query: SQLQuery) {
            sql += query.sql
            arguments += query.arguments
        }

        /// Trusted SQL text written as it is (never a value from data).
        public mutating func appendInterpolation(raw text: String) { sql += text }
    }
}

/// A result row read by column name: each read names its column, and a missing column or a
/// NULL where a value must be throws an error naming the column (a schema slip becomes an
/// error, not a wrong number); values convert as the store converts them. Names are resolved
/// to positions once per statement and then checked by a string comparison per read.
public final class SQLRecord {
    /// The row when it is SQLite's: read without a dynamic call per value.
    @exclusivity(unchecked) private var raw: RawRows?
    /// Any other row's values (PostgreSQL's `SQLRow`), read in place: a call through the
    /// protocol copied the row, two retains and releases a value read.
    @exclusivity(unchecked) private var values: [SQLValue] = []
    private let names: [String]
    /// The position of each read in the row's body, by the order reads happen: reads repeat
    /// in the same order row after row.
    @exclusivity(unchecked) private var resolvedNames: [String] = []
    @exclusivity(unchecked) private var resolvedIndices: [Int] = []
    @exclusivity(unchecked) private var read = 0

    init(_ row: any SQLScanRow) {
        raw = row as? RawRows
        names = row.columnNames
        take(row)
    }

    /// Moves to the next row of the same statement (SQLite steps the same `RawRows` from row
    /// to row, so only another store's rows are taken anew).
    func next(_ row: any SQLScanRow) {
        if raw == nil { take(row) }
        read = 0
    }

    private func take(_ row: any SQLScanRow) {
        guard raw == nil else { return }
        values = (row as? SQLRow)?.values ?? names.indices.map(row.value)
    }

    @inline(__always)
    private func index(_ name: String) throws -> Int {
        let k = read
        read = k + 1
        if k < resolvedNames.count, resolvedNames[k] == name { return resolvedIndices[k] }
        return try resolve(name, at: k)
    }

    private func resolve(_ name: String, at k: Int) throws -> Int {
        guard let index = names.firstIndex(of: name) else {
            throw StoreError(.invalid, "a query's result has no column \(name) (it has \(names.joined(separator: ", ")))")
        }
        if k < resolvedNames.count {
            resolvedNames[k] = name
            resolvedIndices[k] = index
        } else {
            resolvedNames.append(name)
            resolvedIndices.append(index)
        }
        return index
    }

    private func missing(_ name: String) -> StoreError {
        StoreError(.invalid, "column \(name) is NULL where a value must be")
    }

    @inline(__always) private func isNull(_ i: Int) -> Bool { if let raw { raw.isNull(i) } else { values[i].isNull } }
    @inline(__always) private func intValue(_ i: Int) -> Int { if let raw { raw.int(i) } else { values[i].integerOrZero } }
    @inline(__always) private func doubleValue(_ i: Int) -> Double { if let raw { raw.double(i) } else { values[i].realOrZero } }
    @inline(__always) private func textValue(_ i: Int) -> String? { if let raw { raw.text(i) } else { values[i].text } }

    /// The column as an integer; throws when it is NULL.
    public func int(_ name: String) throws -> Int {
        let i = try index(name)
        let value = intValue(i)
        // NULL reads as 0: only then is it worth asking.
        if value == 0 && isNull(i) { throw missing(name) }
        return value
    }

    public func int64(_ name: String) throws -> Int64 { Int64(try int(name)) }

    /// The column as an integer, nil when NULL.
    public func optionalInt(_ name: String) throws -> Int? {
        let i = try index(name)
        let value = intValue(i)
        return value == 0 && isNull(i) ? nil : value
    }

    /// The column as 0/1; throws when it is NULL.
    public func bool(_ name: String) throws -> Bool { try int(name) != 0 }

    public func double(_ name: String) throws -> Double {
        let i = try index(name)
        let value = doubleValue(i)
        if value == 0 && isNull(i) { throw missing(name) }
        return value
    }

    public func optionalDouble(_ name: String) throws -> Double? {
        let i = try index(name)
        let value = doubleValue(i)
        return value == 0 && isNull(i) ? nil : value
    }

    /// The column as text; throws when it is NULL.
    public func text(_ name: String) throws -> String {
        guard let text = textValue(try index(name)) else { throw missing(name) }
        return text
    }

    /// The column as text, nil when NULL.
    public func optionalText(_ name: String) throws -> String? { textValue(try index(name)) }

    /// `body` over the column's UTF-8 bytes, read in place where the store allows (no
    /// string made per row); nil when NULL.
    public func withUTF8<T>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) throws -> T? {
        let i = try index(name)
        if let raw { return raw.withUTF8(i, body) }
        guard var text = textValue(i) else { return nil }
        return text.withUTF8(body)
    }

    /// The column's bytes, nil when NULL.
    public func optionalBlob(_ name: String) throws -> [UInt8]? {
        let i = try index(name)
        if let raw { return raw.isNull(i) ? nil : raw.blob(i) }
        return values[i].blob
    }

    /// The column as it is stored.
    public func value(_ name: String) throws -> SQLValue {
        let i = try index(name)
        if let raw { return raw.value(i) }
        return values[i]
    }
}

extension SQLConnection {
    /// Runs a statement; the number of rows it changed.
    @discardableResult
    public func execute(_ query: SQLQuery) throws -> Int { try execute(query.sql, query.arguments) }

    /// Calls `body` on each row of the query, read by name (the record is valid during the call only).
    public func scan(_ query: SQLQuery, _ body: (SQLRecord) throws -> Void) throws {
        var record: SQLRecord?
        try scan(query.sql, query.arguments) { row in
            if let record { record.next(row) } else { record = SQLRecord(row) }
            try body(record!)
        }
    }

    /// Each row of the query decoded by `decode`.
    public func records<T>(_ query: SQLQuery, _ decode: (SQLRecord) throws -> T) throws -> [T] {
        var out: [T] = []
        try scan(query) { out.append(try decode($0)) }
        return out
    }

    /// The first row decoded by `decode`, nil when there is none.
    public func record<T>(_ query: SQLQuery, _ decode: (SQLRecord) throws -> T) throws -> T? {
        try records(query, decode).first
    }
}
