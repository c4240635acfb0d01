import Foundation
import PairwiseCore

/// Statistics over a project's current judgments (each annotator's latest live judgment
/// per item), for `pairwise stats` and the stats screen.
public struct ProjectStatistics: Sendable {
    public struct AnnotatorFigures: Sendable {
        public var name: String
        public var judgments: Int
        public var medianSeconds: Double?
        /// Share of their judgments whose direction matches the majority of the others on
        /// the same item (items with a strict majority among the others only).
        public var consensusAgreement: Double?
        /// Share of their non-tie judgments that prefer the response shown first.
        public var firstShownPreferred: Double?
        public var tieShare: Double
        public var bothBadShare: Double
        public var meanAbsoluteStrength: Double
    }

    public struct StrengthLevel: Sendable {
        /// |strength|, 0…3.
        public var level: Int
        public var judgments: Int
        /// Share of other annotators on the same items who chose the same direction.
        public var agreement: Double?
    }

    public struct ItemFigures: Sendable {
        public var itemID: String
        public var judgments: Int
        /// Share of agreeing pairs on the direction.
        public var directionAgreement: Double
        /// max − min strength.
        public var strengthSpread: Int
    }

    public var judgments: Int
    public var items: Int
    /// Direction (A / tie / B) at the nominal level.
    public var direction: AgreementReport
    public var strengthOrdinal: AgreementReport
    public var strengthInterval: AgreementReport
    /// Krippendorff's alpha per rubric dimension, at the ordinal level.
    public var rubricAlpha: [(key: String, alpha: Double?)]
    public var annotators: [AnnotatorFigures]
    /// Cohen's kappa on the direction for every pair of annotators with shared items.
    public var kappa: [String: [String: Double]]
    /// Judgments per strength −3…+3.
    public var strengthCounts: [Int]
    public var meanAbsoluteStrength: Double?
    public var strengthLevels: [StrengthLevel]
    /// Items with two or more judgments, most contested first.
    public var contested: [ItemFigures]

    /// Krippendorff's alpha on the direction of the current judgments, from each item's
    /// counts of judgments preferring A, B, and neither (`ProjectStore.directionCounts()`).
    public static func directionAlpha(counts: [[Int]]) -> Double? {
        Agreement.krippendorffAlpha(counts: counts, values: [0, 1, 2], level: .nominal)
    }

    static func direction(_ strength: Int) -> String { strength < 0 ? "A" : strength > 0 ? "B" : "tie" }

    public init(judgments all: [Judgment], rubric: Rubric) {
        judgments = all.count
        var byItem: [String: [Judgment]] = [:]
        var itemOrder: [String] = []
        for j in all {
            if byItem[j.itemID] == nil { itemOrder.append(j.itemID) }
            byItem[j.itemID, default: []].append(j)
        }
        items = itemOrder.count
        func table(_ value: (Judgment) -> String?) -> RatingTable {
            RatingTable(ratings: all.compactMap { j in value(j).map { (unit: j.itemID, annotator: j.annotator, value: $0) } })
        }
        let directions = table { Self.direction($0.strength.value) }
        direction = AgreementReport(directions, level: .nominal)
        let strengths = table { String($0.strength.value) }
        strengthOrdinal = AgreementReport(strengths, level: .ordinal)
        strengthInterval = AgreementReport(strengths, level: .interval)
        rubricAlpha = rubric.dimensions.map { d in
            var ratings: [(unit: String, annotator: String, value: String)] = []
            for j in all {
                switch j.rubric[d.key] {
                case .comparative(let v)?: ratings.append((j.itemID, j.annotator, String(v)))
                case .perResponse(let a, let b)?:
                    ratings.append((j.itemID + "\u{0}a", j.annotator, String(a)))
                    ratings.append((j.itemID + "\u{0}b", j.annotator, String(b)))
                case nil: break
                }
            }
            return (d.key, Agreement.krippendorffAlpha(RatingTable(ratings: ratings), level: .ordinal))
        }

        // Per annotator.
        var names: [String] = []
        var mine: [String: [Judgment]] = [:]
        for j in all {
            if mine[j.annotator] == nil { names.append(j.annotator) }
            mine[j.annotator, default: []].append(j)
        }
        names.sort()
        annotators = names.map { name in
            let own = mine[name]!
            let times = own.map(\.milliseconds).sorted()
            let median = times.isEmpty ? nil : Double(times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2) / 1000
            var agreeing = 0, compared = 0
            for j in own {
                let others = (byItem[j.itemID] ?? []).filter { $0.annotator != name }
                var votes: [String: Int] = [:]
                for o in others { votes[Self.direction(o.strength.value), default: 0] += 1 }
                let sorted = votes.sorted { $0.value > $1.value }
                guard let top = sorted.first, sorted.count == 1 || sorted[1].value < top.value else { continue }
                compared += 1
                if top.key == Self.direction(j.strength.value) { agreeing += 1 }
            }
            let decisive = own.filter { $0.strength.value != 0 }
            let first = decisive.filter { ($0.shownOrder == .ab) == ($0.strength.value < 0) }.count
            return AnnotatorFigures(
                name: name, judgments: own.count, medianSeconds: median,
                consensusAgreement: compared == 0 ? nil : Double(agreeing) / Double(compared),
                firstShownPreferred: decisive.isEmpty ? nil : Double(first) / Double(decisive.count),
                tieShare: Double(own.filter { $0.strength.value == 0 }.count) / Double(own.count),
                bothBadShare: Double(own.filter(\.bothBad).count) / Double(own.count),
                meanAbsoluteStrength: Double(own.reduce(0) { $0 + abs($1.strength.value) }) / Double(own.count))
        }
        var kappa: [String: [String: Double]] = [:]
        for (i, a) in names.enumerated() {
            for b in names[(i + 1)...] {
                let pair = RatingTable(ratings: all.filter { $0.annotator == a || $0.annotator == b }
                    .map { (unit: $0.itemID, annotator: $0.annotator == a ? "0" : "1", value: Self.direction($0.strength.value)) })
                guard pair.annotators.count == 2, let first = pair.annotators.firstIndex(of: "0") else { continue }
                if let k = Agreement.cohenKappa(pair, first: first, second: 1 - first) {
                    kappa[a, default: [:]][b] = k
                    kappa[b, default: [:]][a] = k
                }
            }
        }
        self.kappa = kappa

        // Strength.
        var counts = Array(repeating: 0, count: 7)
        for j in all { counts[j.strength.value + 3] += 1 }
        strengthCounts = counts
        meanAbsoluteStrength = all.isEmpty ? nil : Double(all.reduce(0) { $0 + abs($1.strength.value) }) / Double(all.count)
        strengthLevels = (0...3).map { level in
            var agree = 0, pairs = 0, n = 0
            for j in all where abs(j.strength.value) == level {
                n += 1
                for o in byItem[j.itemID] ?? [] where o.annotator != j.annotator {
                    pairs += 1
                    if Self.direction(o.strength.value) == Self.direction(j.strength.value) { agree += 1 }
                }
            }
            return StrengthLevel(level: level, judgments: n, agreement: pairs == 0 ? nil : Double(agree) / Double(pairs))
        }

        // Items.
        contested = itemOrder.compactMap { id in
            let js = byItem[id]!
            let values = js.map(\.strength.value)
            guard let agreement = LabelProvenance.pairwiseAgreement(values.map { $0.signum() }) else { return nil }
            return ItemFigures(itemID: id, judgments: js.count, directionAgreement: agreement, strengthSpread: values.max()! - values.min()!)
        }.sorted {
            ($0.directionAgreement, -$0.strengthSpread, $0.itemID) < ($1.directionAgreement, -$1.strengthSpread, $1.itemID)
        }
    }
}

extension ProjectStatistics {
    /// A plain-text summary, one line per entry, for `pairwise stats` and the stats screen.
    public func summaryLines(contested limit: Int = 20) -> [String] {
        let s = self
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "n/a" }
        var lines = ["\(s.judgments) judgments on \(s.items) items", "",
                     "agreement                alpha    percent  AC1/AC2",
                     "direction (nominal)      \(f(s.direction.krippendorffAlpha))    \(f(s.direction.percentAgreement))    \(f(s.direction.gwetAC1))",
                     "strength (ordinal)       \(f(s.strengthOrdinal.krippendorffAlpha))    \(f(s.strengthOrdinal.percentAgreement))    \(f(s.strengthOrdinal.gwetAC2))",
                     "strength (interval)      \(f(s.strengthInterval.krippendorffAlpha))    \(f(s.strengthInterval.percentAgreement))    \(f(s.strengthInterval.gwetAC2))"]
        for r in s.rubricAlpha { lines.append(r.key.padded(25) + f(r.alpha)) }
        lines += ["", "annotator     judgments  median s  consensus  first shown  ties   both bad"]
        for a in s.annotators {
            lines.append(a.name.padded(14) + String(format: "%9d  ", a.judgments) + (a.medianSeconds.map { String(format: "%8.1f", $0) } ?? "       –")
                         + "  " + f(a.consensusAgreement).padded(9) + "  " + f(a.firstShownPreferred).padded(11)
                         + "  " + String(format: "%.2f   %.2f", a.tieShare, a.bothBadShare))
        }
        if s.annotators.count > 1 {
            let names = s.annotators.map(\.name)
            let width = max(8, (names.map(\.count).max() ?? 0) + 2)
            let first = max(25, width + 2)
            lines += ["", "cohen kappa (direction)".padded(first) + names.map { String($0.prefix(width - 1)).padded(width) }.joined()]
            for a in names {
                let row = names.map { b in (a == b ? "–" : s.kappa[a]?[b].map { String(format: "%.2f", $0) } ?? "n/a").padded(width) }
                lines.append(("  " + a).padded(first) + row.joined())
            }
        }
        lines += ["", "strength  " + (-3...3).map { String(format: "%+d:%d", $0, s.strengthCounts[$0 + 3]) }.joined(separator: "  "),
                  "mean |strength| \(f(s.meanAbsoluteStrength)); agreement by |strength|: "
                    + s.strengthLevels.map { "\($0.level): \(f($0.agreement))" }.joined(separator: ", ")]
        if !s.contested.isEmpty {
            lines += ["", "most contested: " + s.contested.prefix(limit).map { "\($0.itemID) (\(f($0.directionAgreement)), spread \($0.strengthSpread))" }.joined(separator: ", ")]
        }
        return lines.map { line in
            var line = Substring(line)
            while line.last == " " { line.removeLast() }
            return String(line)
        }
    }
}

extension String {
    func padded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
