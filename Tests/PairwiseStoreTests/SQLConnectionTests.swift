import Foundation
import GRDB
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// The same statements on both stores: what the store's portable SQL relies on.
@Suite struct SQLConnectionTests {
    /// A server function's ids come as one array value; its text read back exactly.
    @Test func anArraysTextGivesItsIntegers() throws {
        #expect(try ProjectStore.integerArray("{}") == [])
        #expect(try ProjectStore.integerArray("{7}") == [7])
        #expect(try ProjectStore.integerArray("{1,-2,30,9223372036854775807}") == [1, -2, 30, Int64.max])
        #expect(throws: StoreError.self) { try ProjectStore.integerArray("{1,NULL}") }
    }

    enum Store: String, CaseIterable { case sqlite, postgres }

    /// Runs `body` on a fresh database of the given store.
    func withConnection(_ store: Store, _ body: (SQLConnection) throws -> Void) throws {
        switch store {
        case .sqlite:
            let directory = try TemporaryDirectory()
            let queue = try DatabaseQueue(path: directory.path("t.sqlite"))
            try queue.writeWithoutTransaction { db in try body(GRDBSQLConnection(db)) }
        case .postgres:
            try TestPostgres.withFreshDatabase { url in try body(PostgresSQLConnection(PostgresAddress(url))) }
        }
    }

    /// Without a server the PostgreSQL cases are left out, and the test below says why.
    static let stores: [Store] = TestPostgres.isAvailable ? Store.allCases : [.sqlite]

    @Test(.enabled(if: TestPostgres.isAvailable, Comment(rawValue: "PostgreSQL cases skipped: " + TestPostgres.skipReason)))
    func theStoreTestsReachPostgreSQL15OrLater() throws {
        let version = try TestPostgres.withFreshDatabase { url in
            try PostgresSQLConnection(PostgresAddress(url)).row("SELECT current_setting('server_version_num')::integer AS v")?["v"]
        }
        guard case .integer(let number)? = version else { Issue.record("server_version_num: \(String(describing: version))"); return }
        #expect(number >= 150000)
    }

    @Test(arguments: stores)
    func valuesRoundTripAndPlaceholdersNumber(_ store: Store) throws {
        try withConnection(store) { sql in
            let (real, blob) = store == .postgres ? ("DOUBLE PRECISION", "BYTEA") : ("REAL", "BLOB")
            try sql.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, score \(real), data \(blob), note TEXT)", [])
            let inserted = try sql.rows("INSERT INTO t (id, name, score, data, note) VALUES (?, ?, ?, ?, ?) RETURNING id",
                                        [.integer(7), .text("ann 'quoted' ?"), .real(0.25), .blob([0, 255, 10]), .null])
            #expect(inserted.map(\.values) == [[.integer(7)]])
            let row = try #require(try sql.row("SELECT id, name, score, data, note, ?2 AS again, ?1 AS first FROM t WHERE name = ?1",
                                               [.text("ann 'quoted' ?"), .integer(3)]))
            #expect(row.values == [.integer(7), .text("ann 'quoted' ?"), .real(0.25), .blob([0, 255, 10]), .null, .integer(3), .text("ann 'quoted' ?")])
            #expect(row["score"] == .real(0.25))
            // A question mark inside a literal is not a placeholder.
            #expect(try sql.row("SELECT '?' AS mark, ? AS one", [.integer(1)])?.values == [.text("?"), .integer(1)])
        }
    }

    @Test(arguments: stores)
    func upsertsCountChangesAndConstraintsRefuse(_ store: Store) throws {
        try withConnection(store) { sql in
            try sql.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER NOT NULL)", [])
            for k in ["a", "b", "a"] {
                try sql.execute("INSERT INTO t (k, n) VALUES (?, 1) ON CONFLICT (k) DO UPDATE SET n = t.n + 1", [.text(k)])
            }
            #expect(try sql.rows("SELECT k, n FROM t ORDER BY k", []).map(\.values) == [[.text("a"), .integer(2)], [.text("b"), .integer(1)]])
            #expect(try sql.execute("UPDATE t SET n = 0 WHERE n >= ?", [.integer(1)]) == 2)
            #expect(throws: (any Error).self) { try sql.execute("INSERT INTO t (k, n) VALUES ('a', 5)", []) }
        }
    }

    @Test(arguments: stores)
    func aTransactionCommitsOrRollsBackWhole(_ store: Store) throws {
        struct Refused: Error {}
        try withConnection(store) { sql in
            try sql.execute("CREATE TABLE t (n INTEGER NOT NULL)", [])
            try sql.transaction { try sql.execute("INSERT INTO t VALUES (1)", []) }
            #expect(throws: Refused.self) {
                try sql.transaction {
                    try sql.execute("INSERT INTO t VALUES (2)", [])
                    throw Refused()
                }
            }
            // A nested failure rolls back its own part only.
            try sql.transaction {
                try sql.execute("INSERT INTO t VALUES (3)", [])
                try? sql.transaction {
                    try sql.execute("INSERT INTO t VALUES (4)", [])
                    throw Refused()
                }
            }
            #expect(try sql.rows("SELECT n FROM t ORDER BY n", []).map(\.values) == [[.integer(1)], [.integer(3)]])
        }
    }

    /// A scan visits every row once, in order, also past PostgreSQL's fetch batches; its body
    /// may run statements (another scan included) while it is open; a failing scan throws the
    /// statement's error and leaves the transaction usable after a savepoint; outside a
    /// transaction it reads too.
    @Test(arguments: stores)
    func scansVisitEveryRowAndNest(_ store: Store) throws {
        let total = 2 * PostgresSQLConnection.scanBatchRows + 7
        try withConnection(store) { sql in
            try sql.execute("CREATE TABLE t (n INTEGER NOT NULL)", [])
            try sql.execute("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ?) INSERT INTO t SELECT n FROM s", [.integer(Int64(total))])
            var seen: [Int] = [], inner = 0
            try sql.transaction {
                try sql.scan("SELECT n FROM t WHERE n > ? ORDER BY n", [.integer(0)]) { row in
                    seen.append(row.int(0))
                    if row.int(0) % PostgresSQLConnection.scanBatchRows == 0 {
                        try sql.scan("SELECT n FROM t WHERE n <= 3 ORDER BY n", []) { inner += $0.int(0) }
                        try sql.execute("INSERT INTO t VALUES (0)", [])
                    }
                }
                #expect(throws: (any Error).self) {
                    try sql.transaction { try sql.scan("SELECT no_such_column FROM t", []) { _ in } }
                }
                #expect(try sql.row("SELECT count(*) FROM t", [])?.values == [.integer(Int64(total + 2))])
            }
            #expect(seen == Array(1...total) && inner == 2 * 6)
            var zeros = 0
            try sql.scan("SELECT n FROM t WHERE n = 0", []) { _ in zeros += 1 }
            #expect(zeros == 2)
        }
    }

    /// Rows read by name: values bound where they are written, a missing column and a NULL
    /// where a value must be each throw naming the column, and the same on both stores.
    @Test(arguments: stores)
    func recordsReadByNameAndSayWhichColumnFailed(_ store: Store) throws {
        try withConnection(store) { sql in
            try sql.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, note TEXT)", [])
            let (id, name): (Int64, String) = (7, "ünï 'quoted' ?")
            try sql.execute("INSERT INTO t (id, name, note) VALUES (\(id), \(name), \(nil as String?))")
            let found = try sql.record("SELECT id, name, note FROM t WHERE name = \(name)") { row in
                (try row.int64("id"), try row.text("name"), try row.optionalText("note"))
            }
            #expect(found?.0 == 7 && found?.1 == name && found?.2 == nil)
            #expect(throws: StoreError.self) { try sql.record("SELECT id FROM t") { try $0.int("identifier") } }
            do {
                _ = try sql.record("SELECT id, note FROM t") { try $0.text("note") }
                Issue.record("a NULL read as text")
            } catch let error as StoreError {
                #expect(error.message == "column note is NULL where a value must be")
            }
            do {
                _ = try sql.record("SELECT id FROM t") { try $0.int("identifier") }
            } catch let error as StoreError {
                #expect(error.message == "a query's result has no column identifier (it has id)")
            }
            #expect(try sql.records("SELECT id FROM t WHERE id IN \(list: [Int64(7), 8])") { try $0.int64("id") } == [7])
        }
    }

    @Test func placeholdersBecomePostgresNumbersOutsideQuotesAndComments() {
        #expect(Placeholders.postgres("SELECT ?, '?', \"a?\", ?3 -- ?\nWHERE x = ?") == "SELECT $1, '?', \"a?\", $3 -- ?\nWHERE x = $2")
    }

    @Test func addressesParseLikePsql() throws {
        let directory = try TemporaryDirectory()
        let pgpass = directory.path("pgpass")
        try "# comment\nother:5432:*:ann:no\ndb.example:5433:*:ann:s\\:ecret\n".write(toFile: pgpass, atomically: true, encoding: .utf8)
        let a = try PostgresAddress("postgres://ann@db.example:5433/labels", environment: [:], passwordFile: pgpass)
        #expect(a == PostgresAddress.testing(user: "ann", password: "s:ecret", host: "db.example", port: 5433, database: "labels"))
        #expect(a.description == "postgres://ann@db.example:5433/labels")
        let b = try PostgresAddress("postgresql://bo:p%40ss@127.0.0.1/x", environment: [:], passwordFile: pgpass)
        #expect(b.password == "p@ss" && b.port == 5432)
        let c = try PostgresAddress("postgres:///labels?host=/run/postgresql", environment: ["USER": "cy"], passwordFile: pgpass)
        #expect(c.user == "cy" && c.socketDirectory == "/run/postgresql" && c.password == nil)
        #expect(throws: SQLError.self) { try PostgresAddress("mysql://x/y", environment: [:]) }
    }
}

extension PostgresAddress {
    static func testing(user: String, password: String?, host: String, port: Int, database: String) -> PostgresAddress {
        var address = try! PostgresAddress("postgres://x@h/d", environment: [:], passwordFile: "")
        address.user = user
        address.password = password
        address.host = host
        address.port = port
        address.database = database
        return address
    }
}
