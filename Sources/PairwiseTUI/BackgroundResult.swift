import Foundation

/// A value computed on a thread of its own from the moment this is made; `value()` waits
/// for it (and rethrows what computing it threw), as often as asked.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result<Value, Error>?

    init(_ compute: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let outcome = Result { try compute() }
            lock.withLock { result = outcome }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func value() throws -> Value {
        if let result = lock.withLock({ result }) { return try result.get() }
        done.wait()
        return try lock.withLock { result! }.get()
    }
}
