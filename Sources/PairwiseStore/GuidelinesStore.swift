import Foundation
import PairwiseCore

/// One version of the project's guidelines (Markdown).
public struct Guidelines: Equatable, Sendable {
    public var version: Int
    public var text: String
    public var source: String?
    public var createdAt: String
}

/// A suggested label for an item, from a model or an LLM judge: never a judgment.
public struct Suggestion: Equatable, Sendable {
    public var source: String
    public var strength: Int
    public var bothBad: Bool
    public var note: String?

    public var label: LabelClass { LabelClass(strength: strength, bothBad: bothBad) }
}

extension ProjectStore {
    /// Stores a new version of the guidelines and returns its number (1 for the first);
    /// text equal to the current version's adds nothing and returns that version.
    @discardableResult
    public func setGuidelines(_ text: String, source: String?) throws -> Int {
        try write { sql in
            let current = try sql.row("SELECT version, text FROM guidelines ORDER BY version DESC LIMIT 1")
            if let current, current.text(1) == text { return Int(current[0].integer ?? 1) }
            let version = Int(current?[0].integer ?? 0) + 1
            try sql.execute("INSERT INTO guidelines (version, text, source, created_at) VALUES (?, ?, ?, ?)",
                            [.integer(Int64(version)), .text(text), .optional(source), .text(Timestamp.string(Date()))])
            return version
        }
    }

    /// The newest guidelines, or nil when the project has none.
    public func currentGuidelines() throws -> Guidelines? {
        try read { sql in
            try sql.row("SELECT version, text, source, created_at FROM guidelines ORDER BY version DESC LIMIT 1").map { row in
                Guidelines(version: Int(row[0].integer ?? 0), text: row.text(1) ?? "", source: row.text(2), createdAt: row.text(3) ?? "")
            }
        }
    }

    /// Whether this annotator made any judgment under this guidelines version.
    public func hasJudged(annotatorID: Int64, guidelinesVersion: Int) throws -> Bool {
        try read { sql in
            try sql.row("SELECT 1 FROM judgments WHERE annotator_id = ? AND guidelines_version = ? LIMIT 1",
                        [.integer(annotatorID), .integer(Int64(guidelinesVersion))]) != nil
        }
    }

    /// The suggestions imported for an item, by source name.
    public func suggestions(itemRowID: Int64) throws -> [Suggestion] {
        try read { sql in
            try sql.rows("SELECT source, strength, both_bad, note FROM suggestions WHERE item_id = ? ORDER BY source", [.integer(itemRowID)]).map { row in
                Suggestion(source: row.text(0) ?? "", strength: Int(row[1].integer ?? 0), bothBad: row[2].integer == 1, note: row.text(3))
            }
        }
    }

    /// Each suggestion source against people: the items it labeled, and over those people
    /// judged, how many of their current judgments say what the suggestion says and how many
    /// were made with that suggestion on screen.
    public func suggestionAgreement() throws -> [(source: String, items: Int, judgments: Int, agreed: Int, shown: Int)] {
        try read { sql in
            var result: [String: (items: Set<Int64>, judgments: Int, agreed: Int, shown: Int)] = [:]
            var labeled: [String: Int] = [:]
            try sql.scan("SELECT source, count(*) FROM suggestions GROUP BY source", []) { labeled[$0.text(0) ?? ""] = $0.int(1) }
            guard !labeled.isEmpty else { return [] }
            try sql.scan("""
                SELECT s.source, s.item_id, s.strength, s.both_bad, j.strength, j.both_bad, j.suggestion_shown
                FROM suggestions s JOIN current_judgment_ids c ON c.item_id = s.item_id JOIN judgments j ON j.id = c.judgment_id
                WHERE j.origin <> ?
                """, [.text(Judgment.simulatedOrigin)]) { row in
                let source = row.text(0) ?? ""
                var entry = result[source] ?? ([], 0, 0, 0)
                entry.items.insert(Int64(row.int(1)))
                entry.judgments += 1
                if LabelClass(strength: row.int(2), bothBad: row.int(3) != 0) == LabelClass(strength: row.int(4), bothBad: row.int(5) != 0) {
                    entry.agreed += 1
                }
                if row.text(6) == source { entry.shown += 1 }
                result[source] = entry
            }
            return labeled.keys.sorted().map { source in
                let entry = result[source] ?? ([], 0, 0, 0)
                return (source, labeled[source]!, entry.judgments, entry.agreed, entry.shown)
            }
        }
    }

    /// Direction agreement per guidelines version: for each version, the items whose current
    /// judgments (two or more) were all made under it, as counts of A / B / neither per item (for
    /// `ProjectStatistics.directionAlpha`), and the judgments made under it.
    public func directionCountsByGuidelinesVersion() throws -> [(version: Int?, judgments: Int, counts: [Int32])] {
        try read { sql in
            guard try sql.integer("SELECT count(*) FROM guidelines") != 0 else { return try Self.directionCountsWithoutGuidelines(sql) }
            return try Self.directionCountsByGuidelinesVersion(sql)
        }
    }

    /// The same without guidelines, when every judgment was made under none: one entry,
    /// from the direction counts items keep (an index holds them), not from the judgments.
    static func directionCountsWithoutGuidelines(_ sql: SQLConnection) throws -> [(version: Int?, judgments: Int, counts: [Int32])] {
        var counts: [Int32] = [], judgments = 0
        try sql.scan("""
            SELECT prefer_a, prefer_b, prefer_neither FROM items
            WHERE judges >= 1 AND prefer_a + prefer_b + prefer_neither >= 1 AND id NOT IN (\(goldItemsQuery(sql.dialect)))
            """, []) { row in
            let a = row.int(0), b = row.int(1), neither = row.int(2)
            judgments += a + b + neither
            if a + b + neither >= 2 { counts += [Int32(a), Int32(b), Int32(neither)] }
        }
        return judgments == 0 ? [] : [(nil, judgments, counts)]
    }

    /// Direction counts per version from every current judgment, summed per item by the
    /// database; items judged under several versions count their judgments per version.
    static func directionCountsByGuidelinesVersion(_ sql: SQLConnection) throws -> [(version: Int?, judgments: Int, counts: [Int32])] {
        var judgments: [Int: Int] = [:], counts: [Int: [Int32]] = [:], mixed: [Int64] = []
        try sql.scan("""
            SELECT c.item_id, min(coalesce(j.guidelines_version, 0)), max(coalesce(j.guidelines_version, 0)),
                   sum(CASE WHEN j.strength < 0 THEN 1 ELSE 0 END), sum(CASE WHEN j.strength > 0 THEN 1 ELSE 0 END),
                   sum(CASE WHEN j.strength = 0 THEN 1 ELSE 0 END)
            FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
            WHERE c.item_id NOT IN (\(Self.goldItemsQuery(sql.dialect))) GROUP BY c.item_id
            """, []) { row in
            let version = row.int(1), a = row.int(3), b = row.int(4), neither = row.int(5)
            guard version == row.int(2) else { mixed.append(Int64(row.int(0))); return }
            judgments[version, default: 0] += a + b + neither
            if a + b + neither >= 2 { counts[version, default: []] += [Int32(a), Int32(b), Int32(neither)] }
        }
        for start in stride(from: 0, to: mixed.count, by: 500) {
            let list = mixed[start..<min(mixed.count, start + 500)].map(String.init).joined(separator: ",")
            try sql.scan("""
                SELECT coalesce(j.guidelines_version, 0), count(*) FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id
                WHERE c.item_id IN (\(list)) GROUP BY 1
                """, []) { row in judgments[row.int(0), default: 0] += row.int(1) }
        }
        return judgments.keys.sorted().map { version in
            (version == 0 ? nil : version, judgments[version]!, counts[version] ?? [])
        }
    }
}
