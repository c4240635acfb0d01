import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStats
import PairwiseStore
import PairwiseWorkflow

/// Runs the annotate screen against a project: draws, reads keys, and carries out what the
/// screen asks (every submit is committed before the next pair is drawn).
public final class AnnotateSession: TerminalSession {
    public struct Options: Sendable {
        /// Show A/B in a random order per (item, annotator).
        public var shuffle = true
        /// The queue's order; nil: by model uncertainty once a model exists, else shuffled.
        public var order: QueueOrder?
        /// From this many open items on, the first pair is shown from the queue's start
        /// while the whole queue is planned behind it (`QueuePlanner.start`).
        public var firstScreenBeforeQueue: Int
        public init(shuffle: Bool = true, order: QueueOrder? = nil, firstScreenBeforeQueue: Int = 200_000) {
            self.shuffle = shuffle
            self.order = order
            self.firstScreenBeforeQueue = firstScreenBeforeQueue
        }
    }

    public typealias QueueOrder = PairwiseWorkflow.QueueOrder

    /// A pair is "long" for the quick-submit warning when its responses hold more than this
    /// many characters together.
    public static let longPairCharacters = 1500
    public static let quickSubmitSeconds = 2.0
    /// Held-out pairs below which the status line shows no model accuracy (at 30 its 95%
    /// interval is still about ±0.17).
    public static let heldOutPairsForAccuracy = 30

    let store: ProjectStore
    let options: Options
    let annotatorID: Int64
    let overlap: Int
    let seed: UInt64
    public private(set) var state: AnnotateState
    let cache = LayoutCache()
    var queue: [Int64] = []
    var index = 0
    var quality = QualitySettings()
    var qualification = QualificationStatus.notRequired
    var submittedSinceDriftCheck = 0
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
        started = clock.now
        timer = JudgmentTimer(now: 0)
        figures = try store.figures(annotatorID: person.id)
        quality = try store.qualitySettings()
        send(.opened(canSeeStats: person.role == .lead, guidelines: try store.currentGuidelines()))
        try planQueue()
        updateFigures()
        try refreshModelStatus()
        // The agreement reads every item's counts: the first frame does not wait for it.
        refreshAgreementInBackground()
        checkDrift()
        try showCurrent()
        if let guidelines = state.guidelines, try !store.hasJudged(annotatorID: annotatorID, guidelinesVersion: guidelines.version) {
            // Read before the first item (and again after each new version).
            send(.page(TextPage(title: "Guidelines, version \(guidelines.version): read these first (i shows them again)",
                                  lines: guidelines.text.components(separatedBy: "\n"))))
        }
    }

    /// The annotator's queue as `QueuePlanner` plans it, from its start. With many open
    /// items, the queue's start comes first and the whole queue is planned in the background
    /// (`takeWholeQueue` takes it in).
    func planQueue() throws {
        let planner = QueuePlanner(store: store, annotatorID: annotatorID, annotator: state.annotator, isLead: state.canSeeStats,
                                   overlap: overlap, seed: seed, order: options.order)
        index = 0
        // A whole queue still being planned is the old plan's: let it go.
        wholeQueue.cancel()
        queueStillComing = 0
        if let start = try planner.start(quality: quality, minimumOpen: options.firstScreenBeforeQueue), start.total > start.plan.items.count {
            queue = start.plan.items
            qualification = start.plan.qualification
            queueStillComing = start.total - queue.count
            let quality = quality
            wholeQueue.start { try planner.plan(quality: quality) }
            send(.queuePlanned(emptyQueueLines: nil))
            return
        }
        let plan = try planner.plan(quality: quality)
        queue = plan.items
        qualification = plan.qualification
        send(.queuePlanned(emptyQueueLines: plan.emptyQueueLines))
    }

    /// The whole queue, planned behind the queue's start.
    let wholeQueue = MadeBehind<QueuePlan>(label: "pairwise.queue-planning")
    /// How many items of the whole queue are not in `queue` yet (for the position shown).
    var queueStillComing = 0

    /// Takes in the whole queue once planned (waiting for it when `wait`): the items up to the
    /// one on screen stay where they are, the rest follow in the whole queue's order.
    func takeWholeQueue(wait: Bool) throws {
        // Once taken (or failed twice: the session goes on with the start), nothing more comes.
        defer { if !wholeQueue.pending { queueStillComing = 0 } }
        guard let plan = try wholeQueue.take(wait: wait) else { return }
        let kept = queue[..<min(index + 1, queue.count)], keptSet = Set(kept)
        queue = Array(kept) + plan.items.filter { !keptSet.contains($0) }
    }

    /// Tells the annotator, gently, when their recent judgments often differ from the gold
    /// answers and the others' consensus: checked at once when the session opens, then every
    /// ten judgments in the background (it reads up to 200 judgments and their references; a
    /// submit never waits for it), the sentence shown from the next frame on.
    func checkDrift(inBackground: Bool = false) {
        submittedSinceDriftCheck = 0
        let (store, annotatorID, name, quality) = (store, annotatorID, state.annotator, quality)
        guard inBackground else {
            send(.qualityNotice(Self.driftNotice(store: store, annotatorID: annotatorID, name: name, quality: quality)))
            return
        }
        let pending = pendingDriftNotice
        Self.background.async {
            let notice = Self.driftNotice(store: store, annotatorID: annotatorID, name: name, quality: quality)
            pending.put(notice)
        }
    }

    static let background = DispatchQueue(label: "pairwise.session-background", qos: .utility)
    /// A background check's result not yet shown.
    let pendingDriftNotice = Mailbox<String?>()

    static func driftNotice(store: ProjectStore, annotatorID: Int64, name: String, quality: QualitySettings) -> String? {
        let notice = "your recent answers often differ from the others' and the checks: i shows the guidelines"
        // An annotator on PostgreSQL reads neither gold answers nor others' labels: the server gives the verdict.
        if (try? store.heldToAnnotatorRules()) == true { return (try? store.ownDriftVerdict()) == true ? notice : nil }
        guard let scored = try? store.scoredJudgments(annotatorID: annotatorID, newest: DriftPolicy.estimateWindow)[name] else { return nil }
        // The others' accuracies are not this person's to read: everyone counts as 0.8 here.
        let check = DriftPolicy(window: quality.driftWindow, level: quality.driftLevel).check(scored, accuracies: [:])
        return check.drifting ? notice : nil
    }

    /// The project's agreement on the direction, for the status line (an aggregate: it
    /// reveals no one's judgment). Computed after the stats screen, and in the background
    /// when the session opens.
    func refreshAgreement() throws {
        agreementStatus = Self.agreementLine(try store.directionCounts())
        try refreshModelStatus()
    }

    static func agreementLine(_ counts: [Int32]) -> String? {
        ProjectStatistics.directionAlpha(counts: counts).map { String(format: "agreement α %.2f", $0) }
    }

    func refreshAgreementInBackground() {
        let (store, pending) = (store, pendingAgreement)
        agreementPending = true
        Self.background.async { pending.put((try? store.directionCounts()).flatMap(Self.agreementLine)) }
    }

    /// The background agreement's line not yet shown, and whether one is on its way.
    let pendingAgreement = Mailbox<String?>()
    var agreementPending = false

    /// Shows what background work has finished (the agreement, the drift check).
    func takeBackgroundResults() {
        if let notice = pendingDriftNotice.take() { send(.qualityNotice(notice)) }
        if let line = pendingAgreement.take() {
            agreementPending = false
            agreementStatus = line
            try? refreshModelStatus()
        }
    }

    /// Waits for the background work started so far and shows its results (tests, benchmarks).
    public func waitForBackgroundResults() {
        Self.background.sync {}
        try? takeWholeQueue(wait: true)
        takeBackgroundResults()
    }

    /// The newest model's figures for the status line (one small query: cheap between keys).
    func refreshModelStatus() throws {
        let model = try store.latestModelRun().map { run in
            // An accuracy on a handful of held-out pairs means nothing: say so instead of showing it.
            run.heldOutPairs >= Self.heldOutPairsForAccuracy
                ? String(format: "model acc %.2f (%d pairs, %d held out)", run.accuracy, run.pairs, run.heldOutPairs)
                : "model: \(run.pairs) pair\(run.pairs == 1 ? "" : "s")" + (run.heldOutPairs > 0 ? ", too few held out for an accuracy" : "")
        }
        let parts = [model, agreementStatus].compactMap { $0 }
        send(.modelStatus(parts.isEmpty ? nil : parts.joined(separator: " │ ")))
    }

    var agreementStatus: String?

    var now: Double {
        let elapsed = clock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Whether the stats screen's charts use block characters (a UTF-8 locale) or `#`.
    public var unicodeCharts = TerminalCharts.unicode(ProcessInfo.processInfo.environment)

    /// How many models a background trainer has finished; when set, the session looks
    /// about once a second and refreshes the status line's model figures when it grows.
    public var modelRunsCompleted: (@Sendable () -> Int)?
    var modelRunsSeen = 0

    func refreshIfModelChanged() {
        guard let runs = modelRunsCompleted?(), runs != modelRunsSeen else { return }
        modelRunsSeen = runs
        try? refreshModelStatus()
    }

    /// With a background trainer, the session looks once a second for a new model; while the
    /// opening agreement is on its way, every tenth of a second.
    public var keyTimeoutMilliseconds: Int? { agreementPending ? 100 : modelRunsCompleted == nil ? nil : 1000 }
    /// (Background results are taken by `render`, which every frame calls.)
    public func beforeFrame() { refreshIfModelChanged() }

    /// Renders the current state for a terminal of the given size.
    public func render(rows: Int, columns: Int) -> CellGrid {
        takeBackgroundResults()
        let (grid, last) = LastFrame.draw(&state, rows: rows, columns: columns, cache: cache)
        lastFrame = last
        return grid
    }

    var lastFrame = LastFrame()

    /// Handles one key; false when the session should end.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        if key == .hangup {
            // The connection dropped: the pair on screen goes back to the others at once.
            letGoOfItems()
            return false
        }
        if case .mouse(let row, let column, let action) = key {
            guard let event = lastFrame.mouse.event(row: row, column: column, action, state: state) else { return true }
            for key in event.keys where !handle(key) { return false }
            if let set = event.responseValue {
                timer.event(now: now)
                AnnotateScreen.setResponseValue(set.value, first: set.first, state: &state)
            }
            return true
        }
        timer.event(now: now)
        renewLeaseIfDue()
        guard let effect = AnnotateScreen.handle(key, state: &state, pageRows: lastFrame.pageRows) else { return true }
        do {
            // Quitting or a page leaves the queue as it is. What changes the queue (a submit, skip
            // or undo) or looks through it waits for the whole queue if it is not in yet: the
            // background plan reads this annotator's judgments and seen gold items, so it must be
            // made before the first of them changes (planning takes about 0.3 s at a million
            // judgments and 2 s at ten million: less than reading the first pair).
            switch effect {
            case .quit, .flag, .showStats, .adjudicate, .adjudicateRanking, .filter, .markGold: try takeWholeQueue(wait: false)
            case .submit, .submitRanking, .undo, .skip, .goto, .search, .browse, .open, .searchStep: try takeWholeQueue(wait: true)
            }
            switch effect {
            case .quit:
                letGoOfItems()
                return false
            case .submit(let draft):
                try submit(draft)
            case .submitRanking(let draft):
                try submitRanking(draft)
            case .undo:
                try undo()
            case .skip:
                guard let rowID = state.itemRowID else { return true }
                try store.recordEvent(.skip, itemID: rowID, annotatorID: annotatorID)
                queue.remove(at: index)
                queue.append(rowID)
                try showCurrent()
                send(.say("Skipped; it moves to the end of your queue."))
            case .flag(let reason):
                guard let rowID = state.itemRowID else { return true }
                try store.recordEvent(.flag, itemID: rowID, annotatorID: annotatorID, reason: reason)
                send(.say("Flagged for a lead. Judge it, or press s to skip it."))
            case .showStats:
                send(.page(TextPage(title: "Project statistics", lines: try Self.statsLines(store: store, unicode: unicodeCharts))))
                try refreshAgreement()
            case .adjudicate, .adjudicateRanking, .filter, .markGold:
                break
            case .goto(let id):
                try goto(id)
            case .search(let text):
                try search(text)
            case .browse:
                try openBrowseList()
            case .open(let rowID):
                try open(rowID)
            case .searchStep(let step):
                guard !searchMatches.isEmpty else { return true }
                searchPosition = (searchPosition + step + searchMatches.count) % searchMatches.count
                if try bring(searchMatches[searchPosition]) { sayMatch() }
            }
        } catch let full as ItemFullError {
            // Not needed any more: say so and go on to the next pair.
            index += 1
            try? showCurrent()
            send(.say("Not saved: \(full). Here is the next one.", error: true))
        } catch {
            // Nothing is lost: the half-made judgment stays on screen to submit again.
            send(.say("Could not save: \(error). Press Enter to try again.", error: true))
        }
        return true
    }

    /// Commits the judgment on screen and shows the next pair (one commit reserves it).
    func submit(_ draft: JudgmentDraft) throws {
        var draft = draft
        guard let pair = state.pair else { return }
        draft.milliseconds = timer.milliseconds
        draft.guidelinesVersion = state.guidelines?.version
        draft.suggestionShown = state.suggestion == nil ? nil : shownSuggestionSources
        // One commit saves the judgment and reserves the next pair.
        let outcome = try store.submit(draft, itemID: pair.rowID, annotatorID: annotatorID,
                                       claimingNext: index + 1 < queue.count ? queue[index + 1] : nil, overlap: overlap)
        let claimedNext = outcome.claimedNext
        index += 1
        figures.count(outcome, milliseconds: draft.milliseconds)
        let seconds = Double(draft.milliseconds) / 1000
        let long = pair.item.responseA.text.count + pair.item.responseB.text.count > Self.longPairCharacters
        submittedSinceDriftCheck += 1
        if submittedSinceDriftCheck >= 10 { checkDrift(inBackground: true) }
        if case .inProgress = qualification {
            try qualificationFeedback(pair: pair, draft: draft)
            return
        }
        try showCurrent(claimed: claimedNext)
        if long && seconds < Self.quickSubmitSeconds {
            send(.say(String(format: "Saved. That was quick (%.1f s) for a long pair; take the time you need.", seconds), error: true))
        } else {
            send(.say("Saved."))
        }
    }

    /// Commits the ranking on screen and shows the next item.
    func submitRanking(_ draft: RankingDraft) throws {
        var draft = draft
        guard let rank = state.ranking else { return }
        draft.milliseconds = timer.milliseconds
        draft.guidelinesVersion = state.guidelines?.version
        let next = index + 1 < queue.count ? queue[index + 1] : nil
        let outcome = try store.submit(draft, itemID: rank.item.rowID, annotatorID: annotatorID, claimingNext: next,
                                              overlap: overlap)
        let claimedNext = outcome.claimedNext
        index += 1
        figures.count(outcome, milliseconds: draft.milliseconds)
        try showCurrent(claimed: claimedNext)
        send(.say("Saved: " + draft.ranking.line(shown: rank.item.shown) + "."))
    }

    /// Retracts the annotator's latest label and brings its item back to change.
    func undo() throws {
        if case .inProgress = qualification {
            send(.say("Qualification answers are final: each one is scored as first given.", error: true))
            return
        }
        guard let undone = try store.undoLastLabel(annotatorID: annotatorID) else {
            send(.say("Nothing to undo.", error: true))
            return
        }
        try bringBack(undone.itemID)
        switch undone {
        case .ranking(let item, let ranking, let rubric):
            send(.restoreRanking(itemRowID: item, ranking, rubric: rubric, note: nil))
            send(.say("Undone: your last ranking is retracted; here it is again to change and submit."))
        case .judgment(let item, let draft):
            send(.restoreJudgment(itemRowID: item, draft))
            send(.say("Undone: your last judgment is retracted; here it is again to change and submit."))
        }
    }

    /// Opens an item by id, or by a prefix only one id starts with.
    func goto(_ id: String) throws {
        var rowID = try store.itemRowID(externalID: id)
        if rowID == nil {
            // An id prefix names the item when only one id starts with it.
            let found = try store.items(idPrefix: id, limit: 6)
            if found.count == 1 { rowID = found[0].rowID }
            if found.count > 1 {
                send(.say("\(found.count > 5 ? "More than 5" : "\(found.count)") items start with \(id): "
                          + found.prefix(5).map(\.id).joined(separator: ", "), error: true))
                return
            }
        }
        guard let rowID else {
            send(.say("No item with id \(id).", error: true))
            return
        }
        try bring(rowID)
    }

    /// Finds the queue's items holding `text`, from the pair on screen on, and opens the first.
    func search(_ text: String) throws {
        let found = try store.itemsContaining(text, among: Set(queue))
        // In queue order from the pair on screen on.
        searchMatches = (queue[min(index, queue.count)...] + queue[..<min(index, queue.count)]).filter(found.contains)
        guard !searchMatches.isEmpty else {
            send(.searching(nil))
            send(.say("Nothing in your queue holds “\(text)”.", error: true))
            return
        }
        send(.searching(text))
        searchPosition = 0
        if try bring(searchMatches[0]) { sayMatch() }
    }

    /// Opens an item from the browse list, with this person's own label on it to revise.
    func open(_ rowID: Int64) throws {
        guard try bring(rowID) else { return }
        if state.ranking?.item.rowID == rowID {
            if let own = try store.ownRankings(annotatorID: annotatorID).first(where: { $0.itemRowID == rowID }) {
                send(.restoreRanking(itemRowID: rowID, own.ranking, rubric: own.rubric, note: own.note))
                send(.say("Your ranking of this item, to revise: submitting adds the new one (the old one stays on record)."))
            }
        } else if let own = try store.ownJudgments(annotatorID: annotatorID).first(where: { $0.itemRowID == rowID }) {
            send(.restoreJudgment(itemRowID: rowID, own.draft))
            send(.say("Your judgment of this pair, to revise: submitting adds the new one (the old one stays on record)."))
        }
    }

    /// Shows the first pair from `index` on that this annotator can reserve, passing over
    /// items that no longer need them; `claimed`: the pair at `index` is reserved already.
    func showCurrent(forced: Bool = false, claimed alreadyClaimed: Bool = false) throws {
        var alreadyClaimed = alreadyClaimed
        var refused = 0
        try takeWholeQueue(wait: false)
        while index < queue.count || wholeQueue.pending {
            if index >= queue.count {
                try takeWholeQueue(wait: true)
                continue
            }
            let rowID = queue[index]
            // Reserved for this annotator while on screen, unless others filled it since the queue was made.
            let claimed = try alreadyClaimed || store.claim(itemID: rowID, annotatorID: annotatorID, overlap: overlap, force: forced)
            alreadyClaimed = false
            if claimed, let item = try store.item(rowID: rowID) {
                let order = options.shuffle ? ProjectStore.shownOrder(itemID: rowID, annotatorID: annotatorID, seed: seed) : .ab
                send(.pair(PairOnScreen(rowID: rowID, item: item, shownOrder: order), position: index + 1, of: queue.count + queueStillComing,
                           suggestion: try suggestionLine(itemID: rowID, order: order)))
                updateFigures()
                timer = JudgmentTimer(now: now)
                leaseRenewed = now
                return
            }
            if claimed, let item = try store.rankedItem(rowID: rowID) {
                let shown = options.shuffle ? Self.shownPositions(item.responses.count, itemID: rowID, annotatorID: annotatorID, seed: seed)
                    : Array(item.responses.indices)
                send(.ranked(RankedOnScreen(rowID: rowID, item: item, shown: shown), position: index + 1, of: queue.count + queueStillComing, bestWorst: quality.bestWorst))
                shownSuggestionSources = nil
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
                let open = try store.itemsOpen(annotatorID: annotatorID, overlap: overlap)
                queue = Array(queue[..<index]) + queue[index...].filter(open.contains)
            }
        }
        send(.queueEnded(count: queue.count))
        updateFigures()
    }

    /// An undone item back where it was in the queue (the counter does not grow), on screen.
    func bringBack(_ itemID: Int64) throws {
        if index > 0 && index <= queue.count && queue[index - 1] == itemID {
            index -= 1
        } else {
            queue.insert(itemID, at: min(index, queue.count))
        }
        figures = try store.figures(annotatorID: annotatorID)
        try showCurrent(forced: true)
    }

    /// The order a ranked item's responses are shown in to this annotator: a seeded
    /// shuffle of the stored positions, the same every time they see it.
    static func shownPositions(_ count: Int, itemID: Int64, annotatorID: Int64, seed: UInt64) -> [Int] {
        var generator = SplitMix64(seed: seed ^ SplitMix64.mix(UInt64(bitPattern: itemID) ^ SplitMix64.mix(UInt64(bitPattern: annotatorID) ^ 0x4A4E_4B)))
        return Array(0..<count).shuffled(using: &generator)
    }

    /// The browse list: the next items of the queue, then this person's judgments, newest first.
    func openBrowseList() throws {
        var entries = [BrowseList.Entry(rowID: 0, line: "Your queue", heading: true)]
        // Items you skipped or flagged say so; ids are shown to leads only (a gold file's ids would tell).
        let skipped = Set(try store.skippedItems(annotatorID: annotatorID)), flagged = Set(try store.flaggedItems(annotatorID: annotatorID))
        func marks(_ rowID: Int64) -> String {
            (flagged.contains(rowID) ? "[flagged] " : "") + (skipped.contains(rowID) ? "[skipped] " : "")
        }
        func named(_ id: String) -> String { state.canSeeStats ? id + "  " : "" }
        for rowID in queue[min(index, queue.count)...].prefix(200) {
            if let item = try store.item(rowID: rowID) {
                entries.append(BrowseList.Entry(rowID: rowID, line: named(item.id) + marks(rowID) + Self.preview(item.prompt)))
            } else if let item = try store.rankedItem(rowID: rowID) {
                entries.append(BrowseList.Entry(rowID: rowID, line: named(item.id) + marks(rowID) + "[\(item.responses.count) to rank]  " + Self.preview(item.prompt)))
            }
        }
        let own = try store.ownJudgments(annotatorID: annotatorID)
        entries.append(BrowseList.Entry(rowID: 0, line: "Your judgments (\(own.count == 500 ? "newest 500" : "\(own.count)"))", heading: true))
        for j in own {
            let order = options.shuffle ? ProjectStore.shownOrder(itemID: j.itemRowID, annotatorID: annotatorID, seed: seed) : .ab
            entries.append(BrowseList.Entry(rowID: j.itemRowID, line: named(j.itemID) + marks(j.itemRowID) + String(j.createdAt.prefix(16)) + "  "
                                            + Self.describe(strength: j.draft.strength.value, bothBad: j.draft.bothBad, order: order)))
        }
        let ranked = try store.ownRankings(annotatorID: annotatorID)
        if !ranked.isEmpty {
            entries.append(BrowseList.Entry(rowID: 0, line: "Your rankings (\(ranked.count == 500 ? "newest 500" : "\(ranked.count)"))", heading: true))
            for r in ranked {
                // In the panel numbers this annotator sees the item with.
                let shown = options.shuffle ? Self.shownPositions(r.ranking.count, itemID: r.itemRowID, annotatorID: annotatorID, seed: seed)
                    : Array(0..<r.ranking.count)
                entries.append(BrowseList.Entry(rowID: r.itemRowID, line: named(r.itemID) + marks(r.itemRowID) + String(r.createdAt.prefix(16)) + "  "
                                                + r.ranking.line(shown: shown) + (r.ranking.allBad ? " (all bad)" : "")))
            }
        }
        send(.browse(BrowseList(entries: entries)))
    }

    /// The start of a prompt on one line.
    static func preview(_ prompt: Prompt) -> String {
        let text: String
        if case .chat(let turns) = prompt { text = turns.last?.content ?? "" } else { text = prompt.plainText }
        return String(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(100))
    }

    /// The items matching the search in progress, and which one is on screen.
    var searchMatches: [Int64] = []
    var searchPosition = 0

    func sayMatch() {
        send(.say("Match \(searchPosition + 1) of \(searchMatches.count) for “\(state.searchQuery ?? "")” · n next · N previous · Esc ends the search"))
    }

    /// Puts an item on screen now, reserved for this annotator (asked for by id or search);
    /// whether it came. A lead may go past its overlap; an annotator is told when it is full
    /// (unless they judged it before), and stays where they were.
    @discardableResult
    func bring(_ rowID: Int64) throws -> Bool {
        guard try store.claim(itemID: rowID, annotatorID: annotatorID, overlap: overlap, force: true) else {
            // The refused claim let go of the item on screen: hold it again.
            if let current = state.itemRowID { _ = try store.claim(itemID: current, annotatorID: annotatorID, overlap: overlap, force: true) }
            send(.say("That item is full: it has the \(overlap) annotators it needs (a lead may go past that).", error: true))
            return false
        }
        if let existing = queue.firstIndex(of: rowID) { queue.remove(at: existing); if existing < index { index -= 1 } }
        queue.insert(rowID, at: min(index, queue.count))
        try showCurrent(claimed: true)
        return true
    }

    /// The sources of the suggestions on screen, as recorded with the judgment.
    var shownSuggestionSources: String?

    /// The item's suggestions for the rubric panel, when the project shows them; notes their
    /// sources, which the judgment records.
    func suggestionLine(itemID: Int64, order: ShownOrder) throws -> String? {
        shownSuggestionSources = nil
        guard quality.showSuggestions else { return nil }
        let suggestions = try store.suggestions(itemRowID: itemID)
        guard !suggestions.isEmpty else { return nil }
        shownSuggestionSources = suggestions.map(\.source).joined(separator: ",")
        return suggestions.map { s in
            "\(s.source): " + Self.describe(strength: s.strength, bothBad: s.bothBad, order: order)
        }.joined(separator: " · ")
    }

    /// A label in the terms of the order shown: "second better (+2)", "both bad".
    static func describe(strength: Int, bothBad: Bool, order: ShownOrder) -> String {
        if bothBad { return "both bad" }
        let shown = order == .ab ? strength : -strength
        return AnnotateView.preferenceLabels[shown + 3] + " (" + (shown > 0 ? "+\(shown)" : "\(shown)") + ")"
    }

    /// After a qualification item: the expected answer, the score so far and the guidelines,
    /// full screen; then the rest of the round, the queue (passed) or the end (failed).
    func qualificationFeedback(pair: PairOnScreen, draft: JudgmentDraft) throws {
        let answer = try store.goldAnswer(itemRowID: pair.rowID)
        try planQueue()
        var lines: [String] = []
        if let answer {
            let right = answer.label == LabelClass(strength: draft.strength.value, bothBad: draft.bothBad)
            lines.append((right ? "Right. " : "Not the expected answer. ")
                         + "You said: " + Self.describe(strength: draft.strength.value, bothBad: draft.bothBad, order: pair.shownOrder)
                         + ". Expected: " + Self.describe(strength: answer.strength, bothBad: answer.bothBad, order: pair.shownOrder) + ".")
            if let explanation = answer.explanation {
                // The explanation was written about the gold file's A and B: say which is which here.
                let (a, b) = pair.shownOrder == .ab ? ("first", "second") : ("second", "first")
                lines += ["", "Why (the gold file's A is the \(a) response here, its B the \(b)): " + explanation]
            }
        }
        lines.append("")
        switch qualification {
        case .inProgress(let done, let correct, let required):
            lines.append("Qualification: \(correct) of \(done) right so far, \(required - done) to go.")
        case .passed(let correct, let required):
            lines.append("You qualified: \(correct) of \(required) right. Your judgments count from now on.")
        case .failed(let correct, let required):
            lines.append("\(correct) of \(required) right: not enough to qualify. Your lead sees this and will follow up.")
        case .notRequired:
            break
        }
        // The pair just answered, as it was shown (the next one waits behind this page).
        let (first, second) = pair.shownOrder == .ab ? (pair.item.responseA, pair.item.responseB) : (pair.item.responseB, pair.item.responseA)
        lines += ["", "The pair you answered, as it was shown:", "", "Prompt:"] + pair.item.prompt.plainText.components(separatedBy: "\n")
            + ["", "First response:"] + first.text.components(separatedBy: "\n")
            + ["", "Second response:"] + second.text.components(separatedBy: "\n")
        if let guidelines = state.guidelines {
            lines += ["", "Guidelines (version \(guidelines.version)):", ""] + guidelines.text.components(separatedBy: "\n")
        }
        try showCurrent()
        send(.page(TextPage(title: "Qualification item scored", lines: lines)))
        send(.say("Saved. Enter closes the feedback."))
    }

    /// When the lease on the pair on screen was last taken or extended (session seconds).
    var leaseRenewed = 0.0

    /// Why the items held could not be let go of when the session ended (nil: they were);
    /// their leases then lapse on their own.
    public private(set) var releaseFailure: Error?

    /// Releases this annotator's leases as the session ends, trying again twice (a moment
    /// apart) if the store refuses, so that a passing lock does not keep a pair from the others.
    func letGoOfItems() {
        for attempt in 0..<3 {
            do {
                try store.releaseLeases(annotatorID: annotatorID)
                releaseFailure = nil
                return
            } catch {
                releaseFailure = error
                if attempt < 2 { Thread.sleep(forTimeInterval: 0.2) }
            }
        }
    }

    /// Extends the lease on the pair on screen once a minute while keys come in, so that a
    /// long read keeps its place; a session that stops (closed, crashed) lets it expire.
    func renewLeaseIfDue() {
        guard let pair = state.pair, now - leaseRenewed > 60 else { return }
        leaseRenewed = now
        try? store.renewLease(itemID: pair.rowID, annotatorID: annotatorID)
    }

    /// The stats screen: the reports `stats` prints, from the same assembly.
    /// Charts of labels per day and of the model's learnability follow the first line.
    static func statsLines(store: ProjectStore, unicode: Bool = TerminalCharts.unicode(ProcessInfo.processInfo.environment)) throws -> [String] {
        let reports = try ProjectReports.assemble(store, for: .statsScreen)
        let lines = reports.summaryLines(prompts: try reports.contestedPrompts(store, limit: 20))
        let charts = [""] + TerminalCharts.throughput(try store.dailyLabels(), unicode: unicode)
            + [""] + TerminalCharts.learnability(reports.model?.history ?? [], unicode: unicode)
        return Array(lines.prefix(1)) + charts + Array(lines.dropFirst())
    }

    func updateFigures() {
        send(.figures(doneToday: figures.doneToday, medianSeconds: figures.medianSeconds))
    }

    /// Hands the screen what the workflow answered.
    func send(_ message: AnnotateMessage) { AnnotateScreen.receive(message, state: &state) }
}
