import Foundation

/// Open connections to one PostgreSQL database, shared by a process's threads: each
/// `read` or `write` borrows one (opening another when all are busy) and gives it back.
final class PostgresConnections: @unchecked Sendable {
    let address: PostgresAddress
    private let lock = NSLock()
    private var idle: [PostgresSQLConnection] = []

    /// Connects once, so that a wrong address or password fails at open.
    init(_ address: PostgresAddress) throws {
        self.address = address
        idle.append(try PostgresSQLConnection(address))
    }

    /// Runs `body` on a connection no other thread is using.
    func with<T>(_ body: (PostgresSQLConnection) throws -> T) throws -> T {
        lock.lock()
        let connection = idle.popLast()
        lock.unlock()
        let borrowed = try connection ?? PostgresSQLConnection(address)
        defer {
            // A connection the server ended is dropped; the next borrower opens a new one.
            if !borrowed.isClosed {
                lock.lock()
                idle.append(borrowed)
                lock.unlock()
            }
        }
        return try body(borrowed)
    }

    /// The connection holding the trainer's advisory lock, while this process holds it.
    private var trainerLock: PostgresSQLConnection?

    /// Takes the project's trainer lock (a session-level advisory lock `key`) on a
    /// connection of its own, unless another session holds it. The server lets it go when
    /// that connection ends, so a trainer killed at any moment never blocks the next one.
    func holdTrainerLock(_ key: Int64) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let held = trainerLock, !held.isClosed { return true }
        let connection = try PostgresSQLConnection(address)
        guard try connection.integer("SELECT CASE WHEN pg_try_advisory_lock(?) THEN 1 ELSE 0 END", [.integer(key)]) == 1 else { return false }
        trainerLock = connection
        return true
    }

    /// Lets the trainer lock go: unlocked on its connection first (the server ends a closed
    /// connection's session a moment later, so closing alone could leave the lock held for
    /// the next trainer's first try), then the connection closes.
    func releaseTrainerLock() {
        lock.lock()
        if let held = trainerLock, !held.isClosed { _ = try? held.execute("SELECT pg_advisory_unlock_all()", []) }
        trainerLock = nil
        lock.unlock()
    }
}
