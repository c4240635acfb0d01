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

    /// Closes every idle connection.
    func close() {
        lock.lock()
        idle.removeAll()
        lock.unlock()
    }
}
