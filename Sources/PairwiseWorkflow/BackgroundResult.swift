import Foundation

/// A value computed on a thread of its own from the moment this is made; `value()` waits
/// for it (and rethrows what computing it threw), as often as asked.
public final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Value, Error>?

    public init(_ compute: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let outcome = Result { try compute() }
            lock.withLock { result = outcome }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func value() throws -> Value {
        if let result = lock.withLock({ result }) { return try result.get() }
        done.wait()
        return try lock.withLock { result! }.get()
    }
}

/// Runs `second` on another thread while `first` runs on this one; both results, or the
/// first error either threw.
public func inParallel<A, B: Sendable>(_ first: () throws -> A, _ second: @escaping @Sendable () throws -> B) throws -> (A, B) {
    let other = BackgroundResult(second)
    let a = Result { try first() }
    let b = Result { try other.value() }
    return (try a.get(), try b.get())
}
