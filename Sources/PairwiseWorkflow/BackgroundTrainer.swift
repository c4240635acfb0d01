import Foundation
import PairwiseModel
import PairwiseStore

/// Runs a `Trainer` on its own thread at `BackgroundPriority`, checking every `interval`
/// seconds whether enough new judgments arrived to refit; its fits leave one core to the
/// foreground. The caller's thread never waits for a fit: it reads `completedRuns` to
/// notice a new model and calls `stop()` when done.
public final class BackgroundTrainer: Sendable {
    private let trainer: Trainer
    private let loop: PeriodicThread
    private let outcomes = Outcomes()

    public init(trainer: Trainer, interval: Double) {
        self.trainer = trainer
        let outcomes = self.outcomes
        loop = PeriodicThread(name: "pairwise-trainer", interval: interval, background: true) {
            do {
                if case .trained = try trainer.runOnce() { outcomes.lock.withLock { outcomes.runs += 1 } }
            } catch {
                outcomes.lock.withLock { outcomes.failure = "\(error)" }
            }
        }
    }

    /// Starts the thread; the first check happens at once.
    public func start() { loop.start() }

    /// Runs finished by this process so far.
    public var completedRuns: Int { outcomes.lock.withLock { outcomes.runs } }

    /// The newest error a run threw, if any (the trainer keeps going).
    public var lastError: String? { outcomes.lock.withLock { outcomes.failure } }

    /// Asks the thread to end after its current step, without waiting for it. A fit still
    /// running when the process exits leaves a run that is not done (the previous model stays
    /// in use), so the lease is released here for the next trainer.
    public func stop() {
        if loop.requestStop() { try? trainer.store.releaseTrainerLease(holder: trainer.holder) }
    }

    /// Waits until the thread has ended (tests and benchmarks).
    public func join() { loop.join() }
}

/// What the trainer's thread reports, behind a lock.
private final class Outcomes: @unchecked Sendable {
    let lock = NSLock()
    var runs = 0
    var failure: String?
}
