import PairwiseCore
import PairwiseModel
import Testing

@Suite struct WordSetTests {
    /// Membership as `Set<UInt64>` has it, through growth, repeats and the hash 0, from an
    /// empty table or one with room made ahead.
    @Test(arguments: [0, 5, 1_000])
    func holdsWhatASetHolds(room: Int) {
        var generator = SplitMix64(seed: 5)
        var words = WordSet(minimumCapacity: room), reference = Set<UInt64>()
        // Small values collide in the table's low slots; random ones spread.
        let inserted = (0..<3_000).map { n in n % 3 == 0 ? UInt64(n % 40) : generator.next() }
        for hash in inserted {
            words.insert(hash)
            reference.insert(hash)
            #expect(words.count == reference.count)
        }
        for hash in inserted { #expect(words.contains(hash)) }
        for _ in 0..<3_000 {
            let probe = generator.next()
            #expect(words.contains(probe) == reference.contains(probe))
        }
        #expect(words.contains(0) && !WordSet().contains(0) && !WordSet().contains(7))
    }
}

@Suite struct FeaturizerScanTests {
    /// Every scalar of the Basic Multilingual Plane past ASCII, and some beyond it, joins the
    /// words around it exactly when it is a letter or a digit.
    @Test func aScalarJoinsAWordWhenItIsALetterOrADigit() {
        let scalars = (0x80..<0x1_0000).compactMap { Unicode.Scalar(UInt32($0)) }
            + [0x1F600, 0x1D400, 0x20000, 0x1D7CE, 0x10FFFD].compactMap { Unicode.Scalar(UInt32($0)) }
        var mismatches: [String] = []
        for scalar in scalars {
            var words = 0
            Featurizer.scan("x\(String(scalar))y") { _, _ in words += 1 }
            let joins = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if words != (joins ? 1 : 2) { mismatches.append(String(scalar.value, radix: 16)) }
        }
        #expect(mismatches.isEmpty, "U+\(mismatches.prefix(10).joined(separator: ", U+"))")
        #expect(scalars.count > 63_000)
    }
}
