import Foundation
import PairwiseCore
import PairwiseStore

/// Which items a lead's review lists, and in what order: contested items (two or more
/// judgments whose direction is not unanimous, or whose strengths spread 3 or more) most
/// contested first, then flagged items, then the reward model's suspect labels. Items a lead
/// has already adjudicated are left out.
public struct ReviewQueue: Sendable {
    /// Narrows the list.
    public struct Filter: Equatable, Sendable {
        /// Only items this annotator judged.
        public var annotator: String?
        /// Only items whose judgments disagree on this rubric dimension.
        public var dimension: String?
        public var flaggedOnly = false
        public init(annotator: String? = nil, dimension: String? = nil, flaggedOnly: Bool = false) {
            self.annotator = annotator
            self.dimension = dimension
            self.flaggedOnly = flaggedOnly
        }
    }

    public struct Entry: Equatable, Sendable {
        public var rowID: Int64
        /// Why it is listed, e.g. "direction split (agreement 0.33), strengths −2…+2".
        public var why: String
    }

    /// Strength spread at which agreeing directions still count as contested.
    public static let contestedSpread = 3

    public var entries: [Entry]

    /// - Parameter suspects: item row ids the model contradicts, with its confidence.
    public init(material: ReviewMaterial, suspects: [Int64: Double], filter: Filter = Filter()) {
        var contested: [(rowID: Int64, agreement: Double, spread: Int, why: String)] = []
        var flagged: [Entry] = [], suspected: [(entry: Entry, confidence: Double)] = []
        let candidates = Set(material.judgments.keys).union(material.flags.keys).union(suspects.keys)
        for rowID in candidates.sorted() where material.adjudications[rowID] == nil {
            let judgments = material.judgments[rowID] ?? []
            if let name = filter.annotator, !judgments.contains(where: { $0.annotator == name }) { continue }
            if let key = filter.dimension, !Self.disagree(on: key, judgments) { continue }
            let flags = material.flags[rowID]
            if filter.flaggedOnly && flags == nil { continue }
            let strengths = judgments.map(\.strength.value)
            let agreement = LabelProvenance.pairwiseAgreement(strengths.map { $0.signum() })
            let spread = (strengths.max() ?? 0) - (strengths.min() ?? 0)
            var reasons: [String] = []
            if let agreement, agreement < 1 || spread >= Self.contestedSpread {
                reasons.append(agreement < 1 ? "direction split (agreement \(Self.format(agreement)))" : "same direction")
                reasons.append("strengths \(Self.signed(strengths.min()!))…\(Self.signed(strengths.max()!))")
            }
            if let flags {
                let given = flags.compactMap { $0 }
                reasons.append("flagged ×\(flags.count)" + (given.isEmpty ? "" : ": " + given.joined(separator: "; ")))
            }
            if let confidence = suspects[rowID] { reasons.append("model contradicts a label (P \(Self.format(confidence)))") }
            guard !reasons.isEmpty else { continue }
            let why = reasons.joined(separator: ", ")
            if let agreement, agreement < 1 || spread >= Self.contestedSpread {
                contested.append((rowID, agreement, spread, why))
            } else if flags != nil {
                flagged.append(Entry(rowID: rowID, why: why))
            } else {
                suspected.append((Entry(rowID: rowID, why: why), suspects[rowID]!))
            }
        }
        contested.sort { ($0.agreement, -$0.spread, $0.rowID) < ($1.agreement, -$1.spread, $1.rowID) }
        suspected.sort { ($1.confidence, $0.entry.rowID) < ($0.confidence, $1.entry.rowID) }
        entries = contested.map { Entry(rowID: $0.rowID, why: $0.why) } + flagged + suspected.map(\.entry)
    }

    /// Whether the judgments differ on a rubric dimension: a different side on a comparative
    /// one, ratings 2 or more apart on a per-response one.
    static func disagree(on key: String, _ judgments: [Judgment]) -> Bool {
        var sides = Set<Int>(), a: [Int] = [], b: [Int] = []
        for j in judgments {
            switch j.rubric[key] {
            case .comparative(let v)?: sides.insert(v.signum())
            case .perResponse(let x, let y)?: a.append(x); b.append(y)
            case nil: break
            }
        }
        let spread = { (v: [Int]) in (v.max() ?? 0) - (v.min() ?? 0) }
        return sides.count > 1 || spread(a) >= 2 || spread(b) >= 2
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : value < 0 ? "−\(-value)" : "0" }
}
