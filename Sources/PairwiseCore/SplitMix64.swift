/// SplitMix64 (Steele, Lea & Flood 2014): a small, fast, seedable generator, and its
/// finaliser as a 64-bit mixing hash. Used wherever results must repeat for a seed: queue
/// order, shown order, bootstrap resamples, fold splits.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalise(state)
    }

    /// The generator `calls` calls of `next()` later, in one step (each call only adds a constant).
    public func skipping(_ calls: Int) -> SplitMix64 {
        SplitMix64(seed: state &+ UInt64(truncatingIfNeeded: calls) &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A uniform integer in 0..<bound, as `Int.random(in: 0..<bound, using:)` draws it
    /// (Lemire's multiply-high with rejection), counting the rare extra calls a rejection
    /// makes in `extraCalls`.
    @inline(__always)
    public mutating func index(below bound: Int, extraCalls: inout Int) -> Int {
        let bound = UInt64(bound)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold {
                extraCalls += 1
                m = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(m.high)
    }

    /// A well-mixed hash of one 64-bit value.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 { finalise(value &+ 0x9E37_79B9_7F4A_7C15) }

    @inline(__always)
    static func finalise(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
