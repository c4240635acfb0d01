import Foundation
import GRDB

/// Checks made on a project file before and just after opening it, each failing with a
/// sentence that says what is wrong and what to do.
enum ProjectFile {
    /// The first migration of every Pairwise project.
    static let firstMigration = Schema.migrations[0].identifier

    static func canWrite(_ path: String) -> Bool { access(path, W_OK) == 0 }

    /// Whether SQLite could make the -wal and -shm files: the file and its folder writable.
    static func canCreateBeside(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return canWrite(path) && access(folder.isEmpty ? "." : folder, W_OK | X_OK) == 0
    }

    /// The file exists, is a file, is not empty, and can be read (and written, for `.readWrite`).
    static func check(_ path: String, access mode: ProjectStore.Access) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw StoreError(.noProject, "no project database at \(path): run `pairwise init` first, or pass --db PATH")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw StoreError(.invalid, "\(path) is not a file: pass --db with the project's database file")
        }
        guard info.st_size > 0 else {
            throw StoreError(.invalid, "\(path) is an empty file, not a project: pass --db with the project's database, or remove the file and run `pairwise init`")
        }
        guard access(path, R_OK) == 0 else {
            throw StoreError(.refused, "\(path) cannot be read by \(userName()): ask its owner for read access (the file is shared through its group)")
        }
        // The file is not opened here to read its header: SQLite's locks belong to the process,
        // and closing any descriptor of the file would drop those of a connection this process
        // already has to it (another process could then delete the write-ahead log under it).
        // SQLite itself says when the file is not a database (`refusingNonDatabase`).
        if mode == .readWrite && !canWrite(path) {
            throw StoreError(.refused, "\(path) is read-only for \(userName()): this command writes to the project; ask its owner for write access to the file and its directory, or use a command that only reads (status, stats, export)")
        }
    }

    /// `body`, with SQLite's "not a database" said as what to do about it.
    static func refusingNonDatabase<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError(.invalid, "\(path) is not a Pairwise project (not a SQLite database): pass --db with the project's database file")
        }
    }

    /// The database holds Pairwise's migrations and none this version does not know; returns
    /// whether migrations of this version are still to be applied.
    static func checkSchema(_ db: Database, path: String) throws -> Bool {
        let migrator = Migrator(.sqlite)
        let applied = try refusingNonDatabase(path) { try migrator.applied(GRDBSQLConnection(db)) }
        guard applied.contains(firstMigration) else {
            throw StoreError(.invalid, "\(path) is a SQLite database but not a Pairwise project: pass --db with the project's database file (nothing was changed)")
        }
        if migrator.isNewer(applied) {
            throw StoreError(.newerVersion, "\(path) was last written by a newer version of pairwise: upgrade pairwise to use it (nothing was changed)")
        }
        return !migrator.pending(applied).isEmpty
    }

    /// A URI that opens `path` read-only without locking or creating files.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}
