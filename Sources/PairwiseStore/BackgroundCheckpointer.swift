import Foundation
import GRDB

/// Moves SQLite's WAL checkpoints off the thread that commits judgments. By default the
/// commit that grows the WAL past 1,000 pages copies it into the database and syncs the file
/// (tens to hundreds of milliseconds here); with this running, the writer's automatic
/// checkpoints are off and a PASSIVE checkpoint runs every `interval` seconds on a
/// connection of its own, which never blocks the writer.
public final class BackgroundCheckpointer {
    private let store: ProjectStore
    private let interval: Double
    private var thread: PeriodicThread?

    public init(store: ProjectStore, interval: Double = 1) {
        self.store = store
        self.interval = interval
    }

    /// Turns the writer's automatic checkpoints off and starts the thread (on SQLite: a
    /// PostgreSQL server checkpoints by itself).
    public func start() throws {
        guard store.dialect == .sqlite else { return }
        let connection = try DatabaseQueue(path: store.path, configuration: ProjectStore.configuration())
        try store.sqlitePool().writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let thread = PeriodicThread(name: "pairwise-checkpoint", interval: interval) {
            _ = try? connection.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
        self.thread = thread
        thread.start()
    }

    /// Ends the thread (after its current checkpoint) and gives the writer back its
    /// automatic checkpoints.
    public func stop() {
        guard let thread else { return }
        thread.requestStop()
        thread.join()
        try? store.sqlitePool().writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 1000") }
    }
}
