import Foundation

/// The priority of background work (the trainer's fits): the lowest `nice`, so the thread
/// that handles keys runs first. Not Linux's `SCHED_IDLE`: a background thread holding the
/// project's write lock must still make progress on a busy machine, or the foreground would
/// wait on it. Threads a background thread creates inherit its priority.
public enum BackgroundPriority {
    /// The `nice` value of background threads.
    public static let niceness: Int32 = 19

    /// Seconds background work waits between the transactions of a long series of writes
    /// (a model run's scores), so that the WAL grows slowly enough for the background
    /// checkpoints to stay small. Measured with `bench scale --train` at 1M judgments: the
    /// slowest submits while a run's 333k scores were written went from 12–72 ms unpaced to
    /// 6–9 ms, the write taking 10 s instead of 2.
    public static let pauseBetweenWrites = 0.002

    /// Lowers the calling thread to background priority (on Linux `nice` is per thread)
    /// and marks it as background work.
    public static func enterOnCurrentThread() {
        setpriority(which, 0, niceness)
        Thread.current.threadDictionary[marker] = true
    }

    /// Whether the calling thread was marked as background work by `enterOnCurrentThread`.
    public static var isCurrentThread: Bool { Thread.current.threadDictionary[marker] as? Bool ?? false }

    /// The threads parallel work on the calling thread may use: every core, less one left
    /// to the foreground when the caller is background work.
    public static var workersForCurrentThread: Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        return cores > 1 && isCurrentThread ? cores - 1 : cores
    }

    /// The threads that may work beside the calling thread while it works too: as many as
    /// `workersForCurrentThread`, less the caller itself when the caller is background work
    /// (which then keeps to the cores it was given).
    public static var helpersForCurrentThread: Int { isCurrentThread ? workersForCurrentThread - 1 : workersForCurrentThread }

    private static let marker = "pairwise.background"
    #if os(Linux)
    private static let which = __priority_which_t(PRIO_PROCESS.rawValue)
    #else
    private static let which = PRIO_PROCESS
    #endif
}
