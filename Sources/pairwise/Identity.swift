import ArgumentParser
import Foundation
import PairwiseStore

/// Who is running the command: the login name, unless `--as` says otherwise.
enum Identity {
    static func loginName() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let name = environment["USER"] ?? environment["LOGNAME"], !name.isEmpty { return name }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "user\(getuid())"
    }

    /// The name to act as: `--as NAME` when given, else the login name. Acting as a lead
    /// needs the login name to be a lead itself.
    static func resolve(requested: String?, store: ProjectStore) throws -> String {
        let login = loginName()
        guard let requested, requested != login else { return login }
        if try store.role(of: requested) == .lead, try store.role(of: login) != .lead {
            throw PermissionError(message: "--as \(requested): \(requested) is a lead, and \(login) is not")
        }
        return requested
    }

    /// Checks a person's name: 1–64 characters, no control characters, no leading/trailing space.
    static func validate(_ name: String) throws {
        guard !name.isEmpty, name.count <= 64 else { throw ValidationError("a name must have 1 to 64 characters") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw ValidationError("a name may not hold control characters")
        }
        guard name.trimmingCharacters(in: .whitespaces) == name else { throw ValidationError("a name may not start or end with a space") }
    }
}
