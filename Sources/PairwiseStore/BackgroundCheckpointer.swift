import Foundation
import GRDB

/// Moves SQLite's WAL checkpoints off the thread that commits judgments. By default the
/// commit that grows the WAL past 1,000 pages copies it into the database and syncs the file
/// (tens to hundreds of milliseconds here); with this running, the writer's automatic
/// checkpoints are off and a PASSIVE checkpoint runs every `interval` seconds on a
/// connection of its own, which never blocks the writer.
public final class BackgroundCheckpointer: @unchecked Sendable {
    private let store: ProjectStore
    private let interval: Double
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false

    public init(store: ProjectStore, interval: Double = 1) {
        self.store = store
        self.interval = interval
    }

    /// Turns the writer's automatic checkpoints off and starts the thread.
    public func start() throws {
        let connection = try DatabaseQueue(path: store.path, configuration: ProjectStore.configuration())
        try store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let thread = Thread { [self] in
            while !condition.withLock({ stopping }) {
                _ = try? connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
                condition.withLock {
                    let deadline = Date().addingTimeInterval(interval)
                    while !stopping && condition.wait(until: deadline) {}
                }
            }
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        }
        thread.name = "pairwise-checkpoint"
        thread.start()
    }

    /// Ends the thread (after its current checkpoint) and gives the writer back its
    /// automatic checkpoints.
    public func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while !finished { condition.wait() }
        }
        try? store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
    }
}
