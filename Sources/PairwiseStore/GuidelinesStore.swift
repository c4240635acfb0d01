import Foundation
import PairwiseCore


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
}
