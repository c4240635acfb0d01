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
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// One project: a SQLite database in WAL mode with foreign keys on, opened through a GRDB
/// pool so that several processes (annotators, the trainer) can share it.
public final class ProjectStore: Sendable {
    public let path: String
    public let pool: DatabasePool

    /// The default number of distinct annotators wanted per item.
    public static let defaultOverlap = 3

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Writers from other processes wait instead of failing with "database is locked".
        config.busyMode = .timeout(30)
        return config
    }

    /// Creates a new project with its rubric; `lead` (the person running `init`) becomes its first lead.
    public static func create(at path: String, rubric: Rubric, lead: String?) throws -> ProjectStore {
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
            try Schema.migrator.migrate(pool)
            let store = ProjectStore(path: path, pool: pool)
            let now = Timestamp.string(Date())
            try pool.write { db in
                try db.execute(sql: "INSERT INTO settings (key, value) VALUES ('overlap', ?), ('seed', ?), ('created_at', ?)",
                               arguments: [String(defaultOverlap), String(UInt32.random(in: 1...UInt32.max)), now])
                try Self.insertRubric(rubric, db: db)
                if let lead {
                    try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES (?, 'lead', ?)", arguments: [lead, now])
                }
            }
            return store
        } catch {
            try? manager.removeItem(atPath: path)
            throw error
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
        try ProjectFile.check(path, access: access)
        // Checked through a read-only connection first: opening for writing writes (WAL setup).
        var config = configuration()
        config.readonly = true
        var location = path
        if access == .readOnly && !ProjectFile.canWrite(path) && !FileManager.default.fileExists(atPath: path + "-shm") {
            // No writer has the project open (the -shm is gone) and we could not create the
            // -shm: read the file as it stands.
            location = ProjectFile.immutableURI(path)
        }
        let reader = try DatabasePool(path: location, configuration: config)
        let needsMigration = try reader.read { db in try ProjectFile.checkSchema(db, path: path, migrator: Schema.migrator) }
        if access == .readOnly && !needsMigration { return ProjectStore(path: path, pool: reader) }
        guard access == .readWrite || ProjectFile.canWrite(path) else {
            throw StoreError(.refused, "\(path) was made by an older version of pairwise and needs upgrading, which takes write access: someone who can write it should run any command that writes (such as `pairwise annotate`) once")
        }
        try reader.close()
        let pool = try DatabasePool(path: path, configuration: configuration())
        if needsMigration { try Schema.migrator.migrate(pool) }
        if access == .readOnly {
            try pool.close()
            return try open(at: path, access: .readOnly)
        }
        return ProjectStore(path: path, pool: pool)
    }

    static func insertRubric(_ rubric: Rubric, db: Database) throws {
        try db.execute(sql: "INSERT INTO rubrics (name, definition, created_at) VALUES (?, ?, ?)",
                       arguments: [rubric.name, JSONWriter.string(rubric.json), Timestamp.string(Date())])
    }

    /// The project's current rubric.
    public func rubric() throws -> Rubric {
        let definition = try read { sql in try sql.row("SELECT definition FROM rubrics ORDER BY id DESC LIMIT 1")?[0].text }
        guard let definition else { throw StoreError(.invalid, "\(path): the project has no rubric") }
        return try RubricFile.parse(definition, file: "\(path) (stored rubric)")
    }

    /// The number of distinct annotators wanted per item.
    public func overlap() throws -> Int {
        try read { sql in
            try sql.row("SELECT value FROM settings WHERE key = 'overlap'")?[0].text.flatMap { Int($0) }
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
    /// an annotator: a project always has someone who can change roles.
    @discardableResult
    public func addAnnotator(_ name: String, role: Role) throws -> Bool {
        try write { sql in
            if let existing = try sql.row("SELECT role FROM annotators WHERE name = ?", [.text(name)])?[0].text {
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
            try sql.rows("SELECT name, role FROM annotators ORDER BY name", []).map { row in
                (row[0].text ?? "", row[1].text.flatMap(Role.init(rawValue:)) ?? .annotator)
            }
        }
    }

    /// The id of an annotator, created with the `annotator` role if new.
    static func annotatorID(_ name: String, db: Database) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM annotators WHERE name = ?", arguments: [name]) { return id }
        try db.execute(sql: "INSERT INTO annotators (name, role, created_at) VALUES (?, 'annotator', ?)",
                       arguments: [name, Timestamp.string(Date())])
        return db.lastInsertedRowID
    }
}
