import PairwiseCore

/// Where gold items go in an annotator's queue. They look like any other pair on screen
/// and are not reserved against the overlap (everyone answers each one once). On PostgreSQL
/// an annotator's client never learns which items are gold: the server places them
/// (`pairwise_arrange`, the same rule with draws from MD5 instead of SplitMix64).
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

    /// How many gold items `mix` places in a queue of `count` items (its length is `count`
    /// more), without the queue: the same draws.
    public static func placedCount(queueCount count: Int, unseenGold: Int, rate: Double, salt: UInt64) -> Int {
        guard rate > 0, unseenGold > 0 else { return 0 }
        var placed = 0, position: UInt64 = 0
        for _ in 0..<count {
            while placed < unseenGold && draw(salt: salt, position: position) < rate {
                placed += 1
                position += 1
            }
            if placed == unseenGold { break }
            position += 1
        }
        return placed
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
    /// The items to put in an annotator's queue, in the seeded order of `queue` (skipped items
    /// last): the items short of the overlap they have not judged, and the gold items they
    /// never judged (when `goldRate` is above 0 and anything else is left), unmarked. For
    /// someone held to the annotators' rules on PostgreSQL the server picks them
    /// (`pairwise_queue`). `placeGold` then puts the gold where it goes.
    /// With `uncertainties`, the most uncertain first (see `seededOrder`).
    public func annotatorQueue(annotatorID: Int64, overlap: Int, seed: UInt64, goldRate: Double, uncertainties: ItemScoreTable? = nil) throws -> [Int64] {
        if try heldToAnnotatorRules() {
            return try read { sql in
                try Self.seededOrder(Self.serverIDs("public.pairwise_queue()", ordered: false, sql),
                                     annotatorID: annotatorID, seed: seed, uncertainties: uncertainties, sql: sql)
            }
        }
        let regular = try queue(annotatorID: annotatorID, overlap: overlap, seed: seed, gold: try goldItemIDs(), uncertainties: uncertainties)
        guard goldRate > 0, !regular.isEmpty else { return regular }
        return regular + (try unseenGoldItems(annotatorID: annotatorID))
    }

    /// The queue (in the order wanted for everything else) with its gold items taken out and
    /// put back as `GoldSchedule.mix` places them; by the server for someone held to the
    /// annotators' rules (`pairwise_arrange`).
    public func placeGold(in queue: [Int64], annotatorID: Int64, rate: Double, salt: UInt64) throws -> [Int64] {
        if try heldToAnnotatorRules() {
            return try read { sql in
                try Self.serverIDs("public.pairwise_arrange(\("{" + queue.map(String.init).joined(separator: ",") + "}")::BIGINT[])", sql)
            }
        }
        let gold = try goldItemIDs()
        return GoldSchedule.mix(queue: queue.filter { !gold.contains($0) }, unseenGold: queue.filter(gold.contains).sorted(), rate: rate, salt: salt)
    }

    /// The gold items an annotator's qualification round still needs (`missing` of them,
    /// lowest ids first among those they never judged). On PostgreSQL, for someone held to
    /// the annotators' rules, the server counts what is missing (`pairwise_qualification_queue`).
    public func qualificationQueue(annotatorID: Int64, missing: Int) throws -> [Int64] {
        if try heldToAnnotatorRules() {
            return try read { sql in
                try Self.serverIDs("public.pairwise_qualification_queue()", sql)
            }
        }
        return Array(try unseenGoldItems(annotatorID: annotatorID).prefix(max(0, missing)))
    }

    /// The gold items this annotator has never judged (leads and SQLite: the gold answers are theirs to read).
    public func unseenGoldItems(annotatorID: Int64) throws -> [Int64] {
        try read { sql in
            let gold = try Self.goldItemIDs(sql)
            guard !gold.isEmpty else { return [] }
            var seen = Set<Int64>()
            try sql.scan("SELECT DISTINCT item_id FROM judgments WHERE annotator_id = \(annotatorID)") { row in
                let id = try row.int64("item_id")
                if gold.contains(id) { seen.insert(id) }
            }
            return gold.subtracting(seen).sorted()
        }
    }

    /// This annotator's first answer to each gold item they judged, oldest first, with the
    /// expected answer. Someone held to the annotators' rules reads their own through
    /// `pairwise_gold_first_answers`.
    public func goldFirstAnswers(annotatorID: Int64) throws -> [(itemRowID: Int64, label: LabelClass, answer: GoldAnswer)] {
        let restricted = try heldToAnnotatorRules()
        return try read { sql in
            try sql.records(restricted
                ? "SELECT item_id, strength, both_bad, expected_strength, expected_both_bad, explanation FROM public.pairwise_gold_first_answers()" : """
                SELECT j.item_id, j.strength, j.both_bad, g.strength AS expected_strength, g.both_bad AS expected_both_bad, g.explanation
                FROM gold_answers g \(raw: sql.dialect == .sqlite ? "CROSS JOIN" : "JOIN") judgments j ON j.item_id = g.item_id
                WHERE j.annotator_id = \(annotatorID) AND j.id = (SELECT min(k.id) FROM judgments k WHERE k.item_id = j.item_id AND k.annotator_id = j.annotator_id)
                ORDER BY j.id
                """) { row in
                (try row.int64("item_id"), try Self.label(from: row),
                 GoldAnswer(strength: try row.int("expected_strength"), bothBad: try row.bool("expected_both_bad"), explanation: try row.optionalText("explanation")))
            }
        }
    }

    /// The server's drift verdict on the person connected (`pairwise_drift_check`: the rule
    /// of `DriftPolicy.check` for an annotator's own screen), for someone held to the
    /// annotators' rules, who may read neither gold answers nor others' labels.
    public func ownDriftVerdict() throws -> Bool {
        try read { sql in try sql.integer("SELECT CASE WHEN public.pairwise_drift_check() THEN 1 ELSE 0 END") == 1 }
    }
}
