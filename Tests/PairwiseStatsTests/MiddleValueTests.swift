import PairwiseCore
@testable import PairwiseStats
import Testing

/// The middle values found by selection are the sorted list's, whatever the ties.
@Suite struct MiddleValueTests {
    @Test func theMiddleIsTheSortedMiddle() {
        var random = SplitMix64(seed: 17)
        for count in Array(1...60) + [199, 200, 1_001] {
            for spread in [1, 3, 1_000_000] {
                var values = (0..<count).map { _ in Int(random.next() % UInt64(spread)) - spread / 2 }
                let sorted = values.sorted()
                let middle = MiddleValue.middle(&values)
                #expect(middle?.low == sorted[(count - 1) / 2] && middle?.high == sorted[count / 2], "\(count) \(spread)")
                #expect(values.sorted() == sorted)
            }
        }
        var none: [Int] = []
        #expect(MiddleValue.middle(&none) == nil)
    }
}
