/// The middle of a list of integers without sorting it (a selection: linear on average).
enum MiddleValue {
    /// The two middle values of `values` in sorted order (the same one twice for an odd
    /// count); nil when empty. `values` is reordered.
    static func middle(_ values: inout [Int]) -> (low: Int, high: Int)? {
        guard !values.isEmpty else { return nil }
        let upper = values.count / 2
        let high = select(&values, upper)
        // Everything before the selected place is no greater: the lower middle is its largest.
        let low = values.count % 2 == 1 ? high : values[..<upper].max()!
        return (low, high)
    }

    /// The `k`-th smallest (from 0), left at `values[k]`, no larger values before it and no
    /// smaller after (Hoare's selection with a median-of-three pivot).
    static func select(_ values: inout [Int], _ k: Int) -> Int {
        var low = 0, high = values.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            let pivot = Swift.max(Swift.min(values[low], values[middle]), Swift.min(Swift.max(values[low], values[middle]), values[high]))
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j { high = j } else if k >= i { low = i } else { break }
        }
        return values[k]
    }
}
