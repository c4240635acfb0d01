import GRDB

/// What kind of fault of the database underneath a `StoreError` reports, so that a caller
/// can say what to do (and a command exit with the matching status) without knowing GRDB's
/// or PostgreSQL's errors.
public enum DatabaseFault: Sendable, Equatable {
    /// The disk holding the project is full (SQLite), or the server ran out of resources.
    case diskFull
    /// Reading or writing the file failed.
    case io
    /// The file is damaged or not a database.
    case damaged
    /// The file, its directory or its file system cannot be written.
    case readOnly
    /// The login or role may not do this.
    case denied
    /// The file or its -wal/-shm cannot be opened.
    case cannotOpen
    /// Locked by another process, or the server could not be reached: try again.
    case busy
    /// The database refused a value or a constraint.
    case rejected
    /// Anything else.
    case other
}

extension StoreError {
    /// A SQLite error as one sentence saying what happened and what to do. Nothing committed
    /// before the fault is lost: every write is one transaction.
    init(_ error: DatabaseError, path: String) {
        let file = path
        let (fault, message): (DatabaseFault, String)
        switch error.resultCode {
        case .SQLITE_FULL:
            (fault, message) = (.diskFull, "\(file): the disk holding it is full: free some space and run the command again (what was committed before is kept; this command's change was not made)")
        case .SQLITE_IOERR:
            (fault, message) = (.io, "reading or writing \(file) failed (an I/O error): check the disk, then run the command again (this command's change was not made)")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            (fault, message) = (.damaged, "\(file) is damaged (\(error.resultCode == .SQLITE_NOTADB ? "not a database" : "corrupt")): restore it from a backup; `sqlite3 \(file) .recover` may save what it holds")
        case .SQLITE_READONLY:
            (fault, message) = (.readOnly, "\(file) cannot be written (read-only file, directory or file system): ask its owner for write access to the file and its directory")
        case .SQLITE_PERM, .SQLITE_AUTH:
            (fault, message) = (.denied, "access to \(file) was denied: ask its owner for access")
        case .SQLITE_CANTOPEN:
            (fault, message) = (.cannotOpen, "cannot open \(file) or its -wal/-shm files beside it: check that the file and its directory exist and that you may read and write them")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            (fault, message) = (.busy, "\(file) stayed locked by another process for 30 seconds: run the command again")
        case .SQLITE_CONSTRAINT:
            (fault, message) = (.rejected, error.message ?? "a constraint of \(file) refused the change")
        default:
            (fault, message) = (.io, "\(file): SQLite error \(error.extendedResultCode.rawValue) (\(error.message ?? "no message")): run the command again; if it persists, check the file with `sqlite3 \(file) 'PRAGMA integrity_check'`")
        }
        self.init(.database, message)
        self.fault = fault
        sqlState = String(error.extendedResultCode.rawValue)
    }

    /// A PostgreSQL error, its message as the server gave it, classed by its SQLSTATE.
    init(_ error: SQLError) {
        let fault: DatabaseFault
        switch error.code?.prefix(2) {
        case "42" where error.code == "42501", "28": fault = .denied          // insufficient privilege, bad login
        case "08", "57", "40", "55": fault = .busy                           // connection, shutdown, serialization, lock
        case "53": fault = .diskFull                                         // disk full, out of memory
        case "23", "22": fault = .rejected                                   // constraint, bad value
        default: fault = error.code == nil ? .busy : .other                  // no code: the server could not be reached
        }
        self.init(.database, error.message)
        self.fault = fault
        sqlState = error.code
    }

    /// Runs `body`, turning GRDB's and PostgreSQL's errors into the store's.
    static func translating<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        } catch let error as SQLError {
            throw StoreError(error)
        }
    }
}
