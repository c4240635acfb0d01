import PairwiseCore
import PairwiseModel
import Testing

@Suite struct RadixSortTests {
    /// The order `sort()` gives, for every width of values and lengths around the cut-over
    /// to the standard sort.
    @Test(arguments: [1, 7, 9, 14, 18, 22, 31])
    func sortsAsTheStandardSortDoes(bits: Int) {
        var generator = SplitMix64(seed: UInt64(bits))
        let top = Int32(truncatingIfNeeded: (Int64(1) << bits) - 1)
        for count in [0, 1, 2, 63, 64, 65, 300, 5_000] {
            // Few distinct values in half the cases, so that runs of equal values are sorted too.
            let limit = count % 2 == 0 ? min(top, 20) : top
            var values = (0..<count).map { _ in Int32.random(in: 0...limit, using: &generator) }
            if count > 2 { values[0] = top; values[1] = 0 }
            let expected = values.sorted()
            RadixSort.sort(&values, bits: bits)
            #expect(values == expected, "\(count) values of \(bits) bits")
        }
    }
}
