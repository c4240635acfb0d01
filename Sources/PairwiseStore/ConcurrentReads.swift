import Foundation
import GRDB

/// Threads reading one snapshot of the project at once (see `readConcurrently`).
final class ConcurrentReads: Sendable {
    private let finished = DispatchSemaphore(value: 0)
    let count: Int

    init(count: Int) { self.count = count }

    fileprivate func finish() { finished.signal() }

    /// Returns when every thread has finished.
    func wait() {
        for _ in 0..<count { finished.wait() }
    }
}

extension ProjectStore {
    /// Runs `body(k, sql)` for k in 0..<count on threads of their own, each in a read
    /// transaction on its own connection, all reading the same snapshot: the readers take
    /// their snapshots while this holds the write lock (for a moment: until each has read), so
    /// no commit lands between them. Returns at once, with the threads to wait for; a
    /// thread's error goes to `onFailure`. On PostgreSQL the first reader exports its snapshot
    /// and the others import it (`SET TRANSACTION SNAPSHOT`) before it may end. Nil (nothing
    /// run) when the store cannot: a SQLite file this process may not lock for writing.
    func readConcurrently(_ count: Int, onFailure: @escaping @Sendable (Error) -> Void,
                          _ body: @escaping @Sendable (Int, SQLConnection) throws -> Void) throws -> ConcurrentReads? {
        let path = self.path
        let pool: DatabasePool
        switch backend {
        case .sqlite(let sqlite): pool = sqlite
        case .postgres(let connections): return Self.readConcurrently(count, on: connections, path: path, onFailure: onFailure, body)
        }
        let reads = ConcurrentReads(count: count)
        let snapshots = DispatchSemaphore(value: 0)
        let locked = try StoreError.translating(path: path) {
            try pool.writeWithoutTransaction { db -> Bool in
                do { try db.execute(sql: "BEGIN IMMEDIATE") } catch { return false }
                defer { try? db.execute(sql: "ROLLBACK") }
                for k in 0..<count {
                    let thread = Thread {
                        var took = false
                        do {
                            try StoreError.translating(path: path) {
                                try pool.read { db in
                                    // A read transaction's snapshot is taken by its first read.
                                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                                    took = true
                                    snapshots.signal()
                                    try body(k, GRDBSQLConnection(db))
                                }
                            }
                        } catch {
                            onFailure(error)
                        }
                        if !took { snapshots.signal() }
                        reads.finish()
                    }
                    thread.stackSize = 8 << 20
                    thread.start()
                }
                for _ in 0..<count { snapshots.wait() }
                return true
            }
        }
        return locked ? reads : nil
    }
}

extension ProjectStore {
    /// `readConcurrently` on PostgreSQL: reader 0 exports its transaction's snapshot, the
    /// others import it as their transactions' first statement, and reader 0 waits for them
    /// before doing anything else (an exported snapshot lives as long as its transaction).
    private static func readConcurrently(_ count: Int, on connections: PostgresConnections, path: String, onFailure: @escaping @Sendable (Error) -> Void,
                                         _ body: @escaping @Sendable (Int, SQLConnection) throws -> Void) -> ConcurrentReads {
        let reads = ConcurrentReads(count: count)
        let snapshot = ExportedSnapshot(importers: count - 1)
        for k in 0..<count {
            let thread = Thread {
                var done = false
                // Whatever happens, nobody waits on this reader once it has imported (or failed).
                func letGo() {
                    guard !done else { return }
                    done = true
                    if k == 0 { snapshot.publish(nil) } else { snapshot.imported() }
                }
                do {
                    try StoreError.translating(path: path) {
                        try connections.with { sql in
                            try sql.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                                if k == 0 {
                                    snapshot.publish(try sql.rows("SELECT pg_export_snapshot()", [])[0][0].text)
                                    snapshot.waitForImports()
                                } else {
                                    defer { letGo() }
                                    guard let name = snapshot.name(), name.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
                                        throw StoreError(.invalid, "the first reader could not share its snapshot")
                                    }
                                    _ = try sql.execute("SET TRANSACTION SNAPSHOT '\(name)'", [])
                                }
                                try body(k, sql)
                            }
                        }
                    }
                } catch {
                    onFailure(error)
                }
                letGo()
                reads.finish()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return reads
    }
}

/// The name of reader 0's exported snapshot, and how many readers still have to import it.
private final class ExportedSnapshot: @unchecked Sendable {
    private let condition = NSCondition()
    private var published = false
    private var value: String?
    private var waiting: Int

    init(importers: Int) { waiting = importers }

    /// Sets the name (nil: reader 0 failed), once; later calls change nothing.
    func publish(_ name: String?) {
        condition.withLock {
            guard !published else { return }
            published = true
            value = name
            condition.broadcast()
        }
    }

    /// Waits for the name.
    func name() -> String? {
        condition.withLock {
            while !published { condition.wait() }
            return value
        }
    }

    /// An importer is done with the snapshot (imported it, or failed); once each.
    func imported() {
        condition.withLock {
            waiting -= 1
            condition.broadcast()
        }
    }

    func waitForImports() {
        condition.withLock { while waiting > 0 { condition.wait() } }
    }
}

/// Pieces of an export passed from one writing thread to the thread that puts them out, in
/// order, at most `capacity` waiting (so that memory stays flat whatever the export's size).
final class PieceChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private var pieces: [ExportPiece] = []
    private var closed = false
    private var cancelled = false
    private var failure: Error?
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Adds a piece, waiting for room; false when the reader has given up (`cancel`).
    func put(_ piece: ExportPiece) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while pieces.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        pieces.append(piece)
        condition.broadcast()
        return true
    }

    /// The next piece, waiting for one; nil once the writer closed the channel and every
    /// piece was taken. Throws the error the channel was closed with.
    func take() throws -> ExportPiece? {
        condition.lock()
        defer { condition.unlock() }
        while pieces.isEmpty && !closed { condition.wait() }
        if let failure { throw failure }
        guard !pieces.isEmpty else { return nil }
        condition.broadcast()
        return pieces.removeFirst()
    }

    /// No more pieces: the writer finished (`error` nil) or failed.
    func close(throwing error: Error?) {
        condition.lock()
        defer { condition.unlock() }
        if failure == nil { failure = error }
        closed = true
        condition.broadcast()
    }

    /// The reader gives up: writers waiting for room stop.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }
}
