import Foundation

/// A number per item row id (a model's uncertainty of each item), 0 for an item without one:
/// kept in an array indexed by id while ids stay dense (items' ids are rowids, given in
/// order), so that a queue of a million items reads it without hashing.
public struct ItemScoreTable: Equatable, Sendable {
    private var dense: [Double] = []
    private var held: [Bool] = []
    private var sparse: [Int64: Double] = [:]
    /// How many items have a number.
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public subscript(id: Int64) -> Double {
        if id >= 0 && id < dense.count { return dense[Int(id)] }
        return sparse[id] ?? 0
    }

    /// The table as model_runs.uncertainties stores it: float64s indexed by id, NaN where an
    /// item has none; nil when the ids are too sparse for an array (more than 4 slots an item).
    static func blob(_ values: [(id: Int64, value: Double)]) -> [UInt8]? {
        guard let largest = values.map(\.id).max(), values.allSatisfy({ $0.id >= 0 && !$0.value.isNaN }),
              Int(largest) < max(1024, 4 * values.count) else { return values.isEmpty ? [] : nil }
        var slots = [Double](repeating: .nan, count: Int(largest) + 1)
        for (id, value) in values { slots[Int(id)] = value }
        // Native float64s, as the model's weights are stored (little-endian on the machines we run).
        return slots.withUnsafeBytes { Array($0) }
    }

    /// A table read back from `blob`; nil when it is not one.
    init?(blob: [UInt8]) {
        guard blob.count % 8 == 0 else { return nil }
        let slots = blob.count / 8
        dense = [Double](repeating: 0, count: slots)
        dense.withUnsafeMutableBytes { $0.copyBytes(from: blob) }
        held = dense.map { !$0.isNaN }
        count = held.reduce(0) { $0 + ($1 ? 1 : 0) }
        for i in dense.indices where !held[i] { dense[i] = 0 }
    }

    /// Every item that has a number, by id ascending.
    public func forEachHeld(_ body: (_ id: Int64, _ value: Double) throws -> Void) rethrows {
        let outside = sparse.keys.sorted()
        let below = outside.prefix { $0 < 0 }
        for id in below { try body(id, sparse[id]!) }
        for i in dense.indices where held[i] { try body(Int64(i), dense[i]) }
        for id in outside.dropFirst(below.count) { try body(id, sparse[id]!) }
    }

    public mutating func set(_ value: Double, for id: Int64) {
        // Ids up to four times the count (at least 1,024) stay in the array.
        if id >= 0 && id >= dense.count && Int(id) < max(1024, 4 * (count + 1)) {
            dense.append(contentsOf: repeatElement(0, count: Int(id) - dense.count + 1))
            held.append(contentsOf: repeatElement(false, count: Int(id) - held.count + 1))
        }
        if id >= 0 && id < dense.count {
            if !held[Int(id)] { count += 1 }
            held[Int(id)] = true
            dense[Int(id)] = value
        } else {
            if sparse.updateValue(value, forKey: id) == nil { count += 1 }
        }
    }
}

/// An item's place in an annotator's queue, compared as integers: items not skipped first,
/// then the most uncertain, then a seeded hash, then the id.
struct QueueKey: Comparable {
    var skipped: Bool
    var descendingUncertainty: UInt64
    var hash: UInt64
    var id: Int64

    /// A number's order reversed, as an unsigned integer: a larger number gives a smaller key
    /// (−0 counts as 0, as the numbers compare).
    static func descending(_ value: Double) -> UInt64 {
        let bits = (value == 0 ? 0.0 : value).bitPattern
        let ascending = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return ~ascending
    }

    static func < (a: QueueKey, b: QueueKey) -> Bool {
        if a.skipped != b.skipped { return !a.skipped }
        if a.descendingUncertainty != b.descendingUncertainty { return a.descendingUncertainty < b.descendingUncertainty }
        if a.hash != b.hash { return a.hash < b.hash }
        return a.id < b.id
    }
}

extension QueueKey {
    /// The keys' ids in key order. From 2^17 keys on (a queue of a few million at 10M
    /// judgments), the two halves are sorted on two threads and merged: keys are unique (the
    /// id is in each), so this is the one order a single sort gives.
    static func idsInOrder(_ keys: [QueueKey]) -> [Int64] {
        guard keys.count >= 1 << 17, ProcessInfo.processInfo.activeProcessorCount > 1 else { return keys.sorted().map(\.id) }
        let halves = [SortedHalf(keys[..<(keys.count / 2)]), SortedHalf(keys[(keys.count / 2)...])]
        DispatchQueue.concurrentPerform(iterations: 2) { halves[$0].keys.sort() }
        let (first, second) = (halves[0].keys, halves[1].keys)
        var ids: [Int64] = []
        ids.reserveCapacity(keys.count)
        var i = 0, j = 0
        while i < first.count && j < second.count {
            if second[j] < first[i] { ids.append(second[j].id); j += 1 } else { ids.append(first[i].id); i += 1 }
        }
        for key in first[i...] { ids.append(key.id) }
        for key in second[j...] { ids.append(key.id) }
        return ids
    }
}

/// One half of the keys, sorted in place by its own thread.
private final class SortedHalf: @unchecked Sendable {
    var keys: [QueueKey]
    init(_ keys: ArraySlice<QueueKey>) { self.keys = Array(keys) }
}
