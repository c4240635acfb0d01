import PairwiseCore
/// Pairs made with a known reward, to check that the model recovers it: each word of a small
/// vocabulary has a hidden value, a response's reward is the mean value of its words, and the
/// human prefers A with probability σ((r_A − r_B)·sharpness). The best achievable accuracy is
/// that of the true reward itself.
public struct SyntheticPreferences: Sendable {
    public struct Pair: Sendable {
        public var responseA: String
        public var responseB: String
        public var trueMargin: Double
        /// −2 (A better) or +2, or 0 for a tie.
        public var strength: Int
    }

    public let vocabulary: [String]
    public let values: [Double]
    public let sharpness: Double

    public init(vocabularySize: Int = 400, sharpness: Double = 4, seed: UInt64 = 1) {
        var generator = SplitMix64(seed: seed)
        vocabulary = (0..<vocabularySize).map { "w\($0)" }
        values = (0..<vocabularySize).map { _ in Double.random(in: -1...1, using: &generator) }
        self.sharpness = sharpness
    }

    public func pairs(count: Int, wordsPerResponse: Int = 30, tieBand: Double = 0, seed: UInt64) -> [Pair] {
        var generator = SplitMix64(seed: seed)
        func response() -> (String, Double) {
            var words: [String] = [], total = 0.0
            for _ in 0..<wordsPerResponse {
                let k = Int.random(in: 0..<vocabulary.count, using: &generator)
                words.append(vocabulary[k])
                total += values[k]
            }
            return (words.joined(separator: " "), total / Double(wordsPerResponse))
        }
        return (0..<count).map { _ in
            let (a, ra) = response(), (b, rb) = response()
            let d = (ra - rb) * sharpness
            let pA = 1 / (1 + (-d).exponential)
            let strength: Int
            if abs(d) < tieBand { strength = 0 } else { strength = Double.random(in: 0..<1, using: &generator) < pA ? -2 : 2 }
            return Pair(responseA: a, responseB: b, trueMargin: d, strength: strength)
        }
    }
}

extension Double {
    var exponential: Double { exp(self) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
