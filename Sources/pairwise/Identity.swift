import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore

/// Who is running the command: the login name (on PostgreSQL, the database login), unless
/// `--as` says otherwise.
enum Identity {
    /// The person an SSH key stands for, set by `remote-session` before it runs anything:
    /// then they are who runs the command, whatever the account or the database login.
    nonisolated(unsafe) static var verifiedPerson: String?

    /// The database login for a PostgreSQL project, else the login name of the process.
    static func loginName(_ store: ProjectStore) -> String { verifiedPerson ?? store.databaseUser ?? loginName() }

    /// Who will be the person behind a project at `location` (not opened yet).
    static func loginName(forProject location: String) throws -> String {
        PostgresAddress.isPostgres(location) ? try PostgresAddress(location).user : loginName()
    }

    static func loginName() -> String {
        if let verifiedPerson { return verifiedPerson }
        let environment = ProcessInfo.processInfo.environment
        if let name = environment["USER"] ?? environment["LOGNAME"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "user\(getuid())"
    }

    /// The name to act as: `--as NAME` when given, else the login name. Acting as someone
    /// else is for leads, and only as someone already in the project (a typo must not
    /// create a person).
    static func resolve(requested: String?, store: ProjectStore) throws -> String {
        let login = loginName(store)
        guard let requested, requested != login else { return login }
        guard try store.role(of: requested) != nil else {
            throw UnknownPersonError(message: "--as \(requested): no one of that name is in this project (`pairwise annotators list` shows who is; a lead adds people with `pairwise annotators add NAME`)")
        }
        try requireLead(store, "--as \(requested): acting under another person's name")
        return requested
    }

    /// The login name, when it is a lead of the project; else a permission error saying
    /// that `what` is for leads.
    @discardableResult
    static func requireLead(_ store: ProjectStore, _ what: String) throws -> String {
        let login = loginName(store)
        // Owning the database makes the account a lead, not a person who reached it over SSH.
        guard try store.role(of: login) == .lead || (verifiedPerson == nil && store.loginOwnsDatabase()) else {
            throw PermissionError(message: "\(what) is for leads only (\(login) is not a lead of this project)")
        }
        return login
    }

    /// Checks a person's name by the one rule for names (`PersonName`).
    static func validate(_ name: String) throws {
        if let problem = PersonName.problem(name) { throw ValidationError(problem) }
    }
}
