import Foundation
import Logging
import NIOCore
import PostgresNIO

/// `SQLConnection` on one PostgreSQL connection (postgres-nio), used synchronously: each
/// statement waits for its result on the calling thread, which must not be an event loop.
public final class PostgresSQLConnection: SQLConnection, @unchecked Sendable {
    public var dialect: SQLDialect { .postgres }
    public let address: PostgresAddress
    private let connection: PostgresConnection
    private let logger = Logger(label: "pairwise.postgres")
    private var transactionDepth = 0
    /// Statements sent and not yet waited for (a BEGIN, a cursor's DECLARE or CLOSE): they
    /// travel with the next statement and are waited for with it, in order.
    private var unwaited: [EventLoopFuture<PostgresQueryResult>] = []
    /// Cursors declared on this connection, for unique names.
    private var cursorsDeclared = 0
    /// Rows a scan fetches per round trip.
    static let scanBatchRows = 5_000

    public init(_ address: PostgresAddress) throws {
        self.address = address
        let configuration: PostgresConnection.Configuration
        if let directory = address.socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(address.port)", username: address.user,
                                  password: address.password, database: address.database)
        } else {
            configuration = .init(host: address.host, port: address.port, username: address.user,
                                  password: address.password, database: address.database, tls: .disable)
        }
        do {
            connection = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration,
                                                        id: 1, logger: logger).wait()
        } catch {
            throw Self.describe(error, context: "cannot connect to \(address)")
        }
    }

    deinit { _ = try? connection.close().wait() }

    /// Whether the server or the network ended the connection.
    public var isClosed: Bool { connection.isClosed }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        if arguments.isEmpty {
            // Without arguments it may be a script: one statement at a time.
            var changes = 0
            for statement in SQLScript.statements(sql) { changes = try run(statement, []).metadata.rows ?? 0 }
            return changes
        }
        return try run(sql, arguments).metadata.rows ?? 0
    }

    public func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        var columns: [String]?
        return try run(sql, arguments).rows.map { row in
            if columns == nil { columns = row.map(\.columnName) }
            return try Self.row(row, columns: columns!)
        }
    }

    /// A row of a result whose column names are known (`columns`, shared by every row).
    static func row(_ row: PostgresRow, columns: [String]) throws -> SQLRow {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.count)
        for cell in row { values.append(try value(cell)) }
        return SQLRow(columns: columns, values: values)
    }

    /// In a transaction (every store access is in one), through a cursor a batch of rows at
    /// a time, so that a result of a million rows is never held whole; its DECLARE travels
    /// with the first FETCH and its CLOSE with the next statement, so a small result costs
    /// one round trip, as a plain query does.
    public func scan(_ sql: String, _ arguments: [SQLValue], _ body: (any SQLScanRow) throws -> Void) throws {
        guard transactionDepth > 0 else {
            for row in try rows(sql, arguments) { try body(row) }
            return
        }
        cursorsDeclared += 1
        let cursor = "pairwise_scan_\(cursorsDeclared)"
        unwaited.append(send("DECLARE \(cursor) NO SCROLL CURSOR FOR " + sql, arguments))
        defer { unwaited.append(send("CLOSE \(cursor)", [])) }
        // The next batch is asked for before this one is read, so that the server makes it
        // meanwhile (only after a full batch: a small result costs no extra statement).
        var next: EventLoopFuture<PostgresQueryResult>? = send("FETCH \(Self.scanBatchRows) FROM \(cursor)", [])
        // A batch asked for and never read (the body threw) is waited for with what comes next.
        defer { if let next { unwaited.append(next) } }
        var columns: [String]?
        while let asked = next {
            next = nil
            let batch = try wait(asked)
            let full = batch.rows.count == Self.scanBatchRows
            if full { next = send("FETCH \(Self.scanBatchRows) FROM \(cursor)", []) }
            for row in batch.rows {
                if columns == nil { columns = row.map(\.columnName) }
                try body(try Self.row(row, columns: columns!))
            }
        }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(begin: "BEGIN", body)
    }

    /// A transaction opened by `begin` (such as `BEGIN ISOLATION LEVEL REPEATABLE READ READ
    /// ONLY`); nested, a savepoint.
    public func transaction<T>(begin: String, _ body: () throws -> T) throws -> T {
        let savepoint = "pairwise_\(transactionDepth)"
        if transactionDepth == 0 {
            // Sent without waiting: it travels with the transaction's first statement, one
            // round trip fewer (the connection runs its queries in order).
            unwaited.append(send(begin, []))
        } else {
            try execute("SAVEPOINT \(savepoint)", [])
        }
        transactionDepth += 1
        do {
            let result = try body()
            transactionDepth -= 1
            try execute(transactionDepth == 0 ? "COMMIT" : "RELEASE SAVEPOINT \(savepoint)", [])
            return result
        } catch {
            transactionDepth -= 1
            _ = try? execute(transactionDepth == 0 ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT \(savepoint)", [])
            throw error
        }
    }

    /// Waits for every statement sent without waiting; the first error among them.
    private func waitForUnwaited() -> Error? {
        var firstError: Error?
        for earlier in unwaited {
            do { _ = try earlier.wait() } catch { firstError = firstError ?? error }
        }
        unwaited = []
        return firstError
    }

    /// Sends one statement (after those sent before) and waits for it and for every statement
    /// sent before it without waiting; the first error among them is thrown.
    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        try wait(send(sql, arguments))
    }

    /// Waits for a statement sent, and for every statement sent before it without waiting.
    private func wait(_ result: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
        let earlier = waitForUnwaited()
        do {
            let value = try result.wait()
            if let earlier { throw earlier }
            return value
        } catch {
            throw Self.describe(earlier ?? error, context: nil)
        }
    }

    /// Sends one statement without waiting for it.
    private func send(_ sql: String, _ arguments: [SQLValue]) -> EventLoopFuture<PostgresQueryResult> {
        var binds = PostgresBindings(capacity: arguments.count)
        for value in arguments {
            switch value {
            case .null: binds.appendNull()
            case .integer(let v): binds.append(v)
            case .real(let v): binds.append(v)
            case .text(let v): binds.append(v)
            case .blob(let v): binds.append(ByteBuffer(bytes: v))
            }
        }
        return connection.query(PostgresQuery(unsafeSQL: arguments.isEmpty ? sql : Placeholders.postgres(sql), binds: binds), logger: logger)
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .real(Double(try cell.decode(String.self)) ?? .nan)
        case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// postgres-nio's errors say little in their description: the server's message and
    /// SQLSTATE when there is one.
    static func describe(_ error: Error, context: String?) -> SQLError {
        if let error = error as? PSQLError {
            if error.code == .authMechanismRequiresPassword {
                // Said as a login failure (SQLSTATE 28P01), with where a password goes.
                return SQLError([context, "the server asks for a password and none was given: put it in the URL (postgres://USER:PASSWORD@HOST/DATABASE), "
                                 + "in PGPASSWORD, or in ~/.pgpass (PGPASSFILE)"].compactMap { $0 }.joined(separator: ": "), code: "28P01")
            }
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return SQLError([context, message + detail].compactMap { $0 }.joined(separator: ": "), code: error.serverInfo?[.sqlState])
        }
        return SQLError([context, "\(error)"].compactMap { $0 }.joined(separator: ": "))
    }
}
