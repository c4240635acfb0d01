import Foundation

/// Where a PostgreSQL project lives and who connects: parsed from
/// `postgres://user[:password]@host[:port]/database` (or `postgresql://`), with
/// `?host=/run/postgresql` for a Unix socket (peer authentication). Without a password in
/// the URL, `PGPASSWORD` and then `~/.pgpass` are asked, as psql does; without a user,
/// `PGUSER` and then the login name.
public struct PostgresAddress: Equatable, Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// A Unix socket directory instead of TCP.
    public var socketDirectory: String?

    /// Whether a `--db` value names a PostgreSQL project rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                passwordFile: String? = nil) throws {
        guard Self.isPostgres(url), let components = URLComponents(string: url) else {
            throw SQLError("\(url): not a postgres:// URL (postgres://user@host:port/database)")
        }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        socketDirectory = components.queryItems?.first { $0.name == "host" }?.value
        password = components.password.flatMap { $0.removingPercentEncoding } ?? environment["PGPASSWORD"]
        if password == nil {
            let file = passwordFile ?? environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? "")
            password = Self.password(inFile: file, host: socketDirectory == nil ? host : "localhost", port: port, database: database, user: user)
        }
    }

    /// The URL without its password, for messages.
    public var description: String {
        "postgres://\(user)@\(socketDirectory == nil ? "\(host):\(port)" : "")/\(database)" + (socketDirectory.map { "?host=\($0)" } ?? "")
    }

    /// The first matching line of a `.pgpass` file (host:port:database:user:password, `*`
    /// matching anything, `\` escaping `:` and `\`).
    static func password(inFile path: String, host: String, port: Int, database: String, user: String) -> String? {
        guard !path.isEmpty, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            var fields: [String] = [], field = "", escaped = false
            for c in line {
                if escaped { field.append(c); escaped = false }
                else if c == "\\" { escaped = true }
                else if c == ":" && fields.count < 4 { fields.append(field); field = "" }
                else { field.append(c) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
