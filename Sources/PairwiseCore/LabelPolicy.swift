/// Which labels count, decided here for every consumer and asked by each of them.
///
/// Always, for every consumer: a retracted label (an undo, a lead's undone decision) never
/// counts — consumers read the current labels only; an imported suggestion is never a label
/// (it is shown to annotators and scored in `stats`, nothing else); each annotator counts once
/// per item, with their latest live label.
///
/// What differs by consumer is written in `for(_:)`:
/// - Data a project hands out as people's preferences (every export, the leaderboard) leaves
///   out labels by simulated annotators and labels of gold items unless asked: gold items are
///   planted to check people, not to train on or rank models with.
/// - Analyses of the annotators themselves (agreement, the stats screen, the in-app trainer)
///   count simulated annotators — they are annotators of known accuracy, which is what
///   `simulate` is for — and still leave out gold items, which `stats` scores on their own.
/// - Where an item's label is one value (per-item exports, the trainer), a lead's current
///   adjudication is that value, and the item's judgments count whatever their origin (the
///   adjudication is a person's label); where each judgment is a row (judgment exports, the
///   leaderboard's battles, agreement), adjudications are not judgments and settle nothing.
public struct LabelPolicy: Sendable, Equatable {
    /// The parts of the product that read labels.
    public enum Consumer: String, Sendable, CaseIterable {
        /// Per-item exports: trl, hh-rlhf, helpsteer2, ranked, and the aggregated label of each item.
        case trainingExport
        /// Per-label exports: judgments, csv, rankings.
        case judgmentExport
        /// The project's model leaderboard (Bradley–Terry over battles).
        case leaderboard
        /// `stats`, `stats --json`, the review queue's contested items.
        case agreement
        /// The TUI's stats screen (the same figures as `stats`).
        case statsScreen
        /// The in-app reward model.
        case trainer
    }

    /// Labels by simulated annotators count.
    public var simulated: Bool
    /// Labels of gold items count.
    public var gold: Bool
    /// A lead's current adjudication is its item's label, and the item's judgments count
    /// whatever their origin.
    public var adjudicationSettles: Bool

    public init(simulated: Bool, gold: Bool, adjudicationSettles: Bool) {
        self.simulated = simulated
        self.gold = gold
        self.adjudicationSettles = adjudicationSettles
    }

    /// The policy of a consumer; `includeSimulated` and `includeGold` are the user's asking
    /// (`--include-simulated`, `--include-gold`) where the consumer leaves those out.
    public static func `for`(_ consumer: Consumer, includeSimulated: Bool = false, includeGold: Bool = false) -> LabelPolicy {
        switch consumer {
        case .trainingExport: LabelPolicy(simulated: includeSimulated, gold: includeGold, adjudicationSettles: true)
        case .judgmentExport, .leaderboard: LabelPolicy(simulated: includeSimulated, gold: includeGold, adjudicationSettles: false)
        case .agreement, .statsScreen: LabelPolicy(simulated: true, gold: includeGold, adjudicationSettles: false)
        case .trainer: LabelPolicy(simulated: true, gold: includeGold, adjudicationSettles: true)
        }
    }

    /// Whether a label counts, or why not.
    public enum Verdict: Sendable, Equatable {
        case counts
        case leftOutAsGold
        case leftOutAsSimulated
    }

    /// The verdict on a current label: made with `origin`, on a gold item or not, on an item a
    /// lead adjudicated or not. Gold comes first: a gold item's labels are left out whoever made them.
    public func verdict(origin: String?, onGoldItem: Bool, adjudicated: Bool) -> Verdict {
        if onGoldItem && !gold { return .leftOutAsGold }
        if origin == Judgment.simulatedOrigin && !simulated && !(adjudicationSettles && adjudicated) { return .leftOutAsSimulated }
        return .counts
    }

    /// Whether a lead's adjudication of an item counts (it is the item's label where labels
    /// are per item, and its item is not a gold item left out).
    public func countsAdjudication(onGoldItem: Bool) -> Bool {
        adjudicationSettles && (gold || !onGoldItem)
    }
}

/// How many labels a policy left out, and why (for the sentences on stderr).
public struct LeftOutLabels: Sendable, Equatable {
    public var simulated = 0
    public var gold = 0
    public init(simulated: Int = 0, gold: Int = 0) {
        self.simulated = simulated
        self.gold = gold
    }

    /// Counts one verdict.
    public mutating func add(_ verdict: LabelPolicy.Verdict) {
        switch verdict {
        case .counts: break
        case .leftOutAsGold: gold += 1
        case .leftOutAsSimulated: simulated += 1
        }
    }
}
