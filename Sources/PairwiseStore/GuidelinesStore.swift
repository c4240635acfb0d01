import Foundation
import PairwiseCore


extension ProjectStore {
    /// Stores a new version of the guidelines and returns its number (1 for the first);
    /// text equal to the current version's adds nothing and returns that version.
    @discardableResult
    public func setGuidelines(_ text: String, source: String?) throws -> Int {
        try write { sql in
            let current = try sql.record("SELECT version, text FROM guidelines ORDER BY version DESC LIMIT 1") {
                (version: try $0.int("version"), text: try $0.text("text"))
            }
            if let current, current.text == text { return current.version }
            let version = (current?.version ?? 0) + 1
            try sql.execute("INSERT INTO guidelines (version, text, source, created_at) VALUES (?, ?, ?, ?)",
                            [.integer(Int64(version)), .text(text), .optional(source), .text(Timestamp.string(Date()))])
            return version
        }
    }

    /// The newest guidelines, or nil when the project has none.
    public func currentGuidelines() throws -> Guidelines? {
        try read { sql in
            try sql.record("SELECT version, text, source, created_at FROM guidelines ORDER BY version DESC LIMIT 1") { row in
                Guidelines(version: try row.int("version"), text: try row.text("text"), source: try row.optionalText("source"), createdAt: try row.text("created_at"))
            }
        }
    }

    /// Whether this annotator made any judgment under this guidelines version.
    public func hasJudged(annotatorID: Int64, guidelinesVersion: Int) throws -> Bool {
        try read { sql in
            try sql.record("SELECT 1 AS found FROM judgments WHERE annotator_id = \(annotatorID) AND guidelines_version = \(guidelinesVersion) LIMIT 1") { _ in true } != nil
        }
    }

    /// The suggestions imported for an item, by source name.
    public func suggestions(itemRowID: Int64) throws -> [Suggestion] {
        try read { sql in
            try sql.records("SELECT source, strength, both_bad, note FROM suggestions WHERE item_id = \(itemRowID) ORDER BY source") { row in
                Suggestion(source: try row.text("source"), strength: try row.int("strength"), bothBad: try row.bool("both_bad"), note: try row.optionalText("note"))
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
            try sql.scan("SELECT source, count(*) AS items FROM suggestions GROUP BY source") { labeled[try $0.text("source")] = try $0.int("items") }
            guard !labeled.isEmpty else { return [] }
            try sql.scan("""
                SELECT s.source, s.item_id, s.strength AS suggested_strength, s.both_bad AS suggested_both_bad, j.strength, j.both_bad, j.suggestion_shown
                FROM suggestions s JOIN current_judgment_ids c ON c.item_id = s.item_id JOIN judgments j ON j.id = c.judgment_id
                WHERE j.origin <> \(Judgment.simulatedOrigin)
                """) { row in
                let source = try row.text("source")
                var entry = result[source] ?? ([], 0, 0, 0)
                entry.items.insert(try row.int64("item_id"))
                entry.judgments += 1
                let suggested = LabelClass(strength: try row.int("suggested_strength"), bothBad: try row.bool("suggested_both_bad"))
                if suggested == LabelClass(strength: try row.int("strength"), bothBad: try row.bool("both_bad")) {
                    entry.agreed += 1
                }
                if try row.optionalText("suggestion_shown") == source { entry.shown += 1 }
                result[source] = entry
            }
            return labeled.keys.sorted().map { source in
                let entry = result[source] ?? ([], 0, 0, 0)
                return (source, labeled[source]!, entry.judgments, entry.agreed, entry.shown)
            }
        }
    }
}
