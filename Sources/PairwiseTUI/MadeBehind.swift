import Foundation

/// Work a session starts behind its first screen, on a queue of its own, and takes in once:
/// when it is done (looked for at a key or a frame) or when it must be (waiting for it).
/// Work that failed behind is done again, once, on the taking thread.
final class MadeBehind<Value: Sendable> {
    private let queue: DispatchQueue
    private let mailbox = Mailbox<Result<Value, any Error>>()
    private var work: (@Sendable () throws -> Value)?

    init(label: String) { queue = DispatchQueue(label: label, qos: .userInitiated) }

    /// Whether work was started and not taken in yet.
    var pending: Bool { work != nil }

    func start(_ work: @escaping @Sendable () throws -> Value) {
        self.work = work
        let mailbox = mailbox
        queue.async { mailbox.put(Result { try work() }) }
    }

    /// The work's value once done (waiting for it when `wait`); nil while it is not, or when
    /// nothing is pending.
    func take(wait: Bool) throws -> Value? {
        guard let work else { return nil }
        if wait { queue.sync {} }
        guard let result = mailbox.take() else { return nil }
        // Taken either way: should doing it again fail too, nothing stays pending.
        self.work = nil
        return try (try? result.get()) ?? work()
    }

    /// Lets pending work go, waiting for it so that its value cannot arrive later.
    func cancel() {
        guard work != nil else { return }
        queue.sync {}
        _ = mailbox.take()
        work = nil
    }
}
