import Foundation
import PairwiseStore

/// Runs a `Trainer` on its own low-priority thread, checking every `interval` seconds
/// whether enough new judgments arrived to refit. The caller's thread never waits for a fit:
/// it reads `completedRuns` to notice a new model and calls `stop()` when done.
public final class BackgroundTrainer: @unchecked Sendable {
    /// The `nice` value of the trainer's threads (0 normal, 19 lowest): fits yield the CPU
    /// to the thread that handles keys.
    public static let niceness: Int32 = 10

    private let trainer: Trainer
    private let interval: Double
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private var runs = 0
    private var failure: String?

    public init(trainer: Trainer, interval: Double) {
        self.trainer = trainer
        self.interval = interval
    }

    /// Starts the thread; the first check happens at once.
    public func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "pairwise-trainer"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Runs finished by this process so far.
    public var completedRuns: Int { condition.withLock { runs } }

    /// The newest error a run threw, if any (the trainer keeps going).
    public var lastError: String? { condition.withLock { failure } }

    /// Asks the thread to end after its current step, without waiting for it. A fit still
    /// running when the process exits leaves a run that is not done (the previous model stays
    /// in use), so the lease is released here for the next trainer.
    public func stop() {
        let busy = condition.withLock {
            stopping = true
            condition.broadcast()
            return !finished
        }
        if busy { try? trainer.store.releaseTrainerLease(holder: trainer.holder) }
    }

    /// Waits until the thread has ended (tests and benchmarks).
    public func join() {
        condition.withLock { while !finished { condition.wait() } }
    }

    private func loop() {
        // On Linux the nice value belongs to the thread: who = 0 is this thread alone, and the
        // threads it creates for the ensemble inherit it.
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
        while !condition.withLock({ stopping }) {
            do {
                if case .trained = try trainer.runOnce() { condition.withLock { runs += 1 } }
            } catch {
                condition.withLock { failure = "\(error)" }
            }
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
}
