/// Current judgments as parallel columns, each item's judgments together: what project
/// statistics read at a million judgments, without a `Judgment` (and its strings) for each.
public struct JudgmentColumns: Sendable {
    /// Per item, in the order they are grouped: its id (none when read unnamed) and row id.
    public var itemIDs: [String] = []
    public var itemRowIDs: [Int64] = []
    /// Where each item's judgments start; one entry more than items (the end).
    public var itemStarts: [Int32] = [0]
    /// Each item's place when the items are sorted by id.
    public var itemIDRanks: [Int32] = []
    public var annotatorNames: [String] = []
    /// Per judgment: index into `annotatorNames`.
    public var annotator: [Int32] = []
    public var strength: [Int8] = []
    public var bothBad: [Bool] = []
    /// Whether response A was shown first.
    public var shownAFirst: [Bool] = []
    public var milliseconds: [Int] = []
    /// The day each was made (days since 1970-01-01, UTC).
    public var day: [Int32] = []
    /// The guidelines version each was made under (0: none).
    public var guidelinesVersion: [Int32] = []
    /// Rubric values by dimension key, as (judgment index, value) in judgment order.
    public var rubric: [String: [(judgment: Int32, value: RubricValue)]] = [:]

    public var count: Int { strength.count }
    public var itemCount: Int { itemRowIDs.count }

    /// Each judgment's item index.
    public func itemOfEachJudgment() -> [Int] {
        var item = [Int](repeating: 0, count: count)
        for k in 0..<itemCount { for i in judgments(ofItem: k) { item[i] = k } }
        return item
    }

    /// The judgment indices of item `k`.
    public func judgments(ofItem k: Int) -> Range<Int> { Int(itemStarts[k])..<Int(itemStarts[k + 1]) }

    public init() {}

    /// From judgments: items in order of first appearance (row ids by that order, from 1),
    /// annotators in order of first appearance.
    public init(_ all: [Judgment]) {
        var itemIndex: [String: Int] = [:], byItem: [[Int]] = []
        for (n, j) in all.enumerated() {
            if let k = itemIndex[j.itemID] { byItem[k].append(n); continue }
            itemIndex[j.itemID] = itemIDs.count
            itemIDs.append(j.itemID)
            byItem.append([n])
        }
        itemRowIDs = itemIDs.indices.map { Int64($0 + 1) }
        var annotatorIndex: [String: Int32] = [:]
        for list in byItem {
            for n in list {
                let j = all[n]
                let a = annotatorIndex[j.annotator] ?? {
                    annotatorIndex[j.annotator] = Int32(annotatorNames.count)
                    annotatorNames.append(j.annotator)
                    return Int32(annotatorNames.count - 1)
                }()
                for (key, value) in j.rubric { rubric[key, default: []].append((Int32(count), value)) }
                append(annotator: a, strength: j.strength.value, bothBad: j.bothBad, shownAFirst: j.shownOrder == .ab, milliseconds: j.milliseconds,
                       day: Int32((j.createdAt.timeIntervalSince1970 / 86_400).rounded(.down)))
            }
            itemStarts.append(Int32(count))
        }
        itemIDRanks = Self.ranks(of: itemIDs)
    }

    /// Adds one judgment to the item being grouped (close it with `itemStarts.append(count)`).
    public mutating func append(annotator: Int32, strength: Int, bothBad: Bool, shownAFirst: Bool, milliseconds: Int, guidelinesVersion: Int = 0,
                                day: Int32 = 0) {
        self.day.append(day)
        self.guidelinesVersion.append(Int32(guidelinesVersion))
        self.annotator.append(annotator)
        self.strength.append(Int8(strength))
        self.bothBad.append(bothBad)
        self.shownAFirst.append(shownAFirst)
        self.milliseconds.append(milliseconds)
    }

    /// Appends the judgments of items that come after these (read with the same annotators).
    public mutating func append(contentsOf other: JudgmentColumns) {
        let offset = Int32(count)
        itemIDs += other.itemIDs
        itemRowIDs += other.itemRowIDs
        itemStarts += other.itemStarts.dropFirst().map { $0 + offset }
        itemIDRanks += other.itemIDRanks
        annotator += other.annotator
        strength += other.strength
        bothBad += other.bothBad
        shownAFirst += other.shownAFirst
        milliseconds += other.milliseconds
        day += other.day
        guidelinesVersion += other.guidelinesVersion
        for (key, values) in other.rubric { rubric[key, default: []] += values.map { ($0.judgment + offset, $0.value) } }
    }

    /// Direction agreement material per guidelines version: for each version, the items whose
    /// judgments (two or more) were all made under it, as counts of A / B / neither per item
    /// (for `ProjectStatistics.directionAlpha`), and how many judgments were made under it.
    public func directionCountsByGuidelinesVersion() -> [(version: Int?, judgments: Int, counts: [Int32])] {
        var judgments: [Int32: Int] = [:], counts: [Int32: [Int32]] = [:]
        for k in 0..<itemCount {
            let range = self.judgments(ofItem: k)
            var tally: [Int32] = [0, 0, 0]
            var single = true
            for i in range {
                judgments[guidelinesVersion[i], default: 0] += 1
                single = single && guidelinesVersion[i] == guidelinesVersion[range.lowerBound]
                tally[strength[i] < 0 ? 0 : strength[i] > 0 ? 1 : 2] += 1
            }
            if single && range.count >= 2 { counts[guidelinesVersion[range.lowerBound], default: []] += tally }
        }
        return judgments.keys.sorted().map { version in (version == 0 ? nil : Int(version), judgments[version]!, counts[version] ?? []) }
    }

    /// Each id's place in sorted order.
    public static func ranks(of ids: [String]) -> [Int32] {
        var ranks = [Int32](repeating: 0, count: ids.count)
        for (rank, k) in ids.indices.sorted(by: { ids[$0] < ids[$1] }).enumerated() { ranks[k] = Int32(rank) }
        return ranks
    }
}
