import Foundation

/// A share of successes with its Wilson score interval (Wilson 1927): unlike the normal
/// approximation it stays inside 0…1 and is honest at small n and at shares near 0 or 1.
public struct Proportion: Sendable, Equatable {
    public var successes: Int
    public var trials: Int

    public init(_ successes: Int, of trials: Int) {
        (self.successes, self.trials) = (successes, trials)
    }

    public var share: Double? { trials == 0 ? nil : Double(successes) / Double(trials) }

    /// The 95% Wilson interval (z = 1.959964), nil without trials.
    public var interval: (low: Double, high: Double)? { Self.wilson(share: share, trials: Double(trials)) }

    /// The Wilson interval of `share` over `trials` (trials need not be whole: an estimate's
    /// effective sample size).
    public static func wilson(share: Double?, trials n: Double, z: Double = 1.959_963_984_540_054) -> (low: Double, high: Double)? {
        guard let p = share, n > 0 else { return nil }
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}
