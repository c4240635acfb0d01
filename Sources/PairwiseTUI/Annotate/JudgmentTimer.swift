/// Time spent on a judgment: from first display to submit, counting the gaps between
/// events (display, keys) and leaving out any gap longer than the idle limit.
public struct JudgmentTimer: Sendable {
    public static let idleLimit: Double = 120

    private var last: Double
    private var active: Double = 0

    /// `now` in seconds on any monotonic clock.
    public init(now: Double) { last = now }

    public mutating func event(now: Double) {
        let gap = now - last
        if gap > 0 && gap <= Self.idleLimit { active += gap }
        last = now
    }

    public var milliseconds: Int { Int((active * 1000).rounded()) }
}
