import Foundation
import PairwiseCore

/// Which items a lead's review lists, and in what order: contested items (two or more
/// judgments whose direction is not unanimous, or whose strengths spread 3 or more) most
/// contested first, then flagged items, then the reward model's suspect labels. Items a lead
/// has already adjudicated are left out (the material has none).
public struct ReviewQueue: Sendable {
    public typealias Filter = ReviewFilter

    public struct Entry: Equatable, Sendable {
        public var rowID: Int64
        let reason: Reason

        enum Reason: Equatable, Sendable {
            case listed(ItemTally, flags: [String?]?, confidence: Double?)
            case text(String)
        }

        public init(rowID: Int64, why: String) {
            self.rowID = rowID
            reason = .text(why)
        }

        init(rowID: Int64, tally: ItemTally, flags: [String?]?, confidence: Double?) {
            self.rowID = rowID
            reason = .listed(tally, flags: flags, confidence: confidence)
        }

        /// Why it is listed, e.g. "direction split (agreement 0.33), strengths −2…+2";
        /// written when shown, not for every entry of a long list.
        public var why: String {
            switch reason {
            case .text(let text): return text
            case .listed(let tally, let flags, let confidence):
                var reasons: [String] = []
                if ReviewQueue.isContested(tally), let agreement = tally.directionAgreement, let range = tally.strengths {
                    reasons.append(agreement < 1 ? "direction split (agreement \(ReviewQueue.format(agreement)))" : "same direction")
                    reasons.append("strengths \(ReviewQueue.signed(range.lowerBound))…\(ReviewQueue.signed(range.upperBound))")
                }
                if let flags {
                    let given = flags.compactMap { $0 }
                    reasons.append("flagged ×\(flags.count)" + (given.isEmpty ? "" : ": " + given.joined(separator: "; ")))
                }
                if let confidence { reasons.append("model contradicts a label (P \(ReviewQueue.format(confidence)))") }
                return reasons.joined(separator: ", ")
            }
        }
    }

    /// Strength spread at which agreeing directions still count as contested.
    public static let contestedSpread = ReviewFilter.contestedSpread

    public var entries: [Entry]

    /// - Parameter suspects: item row ids the model contradicts, with its confidence.
    public init(material: ReviewMaterial, suspects: [Int64: Double]) {
        // Contested items come kind of tally by kind (one sort key each), row ids ascending
        // within a key: kinds are sorted, items only merged where two kinds share a key.
        var contested: [(key: ReviewOrderKey, rowIDs: [Int64], tally: ItemTally)] = []
        var flagged: [Entry] = [], suspected: [(entry: Entry, confidence: Double)] = []
        let anyFlags = !material.flags.isEmpty, anySuspects = !suspects.isEmpty
        for (tally, rowIDs) in material.groups {
            if let key = ReviewOrderKey(contested: tally) {
                contested.append((key, rowIDs, tally))
                continue
            }
            for rowID in rowIDs {
                let flags = anyFlags ? material.flags[rowID] : nil, confidence = anySuspects ? suspects[rowID] : nil
                let entry = Entry(rowID: rowID, tally: tally, flags: flags, confidence: confidence)
                if flags != nil {
                    flagged.append(entry)
                } else if let confidence {
                    suspected.append((entry, confidence))
                }
            }
        }
        contested.sort { $0.key < $1.key }
        var ordered: [Entry] = []
        ordered.reserveCapacity(contested.reduce(0) { $0 + $1.rowIDs.count } + flagged.count + suspected.count)
        var start = 0
        while start < contested.count {
            var end = start + 1
            while end < contested.count && contested[end].key == contested[start].key { end += 1 }
            var rows: [(rowID: Int64, kind: Int)] = []
            for kind in start..<end { rows += contested[kind].rowIDs.map { ($0, kind) } }
            if end - start > 1 { rows.sort { $0.rowID < $1.rowID } }
            for (rowID, kind) in rows {
                ordered.append(Entry(rowID: rowID, tally: contested[kind].tally, flags: anyFlags ? material.flags[rowID] : nil,
                                     confidence: anySuspects ? suspects[rowID] : nil))
            }
            start = end
        }
        flagged.sort { $0.rowID < $1.rowID }
        suspected.sort { ($1.confidence, $0.entry.rowID) < ($0.confidence, $1.entry.rowID) }
        entries = ordered + flagged + suspected.map(\.entry)
    }

    /// Two or more judgments, split on the direction or spread `contestedSpread` or more.
    static func isContested(_ tally: ItemTally) -> Bool {
        guard let agreement = tally.directionAgreement, let range = tally.strengths else { return false }
        return ReviewFilter.isContested(agreement: agreement, spread: range.upperBound - range.lowerBound)
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    static func signed(_ value: Int) -> String { value > 0 ? "+\(value)" : value < 0 ? "−\(-value)" : "0" }
}
