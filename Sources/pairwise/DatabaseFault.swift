import GRDB
import PairwiseStore
import Synchronization

/// The project the command opened, for messages about faults that happen later.
enum OpenedProject {
    private static let current = Mutex<String?>(nil)
    static var path: String? {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}

/// A SQLite error as one sentence saying what happened and what to do, with an exit status.
/// Nothing committed before the fault is lost: every write is one transaction.
struct DatabaseFault {
    var message: String
    var status: Int32

    init(_ error: DatabaseError, path: String?) {
        let file = path ?? "the project database"
        switch error.resultCode {
        case .SQLITE_FULL:
            message = "\(file): the disk holding it is full: free some space and run the command again (what was committed before is kept; this command's change was not made)"
            status = ExitStatus.ioError
        case .SQLITE_IOERR:
            message = "reading or writing \(file) failed (an I/O error): check the disk, then run the command again (this command's change was not made)"
            status = ExitStatus.ioError
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            message = "\(file) is damaged (\(error.resultCode == .SQLITE_NOTADB ? "not a database" : "corrupt")): restore it from a backup; `sqlite3 \(file) .recover` may save what it holds"
            status = ExitStatus.dataError
        case .SQLITE_READONLY:
            message = "\(file) cannot be written (read-only file, directory or file system): ask its owner for write access to the file and its directory"
            status = ExitStatus.permission
        case .SQLITE_PERM, .SQLITE_AUTH:
            message = "access to \(file) was denied: ask its owner for access"
            status = ExitStatus.permission
        case .SQLITE_CANTOPEN:
            message = "cannot open \(file) or its -wal/-shm files beside it: check that the file and its directory exist and that you may read and write them"
            status = ExitStatus.noInput
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            message = "\(file) stayed locked by another process for 30 seconds: run the command again"
            status = ExitStatus.tryAgain
        default:
            message = "\(file): SQLite error \(error.extendedResultCode.rawValue) (\(error.message ?? "no message")): run the command again; if it persists, check the file with `sqlite3 \(file) 'PRAGMA integrity_check'`"
            status = ExitStatus.ioError
        }
    }
}

/// The exit status for a PostgreSQL error, by its SQLSTATE class.
enum PostgresFault {
    static func status(of error: SQLError) -> Int32 {
        switch error.code?.prefix(2) {
        case "42" where error.code == "42501", "28": return ExitStatus.permission   // insufficient privilege, bad login
        case "08", "57", "40", "55": return ExitStatus.tryAgain                    // connection, shutdown, serialization, lock
        case "53": return ExitStatus.ioError                                        // disk full, out of memory
        case "23", "22": return ExitStatus.dataError                                // constraint, bad value
        default: return error.code == nil ? ExitStatus.tryAgain : 1                 // no code: the server could not be reached
        }
    }
}
