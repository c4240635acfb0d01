import Foundation
import PairwiseCore

/// Per annotator: gold accuracy, qualification and drift; per suggestion source: agreement
/// with people; per guidelines version: agreement on the direction.
public struct QualityReport: Equatable, Sendable {
    public struct Annotator: Equatable, Sendable {
        public var name: String
        public var gold: GoldScore
        public var qualification: QualificationStatus
        public var drift: DriftCheck
    }

    public struct SuggestionSource: Equatable, Sendable {
        public var source: String
        public var items: Int
        public var judgments: Int
        public var agreed: Int
        public var shown: Int
        public var agreement: Double? { judgments == 0 ? nil : Double(agreed) / Double(judgments) }

        public init(source: String, items: Int, judgments: Int, agreed: Int, shown: Int) {
            (self.source, self.items, self.judgments, self.agreed, self.shown) = (source, items, judgments, agreed, shown)
        }
    }

    public struct GuidelinesVersion: Equatable, Sendable {
        /// Nil: judgments made before the project had guidelines.
        public var version: Int?
        public var judgments: Int
        public var directionAlpha: Double?
    }

    /// A gold item's first answers: how many people answered it and how many missed the
    /// expected answer. A wrong gold item stands out by its miss rate.
    public struct GoldItemMisses: Equatable, Sendable {
        public var itemRowID: Int64
        public var name: String
        public var answered: Int
        public var missed: Int
        public var missRate: Double { answered == 0 ? 0 : Double(missed) / Double(answered) }
    }

    public var goldItems: Int
    /// Gold items answered at least once, most missed first.
    public var goldMisses: [GoldItemMisses]
    public var annotators: [Annotator]
    public var suggestions: [SuggestionSource]
    public var versions: [GuidelinesVersion]
    public var policy: DriftPolicy

    /// `scored`: each annotator's judgments checked against references, oldest first
    /// (`ProjectStore.scoredJudgments`); `versions`: judgments and direction counts per
    /// guidelines version (`ProjectStore.directionCountsByGuidelinesVersion`); `exempt`: people
    /// with no qualification round (the leads); `roundStarts`: gold answers given before a
    /// person's current round (`quality retry`), which their round does not count; `passes`:
    /// rounds recorded as passed (`QualificationPass`).
    public init(scored: [String: [ScoredJudgment]], goldItems: Int, qualificationItems: Int, qualificationPass: Double,
                exempt: Set<String> = [], roundStarts: [String: Int] = [:], passes: [String: QualificationPass] = [:],
                policy: DriftPolicy, suggestions: [SuggestionSource] = [],
                versions: [(version: Int?, judgments: Int, counts: [Int32])] = [], goldItemNames: [Int64: String] = [:]) {
        self.goldItems = goldItems
        var misses: [Int64: GoldItemMisses] = [:]
        for j in scored.values.joined() where j.gold {
            misses[j.itemRowID, default: GoldItemMisses(itemRowID: j.itemRowID, name: goldItemNames[j.itemRowID] ?? "#\(j.itemRowID)", answered: 0, missed: 0)]
                .answered += 1
            if j.label != j.reference { misses[j.itemRowID]!.missed += 1 }
        }
        goldMisses = misses.values.sorted { ($0.missRate, $0.missed, $1.name) > ($1.missRate, $1.missed, $0.name) }
        self.policy = policy
        self.suggestions = suggestions
        self.versions = versions.map {
            GuidelinesVersion(version: $0.version, judgments: $0.judgments, directionAlpha: ProjectStatistics.directionAlpha(counts: $0.counts))
        }
        let accuracies = DriftPolicy.accuracies(scored)
        annotators = scored.keys.sorted().map { name in
            let judgments = scored[name]!
            let gold = judgments.filter(\.gold).map { $0.label == $0.reference }
            return Annotator(name: name, gold: GoldScore(outcomes: gold),
                             qualification: QualificationStatus(goldOutcomes: Array(gold.dropFirst(roundStarts[name] ?? 0)), required: exempt.contains(name) ? 0 : qualificationItems,
                                                                passLevel: qualificationPass, recorded: passes[name]),
                             drift: policy.check(judgments, accuracies: accuracies))
        }
    }

    /// The annotators whose recent agreement is below the level.
    public var drifting: [Annotator] { annotators.filter(\.drift.drifting) }

    public func summaryLines() -> [String] {
        func percent(_ v: Double?) -> String { v.map { String(format: "%.0f%%", 100 * $0) } ?? "–" }
        var lines = ["Quality control (\(goldItems) gold item\(goldItems == 1 ? "" : "s"); drift: accuracy below "
                     + "\(percent(policy.level)) with probability \(percent(policy.confidence)) over the last \(policy.window) judgments)"]
        let nameWidth = max(9, annotators.map(\.name.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        lines.append("  " + pad("annotator", nameWidth) + "  gold right   recent agreement   recent accuracy   qualification")
        for a in annotators {
            let gold = a.gold.judged == 0 ? "–" : "\(a.gold.correct)/\(a.gold.judged) \(percent(a.gold.accuracy))"
            let recent = a.drift.references == 0 ? "–" : "\(a.drift.agreed)/\(a.drift.references) \(percent(a.drift.rate))"
            let accuracy = percent(a.drift.accuracy) + (a.drift.drifting ? " DRIFT" : "")
            lines.append("  " + pad(a.name, nameWidth) + "  " + pad(gold, 11) + "  " + pad(recent, 17) + "  " + pad(accuracy, 16)
                         + "  " + a.qualification.summary)
        }
        if annotators.isEmpty { lines.append("  no judgments yet") }
        let missed = goldMisses.filter { $0.missed > 0 }
        if !missed.isEmpty {
            // A gold item most people miss is more likely wrong than they are.
            lines.append("  Gold items most missed (first answers): " + missed.prefix(5).map {
                "\($0.name) \($0.missed)/\($0.answered) (\(percent($0.missRate)))"
            }.joined(separator: ", "))
        }
        let drifting = self.drifting.map(\.name)
        lines.append(drifting.isEmpty ? "  Nobody is drifting." : "  Drifting (check with them): " + drifting.joined(separator: ", "))
        if !suggestions.isEmpty {
            lines += ["", "Suggestions against people (each source's items; people's current judgments of them)"]
            for s in suggestions {
                lines.append("  \(s.source): \(s.items) item\(s.items == 1 ? "" : "s"), \(s.judgments) judgment\(s.judgments == 1 ? "" : "s"), \(percent(s.agreement)) agree, \(s.shown) made with it shown")
            }
        }
        if versions.count > 1 || versions.first?.version != nil {
            lines += ["", "Agreement by guidelines version (items judged under one version)"]
            for v in versions {
                lines.append("  " + (v.version.map { "version \($0)" } ?? "before guidelines") + ": \(v.judgments) judgments, direction α "
                             + (v.directionAlpha.map { String(format: "%.3f", $0) } ?? "–"))
            }
        }
        return lines
    }
}
