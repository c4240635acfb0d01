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
    public static func directionAlpha(counts: [Int32]) -> Double? {
        Agreement.krippendorffAlpha(unitCounts: counts, values: [0, 1, 2], level: .nominal)
    }

    /// Bootstrap resamples (seed 1) for α's 95% intervals, overall and by week.
    public static let resamples = 200

    /// Direction categories in the order their labels sort: "A", "B", "tie".
    static let directionLabels = ["A", "B", "tie"]
    static func direction(_ strength: Int8) -> Int { strength < 0 ? 0 : strength > 0 ? 1 : 2 }

    public init(judgments all: [Judgment], rubric: Rubric) {
        self.init(columns: JudgmentColumns(all), rubric: rubric)
    }

    /// From each annotator's one current judgment per item, as columns.
    public init(columns c: JudgmentColumns, rubric: Rubric) {
        judgments = c.count
        items = c.itemCount
        let directions = c.strength.map(Self.direction)
        let byDirection = Self.directionCounts(c)

        // Annotators who judged, in order of first appearance (as a rating table orders them).
        var column = [Int](repeating: -1, count: c.annotatorNames.count), raters: [String] = []
        for a in c.annotator where column[Int(a)] < 0 {
            column[Int(a)] = raters.count
            raters.append(c.annotatorNames[Int(a)])
        }
        direction = AgreementReport(Self.table(c, raters: raters, column: column, labels: Self.directionLabels, numeric: false) { directions[$0] },
                                    level: .nominal, bootstrap: Self.resamples)
        let strengths = Self.table(c, raters: raters, column: column, labels: (-3...3).map(String.init), numeric: true) { Int(c.strength[$0]) + 3 }
        strengthOrdinal = AgreementReport(strengths, level: .ordinal, bootstrap: Self.resamples)
        strengthInterval = AgreementReport(strengths, level: .interval, bootstrap: Self.resamples)
        let itemOfJudgment = rubric.dimensions.isEmpty ? [] : c.itemOfEachJudgment()
        rubricAlpha = rubric.dimensions.map { d in
            (d.key, Self.rubricAlpha(c, item: itemOfJudgment, raters: raters, column: column, values: c.rubric[d.key] ?? []))
        }

        let perAnnotator = Self.annotatorFigures(c, directions: directions, byDirection: byDirection)
        annotators = perAnnotator.figures
        kappa = Self.pairwiseKappa(c, directions: directions, order: perAnnotator.order)
        (strengthCounts, meanAbsoluteStrength, strengthLevels) = Self.strengthFigures(c, directions: directions, byDirection: byDirection)
        contested = Self.contestedItems(c, byDirection: byDirection)
    }

    /// Whether a judgment's direction is the strict majority of the other judgments of its
    /// item (`byDirection` counts this one too); nil when the others have no strict majority.
    static func agreesWithOthers(direction own: Int, item k: Int, byDirection: [Int32]) -> Bool? {
        let others = { (d: Int) in Int(byDirection[k * 3 + d]) - (d == own ? 1 : 0) }
        let (x, y, z) = (others(0), others(1), others(2))
        let top = max(x, y, z)
        guard top > 0, (x == top ? 1 : 0) + (y == top ? 1 : 0) + (z == top ? 1 : 0) == 1 else { return nil }
        return others(own) == top
    }

    /// Per item, its judgments by direction (A, B, tie), three counts an item.
    static func directionCounts(_ c: JudgmentColumns) -> [Int32] {
        var byDirection = [Int32](repeating: 0, count: c.itemCount * 3)
        for k in 0..<c.itemCount { for i in c.judgments(ofItem: k) { byDirection[k * 3 + direction(c.strength[i])] += 1 } }
        return byDirection
    }

    /// Each annotator's figures, by name, and their indices in that order.
    static func annotatorFigures(_ c: JudgmentColumns, directions: [Int], byDirection: [Int32]) -> (figures: [AnnotatorFigures], order: [Int]) {
        // Per annotator.
        var own = Array(repeating: [Int](), count: c.annotatorNames.count)
        for i in 0..<c.count { own[Int(c.annotator[i])].append(i) }
        var agreeing = [Int](repeating: 0, count: own.count), compared = [Int](repeating: 0, count: own.count)
        for k in 0..<c.itemCount {
            for i in c.judgments(ofItem: k) {
                guard let agrees = agreesWithOthers(direction: directions[i], item: k, byDirection: byDirection) else { continue }
                let a = Int(c.annotator[i])
                compared[a] += 1
                if agrees { agreeing[a] += 1 }
            }
        }
        let order = own.indices.filter { !own[$0].isEmpty }.sorted { c.annotatorNames[$0] < c.annotatorNames[$1] }
        let figures = order.map { a in
            let mine = own[a]
            var times = mine.map { c.milliseconds[$0] }
            let median = MiddleValue.middle(&times).map { Double(($0.low + $0.high) / 2) / 1000 }
            let decisive = mine.filter { c.strength[$0] != 0 }
            let first = decisive.filter { c.shownAFirst[$0] == (c.strength[$0] < 0) }.count
            return AnnotatorFigures(
                name: c.annotatorNames[a], judgments: mine.count, medianSeconds: median,
                consensusAgreement: compared[a] == 0 ? nil : Double(agreeing[a]) / Double(compared[a]),
                firstShownPreferred: decisive.isEmpty ? nil : Double(first) / Double(decisive.count),
                tieShare: Double(mine.filter { c.strength[$0] == 0 }.count) / Double(mine.count),
                bothBadShare: Double(mine.filter { c.bothBad[$0] }.count) / Double(mine.count),
                meanAbsoluteStrength: Double(mine.reduce(0) { $0 + abs(Int(c.strength[$1])) }) / Double(mine.count))
        }
        return (figures, order)
    }

    /// Cohen's kappa on the direction for each pair of annotators (both ways round).
    static func pairwiseKappa(_ c: JudgmentColumns, directions: [Int], order: [Int]) -> [String: [String: Double]] {
        // Cohen's kappa on the direction per pair of annotators, rows the name sorted first.
        let people = c.annotatorNames.count
        var confusion = [Int](repeating: 0, count: people * people * 9)
        for k in 0..<c.itemCount {
            let range = c.judgments(ofItem: k)
            for i in range {
                for j in range where j > i {
                    var (x, y, dx, dy) = (Int(c.annotator[i]), Int(c.annotator[j]), directions[i], directions[j])
                    if c.annotatorNames[y] < c.annotatorNames[x] { (x, y, dx, dy) = (y, x, dy, dx) }
                    confusion[(x * people + y) * 9 + dx * 3 + dy] += 1
                }
            }
        }
        var kappa: [String: [String: Double]] = [:]
        for (n, x) in order.enumerated() {
            for y in order[(n + 1)...] {
                let cell = (x * people + y) * 9
                if let k = Agreement.cohenKappa(confusion: Array(confusion[cell..<cell + 9]), categories: 3) {
                    kappa[c.annotatorNames[x], default: [:]][c.annotatorNames[y]] = k
                    kappa[c.annotatorNames[y], default: [:]][c.annotatorNames[x]] = k
                }
            }
        }
        return kappa
    }

    /// The strength distribution, its mean absolute value, and agreement per strength level.
    static func strengthFigures(_ c: JudgmentColumns, directions: [Int], byDirection: [Int32]) -> (counts: [Int], mean: Double?, levels: [StrengthLevel]) {
        // Strength.
        var counts = Array(repeating: 0, count: 7), absoluteSum = 0
        var levelJudgments = [0, 0, 0, 0], levelPairs = [0, 0, 0, 0], levelAgreeing = [0, 0, 0, 0]
        for k in 0..<c.itemCount {
            let range = c.judgments(ofItem: k)
            for i in range {
                let level = abs(Int(c.strength[i]))
                counts[Int(c.strength[i]) + 3] += 1
                absoluteSum += level
                levelJudgments[level] += 1
                levelPairs[level] += range.count - 1
                levelAgreeing[level] += Int(byDirection[k * 3 + directions[i]]) - 1
            }
        }
        let mean = c.count == 0 ? nil : Double(absoluteSum) / Double(c.count)
        let levels = (0...3).map { level in
            StrengthLevel(level: level, judgments: levelJudgments[level],
                          agreement: levelPairs[level] == 0 ? nil : Double(levelAgreeing[level]) / Double(levelPairs[level]))
        }
        return (counts, mean, levels)
    }

    /// Items with two or more judgments: least agreement first, then the widest spread, then by id.
    static func contestedItems(_ c: JudgmentColumns, byDirection: [Int32]) -> [ItemFigures] {
        // Items: least agreement first, then the widest spread, then by id.
        var figures: [(agreement: Double, spread: Int, rank: Int32, item: Int)] = []
        for k in 0..<c.itemCount {
            let range = c.judgments(ofItem: k)
            guard let agreement = LabelProvenance.pairwiseAgreement(counts: (0..<3).map { Int(byDirection[k * 3 + $0]) }) else { continue }
            let values = range.map { c.strength[$0] }
            figures.append((agreement, Int(values.max()! - values.min()!), c.itemIDRanks[k], k))
        }
        figures.sort { ($0.agreement, -$0.spread, $0.rank) < ($1.agreement, -$1.spread, $1.rank) }
        return figures.map {
            ItemFigures(itemID: c.itemIDs[$0.item], judgments: c.judgments(ofItem: $0.item).count, directionAgreement: $0.agreement, strengthSpread: $0.spread)
        }
    }

    /// One value per judgment as a rating table: units the items, columns the raters.
    /// `labels` are in category order; categories are the ones used.
    static func table(_ c: JudgmentColumns, raters: [String], column: [Int], labels: [String], numeric: Bool,
                      value: (Int) -> Int) -> RatingTable {
        var used = [Bool](repeating: false, count: labels.count)
        for i in 0..<c.count { used[value(i)] = true }
        var category = [Int32](repeating: -1, count: labels.count), categoryLabels: [String] = [], categoryValues: [Double] = []
        for v in labels.indices where used[v] {
            category[v] = Int32(categoryLabels.count)
            categoryLabels.append(labels[v])
            categoryValues.append(numeric ? Double(labels[v])! : Double(categoryLabels.count))
        }
        var codes = [Int32](repeating: -1, count: c.itemCount * raters.count)
        for k in 0..<c.itemCount {
            for i in c.judgments(ofItem: k) { codes[k * raters.count + column[Int(c.annotator[i])]] = category[value(i)] }
        }
        return RatingTable(units: c.itemIDs, annotators: raters, categoryLabels: categoryLabels, categoryValues: categoryValues, codes: codes)
    }

    /// Krippendorff's alpha (ordinal) on one rubric dimension: a comparative value rates
    /// the item, a per-response pair rates each response.
    /// - Parameter item: each judgment's item index.
    static func rubricAlpha(_ c: JudgmentColumns, item: [Int], raters: [String], column: [Int],
                            values: [(judgment: Int32, value: RubricValue)]) -> Double? {
        var ratings: [(unit: Int, rater: Int, value: Int)] = []
        for (judgment, value) in values {
            let i = Int(judgment), rater = column[Int(c.annotator[i])]
            switch value {
            case .comparative(let v): ratings.append((item[i] * 3, rater, v))
            case .perResponse(let a, let b): ratings += [(item[i] * 3 + 1, rater, a), (item[i] * 3 + 2, rater, b)]
            }
        }
        let present = Set(ratings.map(\.value)).sorted()
        let category = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, Int32($0)) })
        var codes = [Int32](repeating: -1, count: c.itemCount * 3 * raters.count)
        for r in ratings { codes[r.unit * raters.count + r.rater] = category[r.value]! }
        let table = RatingTable(units: Array(repeating: "", count: c.itemCount * 3), annotators: raters, categoryLabels: present.map(String.init),
                                categoryValues: present.map(Double.init), codes: codes)
        return Agreement.krippendorffAlpha(table, level: .ordinal)
    }
}

extension ProjectStatistics {
    /// A plain-text summary, one line per entry, for `pairwise stats` and the stats screen.
    /// `prompts`: each contested item's prompt in a line, when known (shown beside its id).
    public func summaryLines(contested limit: Int = 20, prompts: [String: String] = [:]) -> [String] {
        let s = self
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "n/a" }
        // Columns stay aligned whatever the values ("n/a") and the names' lengths.
        func row(_ label: String, _ values: [Double?]) -> String { label.padded(25) + values.map { f($0).padded(9) }.joined() }
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var lines = ["\(count(s.judgments, "judgment")) on \(count(s.items, "item"))", "",
                     "agreement".padded(25) + ["alpha", "percent", "AC1/AC2"].map { $0.padded(9) }.joined(),
                     row("direction (nominal)", [s.direction.krippendorffAlpha, s.direction.percentAgreement, s.direction.gwetAC1]),
                     row("strength (ordinal)", [s.strengthOrdinal.krippendorffAlpha, s.strengthOrdinal.percentAgreement, s.strengthOrdinal.gwetAC2]),
                     row("strength (interval)", [s.strengthInterval.krippendorffAlpha, s.strengthInterval.percentAgreement, s.strengthInterval.gwetAC2])]
        for r in s.rubricAlpha { lines.append(row(r.key, [r.alpha])) }
        let nameWidth = max(14, (s.annotators.map(\.name.count).max() ?? 0) + 2)
        lines += ["", "annotator".padded(nameWidth) + "judgments  median s  consensus  first shown  ties   both bad"]
        for a in s.annotators {
            lines.append(a.name.padded(nameWidth) + String(format: "%9d  ", a.judgments) + (a.medianSeconds.map { String(format: "%8.1f", $0) } ?? "       –")
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
            // One item a line: its id, figures and the start of its prompt, to recognise it by.
            lines += ["", "most contested (direction agreement, strength spread, prompt):"]
            let width = s.contested.prefix(limit).map(\.itemID.count).max() ?? 0
            for item in s.contested.prefix(limit) {
                let prompt = prompts[item.itemID].map { "  " + String($0.prefix(60)) + ($0.count > 60 ? "…" : "") } ?? ""
                lines.append("  " + item.itemID.padding(toLength: width, withPad: " ", startingAt: 0)
                             + "  \(f(item.directionAgreement))  \(String(item.strengthSpread).padding(toLength: 2, withPad: " ", startingAt: 0))" + prompt)
            }
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
