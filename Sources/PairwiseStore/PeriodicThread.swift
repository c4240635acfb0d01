import Foundation
import PairwiseCore

/// Runs `step` on a thread of its own, then waits `interval` seconds (or until asked to
/// stop), over and over: the loop behind the background trainer and checkpointer.
public final class PeriodicThread: @unchecked Sendable {
    private let name: String
    private let interval: Double
    private let background: Bool
    private let step: @Sendable () -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false

    /// - Parameter background: run at `BackgroundPriority` (work that yields to the
    ///   foreground), rather than at the creating thread's priority.
    public init(name: String, interval: Double, background: Bool = false, step: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.background = background
        self.step = step
    }

    /// Starts the thread; the first step runs at once.
    public func start() {
        let thread = Thread { [self] in
            if background { BackgroundPriority.enterOnCurrentThread() }
            while !condition.withLock({ stopping }) {
                step()
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
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Asks the loop to end after its current step; returns at once. True when a step may
    /// still be running.
    @discardableResult
    public func requestStop() -> Bool {
        condition.withLock {
            stopping = true
            condition.broadcast()
            return !finished
        }
    }

    /// Waits until the loop has ended.
    public func join() {
        condition.withLock { while !finished { condition.wait() } }
    }
}
