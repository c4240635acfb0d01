import PairwiseCore

/// The pair on screen, with the order in which its responses are shown.
public struct PairOnScreen: Equatable, Sendable {
    public var rowID: Int64
    public var item: Item
    public var shownOrder: ShownOrder

    public init(rowID: Int64, item: Item, shownOrder: ShownOrder) {
        self.rowID = rowID
        self.item = item
        self.shownOrder = shownOrder
    }

    public var first: Response { shownOrder == .ab ? item.responseA : item.responseB }
    public var second: Response { shownOrder == .ab ? item.responseB : item.responseA }
}

/// The three scrollable panels.
public enum Panel: Int, CaseIterable, Sendable {
    case prompt, first, second
}

/// A rubric value being entered, in the order the responses are shown.
public enum DimensionEntry: Equatable, Sendable {
    /// The key pressed, 1…(2N+1), left (first shown better) to right.
    case comparative(key: Int)
    case perResponse(first: Int?, second: Int?)
}

/// The one-line prompts the screen can show.
public enum LineInput: Equatable, Sendable {
    case flag, note, command, search
    /// Review: the reason for the decision about to be recorded.
    case reason
}

/// What the review screen adds to the annotate screen for the item in focus.
public struct ReviewPanel: Equatable, Sendable {
    /// The item's current judgments, by annotator name.
    public var judgments: [Judgment]
    /// Why the item is listed.
    public var why: String
    /// Annotator names are hidden until `h` reveals them.
    public var revealNames = false
    /// The decision made (with the keys) waiting for its reason.
    public var pending: JudgmentDraft?
    /// A ranked item's current rankings, each as a line in the screen's panel numbers.
    public var rankings: [(annotator: String, line: String)] = []
    /// A ranking (and its rubric values) decided with the keys, waiting for its reason.
    public var pendingRanking: RankingDraft?
    /// Decisions recorded in this session.
    public var decided = 0

    public init(judgments: [Judgment], why: String) {
        self.judgments = judgments
        self.why = why
    }

    public static func == (a: ReviewPanel, b: ReviewPanel) -> Bool {
        a.judgments == b.judgments && a.why == b.why && a.revealNames == b.revealNames && a.pending == b.pending && a.decided == b.decided
            && a.pendingRanking == b.pendingRanking && a.rankings.elementsEqual(b.rankings) { $0.annotator == $1.annotator && $0.line == $1.line }
    }
}

/// A full-screen text: the stats screen, the guidelines, a gold item's feedback.
public struct TextPage: Equatable, Sendable {
    public var title: String
    /// Paragraphs; the view wraps them to the width.
    public var lines: [String]
    public var scroll = 0

    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }
}

/// The browse list (`b`): the queue ahead and the person's own judgments, one line each.
public struct BrowseList: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var rowID: Int64
        public var line: String
        /// A heading line, not an item.
        public var heading: Bool
        public init(rowID: Int64, line: String, heading: Bool = false) {
            self.rowID = rowID
            self.line = line
            self.heading = heading
        }
    }
    public var entries: [Entry]
    public var selected: Int
    public init(entries: [Entry]) {
        self.entries = entries
        selected = entries.firstIndex { !$0.heading } ?? 0
    }

    /// Moves the selection by `step` items, over headings.
    public mutating func move(_ step: Int) {
        var next = selected
        repeat { next += step } while next >= 0 && next < entries.count && entries[next].heading
        if next >= 0 && next < entries.count { selected = next }
    }
}

/// Everything the annotate screen shows; changed only by `AnnotateScreen`: `handle` (a key) and
/// `receive` (what a session says the workflow answered), and by drawing it (its size).
public struct AnnotateState: Equatable, Sendable {
    public var annotator: String
    public var rubric: Rubric
    public var pair: PairOnScreen?
    /// A ranked item on screen (three or more responses), instead of a pair.
    public var ranking: RankState?
    /// 1-based position of the pair in the annotator's queue, and the queue's length.
    public var position = 0
    public var queueCount = 0
    /// Whether the list's length is still being counted (review shows its first item before).
    public var queueCountComing = false
    public var doneToday = 0
    public var medianSeconds: Double?
    /// Newest model and agreement figures, once those exist.
    public var extraStatus: String?
    /// The guidelines, when the project has them (`i` opens them).
    public var guidelines: Guidelines?
    /// Suggestions shown beside the pair (when the project shows them), in a line.
    public var suggestion: String?
    /// A gentle word about the annotator's recent agreement, in the status line.
    public var qualityNotice: String?
    /// What the screen says instead of "nothing left" (the qualification round's outcome).
    public var emptyQueueLines: [String]?
    /// Set on the review screen: the judgments to decide between.
    public var review: ReviewPanel?

    // The judgment being made.
    /// The key of the overall preference, 1…7 (1 = first shown much better).
    public var preference: Int?
    public var bothBad = false
    public var entries: [String: DimensionEntry] = [:]
    public var note: String?

    /// 0 = the overall preference, 1…N = rubric dimensions.
    public var focusedRow = 0
    public var focusedPanel: Panel = .first
    public var scroll: [Panel: Int] = [:]
    public var input: LineInput?
    public var inputText = ""
    public var showingHelp = false
    /// The text of the search in progress (`/`): n and N step through its matches.
    public var searchQuery: String?
    /// `r` flips the rubric panel between every dimension and one line, from what the
    /// terminal's size chooses.
    public var rubricToggled = false
    /// Whether this person may open the stats screen (leads only: it shows names).
    public var canSeeStats = false
    /// A full-screen text open over the pair (stats, guidelines, qualification feedback).
    public var page: TextPage?
    /// The browse list, while open.
    public var browse: BrowseList?
    public var confirmingQuit = false
    /// The last frame did not fit the terminal: only quitting works until it does, so no
    /// key acts on a pair the person cannot see.
    public var terminalTooSmall = false
    public var message: String?
    public var messageIsError = false

    public init(annotator: String, rubric: Rubric) {
        self.annotator = annotator
        self.rubric = rubric
    }

    /// Whether anything of a judgment has been entered.
    public var hasUnsavedWork: Bool {
        if let ranking { return !ranking.groups.isEmpty || ranking.allBad || !ranking.ratings.isEmpty || note != nil }
        return pair != nil && (preference != nil || bothBad || !entries.isEmpty || note != nil)
    }

    /// Whether an item (a pair or a ranked item) is on screen.
    public var hasItem: Bool { pair != nil || ranking != nil }

    /// The row id of the item on screen.
    public var itemRowID: Int64? { pair?.rowID ?? ranking?.item.rowID }

    /// Shows a ranked item, its values blank.
    public mutating func show(ranked: RankedOnScreen, position: Int, queueCount: Int) {
        show(nil, position: position, queueCount: queueCount)
        ranking = RankState(item: ranked, dimensions: ResponseRatings.dimensions(of: rubric))
    }

    /// Shows a new pair with a clean slate.
    public mutating func show(_ pair: PairOnScreen?, position: Int, queueCount: Int) {
        self.pair = pair
        ranking = nil
        self.position = position
        self.queueCount = queueCount
        queueCountComing = false
        preference = nil
        bothBad = false
        entries = [:]
        note = nil
        focusedRow = 0
        scroll = [:]
        confirmingQuit = false
    }

    /// Puts a stored judgment's values back on screen, in the terms of the order shown.
    public mutating func restore(_ draft: JudgmentDraft) {
        guard let pair else { return }
        let flip = pair.shownOrder != .ab
        let shown = flip ? -draft.strength.value : draft.strength.value
        preference = draft.bothBad && shown == 0 ? nil : shown + 4
        bothBad = draft.bothBad
        note = draft.note
        entries = [:]
        for dimension in rubric.dimensions {
            switch draft.rubric[dimension.key] {
            case .comparative(let value)?:
                entries[dimension.key] = .comparative(key: (flip ? -value : value) + dimension.scale.max + 1)
            case .perResponse(let a, let b)?:
                entries[dimension.key] = flip ? .perResponse(first: b, second: a) : .perResponse(first: a, second: b)
            case nil:
                break
            }
        }
    }

    public mutating func say(_ text: String, error: Bool = false) {
        message = text
        messageIsError = error
    }
}
