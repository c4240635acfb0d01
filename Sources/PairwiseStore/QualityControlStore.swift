import Foundation
import PairwiseCore

/// A project's quality-control settings (`pairwise quality set`), with their defaults.
public struct QualitySettings: Equatable, Sendable {
    /// Share of an annotator's queue that is gold items, while they have gold items left to see.
    public var goldRate = 0.1
    /// Gold items a new annotator must answer before any other item (0: no qualification round).
    public var qualificationItems = 0
    /// Share of the qualification items they must get right.
    public var qualificationPass = 0.8
    /// Drift: the last this many judgments of each annotator are checked…
    public var driftWindow = 30
    /// …and listed when fewer than this share agree with the references.
    public var driftLevel = 0.75
    /// Whether annotators see imported suggestions beside the pair.
    public var showSuggestions = false
    /// How annotators order a ranked item's responses: a full ranking, or best and worst only.
    public var bestWorst = false
    /// Per annotator given another qualification round (`quality retry`): how many gold items
    /// they had answered before it; their round counts the gold answers after those.
    public var qualificationRoundStarts: [String: Int] = [:]

    /// Per annotator whose passed round was recorded (`gold remove`): "CORRECT/REQUIRED".
    public var qualificationPasses: [String: String] = [:]

    /// The settings-table key holding an annotator's round start.
    static let roundStartPrefix = "qualification_round_start:"
    /// The settings-table key holding an annotator's recorded pass.
    static let passPrefix = "qualification_passed:"

    public init() {}

    /// Each setting's key in the settings table, what it takes, and how to store a value.
    public static let keys: [(key: String, help: String)] = [
        ("gold_rate", "share of each queue that is gold items, 0…1 (default 0.1)"),
        ("qualification_items", "gold items a new annotator answers first, with feedback (default 0: none)"),
        ("qualification_pass", "share of those to get right to qualify, 0…1 (default 0.8)"),
        ("drift_window", "judgments per annotator the drift check looks back over (default 30)"),
        ("drift_level", "agreement with gold and consensus below which an annotator is listed, 0…1 (default 0.75)"),
        ("show_suggestions", "yes or no: show imported suggestions to annotators (default no)"),
        ("ranking_mode", "rank or best-worst: order every response of a ranked item, or pick the best and the worst (default rank)"),
    ]

    /// Checks a value for `key`; returns the problem, or nil when it is valid.
    public static func problem(key: String, value: String) -> String? {
        switch key {
        case "gold_rate", "qualification_pass", "drift_level":
            guard let v = Double(value), (0...1).contains(v) else { return "\(key) takes a number from 0 to 1" }
        case "qualification_items":
            guard let v = Int(value), v >= 0 else { return "\(key) takes a whole number, 0 or more" }
        case "drift_window":
            guard let v = Int(value), v >= 1 else { return "\(key) takes a whole number, 1 or more" }
        case "show_suggestions":
            guard value == "yes" || value == "no" else { return "\(key) takes yes or no" }
        case "ranking_mode":
            guard value == "rank" || value == "best-worst" else { return "\(key) takes rank or best-worst" }
        default:
            return "no setting \(key) (settings: \(keys.map(\.key).joined(separator: ", ")))"
        }
        return nil
    }

    /// A setting's value as `quality set` takes it.
    public func value(of key: String) -> String {
        switch key {
        case "gold_rate": "\(goldRate)"
        case "qualification_items": "\(qualificationItems)"
        case "qualification_pass": "\(qualificationPass)"
        case "drift_window": "\(driftWindow)"
        case "drift_level": "\(driftLevel)"
        case "show_suggestions": showSuggestions ? "yes" : "no"
        case "ranking_mode": bestWorst ? "best-worst" : "rank"
        default: ""
        }
    }

    mutating func apply(key: String, value: String) {
        switch key {
        case "gold_rate": goldRate = Double(value) ?? goldRate
        case "qualification_items": qualificationItems = Int(value) ?? qualificationItems
        case "qualification_pass": qualificationPass = Double(value) ?? qualificationPass
        case "drift_window": driftWindow = Int(value) ?? driftWindow
        case "drift_level": driftLevel = Double(value) ?? driftLevel
        case "show_suggestions": showSuggestions = value == "yes"
        case "ranking_mode": bestWorst = value == "best-worst"
        default: break
        }
    }
}

/// A gold item's expected answer, relative to the stored A/B.
public struct GoldAnswer: Equatable, Sendable {
    public var strength: Int
    public var bothBad: Bool
    public var explanation: String?

    public var label: LabelClass { LabelClass(strength: strength, bothBad: bothBad) }
}

extension ProjectStore {
    /// The project's quality-control settings.
    public func qualitySettings() throws -> QualitySettings {
        var settings = QualitySettings()
        let keys = QualitySettings.keys.map(\.key)
        try read { sql in
            for (key, value) in try sql.records("SELECT key, value FROM settings", { (try $0.text("key"), try $0.text("value")) }) {
                if keys.contains(key) { settings.apply(key: key, value: value) }
                if key.hasPrefix(QualitySettings.roundStartPrefix), let start = Int(value) {
                    settings.qualificationRoundStarts[String(key.dropFirst(QualitySettings.roundStartPrefix.count))] = start
                }
                if key.hasPrefix(QualitySettings.passPrefix) {
                    settings.qualificationPasses[String(key.dropFirst(QualitySettings.passPrefix.count))] = value
                }
            }
        }
        return settings
    }

    /// Sets one quality-control setting (checked with `QualitySettings.problem`).
    public func setQualitySetting(_ key: String, _ value: String) throws {
        if let problem = QualitySettings.problem(key: key, value: value) { throw StoreError(.invalid, problem) }
        try write { sql in
            try sql.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [.text(key), .text(value)])
        }
    }

    /// Gives an annotator a new qualification round: it counts their gold answers from now
    /// on (fresh gold items: the ones they saw came with their answers). Returns how many gold
    /// items they have not seen yet.
    @discardableResult
    public func startQualificationRound(annotator name: String) throws -> Int {
        try write { sql in
            guard let id = try sql.integer("SELECT id FROM annotators WHERE name = ?", [.text(name)]) else {
                throw StoreError(.invalid, "no one named \(name) is in this project")
            }
            let gold = try Self.goldItemIDs(sql)
            var seen = Set<Int64>()
            try sql.scan("SELECT DISTINCT item_id FROM judgments WHERE annotator_id = \(id)") { row in
                let item = try row.int64("item_id")
                if gold.contains(item) { seen.insert(item) }
            }
            try sql.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [.text(QualitySettings.roundStartPrefix + name), .text("\(seen.count)")])
            try sql.execute("DELETE FROM settings WHERE key = ?", [.text(QualitySettings.passPrefix + name)])
            return gold.count - seen.count
        }
    }

    /// The row ids of the gold items (leads, the trainer, SQLite: on PostgreSQL an annotator
    /// may not learn which items are gold).
    public func goldItemIDs() throws -> Set<Int64> {
        try read { sql in try Self.goldItemIDs(sql) }
    }

    static func goldItemIDs(_ sql: SQLConnection) throws -> Set<Int64> {
        var ids = Set<Int64>()
        try sql.scan(SQLQuery(goldItemsQuery, [])) { ids.insert(try $0.int64("item_id")) }
        return ids
    }

    /// The gold items' row ids for someone who may read them, else none: an annotator on
    /// PostgreSQL exports and reads their own judgments of gold items as of any other item
    /// (leaving them out would tell which are gold).
    static func readableGoldItemIDs(_ sql: SQLConnection) throws -> Set<Int64> {
        try mayReadGoldAnswers(sql) ? goldItemIDs(sql) : []
    }

    /// Whether the person connected may read the gold answers (always on SQLite).
    static func mayReadGoldAnswers(_ sql: SQLConnection) throws -> Bool {
        try sql.dialect == .sqlite || sql.integer("SELECT CASE WHEN has_table_privilege('gold_answers', 'SELECT') THEN 1 ELSE 0 END") == 1
    }

    /// A query of the gold items' row ids.
    static let goldItemsQuery = "SELECT item_id FROM gold_answers"

    /// A gold item's answer, once the annotator asking has judged it (for the feedback of the
    /// qualification round); nil for an item that is not gold.
    public func goldAnswer(itemRowID: Int64) throws -> GoldAnswer? {
        try read { sql in
            // Annotators on PostgreSQL may not read the table: the function answers them.
            let query: SQLQuery = try Self.mayReadGoldAnswers(sql) ? "SELECT strength, both_bad, explanation FROM gold_answers WHERE item_id = \(itemRowID)"
                : "SELECT strength, both_bad, explanation FROM pairwise_gold_answer(\(itemRowID))"
            return try sql.record(query, Self.goldAnswer(from:))
        }
    }

    /// Makes an item gold with `draft`'s values (relative to the stored A/B) as its expected
    /// answer and its note as the explanation, replacing an answer it had (a lead in review).
    public func setGoldAnswer(itemRowID: Int64, draft: JudgmentDraft, source: String) throws {
        try write { sql in
            try sql.execute("""
                INSERT INTO gold_answers (item_id, strength, both_bad, rubric, explanation, source, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (item_id) DO UPDATE SET strength = excluded.strength, both_bad = excluded.both_bad, rubric = excluded.rubric,
                    explanation = excluded.explanation, source = excluded.source, created_at = excluded.created_at
                """, [.integer(itemRowID), .integer(Int64(draft.strength.value)), .integer(draft.bothBad ? 1 : 0), .text(draft.rubricJSON),
                      draft.note.map(SQLValue.text) ?? .null, .text(source), .text(Timestamp.string(Date()))])
        }
    }

    /// Makes these items ordinary again; returns how many were gold. Unknown ids are an error.
    /// `keepingPasses`: rounds passed before the removal, recorded in the same transaction
    /// (by name, "CORRECT/REQUIRED"), so that they stay passed.
    public func removeGold(externalIDs: [String], keepingPasses passes: [String: String] = [:]) throws -> Int {
        try write { sql in
            for (name, pass) in passes {
                try sql.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                [.text(QualitySettings.passPrefix + name), .text(pass)])
            }
            var removed = 0
            for id in externalIDs {
                guard let rowID = try sql.integer("SELECT id FROM items WHERE external_id = ?", [.text(id)]) else {
                    throw StoreError(.invalid, "no item with id \(TerminalSafe.text(id)) in this project")
                }
                removed += Int(try sql.integer("SELECT count(*) FROM gold_answers WHERE item_id = ?", [.integer(rowID)]) ?? 0)
                try sql.execute("DELETE FROM gold_answers WHERE item_id = ?", [.integer(rowID)])
            }
            return removed
        }
    }

    /// Each annotator's judgments checked against a reference, oldest first, by name: on a
    /// gold item their first answer (undone or not: the first answer counts) against the
    /// expected one; on any other item their current judgment against the lead's
    /// adjudication, else the consensus of the item's other annotators: every gold answer,
    /// and each person's newest `newest` other judgments (all the drift check and the
    /// accuracy estimate read). With `annotatorID`, only that person's.
    ///
    /// An annotator on PostgreSQL reads neither gold answers nor others' judgments: the
    /// server gives them their drift check's verdict instead (`ownDriftVerdict`).
    public func scoredJudgments(annotatorID: Int64? = nil, newest: Int = 200) throws -> [String: [ScoredJudgment]] {
        try read { sql in
            let names = try Self.annotatorNames(sql)
            var gold: [Int64: LabelClass] = [:]
            try sql.scan("SELECT item_id, strength, both_bad FROM gold_answers") { gold[try $0.int64("item_id")] = try Self.label(from: $0) }
            var adjudicated: [Int64: LabelClass] = [:]
            try sql.scan("SELECT item_id, strength, both_bad FROM current_adjudications") { adjudicated[try $0.int64("item_id")] = try Self.label(from: $0) }
            var result: [String: [ScoredJudgment]] = [:]
            // Gold items: each annotator's first judgment.
            let firstGold: SQLQuery = """
                SELECT j.annotator_id, j.item_id, j.id, j.strength, j.both_bad FROM judgments j
                WHERE j.item_id IN (\(raw: Self.goldItemsQuery))
                  AND j.id = (SELECT min(k.id) FROM judgments k WHERE k.item_id = j.item_id AND k.annotator_id = j.annotator_id)
                """
            try sql.scan(firstGold + (annotatorID.map { " AND j.annotator_id = \($0)" } ?? "")) { row in
                let item = try row.int64("item_id")
                result[names[try row.int64("annotator_id")] ?? "", default: []].append(ScoredJudgment(
                    itemRowID: item, judgmentID: try row.int64("id"), label: try Self.label(from: row), reference: gold[item], gold: true))
            }
            // Other items: current judgments, each against the others' on its item; each
            // person's newest only (what the drift check and the estimate look at), so that
            // neither the check every few judgments nor the report reads a whole project.
            var newestJudgments = Set<Int64>(), newestItems = Set<Int64>()
            for person in annotatorID.map({ [$0] }) ?? Array(names.keys) {
                try sql.scan("SELECT item_id, judgment_id FROM current_judgment_ids WHERE annotator_id = \(person) ORDER BY judgment_id DESC LIMIT \(newest)") { row in
                    newestItems.insert(try row.int64("item_id"))
                    newestJudgments.insert(try row.int64("judgment_id"))
                }
            }
            var byItem: [Int64: [(annotator: Int64, id: Int64, label: LabelClass)]] = [:]
            func add(_ item: Int64, _ annotator: Int64, _ id: Int64, _ label: LabelClass) {
                guard gold[item] == nil else { return }
                byItem[item, default: []].append((annotator, id, label))
            }
            // Everyone's current judgment of those items (row ids from the database, listed inline).
            let items = newestItems.sorted()
            for start in stride(from: 0, to: items.count, by: 500) {
                try sql.scan("""
                    SELECT c.item_id, c.annotator_id, c.judgment_id, j.strength, j.both_bad
                    FROM current_judgment_ids c JOIN judgments j ON j.id = c.judgment_id WHERE c.item_id IN \(list: Array(items[start..<min(items.count, start + 500)]))
                    """) { row in
                    add(try row.int64("item_id"), try row.int64("annotator_id"), try row.int64("judgment_id"), try Self.label(from: row))
                }
            }
            for (item, judgments) in byItem {
                for j in judgments where newestJudgments.contains(j.id) {
                    let others = judgments.filter { $0.annotator != j.annotator }
                    let reference = adjudicated[item] ?? LabelClass.consensus(others.map(\.label))
                    result[names[j.annotator] ?? "", default: []].append(ScoredJudgment(
                        itemRowID: item, judgmentID: j.id, label: j.label, reference: reference, gold: false,
                        settled: adjudicated[item] != nil, others: others.map { (names[$0.annotator] ?? "", $0.label) }))
                }
            }
            for name in result.keys { result[name]!.sort { $0.judgmentID < $1.judgmentID } }
            return result
        }
    }
}

extension ProjectStore {
    /// Every gold item's id and expected answer, in item id order (leads).
    public func goldItems() throws -> [(itemID: String, answer: GoldAnswer)] {
        try read { sql in
            try sql.records("""
                SELECT i.external_id, g.strength, g.both_bad, g.explanation FROM gold_answers g JOIN items i ON i.id = g.item_id
                ORDER BY i.external_id
                """) { row in (try row.text("external_id"), try Self.goldAnswer(from: row)) }
        }
    }

    /// A gold answer from a row's `strength`, `both_bad` and `explanation`.
    static func goldAnswer(from row: SQLRecord) throws -> GoldAnswer {
        GoldAnswer(strength: try row.int("strength"), bothBad: try row.bool("both_bad"), explanation: try row.optionalText("explanation"))
    }

    /// The label class of a row's `strength` and `both_bad`.
    static func label(from row: SQLRecord) throws -> LabelClass {
        LabelClass(strength: try row.int("strength"), bothBad: try row.bool("both_bad"))
    }
}
