/// A set of word hashes, which are hashes already: kept in an open-addressed table by the
/// hash itself (linear probing, at most half full), where `Set<UInt64>` hashed each one
/// again (a prompt's words, looked up once per word of each response).
public struct WordSet: Sendable {
    /// 0 marks an empty slot; the hash 0 is kept aside.
    private var slots = [UInt64](repeating: 0, count: 16)
    private var holdsZero = false
    public private(set) var count = 0

    public init() {}

    /// Room for `count` hashes before the table grows.
    public init(minimumCapacity count: Int) {
        var size = 16
        while size < 2 * count { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
    }

    @inline(__always)
    private func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & (slots.count - 1) }

    public func contains(_ hash: UInt64) -> Bool {
        if hash == 0 { return holdsZero }
        var i = slot(hash)
        while true {
            let held = slots[i]
            if held == hash { return true }
            if held == 0 { return false }
            i = (i + 1) & (slots.count - 1)
        }
    }

    public mutating func insert(_ hash: UInt64) {
        if hash == 0 {
            if !holdsZero { holdsZero = true; count += 1 }
            return
        }
        if 2 * (count + 1) > slots.count { grow() }
        var i = slot(hash)
        while slots[i] != 0 {
            if slots[i] == hash { return }
            i = (i + 1) & (slots.count - 1)
        }
        slots[i] = hash
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: 2 * old.count)
        for hash in old where hash != 0 {
            var i = slot(hash)
            while slots[i] != 0 { i = (i + 1) & (slots.count - 1) }
            slots[i] = hash
        }
    }
}
