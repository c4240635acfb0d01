import Foundation
import PairwiseCore

/// Runs `body(0..<count)` on up to `BackgroundPriority.workersForCurrentThread` threads it
/// creates itself, so they inherit the calling thread's priority (a background
/// trainer's fits stay behind the annotator's keypresses and leave a core free), and
/// returns when all are done.
public func parallelFor(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let workers = max(1, min(count, BackgroundPriority.workersForCurrentThread))
    guard workers > 1 else { for i in 0..<count { body(i) }; return }
    let next = Counter()
    let done = DispatchSemaphore(value: 0)
    for _ in 0..<workers {
        let thread = Thread {
            while let i = next.take(below: count) { body(i) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    for _ in 0..<workers { done.wait() }
}

/// Runs `body(i)` for each i in 0..<count at once, each on a thread of its own (one alone
/// runs on the calling thread), and returns when all are done. The threads inherit the
/// caller's priority, and are background work when the caller is.
public func onThreadsOfTheirOwn(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    guard count > 1 else { if count == 1 { body(0) }; return }
    let background = BackgroundPriority.isCurrentThread
    let done = DispatchSemaphore(value: 0)
    for i in 0..<count {
        let thread = Thread {
            if background { BackgroundPriority.enterOnCurrentThread() }
            body(i)
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    for _ in 0..<count { done.wait() }
}

/// A shared index handed out once each.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// `(0..<count).map(transform)`, in chunks spread over the cores like `parallelFor`.
public func parallelMap<T: Sendable>(_ count: Int, chunk: Int = 2_000, _ transform: @escaping @Sendable (Int) -> T) -> [T] {
    let chunks = (count + chunk - 1) / chunk
    let results = ResultSlots<[T]>(count: chunks)
    parallelFor(chunks) { c in results.store((c * chunk..<min(count, (c + 1) * chunk)).map(transform), at: c) }
    return results.all.flatMap { $0 }
}
