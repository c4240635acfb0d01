import PairwiseCore

/// Where gold items go in an annotator's queue. They look like any other pair on screen
/// and are not reserved against the overlap (everyone answers each one once).
public enum GoldSchedule {
    /// The queue with gold items mixed in: each position is a gold item with probability
    /// `rate` (a seeded draw per annotator and position, so nobody can count their way to
    /// one) while unseen gold items last, in a seeded order.
    public static func mix(queue: [Int64], unseenGold: [Int64], rate: Double, salt: UInt64) -> [Int64] {
        guard rate > 0, !unseenGold.isEmpty else { return queue }
        let gold = shuffled(unseenGold, salt: salt)
        var out: [Int64] = []
        out.reserveCapacity(queue.count + gold.count)
        var next = 0, position: UInt64 = 0
        for id in queue {
            while next < gold.count && draw(salt: salt, position: position) < rate {
                out.append(gold[next])
                next += 1
                position += 1
            }
            out.append(id)
            position += 1
        }
        return out
    }

    /// Gold items in a seeded order (the qualification round's order).
    public static func shuffled(_ ids: [Int64], salt: UInt64) -> [Int64] {
        ids.map { (SplitMix64.mix(salt ^ 0x901D ^ UInt64(bitPattern: $0)), $0) }.sorted { $0 < $1 }.map(\.1)
    }

    /// A uniform number in 0..<1 for a queue position.
    static func draw(salt: UInt64, position: UInt64) -> Double {
        Double(SplitMix64.mix(salt ^ 0x60_1D ^ SplitMix64.mix(position)) >> 11) / Double(1 << 53)
    }
}

extension ProjectStore {
    /// The gold items this annotator has never judged.
    public func unseenGoldItems(annotatorID: Int64) throws -> [Int64] {
        try read { sql in
            let gold = try Self.goldItemIDs(sql)
            guard !gold.isEmpty else { return [] }
            var seen = Set<Int64>()
            try sql.scan("SELECT DISTINCT item_id FROM judgments WHERE annotator_id = ?", [.integer(annotatorID)]) { row in
                let id = Int64(row.int(0))
                if gold.contains(id) { seen.insert(id) }
            }
            return gold.subtracting(seen).sorted()
        }
    }

    /// This annotator's first answer to each gold item they judged, oldest first, with the
    /// expected answer (read through `goldAnswer`, which annotators may call once they judged).
    public func goldFirstAnswers(annotatorID: Int64) throws -> [(itemRowID: Int64, label: LabelClass, answer: GoldAnswer)] {
        let gold = try goldItemIDs()
        guard !gold.isEmpty else { return [] }
        let firsts = try read { sql in
            var firsts: [Int64: (id: Int64, label: LabelClass)] = [:]
            try sql.scan("SELECT item_id, id, strength, both_bad FROM judgments WHERE annotator_id = ? ORDER BY id", [.integer(annotatorID)]) { row in
                let item = Int64(row.int(0))
                guard gold.contains(item), firsts[item] == nil else { return }
                firsts[item] = (Int64(row.int(1)), LabelClass(strength: row.int(2), bothBad: row.int(3) != 0))
            }
            return firsts
        }
        return try firsts.sorted { $0.value.id < $1.value.id }.compactMap { item, first in
            try goldAnswer(itemRowID: item).map { (item, first.label, $0) }
        }
    }
}
