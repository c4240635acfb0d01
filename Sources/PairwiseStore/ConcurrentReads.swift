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
    /// thread's error goes to `onFailure`. Nil (nothing run) when the store cannot: a
    /// PostgreSQL project, or a SQLite file this process may not lock for writing (read-only).
    func readConcurrently(_ count: Int, onFailure: @escaping @Sendable (Error) -> Void,
                          _ body: @escaping @Sendable (Int, SQLConnection) throws -> Void) throws -> ConcurrentReads? {
        guard case .sqlite(let pool) = backend else { return nil }
        let path = self.path
        let reads = ConcurrentReads(count: count)
        let snapshots = DispatchSemaphore(value: 0)
        let locked = try StoreError.translating(path: path) {
            try pool.writeWithoutTransaction { db -> Bool in
                do { try db.execute(sql: "BEGIN IMMEDIATE") } catch { return false }
                defer { try? db.execute(sql: "ROLLBACK") }
                for k in 0..<count {
                    let thread = Thread {
                        let took = SnapshotFlag()
                        do {
                            try StoreError.translating(path: path) {
                                try pool.read { db in
                                    // A read transaction's snapshot is taken by its first read.
                                    _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                                    took.set()
                                    snapshots.signal()
                                    try body(k, GRDBSQLConnection(db))
                                }
                            }
                        } catch {
                            onFailure(error)
                        }
                        if !took.isSet { snapshots.signal() }
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

/// Whether a reader thread has taken its snapshot (read and written by that thread only).
private final class SnapshotFlag: @unchecked Sendable {
    private(set) var isSet = false
    func set() { isSet = true }
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
