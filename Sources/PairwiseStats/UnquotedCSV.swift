import PairwiseCore

/// The fast path for the statistics commands' CSV files when nothing in them is quoted:
/// records are scanned a byte at a time and each field handed on as a byte range, trimmed
/// of spaces, with its line number. No String is made per field: names are interned.
enum UnquotedCSV {
    /// Whether a file can take this path: no quote anywhere, and valid UTF-8 throughout.
    static func applies(to bytes: [UInt8]) -> Bool {
        !bytes.contains(0x22) && String(validating: bytes, as: UTF8.self) != nil
    }

    /// Calls `body` with the fields of each non-empty line (a BOM and CR before LF
    /// dropped), the header included, and the line's number.
    static func forEachRecord<E: Error>(_ bytes: UnsafeBufferPointer<UInt8>,
                                        _ body: (_ fields: [Range<Int>], _ line: Int) throws(E) -> Void) throws(E) {
        var fields: [Range<Int>] = []
        var line = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            line += 1
            var stop = end
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            if stop > start {
                fields.removeAll(keepingCapacity: true)
                var fieldStart = start
                for i in start...stop where i == stop || bytes[i] == 0x2C {
                    var low = fieldStart, high = i
                    while low < high && bytes[low] == 0x20 { low += 1 }
                    while high > low && bytes[high - 1] == 0x20 { high -= 1 }
                    fields.append(low..<high)
                    fieldStart = i + 1
                }
                try body(fields, line)
            }
            start = end + 1
        }
    }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}

/// Numbers each distinct byte string in order of first appearance, looking slices up by
/// their bytes so that a million lookups make no String. Open addressing over numbers;
/// each number's first 16 bytes and length sit side by side, in the order the keys came,
/// so that a lookup costs one random read (its slot) when the keys recur in order.
struct ByteInterner {
    /// Each distinct string, by its number.
    private(set) var names: [String] = []
    private var heads: [(UInt64, UInt64)] = []
    private var lengths: [Int] = []
    /// Every key's bytes, for the comparison past 16 bytes.
    private var storage: [UInt8] = []
    private var starts: [Int] = [0]
    private var slots = [Int32](repeating: -1, count: 64)
    /// Where the last few runs of in-order keys stand, the latest first: the numbers last
    /// returned from each.
    private var cursors = (-1, -1, -1, -1)

    /// The number of the slice's string, and whether it was new.
    mutating func index(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (index: Int32, isNew: Bool) {
        let key = UnsafeBufferPointer(rebasing: bytes[range])
        let head = Self.head(bytes, range)
        // Files come grouped (by annotator, say), so a key often repeats the last one or
        // recurs in the order keys first came; keys first seen late (missing from the first
        // group) form runs of their own. Try just after each of the last few runs first.
        if let found = nearCursor(key, head) { return (Int32(found), false) }
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            heads.withUnsafeBufferPointer { heads in
                lengths.withUnsafeBufferPointer { lengths in
                    while slots[slot] >= 0 {
                        let n = Int(slots[slot])
                        if lengths[n] == key.count && heads[n] == head && (key.count <= 16 || sameTail(n, key)) { return Int32(n) }
                        slot = (slot + 1) & mask
                    }
                    return nil
                }
            }
        }
        if let found {
            moveCursors(to: Int(found))
            return (found, false)
        }
        let n = names.count
        moveCursors(to: n)
        storage.append(contentsOf: key)
        starts.append(storage.count)
        heads.append(head)
        lengths.append(key.count)
        names.append(String(decoding: key, as: UTF8.self))
        slots[slot] = Int32(n)
        if names.count * 2 > slots.count { grow() }
        return (Int32(n), true)
    }

    /// The number of the key when it is one of the first four at or after a cursor.
    @inline(__always)
    private mutating func nearCursor(_ key: UnsafeBufferPointer<UInt8>, _ head: (UInt64, UInt64)) -> Int? {
        if let n = near(cursors.0, key, head) {
            cursors.0 = n
        } else if let n = near(cursors.1, key, head) {
            cursors = (n, cursors.0, cursors.2, cursors.3)
        } else if let n = near(cursors.2, key, head) {
            cursors = (n, cursors.0, cursors.1, cursors.3)
        } else if let n = near(cursors.3, key, head) {
            cursors = (n, cursors.0, cursors.1, cursors.2)
        } else {
            return nil
        }
        return cursors.0
    }

    @inline(__always)
    private func near(_ cursor: Int, _ key: UnsafeBufferPointer<UInt8>, _ head: (UInt64, UInt64)) -> Int? {
        guard cursor >= 0 else { return nil }
        for next in cursor..<min(cursor + 4, names.count) where lengths[next] == key.count && heads[next] == head && (key.count <= 16 || sameTail(next, key)) {
            return next
        }
        return nil
    }

    /// A key found away from every cursor starts a run: the oldest cursor goes.
    private mutating func moveCursors(to n: Int) {
        cursors = (n, cursors.0, cursors.1, cursors.2)
    }

    /// The key's first 16 bytes, zero-padded: two loads and a mask where 16 bytes can be
    /// read from its start.
    @inline(__always)
    private static func head(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (UInt64, UInt64) {
        #if _endian(little)
        if range.lowerBound + 16 <= bytes.count {
            let raw = UnsafeRawPointer(bytes.baseAddress! + range.lowerBound), n = range.count
            var low = raw.loadUnaligned(as: UInt64.self), high = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            if n < 8 {
                low &= (UInt64(1) << UInt64(8 * n)) &- 1
                high = 0
            } else if n < 16 {
                high &= (UInt64(1) << UInt64(8 * (n - 8))) &- 1
            }
            return (low, high)
        }
        #endif
        return head(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    /// The key's first 16 bytes, zero-padded.
    private static func head(_ key: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var head = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &head) { raw in
            for i in 0..<min(16, key.count) { raw[i] = key[i] }
        }
        return head
    }

    private func sameTail(_ n: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        storage.withUnsafeBufferPointer { memcmp($0.baseAddress! + starts[n], key.baseAddress!, key.count) == 0 }
    }

    /// FNV-1a, then mixed so that the low bits (the slot) depend on every byte.
    private static func hash(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: SplitMix64.mix(hash))
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for n in names.indices {
            var slot = storage.withUnsafeBufferPointer { Self.hash(UnsafeBufferPointer(rebasing: $0[starts[n]..<starts[n + 1]])) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(n)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
