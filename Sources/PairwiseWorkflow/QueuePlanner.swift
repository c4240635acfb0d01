import PairwiseCore
import PairwiseStats
import PairwiseStore

/// How an annotator's queue is ordered.
public enum QueueOrder: String, Sendable, CaseIterable {
    /// A seeded shuffle, fixed per annotator.
    case shuffled
    /// Most uncertain pairs for the newest model first (active learning); the shuffle breaks ties.
    case uncertainty
}

/// An annotator's queue and where they stand in the qualification round.
public struct QueuePlan: Sendable {
    /// Item row ids in the order to show them.
    public var items: [Int64]
    public var qualification: QualificationStatus
    /// What to say when the queue is empty for a reason other than being done (a failed or
    /// short qualification round); nil otherwise.
    public var emptyQueueLines: [String]?
}

/// Plans an annotator's queue: the qualification round's gold items while it lasts, none
/// after a failed round, else the items needing judgments with unseen gold items placed
/// among them (the plan never says which are gold: on PostgreSQL an annotator may not know),
/// in shuffled or uncertainty order.
public struct QueuePlanner: Sendable {
    public let store: ProjectStore
    public let annotatorID: Int64
    public let annotator: String
    /// Leads set the gold answers: they have no qualification round.
    public let isLead: Bool
    public let overlap: Int
    public let seed: UInt64
    /// The order asked for; nil: by model uncertainty once a model exists, else shuffled.
    public let order: QueueOrder?

    public init(store: ProjectStore, annotatorID: Int64, annotator: String, isLead: Bool, overlap: Int, seed: UInt64, order: QueueOrder?) {
        self.store = store
        self.annotatorID = annotatorID
        self.annotator = annotator
        self.isLead = isLead
        self.overlap = overlap
        self.seed = seed
        self.order = order
    }

    /// The plan under the project's quality settings.
    public func plan(quality: QualitySettings) throws -> QueuePlan {
        let qualification = try qualificationStatus(quality: quality)
        switch qualification {
        case .inProgress(let done, _, let required):
            return QueuePlan(items: GoldSchedule.shuffled(try store.qualificationQueue(annotatorID: annotatorID, missing: required - done), salt: goldSalt),
                             qualification: qualification,
                             emptyQueueLines: ["The qualification round needs \(required - done) more gold items than the project has for you.",
                                               "Ask your lead to add gold items (pairwise gold add FILE)."])
        case .failed(let correct, let required):
            return QueuePlan(items: [], qualification: qualification,
                             emptyQueueLines: ["You answered \(correct) of \(required) qualification items as expected: not enough to qualify.",
                                               "Your lead sees this in pairwise stats and may give you another round. Press q to quit."])
        case .notRequired, .passed:
            let items = try store.placeGold(in: try regularQueue(goldRate: quality.goldRate), annotatorID: annotatorID, rate: quality.goldRate, salt: goldSalt)
            return QueuePlan(items: items, qualification: qualification, emptyQueueLines: nil)
        }
    }

    /// The start of `plan(quality:)`'s queue (its first `count` items and more where gold
    /// falls among them) and the whole plan's length, when `ProjectStore.queueStart` can tell
    /// them without ordering every open item (a first screen at millions of open items); nil
    /// otherwise, and during or after a qualification round (short queues).
    public func start(quality: QualitySettings, count: Int = 64, minimumOpen: Int = 200_000) throws -> (plan: QueuePlan, total: Int)? {
        let qualification = try qualificationStatus(quality: quality)
        switch qualification {
        case .inProgress, .failed: return nil
        case .notRequired, .passed: break
        }
        guard try !store.heldToAnnotatorRules(),
              let start = try store.queueStart(annotatorID: annotatorID, overlap: overlap, seed: seed, gold: try store.goldItemIDs(),
                                               uncertainties: try uncertainties(), count: count, minimumOpen: minimumOpen) else { return nil }
        // As `plan` places them: the unseen gold items among the regular ones.
        let unseen = quality.goldRate > 0 ? try store.unseenGoldItems(annotatorID: annotatorID) : []
        let items = GoldSchedule.mix(queue: start.items, unseenGold: unseen, rate: quality.goldRate, salt: goldSalt)
        let total = start.total + GoldSchedule.placedCount(queueCount: start.total, unseenGold: unseen.count, rate: quality.goldRate, salt: goldSalt)
        return (QueuePlan(items: items, qualification: qualification, emptyQueueLines: nil), total)
    }

    /// The seed of where gold items go in this annotator's queue.
    private var goldSalt: UInt64 { seed ^ SplitMix64.mix(UInt64(bitPattern: annotatorID) ^ 0x0A11) }

    /// Where the annotator stands in the qualification round.
    private func qualificationStatus(quality: QualitySettings) throws -> QualificationStatus {
        let answers = try store.goldFirstAnswers(annotatorID: annotatorID)
        let roundStart = quality.qualificationRoundStarts[annotator] ?? 0
        return QualificationStatus(goldOutcomes: answers.dropFirst(roundStart).map { $0.label == $0.answer.label },
                                   required: isLead ? 0 : quality.qualificationItems, passLevel: quality.qualificationPass,
                                   recorded: quality.qualificationPasses[annotator].flatMap(QualificationPass.init(setting:)))
    }

    /// The newest model's uncertainties when the queue is ordered by them (asked for, or a
    /// model exists and nothing else is asked); nil otherwise.
    private func uncertainties() throws -> ItemScoreTable? {
        let byUncertainty = try order == .uncertainty || (order == nil && store.latestModelRun() != nil)
        let uncertainties = byUncertainty ? try store.latestUncertainties() : ItemScoreTable()
        return uncertainties.isEmpty ? nil : uncertainties
    }

    /// The items needing judgments (unseen gold among them), in the order asked for.
    func regularQueue(goldRate: Double) throws -> [Int64] {
        // Ordered once: skipped items last, then by uncertainty when asked (or when a model
        // exists and nothing else is asked), the seeded shuffle breaking ties.
        try store.annotatorQueue(annotatorID: annotatorID, overlap: overlap, seed: seed, goldRate: goldRate, uncertainties: try uncertainties())
    }
}
