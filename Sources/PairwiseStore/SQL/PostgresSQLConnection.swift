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
    /// A BEGIN sent and not yet waited for.
    private var pendingBegin: EventLoopFuture<PostgresQueryResult>?

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
        let result = try run(sql, arguments)
        return try result.rows.map { row in
            var columns: [String] = [], values: [SQLValue] = []
            for cell in row {
                columns.append(cell.columnName)
                values.append(try Self.value(cell))
            }
            return SQLRow(columns: columns, values: values)
        }
    }

    public func scan(_ sql: String, _ arguments: [SQLValue], _ body: (any SQLScanRow) throws -> Void) throws {
        for row in try rows(sql, arguments) { try body(row) }
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
            pendingBegin = connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
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

    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
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
        do {
            let result = connection.query(PostgresQuery(unsafeSQL: arguments.isEmpty ? sql : Placeholders.postgres(sql), binds: binds), logger: logger)
            if let begin = pendingBegin {
                pendingBegin = nil
                _ = try begin.wait()
            }
            return try result.wait()
        } catch {
            throw Self.describe(error, context: nil)
        }
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
            let message = error.serverInfo?[.message] ?? "\(error.code)"
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return SQLError([context, message + detail].compactMap { $0 }.joined(separator: ": "), code: error.serverInfo?[.sqlState])
        }
        return SQLError([context, "\(error)"].compactMap { $0 }.joined(separator: ": "))
    }
}
