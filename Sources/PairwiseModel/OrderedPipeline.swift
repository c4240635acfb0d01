import Foundation
import PairwiseCore

/// Transforms a stream of inputs on worker threads of its own while the caller produces the
/// next ones, and hands the outputs to `consume` on the caller's thread, in the order the
/// inputs came. The workers inherit the caller's priority, like `parallelFor`'s.
///
/// The trainer reads items from the project on one thread while the others featurize the
/// chunks already read: reading, featurizing and storing rows overlap instead of taking turns.
public final class OrderedPipeline<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let transform: @Sendable (Input) -> Output
    private let consume: (Output) -> Void
    /// Inputs submitted and not yet consumed, at most.
    private let inFlight: Int
    private let condition = NSCondition()
    private var queue: [(index: Int, input: Input)] = []
    private var outputs: [Int: Output] = [:]
    private var submitted = 0, consumed = 0
    private var closed = false, workersLeft = 0
    private let inline: Bool

    /// `workers` threads transform (none: the caller transforms each input as it comes); at
    /// most `inFlight` inputs wait or are transformed at once.
    public init(workers: Int = BackgroundPriority.helpersForCurrentThread, inFlight: Int? = nil,
                transform: @escaping @Sendable (Input) -> Output, consume: @escaping (Output) -> Void) {
        self.transform = transform
        self.consume = consume
        let workers = max(0, workers)
        self.inFlight = max(1, inFlight ?? workers + 2)
        inline = workers == 0
        workersLeft = workers
        let background = BackgroundPriority.isCurrentThread
        for _ in 0..<workers {
            let thread = Thread { [self] in
                if background { BackgroundPriority.enterOnCurrentThread() }
                work()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Queues an input; consumes the outputs that are ready first, and waits while `inFlight`
    /// inputs are outstanding.
    public func submit(_ input: Input) {
        if inline { return consume(transform(input)) }
        condition.lock()
        while submitted - consumed >= inFlight {
            if !consumeReady() { condition.wait() }
        }
        queue.append((submitted, input))
        submitted += 1
        condition.broadcast()
        consumeReady()
        condition.unlock()
    }

    /// Consumes every output still to come, then lets the workers go. Call it once, after
    /// the last `submit`.
    public func finish() {
        condition.lock()
        while consumed < submitted {
            if !consumeReady() { condition.wait() }
        }
        close()
    }

    /// Lets the workers go without consuming what is outstanding (the producer failed).
    public func cancel() {
        condition.lock()
        queue.removeAll()
        close()
    }

    /// With the lock held: stops the workers, waits for them, and unlocks.
    private func close() {
        closed = true
        condition.broadcast()
        while workersLeft > 0 { condition.wait() }
        condition.unlock()
    }

    /// With the lock held: consumes the outputs that are next in order (the lock is let go
    /// while each is consumed); false when none was ready.
    @discardableResult
    private func consumeReady() -> Bool {
        var any = false
        while let output = outputs.removeValue(forKey: consumed) {
            condition.unlock()
            consume(output)
            condition.lock()
            consumed += 1
            any = true
            condition.broadcast()
        }
        return any
    }

    private func work() {
        condition.lock()
        while true {
            if queue.isEmpty {
                if closed { break }
                condition.wait()
                continue
            }
            let (index, input) = queue.removeFirst()
            condition.unlock()
            let output = transform(input)
            condition.lock()
            outputs[index] = output
            condition.broadcast()
        }
        workersLeft -= 1
        condition.broadcast()
        condition.unlock()
    }
}
