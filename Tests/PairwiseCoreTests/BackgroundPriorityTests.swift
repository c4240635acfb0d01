import Foundation
import PairwiseCore
import Testing

@Suite struct BackgroundPriorityTests {
    /// What a thread sees of its own priority before and after entering the background.
    final class Seen: @unchecked Sendable {
        var before: (background: Bool, workers: Int) = (true, 0)
        var after: (background: Bool, workers: Int, nice: Int32) = (false, 0, 0)
    }

    @Test func aBackgroundThreadRunsAtTheLowestNiceAndLeavesACoreToTheForeground() throws {
        let callersNice = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let seen = Seen()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            seen.before = (BackgroundPriority.isCurrentThread, BackgroundPriority.workersForCurrentThread)
            BackgroundPriority.enterOnCurrentThread()
            seen.after = (BackgroundPriority.isCurrentThread, BackgroundPriority.workersForCurrentThread,
                          getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0))
            done.signal()
        }
        thread.start()
        done.wait()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        #expect(seen.before == (false, cores))
        #expect(seen.after == (true, max(1, cores - 1), 19))
        // Per thread: the caller's priority is untouched.
        #expect(!BackgroundPriority.isCurrentThread)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == callersNice)
    }
}
