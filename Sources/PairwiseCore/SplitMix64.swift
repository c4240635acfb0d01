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
