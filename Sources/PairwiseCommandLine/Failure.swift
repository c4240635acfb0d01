import ArgumentParser
import Foundation
import PairwiseCore
import PairwiseStore

/// Exit statuses from sysexits.h, so that scripts can tell failures apart.
public enum ExitStatus {
    public static let dataError: Int32 = 65      // EX_DATAERR: bad input
    public static let noInput: Int32 = 66        // EX_NOINPUT: no project, missing file
    public static let noUser: Int32 = 67         // EX_NOUSER: --as a name not in the project
    public static let cannotCreate: Int32 = 73   // EX_CANTCREAT
    public static let ioError: Int32 = 74        // EX_IOERR: disk full, I/O error
    public static let tryAgain: Int32 = 75       // EX_TEMPFAIL: the database stayed locked
    public static let permission: Int32 = 77     // EX_NOPERM

    /// The status for a fault of the database underneath.
    public static func of(_ fault: DatabaseFault) -> Int32 {
        switch fault {
        case .diskFull, .io: ioError
        case .damaged, .rejected: dataError
        case .readOnly, .denied: permission
        case .cannotOpen: noInput
        case .busy: tryAgain
        case .other: 1
        }
    }
}

/// Runs a command body, printing known failures as one clear line on stderr and exiting
/// with the matching status.
public func reportingFailures<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ImportError {
        throw fail("\(error)", status: error.line == 0 && error.field == "file" ? ExitStatus.noInput : ExitStatus.dataError)
    } catch let error as ImportConflictError {
        throw fail("\(error)", status: ExitStatus.dataError)
    } catch let error as RubricError {
        throw fail("\(error)", status: ExitStatus.dataError)
    } catch let error as StoreError {
        switch error.kind {
        case .noProject, .notFound: throw fail(error.message, status: ExitStatus.noInput)
        case .alreadyExists: throw fail(error.message, status: ExitStatus.cannotCreate)
        case .refused: throw fail(error.message, status: ExitStatus.permission)
        case .invalid, .newerVersion: throw fail(error.message, status: ExitStatus.dataError)
        case .database: throw fail(error.message, status: error.fault.map(ExitStatus.of) ?? 1)
        }
    } catch let error as OutputError {
        throw fail(error.message, status: error.status)
    } catch let error as UsageError {
        throw fail(error.message, status: 64)
    } catch let error as PermissionError {
        throw fail(error.message, status: ExitStatus.permission)
    } catch let error as UnknownPersonError {
        throw fail(error.message, status: ExitStatus.noUser)
    }
}

/// A wrong use of a command that argument parsing cannot catch.
public struct UsageError: Error {
    public var message: String
    public init(message: String) { self.message = message }
}

/// Something the person running the command may not do.
public struct PermissionError: Error {
    public var message: String
    public init(message: String) { self.message = message }
}

/// A name that is not a person in the project.
public struct UnknownPersonError: Error {
    public var message: String
    public init(message: String) { self.message = message }
}

public func fail(_ message: String, status: Int32) -> ExitCode {
    Console.error("pairwise: error: \(message)")
    return ExitCode(status)
}

public func printError(_ message: String) {
    Console.error(message)
}
