import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStats
import PairwiseStore

/// Runs the annotate screen against a project: draws, reads keys, and carries out what the
/// screen asks (every submit is committed before the next pair is drawn).
public final class AnnotateSession {
    public struct Options: Sendable {
        /// Show A/B in a random order per (item, annotator).
        public var shuffle = true
        /// The queue's order; nil: by model uncertainty once a model exists, else shuffled.
        public var order: QueueOrder?
        public init(shuffle: Bool = true, order: QueueOrder? = nil) {
            self.shuffle = shuffle
            self.order = order
        }
    }

    /// How the queue is ordered.
    public enum QueueOrder: String, Sendable, CaseIterable {
        /// A seeded shuffle, fixed per annotator.
        case shuffled
        /// Most uncertain pairs for the newest model first (active learning); the shuffle breaks ties.
        case uncertainty
    }

    /// A pair is "long" for the quick-submit warning when its responses hold more than this
    /// many characters together.
    public static let longPairCharacters = 1500
    public static let quickSubmitSeconds = 2.0

    let store: ProjectStore
    let options: Options
    let annotatorID: Int64
    let overlap: Int
    let seed: UInt64
    public private(set) var state: AnnotateState
    let cache = LayoutCache()
    var queue: [Int64] = []
    var index = 0
    var timer: JudgmentTimer
    var figures: AnnotatorFigures
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant

    public init(store: ProjectStore, annotator: String, options: Options = Options()) throws {
        self.store = store
        self.options = options
        let person = try store.person(annotator)
        annotatorID = person.id
        overlap = try store.overlap()
        seed = try store.seed()
        state = AnnotateState(annotator: annotator, rubric: try store.rubric())
        state.canSeeStats = person.role == .lead
        started = clock.now
        timer = JudgmentTimer(now: 0)
        figures = try store.figures(annotatorID: person.id)
        queue = try store.queue(annotatorID: annotatorID, overlap: overlap, seed: seed)
        let uncertainties = try store.latestUncertainties()
        if (options.order ?? (uncertainties.isEmpty ? .shuffled : .uncertainty)) == .uncertainty && !uncertainties.isEmpty {
            // Stable: the shuffled order (and skipped items last) breaks ties. Keys first,
            // so the sort compares plain numbers.
            let skipped = Set(try store.skippedItems(annotatorID: annotatorID))
            var keyed = queue.enumerated().map { rank, id in (skipped: skipped.contains(id), uncertainty: uncertainties[id] ?? 0, rank: rank, id: id) }
            keyed.sort { a, b in
                if a.skipped != b.skipped { return !a.skipped }
                return a.uncertainty != b.uncertainty ? a.uncertainty > b.uncertainty : a.rank < b.rank
            }
            queue = keyed.map(\.id)
        }
        updateFigures()
        try refreshAgreement()
        try showCurrent()
    }

    /// The project's agreement on the direction, for the status line (an aggregate: it
    /// reveals no one's judgment). Computed when the session opens and after the stats screen.
    func refreshAgreement() throws {
        agreementStatus = ProjectStatistics.directionAlpha(counts: try store.directionCounts()).map { String(format: "agreement α %.2f", $0) }
        try refreshModelStatus()
    }

    /// The newest model's figures for the status line (one small query: cheap between keys).
    func refreshModelStatus() throws {
        let model = try store.latestModelRun().map { run in
            run.heldOutPairs > 0 ? String(format: "model acc %.2f (%d pairs)", run.accuracy, run.pairs) : "model: \(run.pairs) pairs"
        }
        let parts = [model, agreementStatus].compactMap { $0 }
        state.extraStatus = parts.isEmpty ? nil : parts.joined(separator: " │ ")
    }

    var agreementStatus: String?

    var now: Double {
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// How many models a background trainer has finished; when set, the session looks
    /// about once a second and refreshes the status line's model figures when it grows.
    public var modelRunsCompleted: (@Sendable () -> Int)?
    var modelRunsSeen = 0

    func refreshIfModelChanged() {
        guard let runs = modelRunsCompleted?(), runs != modelRunsSeen else { return }
        modelRunsSeen = runs
        try? refreshModelStatus()
    }

    /// Draws and reads keys until the annotator quits.
    public func run(on terminal: Terminal) {
        while true {
            refreshIfModelChanged()
            draw(on: terminal)
            guard let key = terminal.readKey(timeoutMilliseconds: modelRunsCompleted == nil ? nil : 1000) else { continue }
            if key == .resize { continue }
            if !handle(key) { return }
        }
    }

    /// Renders the current state for a terminal of the given size.
    public func render(rows: Int, columns: Int) -> CellGrid {
        let frame = AnnotateView.render(state, rows: rows, columns: columns, cache: cache)
        state.scroll = frame.scroll
        state.terminalTooSmall = frame.tooSmall
        lastPageRows = frame.pageRows
        return frame.grid
    }

    var lastPageRows = 10

    func draw(on terminal: Terminal) {
        let size = terminal.size
        terminal.draw(render(rows: size.rows, columns: size.columns))
    }

    /// Handles one key; false when the session should end.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        timer.event(now: now)
        renewLeaseIfDue()
        guard let effect = AnnotateScreen.handle(key, state: &state, pageRows: lastPageRows) else { return true }
        do {
            switch effect {
            case .quit:
                try? store.releaseLeases(annotatorID: annotatorID)
                return false
            case .submit(var draft):
                guard let pair = state.pair else { return true }
                draft.milliseconds = timer.milliseconds
                // One commit saves the judgment and reserves the next pair.
                var claimedNext = false
                if index + 1 < queue.count {
                    claimedNext = try store.submit(draft, itemID: pair.rowID, annotatorID: annotatorID, claimingNext: queue[index + 1], overlap: overlap).claimedNext
                } else {
                    try store.submit(draft, itemID: pair.rowID, annotatorID: annotatorID)
                }
                index += 1
                figures.doneToday += 1
                figures.add(milliseconds: draft.milliseconds)
                let seconds = Double(draft.milliseconds) / 1000
                let long = pair.item.responseA.text.count + pair.item.responseB.text.count > Self.longPairCharacters
                try showCurrent(claimed: claimedNext)
                if long && seconds < Self.quickSubmitSeconds {
                    state.say(String(format: "Saved. That was quick (%.1f s) for a long pair; take the time you need.", seconds), error: true)
                } else {
                    state.say("Saved.")
                }
            case .undo:
                guard let itemID = try store.undoLastJudgment(annotatorID: annotatorID) else {
                    state.say("Nothing to undo.", error: true)
                    return true
                }
                queue.insert(itemID, at: min(index, queue.count))
                figures = try store.figures(annotatorID: annotatorID)
                try showCurrent(forced: true)
                state.say("Undone: your last judgment is retracted; here is the item again.")
            case .skip:
                guard let pair = state.pair else { return true }
                try store.recordEvent(.skip, itemID: pair.rowID, annotatorID: annotatorID)
                queue.remove(at: index)
                queue.append(pair.rowID)
                try showCurrent()
                state.say("Skipped; it moves to the end of your queue.")
            case .flag(let reason):
                guard let pair = state.pair else { return true }
                try store.recordEvent(.flag, itemID: pair.rowID, annotatorID: annotatorID, reason: reason)
                state.say("Flagged for a lead. Judge it, or press s to skip it.")
            case .showStats:
                state.statsLines = try Self.statsLines(store: store, rubric: state.rubric)
                state.statsScroll = 0
                try refreshAgreement()
            case .adjudicate, .filter:
                break
            case .goto(let id):
                guard let rowID = try store.itemRowID(externalID: id) else {
                    state.say("No item with id \(id).", error: true)
                    return true
                }
                if let existing = queue.firstIndex(of: rowID) { queue.remove(at: existing); if existing < index { index -= 1 } }
                queue.insert(rowID, at: min(index, queue.count))
                try showCurrent(forced: true)
            }
        } catch {
            // Nothing is lost: the half-made judgment stays on screen to submit again.
            state.say("Could not save: \(error). Press Enter to try again.", error: true)
        }
        return true
    }

    /// Shows the first pair from `index` on that this annotator can reserve, passing over
    /// items that no longer need them; `claimed`: the pair at `index` is reserved already.
    func showCurrent(forced: Bool = false, claimed alreadyClaimed: Bool = false) throws {
        var alreadyClaimed = alreadyClaimed
        var refused = 0
        while index < queue.count {
            let rowID = queue[index]
            // Reserved for this annotator while on screen, unless others filled it since the queue was made.
            let claimed = try alreadyClaimed || store.claim(itemID: rowID, annotatorID: annotatorID, overlap: overlap, force: forced)
            alreadyClaimed = false
            if claimed, let item = try store.item(rowID: rowID) {
                let order = options.shuffle ? ProjectStore.shownOrder(itemID: rowID, annotatorID: annotatorID, seed: seed) : .ab
                state.show(PairOnScreen(rowID: rowID, item: item, shownOrder: order), position: index + 1, queueCount: queue.count)
                updateFigures()
                timer = JudgmentTimer(now: now)
                leaseRenewed = now
                return
            }
            queue.remove(at: index)
            refused += 1
            if refused == 2 {
                // Others are filling the queue's items: drop the ones full by now in one read
                // rather than a claim each (the end of a busy project).
                let open = try store.itemsShortOf(overlap: overlap)
                queue = Array(queue[..<index]) + queue[index...].filter(open.contains)
            }
        }
        state.show(nil, position: queue.count, queueCount: queue.count)
        updateFigures()
    }

    /// When the lease on the pair on screen was last taken or extended (session seconds).
    var leaseRenewed = 0.0

    /// Extends the lease on the pair on screen once a minute while keys come in, so that a
    /// long read keeps its place; a session that stops (closed, crashed) lets it expire.
    func renewLeaseIfDue() {
        guard let pair = state.pair, now - leaseRenewed > 60 else { return }
        leaseRenewed = now
        try? store.renewLease(itemID: pair.rowID, annotatorID: annotatorID)
    }

    /// The stats screen: the project's statistics, then the newest model's report.
    static func statsLines(store: ProjectStore, rubric: Rubric) throws -> [String] {
        let columns = try store.currentJudgmentColumns()
        let model = try store.modelReport(columns: columns).map { [""] + $0.summaryLines() } ?? []
        return ProjectStatistics(columns: columns, rubric: rubric).summaryLines() + model
    }

    func updateFigures() {
        state.doneToday = figures.doneToday
        state.medianSeconds = figures.medianSeconds
    }
}
