import Foundation
import GRDB
import PairwiseTestSupport
import Testing

@testable import PairwiseStore

/// The one migration list: a project file left by any earlier version upgrades to what a new
/// project is, and the two stores hold the same tables and columns.
@Suite struct SchemaTests {
    /// Every table (but the ledger), each column in order: name, declared type, NOT NULL (a
    /// primary key counts as not null), default.
    static func sqliteColumns(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT m.name || '.' || p.name || ' ' || p.type || (CASE WHEN p."notnull" OR p.pk > 0 THEN ' not null' ELSE '' END)
                   || coalesce(' = ' || p.dflt_value, '')
            FROM sqlite_master m, pragma_table_info(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'grdb_migrations'
            ORDER BY m.name, p.cid
            """)
    }

    /// Everything else SQLite keeps of the schema: indexes (with their columns), triggers, views.
    static func sqliteObjects(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT m.type || ' ' || m.name || ' on ' || m.tbl_name || ': ' || coalesce(m.sql, group_concat(i.name, ','))
            FROM sqlite_master m LEFT JOIN pragma_index_info(m.name) i
            WHERE m.type IN ('index', 'trigger', 'view') GROUP BY m.name ORDER BY m.type, m.name
            """)
    }

    @Test func aProjectFileLeftAtAnyEarlierVersionUpgradesToANewProjectsSchema() throws {
        let fresh = try DatabaseQueue()
        try Migrator.migrateSQLite(fresh, location: "fresh")
        let (columns, objects) = try fresh.read { db in (try Self.sqliteColumns(db), try Self.sqliteObjects(db)) }
        #expect(columns.count == 173)
        #expect(columns.filter { $0.hasPrefix("items.") }.count == 16)
        #expect(objects.filter { $0.hasPrefix("trigger ") }.count == 27)
        let sqliteMigrations = Schema.migrations.filter { $0.dialects.contains(.sqlite) }
        #expect(sqliteMigrations.count == 21)
        for last in sqliteMigrations.dropLast() {
            let old = try DatabaseQueue()
            try Migrator.migrateSQLite(old, location: "old", through: last.identifier)
            try Migrator.migrateSQLite(old, location: "old")
            let upgraded = try old.read { db in (try Self.sqliteColumns(db), try Self.sqliteObjects(db)) }
            #expect(upgraded.0 == columns, "from \(last.identifier)")
            #expect(upgraded.1 == objects, "from \(last.identifier)")
        }
    }

    @Test func aDatabaseFromANewerVersionIsRefusedAndLeftAlone() throws {
        let queue = try DatabaseQueue()
        try Migrator.migrateSQLite(queue, location: "p.sqlite", through: Schema.migrations[3].identifier)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99: from the future')") }
        #expect(throws: StoreError.self) { try Migrator.migrateSQLite(queue, location: "p.sqlite") }
        let count = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM grdb_migrations") }
        #expect(count == 5)
    }

    /// The same columns in the same order on both stores, with their nullability (types differ
    /// by design: BIGINT for INTEGER, DOUBLE PRECISION for REAL, BYTEA for BLOB), but for
    /// SQLite's kept counts (v20: PostgreSQL counts instead).
    @Test(.enabled(if: TestPostgres.isAvailable)) func bothStoresHoldTheSameColumns() throws {
        let sqlite = try DatabaseQueue()
        try Migrator.migrateSQLite(sqlite, location: "fresh")
        let expected = try sqlite.read { db in
            try String.fetchAll(db, sql: """
                SELECT m.name || '.' || p.name || (CASE WHEN p."notnull" OR p.pk > 0 THEN ' not null' ELSE '' END)
                FROM sqlite_master m, pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'grdb_migrations'
                  AND m.name NOT IN ('item_judge_counts', 'annotator_label_counts')
                ORDER BY m.name, p.cid
                """)
        }
        try TestPostgres.withFreshDatabase { url in
            let connections = try PostgresConnections(PostgresAddress(url))
            let columns = try connections.with { sql in
                try PostgresSchema.migrate(sql, location: url, creating: true)
                return try sql.records("""
                    SELECT c.table_name || '.' || c.column_name || (CASE WHEN c.is_nullable = 'NO' THEN ' not null' ELSE '' END) AS line
                    FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
                    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                      AND c.table_name NOT IN ('pairwise_migrations', 'pairwise_write_lock')
                    ORDER BY c.table_name COLLATE "C", c.ordinal_position
                    """) { try $0.text("line") }
            }
            #expect(columns == expected)
            let recorded = try connections.with { sql in try PostgresSchema.migrator.applied(sql) }
            #expect(recorded == Set(Schema.migrations.filter { $0.dialects.contains(.postgres) }.map(\.identifier)))
        }
    }
}
