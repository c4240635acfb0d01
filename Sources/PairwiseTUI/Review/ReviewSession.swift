import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStats
import PairwiseStore
import PairwiseWorkflow

/// Runs the review screen for a lead: lists the items that need a decision, shows each
/// one's judgments beside the pair, and records the lead's decisions as adjudications.
public final class ReviewSession: TerminalSession {
    let store: ProjectStore
    let leadID: Int64
    public private(set) var state: AnnotateState
    public private(set) var filter: ReviewQueue.Filter
    let cache = LayoutCache()
    var entries: [ReviewQueue.Entry] = []
    var index = 0
    var lastFrame = LastFrame()

    /// Opens review for `lead`; throws `StoreError` unless that person is a lead. In a
    /// project of `firstScreenBeforeList` items or more, the first contested pair is shown
    /// while the whole list is made behind it (its length shown once known).
    public init(store: ProjectStore, lead: String, filter: ReviewQueue.Filter = ReviewQueue.Filter(), firstScreenBeforeList: Int = 200_000) throws {
        self.store = store
        let person = try store.person(lead)
        guard person.role == .lead else { throw ReviewRefused(name: lead) }
        leadID = person.id
        self.filter = filter
        state = AnnotateState(annotator: lead, rubric: try store.rubric())
        send(.opened(canSeeStats: true, guidelines: nil))
        send(.reviewing(judgments: [], rankings: [], why: ""))
        if filter == ReviewQueue.Filter(), let first = try store.firstContestedItem(minimumItems: firstScreenBeforeList) {
            // The first entry as the whole list makes it: its flags, and the model's word on it.
            let flags = try store.flagReasons(itemRowID: first.rowID)
            entries = [ReviewQueue.Entry(rowID: first.rowID, tally: first.tally, flags: flags.isEmpty ? nil : flags,
                                         confidence: try Self.suspects(store, itemRowID: first.rowID)[first.rowID])]
            wholeList.start { try Self.entries(store, filter: filter) }
            try showCurrent()
            send(.listLength(position: 1, of: nil))
            return
        }
        try reload()
    }

    /// The whole list, made behind the first entry.
    let wholeList = MadeBehind<[ReviewQueue.Entry]>(label: "pairwise.review-listing")

    /// Takes in the whole list once made (waiting for it when `wait`). The entry on screen
    /// stays on screen, at its place in the list (first, should the list have left it out
    /// meanwhile: a key the lead pressed acts on the pair they see).
    func takeWholeList(wait: Bool) throws {
        let onScreen = entries.indices.contains(index) ? entries[index] : nil
        guard let list = try wholeList.take(wait: wait) else { return }
        entries = list
        index = onScreen.flatMap { shown in entries.firstIndex { $0.rowID == shown.rowID } } ?? 0
        if let onScreen, entries.indices.contains(index) ? entries[index].rowID != onScreen.rowID : true { entries.insert(onScreen, at: 0) }
        send(.listLength(position: index + 1, of: entries.count))
    }

    /// Waits for the whole list and shows its length (tests, benchmarks).
    public func waitForList() { try? takeWholeList(wait: true) }

    /// The review list under `filter`: contested pairs, flagged items, the model's suspects,
    /// then ranked items whose rankings differ.
    static func entries(_ store: ProjectStore, filter: ReviewQueue.Filter) throws -> [ReviewQueue.Entry] {
        // The model's suspects are found on another connection while the contested items are read.
        let finding = BackgroundResult<[Int64: Double]> { try suspects(store) }
        let material = try store.reviewMaterial(filter: filter) { Set(try finding.value().keys) }
        var entries = ReviewQueue(material: material, suspects: try finding.value()).entries
        // Ranked items whose rankings differ (or, under a dimension filter, whose values on it
        // do), least concordant first; a flagged one is listed once, with its flag.
        let contestedRanked = try store.contestedRankedItems(filter: filter)
        // Only a flagged ranked item can be listed already: look for those alone (the list may hold millions).
        let rankedIDs = Set(contestedRanked.map(\.rowID))
        let listed = rankedIDs.isEmpty ? [] : Set(entries.lazy.map(\.rowID).filter(rankedIDs.contains))
        let ranked = contestedRanked.filter { !listed.contains($0.rowID) }
            .map { item in (item.rowID, item.rankings.count, RankingAgreement.kendallW(item.rankings)) }
        entries += ranked.sorted { ($0.2 ?? 1, $0.0) < ($1.2 ?? 1, $1.0) }.map { rowID, count, w in
            let what = filter.dimension.map { "\($0) values differ" } ?? "rankings differ"
            return ReviewQueue.Entry(rowID: rowID, why: what + " (\(count) rankings" + (w.map { String(format: ", Kendall's W %.2f", $0) } ?? "") + ")")
        }
        return entries
    }

    /// Items whose labels the newest model contradicts, with its confidence (the most
    /// against any one label); of one item only with `itemRowID`.
    static func suspects(_ store: ProjectStore, itemRowID: Int64? = nil) throws -> [Int64: Double] {
        var suspects: [Int64: Double] = [:]
        for label in try store.labelsTheModelIsSureAbout(atLeast: ModelReport.suspectConfidence, itemRowID: itemRowID) {
            if let against = ModelReport.against(humanStrength: label.humanStrength, modelStrength: label.modelStrength) {
                suspects[label.itemRowID] = max(suspects[label.itemRowID] ?? 0, against)
            }
        }
        return suspects
    }

    /// Rebuilds the list from the database (after a filter change or an undo).
    func reload(keeping rowID: Int64? = nil) throws {
        // A list still being made is the old one's.
        wholeList.cancel()
        entries = try Self.entries(store, filter: filter)
        index = rowID.flatMap { id in entries.firstIndex { $0.rowID == id } } ?? min(index, entries.count)
        try showCurrent()
    }

    func showCurrent() throws {
        if index < entries.count, let ranked = try store.rankedItem(rowID: entries[index].rowID) {
            // A ranked item: its responses in stored order, the annotators' rankings below.
            let entry = entries[index]
            let onScreen = RankedOnScreen(rowID: entry.rowID, item: ranked, shown: Array(ranked.responses.indices))
            let rankings = try store.currentRankings(itemRowID: entry.rowID).map { ($0.annotator, $0.ranking.line(shown: onScreen.shown)) }
            send(.ranked(onScreen, position: index + 1, of: entries.count, bestWorst: false))
            send(.reviewing(judgments: [], rankings: rankings, why: entry.why))
            return
        }
        guard index < entries.count, let item = try store.item(rowID: entries[index].rowID) else {
            send(.queueEnded(count: entries.count))
            send(.reviewing(judgments: [], rankings: [], why: ""))
            return
        }
        let entry = entries[index]
        let judgments = try store.currentJudgments(itemRowID: entry.rowID)
        send(.pair(PairOnScreen(rowID: entry.rowID, item: item, shownOrder: .ab), position: index + 1, of: entries.count, suggestion: nil))
        send(.reviewing(judgments: judgments, rankings: [], why: entry.why))
    }

    /// Hands the screen what the workflow answered.
    func send(_ message: AnnotateMessage) { AnnotateScreen.receive(message, state: &state) }

    public func render(rows: Int, columns: Int) -> CellGrid {
        let (grid, last) = LastFrame.draw(&state, rows: rows, columns: columns, cache: cache)
        lastFrame = last
        return grid
    }

    /// Review waits for keys, but for a moment after opening: the whole list's length is
    /// shown as soon as it is known.
    public var keyTimeoutMilliseconds: Int? { wholeList.pending ? 100 : nil }
    public func beforeFrame() { try? takeWholeList(wait: false) }

    /// Handles one key; false when the session should end.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        if key == .hangup { return false }
        if case .mouse(let row, let column, let action) = key {
            guard let event = lastFrame.mouse.event(row: row, column: column, action, state: state) else { return true }
            for key in event.keys where !handle(key) { return false }
            if let set = event.responseValue { AnnotateScreen.setResponseValue(set.value, first: set.first, state: &state) }
            return true
        }
        guard let effect = AnnotateScreen.handle(key, state: &state, pageRows: lastFrame.pageRows) else { return true }
        do {
            if case .quit = effect {} else { try takeWholeList(wait: true) }
            switch effect {
            case .quit:
                return false
            case .adjudicate(let draft, let reason):
                guard let pair = state.pair else { return true }
                try store.adjudicate(itemRowID: pair.rowID, leadID: leadID, draft: draft, reason: reason)
                send(.decisionsChanged(by: 1))
                entries.remove(at: index)
                try showCurrent()
                send(.say("Decided (\(reason.rawValue)). It now overrides the judgments in exports."))
            case .adjudicateRanking(let draft, let reason):
                guard let rank = state.ranking else { return true }
                try store.adjudicate(itemRowID: rank.item.rowID, leadID: leadID, ranking: draft.ranking, rubric: draft.rubric,
                                     reason: reason, note: state.note)
                send(.decisionsChanged(by: 1))
                entries.remove(at: index)
                try showCurrent()
                send(.say("Decided (\(reason.rawValue)). It now overrides the rankings in exports."))
            case .undo:
                guard let rowID = try store.undoLastDecision(leadID: leadID) else {
                    send(.say("No decision of yours to undo.", error: true))
                    return true
                }
                send(.decisionsChanged(by: -1))
                try reload(keeping: rowID)
                if state.itemRowID != rowID {
                    // Not listed under the current filter (or no longer contested): show it anyway.
                    entries.insert(ReviewQueue.Entry(rowID: rowID, why: "decision undone"), at: index)
                    try showCurrent()
                }
                send(.say("Undone: your last decision is retracted."))
            case .skip:
                guard !entries.isEmpty else { return true }
                index = (index + 1) % entries.count
                try showCurrent()
            case .markGold(let draft):
                guard let pair = state.pair else { return true }
                try store.setGoldAnswer(itemRowID: pair.rowID, draft: draft, source: "review by \(state.annotator)")
                entries.remove(at: index)
                try showCurrent()
                send(.say("Marked gold: annotators get it among their items and are scored on it; it leaves agreement and exports."))
            case .filter(let text):
                try applyFilter(text)
            case .showStats:
                send(.page(TextPage(title: "Project statistics", lines: try AnnotateSession.statsLines(store: store))))
            case .goto(let id):
                guard let rowID = try store.itemRowID(externalID: id) else {
                    send(.say("No item with id \(id).", error: true))
                    return true
                }
                if let existing = entries.firstIndex(where: { $0.rowID == rowID }) {
                    index = existing
                } else {
                    entries.insert(ReviewQueue.Entry(rowID: rowID, why: "opened with :goto"), at: index)
                }
                try showCurrent()
            case .submit, .submitRanking, .flag, .search, .searchStep, .browse, .open:
                break
            }
        } catch {
            send(.say("Could not save: \(error). Press Enter to try again.", error: true))
        }
        return true
    }

    /// `annotator NAME`, `dimension KEY`, `flagged`, or nothing to clear the filters.
    func applyFilter(_ text: String) throws {
        let words = text.split(separator: " ").map(String.init)
        switch words.first {
        case nil: filter = ReviewQueue.Filter()
        case "annotator"? where words.count == 2: filter.annotator = words[1]
        case "dimension"? where words.count == 2:
            guard state.rubric.dimensions.contains(where: { $0.key == words[1] }) else {
                send(.say("No rubric dimension \(words[1]) (have: \(state.rubric.dimensions.map(\.key).joined(separator: ", "))).", error: true))
                return
            }
            filter.dimension = words[1]
        case "flagged"?: filter.flaggedOnly = true
        default:
            send(.say("Filters: :filter annotator NAME, :filter dimension KEY, :filter flagged, :filter (clear).", error: true))
            return
        }
        index = 0
        try reload()
        send(.say("Filter: \(Self.describe(filter)) · \(entries.count) items."))
    }

    static func describe(_ f: ReviewQueue.Filter) -> String {
        var parts: [String] = []
        if let a = f.annotator { parts.append("annotator \(a)") }
        if let d = f.dimension { parts.append("dimension \(d)") }
        if f.flaggedOnly { parts.append("flagged only") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// Review was opened by someone who is not a lead.
public struct ReviewRefused: Error, CustomStringConvertible {
    public var name: String
    public init(name: String) { self.name = name }
    public var description: String { "review shows and decides other people's judgments: only a lead may open it (\(name) is not a lead)" }
}
