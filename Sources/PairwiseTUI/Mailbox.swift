import Synchronization

/// One value handed from a background task to the screen's thread: the latest put is
/// taken once.
final class Mailbox<Value: Sendable>: Sendable {
    private let slot = Mutex<Value?>(nil)

    func put(_ value: Value) {
        slot.withLock { $0 = .some(value) }
    }

    /// The value put since the last take, if any.
    func take() -> Value? {
        slot.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }
}
