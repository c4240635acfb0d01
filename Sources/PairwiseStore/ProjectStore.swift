import Foundation
import GRDB
import PairwiseCore

/// A problem with the project database itself (as opposed to an input file).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// No project at the path (or a missing row it names).
        case noProject, notFound
        case alreadyExists
        /// The project's content is wrong: not a project, a broken rubric.
        case invalid
        /// Not allowed: by a rule of the project, or by file permissions.
        case refused
        /// A database from a newer version of pairwise.
        case newerVersion
        case database
    }
    public var kind: Kind
    public var message: String
    /// For `.database`: what kind of fault of the database underneath.
    public var fault: DatabaseFault?
    /// The database's own code: PostgreSQL's SQLSTATE, or SQLite's extended result code.
    public var sqlState: String?
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// One project: a SQLite database in WAL mode with foreign keys on, opened through a GRDB
/// pool so that several processes (annotators, the trainer) can share it; or a PostgreSQL
/// database (`postgres://…`), through connections borrowed per read or write.
public final class ProjectStore: Sendable {
    /// Where the project is: the SQLite file's path, or the PostgreSQL address (without
    /// its password).
    public let path: String
    let backend: Backend

    enum Backend: Sendable {
        case sqlite(DatabasePool)
        case postgres(PostgresConnections)
    }

    /// The default number of distinct annotators wanted per item.
    public static let defaultOverlap = 3

    /// The advisory lock a PostgreSQL migration takes (one migrator at a time; "Pairwise" in
    /// ASCII). Writes lock `pairwise_write_lock` instead, which annotators may not.
    static let postgresWriterLock: Int64 = 0x5061_6972_7769_7365

    private init(path: String, backend: Backend) {
        self.path = path
        self.backend = backend
    }

    /// The SQLite pool, for SQLite-only work (checkpoints, benchmarks, tests); a PostgreSQL
    /// project has none and says so.
    public func sqlitePool() throws -> DatabasePool {
        guard case .sqlite(let pool) = backend else { throw StoreError(.invalid, "\(path) is a PostgreSQL project, not a SQLite file") }
        return pool
    }

    /// The database login a PostgreSQL project is used under: who the person is there
    /// (nil for SQLite, where the login name of the process says).
    public var databaseUser: String? {
        if case .postgres(let connections) = backend { return connections.address.user }
        return nil
    }

    /// Whether the database login owns the PostgreSQL database (or is a superuser): the
    /// server lets it do anything, so the app counts it as a lead (false on SQLite).
    public func loginOwnsDatabase() throws -> Bool {
        guard dialect == .postgres else { return false }
        return try read { sql in
            try sql.integer("""
                SELECT CASE WHEN pg_has_role(session_user, d.datdba, 'MEMBER') OR r.rolsuper THEN 1 ELSE 0 END
                FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = session_user
                """) == 1
        }
    }

    /// Whether the person connected is held to the annotators' rules by the server (on
    /// PostgreSQL, anyone outside the lead group): they read neither gold status nor others'
    /// labels, and ask the server for their queue, claims and checks.
    public func heldToAnnotatorRules() throws -> Bool {
        guard dialect == .postgres else { return false }
        return try read { sql in try sql.integer("SELECT CASE WHEN public.pairwise_restricted() THEN 1 ELSE 0 END") == 1 }
    }

    /// Which store holds the project.
    public var dialect: SQLDialect {
        if case .postgres = backend { return .postgres }
        return .sqlite
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Writers from other processes wait instead of failing with "database is locked".
        config.busyMode = .timeout(30)
        return config
    }

    /// Creates a new project with its rubric; `lead` (the person running `init`) becomes its
    /// first lead. A `postgres://` location makes it in that (empty) PostgreSQL database.
    public static func create(at path: String, rubric: Rubric, lead: String?) throws -> ProjectStore {
        try StoreError.translating(path: path) { try createProject(at: path, rubric: rubric, lead: lead) }
    }

    private static func createProject(at path: String, rubric: Rubric, lead: String?) throws -> ProjectStore {
        let store = try createEmpty(at: path)
        do {
            try store.fillNewProject(rubric: rubric, lead: lead)
        } catch {
            store.removeNewProject()
            throw error
        }
        return store
    }

    /// A new project with its schema and nothing in it (on PostgreSQL, its roles made): what
    /// `create` fills and `copy` copies into.
    static func createEmpty(at path: String) throws -> ProjectStore {
        if PostgresAddress.isPostgres(path) {
            let connections = try PostgresConnections(PostgresAddress(path))
            let store = ProjectStore(path: connections.address.description, backend: .postgres(connections))
            try connections.with { sql in
                try PostgresSchema.migrate(sql, location: store.path, creating: true)
                do {
                    try sql.transaction { try PostgresRoles.setUp(sql) }
                } catch let error as SQLError where error.code == "42501" {
                    throw StoreError(.refused, "\(store.path): making the project's roles needs CREATEROLE (\(error.message)): run init as the database's owner with CREATEROLE, or have an admin run `ALTER ROLE \(connections.address.user) CREATEROLE`")
                }
            }
            return store
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            throw StoreError(.alreadyExists, "\(path) already exists; pass --db PATH to make another project")
        }
        // Owner and group only: judgments can be sensitive.
        guard manager.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o660]) else {
            throw StoreError(.database, "cannot create \(path)")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration())
            try Migrator.migrateSQLite(pool, location: path)
            return ProjectStore(path: path, backend: .sqlite(pool))
        } catch {
            try? manager.removeItem(atPath: path)
            throw error
        }
    }

    /// Undoes `createEmpty` after a failure: a SQLite file is removed (with its -wal and
    /// -shm); a PostgreSQL database is left to its owner (it may hold what they made).
    func removeNewProject() {
        guard case .sqlite(let pool) = backend else { return }
        try? pool.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// A new project's settings, rubric and first lead.
    private func fillNewProject(rubric: Rubric, lead: String?) throws {
        let now = Timestamp.string(Date())
        try write { sql in
            try sql.execute("INSERT INTO settings (key, value) VALUES ('overlap', ?), ('seed', ?), ('created_at', ?)",
                            [.text(String(Self.defaultOverlap)), .text(String(UInt32.random(in: 1...UInt32.max))), .text(now)])
            try Self.insertRubric(rubric, sql: sql)
            if let lead {
                try sql.execute("INSERT INTO annotators (name, role, created_at) VALUES (?, 'lead', ?)", [.text(lead), .text(now)])
            }
        }
    }

    /// How a command uses the project: commands that only read open it read-only, so that a
    /// person with read access alone can run them and no file is left behind.
    public enum Access: Sendable { case readWrite, readOnly }

    /// Opens an existing project. Read-write applies any newer migrations; read-only never
    /// writes (nor creates the -wal and -shm files when it could not write the database).
    /// Refuses, with a sentence saying what to do: a missing, empty or unreadable file, a
    /// file that is not a Pairwise project, and a project from a newer version.
    public static func open(at path: String, access: Access = .readWrite) throws -> ProjectStore {
        try StoreError.translating(path: path) { try openProject(at: path, access: access) }
    }

    private static func openProject(at path: String, access: Access) throws -> ProjectStore {
        if PostgresAddress.isPostgres(path) {
            // What a role may do is the database's to say: read-only changes nothing here.
            let connections = try PostgresConnections(PostgresAddress(path))
            let location = connections.address.description
            try connections.with { sql in try PostgresSchema.migrate(sql, location: location, creating: false) }
            return ProjectStore(path: location, backend: .postgres(connections))
        }
        try ProjectFile.check(path, access: access)
        // Checked through a read-only connection first: opening for writing writes (WAL setup).
        var config = configuration()
        config.readonly = true
        var location = path
        if access == .readOnly && !ProjectFile.canCreateBeside(path) && !FileManager.default.fileExists(atPath: path + "-shm") {
            // No writer has the project open (the -shm is gone) and we could not create the
            // -shm (a read-only file, or a folder we may not write): read the file as it stands.
            location = ProjectFile.immutableURI(path)
        }
        let reader = try ProjectFile.refusingNonDatabase(path) { try DatabasePool(path: location, configuration: config) }
        let needsMigration = try reader.read { db in try ProjectFile.checkSchema(db, path: path) }
        if access == .readOnly && !needsMigration { return ProjectStore(path: path, backend: .sqlite(reader)) }
        guard access == .readWrite || ProjectFile.canWrite(path) else {
            throw StoreError(.refused, "\(path) was made by an older version of pairwise and needs upgrading, which takes write access: someone who can write it should run any command that writes (such as `pairwise annotate`) once")
        }
        try reader.close()
        let pool = try DatabasePool(path: path, configuration: configuration())
        if needsMigration { try Migrator.migrateSQLite(pool, location: path) }
        if access == .readOnly {
            try pool.close()
            return try openProject(at: path, access: .readOnly)
        }
        return ProjectStore(path: path, backend: .sqlite(pool))
    }

    static func insertRubric(_ rubric: Rubric, sql: SQLConnection) throws {
        try sql.execute("INSERT INTO rubrics (name, definition, created_at) VALUES (?, ?, ?)",
                        [.text(rubric.name), .text(JSONWriter.string(rubric.json)), .text(Timestamp.string(Date()))])
    }

    /// The project's current rubric.
    public func rubric() throws -> Rubric {
        let definition = try read { sql in try sql.record("SELECT definition FROM rubrics ORDER BY id DESC LIMIT 1") { try $0.text("definition") } }
        guard let definition else { throw StoreError(.invalid, "\(path): the project has no rubric") }
        return try RubricFile.parse(definition, file: "\(path) (stored rubric)")
    }

    /// The number of distinct annotators wanted per item.
    public func overlap() throws -> Int {
        try read { sql in
            try sql.record("SELECT value FROM settings WHERE key = 'overlap'") { Int(try $0.text("value")) } ?? nil
        } ?? Self.defaultOverlap
    }

    /// Sets the number of distinct annotators wanted per item.
    public func setOverlap(_ overlap: Int) throws {
        precondition(overlap >= 1)
        try write { sql in
            try sql.execute("INSERT INTO settings (key, value) VALUES ('overlap', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [.text(String(overlap))])
        }
    }

    /// Adds a person, or changes the role of an existing one. The last lead cannot become
    /// an annotator: a project always has someone who can change roles. On PostgreSQL the
    /// person is a login role of that name, made (when new) and put in the role's group.
    @discardableResult
    public func addAnnotator(_ name: String, role: Role) throws -> Bool {
        try write { sql in
            if sql.dialect == .postgres { try PostgresPeople.add(name, role: role, sql) }
            if let existing = try sql.record("SELECT role FROM annotators WHERE name = \(name)", { try $0.text("role") }) {
                guard existing != role.rawValue else { return false }
                if existing == Role.lead.rawValue, try sql.integer("SELECT count(*) FROM annotators WHERE role = 'lead'") == 1 {
                    throw StoreError(.refused, "\(name) is the project's only lead: make someone else a lead first (`pairwise annotators add NAME --role lead`)")
                }
                try sql.execute("UPDATE annotators SET role = ? WHERE name = ?", [.text(role.rawValue), .text(name)])
                return true
            }
            try sql.execute("INSERT INTO annotators (name, role, created_at) VALUES (?, ?, ?)",
                            [.text(name), .text(role.rawValue), .text(Timestamp.string(Date()))])
            return true
        }
    }

    /// Everyone in the project, by name.
    public func annotators() throws -> [(name: String, role: Role)] {
        try read { sql in
            try sql.records("SELECT name, role FROM annotators ORDER BY name") { row in
                (try row.text("name"), Role(rawValue: try row.text("role")) ?? .annotator)
            }
        }
    }

    /// Everyone's name, by row id.
    public func annotatorNames() throws -> [Int64: String] {
        try read { sql in try Self.annotatorNames(sql) }
    }

    static func annotatorNames(_ sql: SQLConnection) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        try sql.scan("SELECT id, name FROM annotators") { names[try $0.int64("id")] = try $0.text("name") }
        return names
    }

    /// The id of an annotator, created with the `annotator` role if new.
    static func annotatorID(_ name: String, sql: SQLConnection) throws -> Int64 {
        if let id = try sql.integer("SELECT id FROM annotators WHERE name = ?", [.text(name)]) { return id }
        guard let id = try sql.integer("INSERT INTO annotators (name, role, created_at) VALUES (?, 'annotator', ?) RETURNING id",
                                       [.text(name), .text(Timestamp.string(Date()))]) else {
            throw StoreError(.database, "\(name) was not added")
        }
        return id
    }
}
