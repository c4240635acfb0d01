import Foundation

/// The PostgreSQL server the store tests run against: `$PAIRWISE_TEST_POSTGRES` (an
/// admin's `postgres://` URL; CI sets it), else one this test process starts on loopback
/// with `scripts/test-postgres` and stops when it exits. Each test gets a database of its own.
public enum TestPostgres {
    /// The admin's URL, or why there is none (PostgreSQL not installed here).
    public static let server: Result<String, Unavailable> = {
        if let url = ProcessInfo.processInfo.environment["PAIRWISE_TEST_POSTGRES"], !url.isEmpty { return .success(url) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-test-postgres-\(getpid())").path
        let run = runScript(["start", directory])
        guard run.status == 0, let url = run.output.split(separator: "\n").last.map(String.init) else {
            return .failure(Unavailable(reason: "PAIRWISE_TEST_POSTGRES is unset and no server could be started: \(run.error.trimmingCharacters(in: .whitespacesAndNewlines))"))
        }
        startedDirectory = directory
        atexit {
            if let directory = TestPostgres.startedDirectory {
                _ = TestPostgres.runScript(["stop", directory])
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
        return .success(url)
    }()

    /// Whether the PostgreSQL tests can run (the skip message is `skipReason`).
    public static var isAvailable: Bool { (try? server.get()) != nil }
    public static var skipReason: String {
        if case .failure(let unavailable) = server { return unavailable.reason }
        return ""
    }

    public struct Unavailable: Error { public let reason: String }

    nonisolated(unsafe) static var startedDirectory: String?

    /// A new, empty database on the server; its admin URL.
    public static func freshDatabase() throws -> String {
        let admin = try server.get()
        let name = "pairwise_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let run = runPsql(admin, "CREATE DATABASE \(name)")
        guard run.status == 0 else { throw Unavailable(reason: "CREATE DATABASE failed: \(run.error)") }
        return admin.replacingOccurrences(of: #"/[^/?]*(\?.*)?$"#, with: "/\(name)$1", options: .regularExpression)
    }

    /// Runs `body` with a new, empty database's admin URL, and drops the database after.
    public static func withFreshDatabase<T>(_ body: (String) throws -> T) throws -> T {
        let url = try freshDatabase()
        defer { dropDatabase(url) }
        return try body(url)
    }

    /// Drops a database `freshDatabase` made, closing its connections.
    public static func dropDatabase(_ url: String) {
        guard let name = url.split(separator: "/").last?.split(separator: "?").first, let admin = try? server.get() else { return }
        _ = runPsql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs SQL through psql as the URL's user: the tests that try what a role may do reach
    /// the server as a user would, not through pairwise.
    public static func runPsql(_ url: String, _ sql: String) -> (status: Int32, output: String, error: String) {
        run("/usr/bin/env", ["psql", url, "-v", "ON_ERROR_STOP=1", "-X", "-q", "-At", "-c", sql])
    }

    static func runScript(_ arguments: [String]) -> (status: Int32, output: String, error: String) {
        run(Fixtures.repository("scripts/test-postgres"), arguments)
    }

    /// Through the shell and `system()`, output to files: Foundation's Process would wait
    /// for the server `pg_ctl` daemonizes, which inherits its descriptors.
    public static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String, error: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-run-\(UUID().uuidString)").path
        defer { for suffix in [".out", ".err"] { try? FileManager.default.removeItem(atPath: base + suffix) } }
        let quote = { (text: String) in "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let line = ([executable] + arguments).map(quote).joined(separator: " ")
        let status = system("\(line) </dev/null >\(quote(base + ".out")) 2>\(quote(base + ".err"))")
        let read = { (suffix: String) in (try? String(contentsOfFile: base + suffix, encoding: .utf8)) ?? "" }
        return (status == -1 ? 127 : (status >> 8) & 0xff, read(".out"), read(".err"))
    }
}
