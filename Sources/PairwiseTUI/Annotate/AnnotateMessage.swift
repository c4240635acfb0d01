import PairwiseCore

/// What a session tells the annotate (or review) screen after carrying out one of its effects
/// with the workflow: the screen's `receive` is the one place the state changes in answer
/// (keys change it in `handle`), as a bubbletea model's `Update(msg)`. Sessions read the
/// state; they never write it.
public enum AnnotateMessage {
    /// The session opened: whether the person sees project figures, and the guidelines in force.
    case opened(canSeeStats: Bool, guidelines: Guidelines?)
    /// The queue was planned; what to say when it is empty (nil: the default).
    case queuePlanned(emptyQueueLines: [String]?)
    /// A pair to label, with the suggestion line shown beside it (if the project shows them).
    case pair(PairOnScreen, position: Int, of: Int, suggestion: String?)
    /// A ranked item to label.
    case ranked(RankedOnScreen, position: Int, of: Int, bestWorst: Bool)
    /// Nothing left to show.
    case queueEnded(count: Int)
    /// Where the item on screen stands in a list whose length is known now (nil: still
    /// being counted).
    case listLength(position: Int, of: Int?)
    /// An item under review: its labels and why it is listed (what the lead chose to see stays).
    case reviewing(judgments: [Judgment], rankings: [(annotator: String, line: String)], why: String)
    /// A lead's decision was recorded (+1) or retracted (−1).
    case decisionsChanged(by: Int)
    /// A stored judgment of the pair on screen, to revise.
    case restoreJudgment(itemRowID: Int64, JudgmentDraft)
    /// A stored ranking of the ranked item on screen, to revise.
    case restoreRanking(itemRowID: Int64, Ranking, rubric: ResponseRatings, note: String?)
    /// A full-screen page of text.
    case page(TextPage)
    case browse(BrowseList)
    /// The search in progress (nil: none).
    case searching(String?)
    /// The status line's model and agreement figures.
    case modelStatus(String?)
    /// The drift check's sentence (nil: nothing to say).
    case qualityNotice(String?)
    case figures(doneToday: Int, medianSeconds: Double?)
    /// A sentence on the message line.
    case say(String, error: Bool = false)
}

extension AnnotateScreen {
    /// Applies a session's message to the state.
    public static func receive(_ message: AnnotateMessage, state: inout AnnotateState) {
        switch message {
        case .opened(let canSeeStats, let guidelines):
            state.canSeeStats = canSeeStats
            state.guidelines = guidelines
        case .queuePlanned(let lines):
            state.emptyQueueLines = lines
        case .pair(let pair, let position, let count, let suggestion):
            state.show(pair, position: position, queueCount: count)
            state.suggestion = suggestion
        case .ranked(let item, let position, let count, let bestWorst):
            state.show(ranked: item, position: position, queueCount: count)
            state.ranking?.bestWorst = bestWorst
            state.suggestion = nil
        case .queueEnded(let count):
            state.show(nil, position: count, queueCount: count)
        case .listLength(let position, let count):
            state.position = position
            state.queueCount = count ?? state.queueCount
            state.queueCountComing = count == nil
        case .reviewing(let judgments, let rankings, let why):
            var panel = ReviewPanel(judgments: judgments, why: why)
            panel.rankings = rankings
            panel.revealNames = state.review?.revealNames ?? false
            panel.decided = state.review?.decided ?? 0
            state.review = panel
        case .decisionsChanged(let change):
            let decided = max(0, (state.review?.decided ?? 0) + change)
            state.review?.decided = decided
        case .restoreJudgment(let rowID, let draft):
            if state.pair?.rowID == rowID { state.restore(draft) }
        case .restoreRanking(let rowID, let ranking, let rubric, let note):
            guard state.ranking?.item.rowID == rowID else { return }
            state.ranking?.restore(ranking, rubric: rubric)
            if let note { state.note = note }
        case .page(let page):
            state.page = page
        case .browse(let list):
            state.browse = list
        case .searching(let query):
            state.searchQuery = query
        case .modelStatus(let line):
            state.extraStatus = line
        case .qualityNotice(let notice):
            state.qualityNotice = notice
        case .figures(let done, let median):
            state.doneToday = done
            state.medianSeconds = median
        case .say(let text, let error):
            state.say(text, error: error)
        }
    }
}
