/// Narrows a lead's review list.
public struct ReviewFilter: Equatable, Sendable {
    /// Strength spread at which judgments agreeing on the direction still count as contested.
    public static let contestedSpread = 3

    /// Whether an item with this direction agreement and strength spread is contested (what
    /// review lists and `stats`' next steps count): split on the direction, or spread that far.
    public static func isContested(agreement: Double, spread: Int) -> Bool {
        agreement < 1 || spread >= contestedSpread
    }

    /// Only items this annotator judged (or ranked).
    public var annotator: String?
    /// Only items whose judgments (or rankings' values) disagree on this rubric dimension.
    public var dimension: String?
    public var flaggedOnly = false

    public init(annotator: String? = nil, dimension: String? = nil, flaggedOnly: Bool = false) {
        self.annotator = annotator
        self.dimension = dimension
        self.flaggedOnly = flaggedOnly
    }

    /// No narrowing: the whole list.
    public var isEmpty: Bool { annotator == nil && dimension == nil && !flaggedOnly }

    /// Whether the values differ on a rubric dimension: a different side on a comparative
    /// one, ratings 2 or more apart on a per-response one.
    public static func disagree(_ values: [RubricValue]) -> Bool {
        var sides = Set<Int>(), a: [Int] = [], b: [Int] = []
        for value in values {
            switch value {
            case .comparative(let v): sides.insert(v.signum())
            case .perResponse(let x, let y): a.append(x); b.append(y)
            }
        }
        let spread = { (v: [Int]) in (v.max() ?? 0) - (v.min() ?? 0) }
        return sides.count > 1 || spread(a) >= 2 || spread(b) >= 2
    }
}

/// Where a contested tally's items come in review: the lowest direction agreement first,
/// then the widest strength spread (row ids ascending among equal keys).
public struct ReviewOrderKey: Comparable, Hashable, Sendable {
    /// The agreement's bits: a number from 0 to 1 orders as its bits do.
    let agreement: UInt64
    let negativeSpread: Int

    /// The key of a contested tally; nil for one that is not contested.
    public init?(contested tally: ItemTally) {
        guard let agreement = tally.directionAgreement, let range = tally.strengths,
              ReviewFilter.isContested(agreement: agreement, spread: range.upperBound - range.lowerBound) else { return nil }
        (self.agreement, negativeSpread) = (agreement.bitPattern, range.lowerBound - range.upperBound)
    }

    public static func < (a: ReviewOrderKey, b: ReviewOrderKey) -> Bool { (a.agreement, a.negativeSpread) < (b.agreement, b.negativeSpread) }
}

/// One item's current judgments in brief: how many prefer A, B and neither, and the
/// range of their strengths (what the item row keeps at write time).
public struct ItemTally: Hashable, Sendable {
    public var preferA = 0, preferB = 0, preferNeither = 0
    /// Lowest…highest strength; nil without judgments.
    public var strengths: ClosedRange<Int>?

    public init(preferA: Int, preferB: Int, preferNeither: Int, strengths: ClosedRange<Int>?) {
        (self.preferA, self.preferB, self.preferNeither, self.strengths) = (preferA, preferB, preferNeither, strengths)
    }

    public init(_ judgments: [Judgment]) {
        let values = judgments.map(\.strength.value)
        for v in values {
            if v < 0 { preferA += 1 } else if v > 0 { preferB += 1 } else { preferNeither += 1 }
        }
        if let low = values.min(), let high = values.max() { strengths = low...high }
    }

    /// Share of pairs of judgments agreeing on the direction; nil below two judgments.
    public var directionAgreement: Double? {
        // LabelProvenance.pairwiseAgreement(counts:) on the three counts, without an array:
        // review computes it for every contested item.
        let n = preferA + preferB + preferNeither
        guard n >= 2 else { return nil }
        let agreeing = preferA * (preferA - 1) + preferB * (preferB - 1) + preferNeither * (preferNeither - 1)
        return Double(agreeing) / Double(n * (n - 1))
    }
}

/// What a lead's review lists: the items whose judgments split on the direction, are
/// flagged, or the model contradicts, that pass the filter and have no standing
/// adjudication, each in brief, and the flags raised on them.
public struct ReviewMaterial: Equatable, Sendable {
    /// The listed items grouped by tally, each group's row ids ascending: a million judgments
    /// make a few hundred kinds of tally, and review orders kinds, not items.
    public private(set) var groups: [ItemTally: [Int64]]
    /// Flag reasons per item row id (nil: flagged without a reason).
    public var flags: [Int64: [String?]]

    /// Each listed item's tally, by row id.
    public var tallies: [Int64: ItemTally] {
        var byRow: [Int64: ItemTally] = [:]
        for (tally, rowIDs) in groups { for rowID in rowIDs { byRow[rowID] = tally } }
        return byRow
    }

    public init(tallies: [Int64: ItemTally], flags: [Int64: [String?]]) {
        var groups: [ItemTally: [Int64]] = [:]
        for (rowID, tally) in tallies { groups[tally, default: []].append(rowID) }
        self.init(groups: groups.mapValues { $0.sorted() }, flags: flags)
    }

    /// - Parameter groups: row ids by tally, each list ascending.
    public init(groups: [ItemTally: [Int64]], flags: [Int64: [String?]]) {
        self.groups = groups.filter { !$0.value.isEmpty }
        self.flags = flags
    }

    /// Whether an item with this tally is listed.
    public func lists(_ rowID: Int64, tally: ItemTally) -> Bool {
        guard let rowIDs = groups[tally] else { return false }
        var low = 0, high = rowIDs.count
        while low < high {
            let middle = (low + high) / 2
            if rowIDs[middle] < rowID { low = middle + 1 } else { high = middle }
        }
        return low < rowIDs.count && rowIDs[low] == rowID
    }

    /// The definition, from every current judgment (by item row id): what
    /// `ProjectStore.reviewMaterial` reads from the kept tallies.
    public init(judgments: [Int64: [Judgment]], adjudications: [Int64: Adjudication] = [:], flags: [Int64: [String?]] = [:],
                suspects: Set<Int64> = [], filter: ReviewFilter = ReviewFilter()) {
        var tallies: [Int64: ItemTally] = [:], listedFlags: [Int64: [String?]] = [:]
        for rowID in Set(judgments.keys).union(flags.keys).union(suspects) where adjudications[rowID] == nil {
            let list = judgments[rowID] ?? []
            if let name = filter.annotator, !list.contains(where: { $0.annotator == name }) { continue }
            if let key = filter.dimension, !ReviewFilter.disagree(list.compactMap { $0.rubric[key] }) { continue }
            if filter.flaggedOnly && flags[rowID] == nil { continue }
            let tally = ItemTally(list)
            guard (tally.directionAgreement ?? 1) < 1 || flags[rowID] != nil || suspects.contains(rowID) else { continue }
            tallies[rowID] = tally
            listedFlags[rowID] = flags[rowID]
        }
        self.init(tallies: tallies, flags: listedFlags)
    }
}
