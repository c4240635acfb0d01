/// Sorting small integers by their digits.
public enum RadixSort {
    /// Sorts `values` (each in 0..<2^bits) ascending: the order `sort()` gives, in two or
    /// three passes over the values instead of a merge sort's comparisons (a response's
    /// few hundred feature buckets sorted 3× faster).
    public static func sort(_ values: inout [Int32], bits: Int) {
        values.withUnsafeMutableBufferPointer { sort($0, bits: bits) }
    }

    /// The same, in place in a buffer.
    public static func sort(_ values: UnsafeMutableBufferPointer<Int32>, bits: Int) {
        guard values.count >= 64, bits > 0, bits <= 31 else { var values = values; values.sort(); return }
        let passes = (bits + 10) / 11, digitBits = (bits + passes - 1) / passes
        let radix = 1 << digitBits, mask = Int32(radix - 1)
        let count = values.count
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: count) { scratch in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: radix) { starts in
                do {
                    var from = values.baseAddress!, to = scratch.baseAddress!
                    for pass in 0..<passes {
                        let shift = Int32(pass * digitBits)
                        starts.initialize(repeating: 0)
                        for i in 0..<count { starts[Int((from[i] >> shift) & mask)] += 1 }
                        var total = 0
                        for d in 0..<radix {
                            let n = starts[d]
                            starts[d] = total
                            total += n
                        }
                        for i in 0..<count {
                            let value = from[i], d = Int((value >> shift) & mask)
                            to[starts[d]] = value
                            starts[d] += 1
                        }
                        swap(&from, &to)
                    }
                    if from != values.baseAddress! { values.baseAddress!.update(from: from, count: count) }
                }
            }
        }
    }
}
