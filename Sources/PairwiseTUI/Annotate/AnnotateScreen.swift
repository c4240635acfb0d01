import PairwiseCore

/// What the screen asks its controller to do after a key.
public enum AnnotateEffect: Equatable, Sendable {
    case submit(JudgmentDraft)
    /// A ranked item's ranking.
    case submitRanking(RankingDraft)
    case undo
    case skip
    case flag(reason: String?)
    case goto(String)
    /// Find items in the queue whose text holds this.
    case search(String)
    /// The next (+1) or previous (−1) search match.
    case searchStep(Int)
    /// Open the browse list; open an item from it.
    case browse
    case open(Int64)
    case showStats
    /// Review: record a lead's decision with its reason.
    case adjudicate(JudgmentDraft, AdjudicationReason)
    /// Review: record a lead's ranking of a ranked item (and its rubric values) with its reason.
    case adjudicateRanking(RankingDraft, AdjudicationReason)
    /// Review: make the item gold, with these values as its expected answer.
    case markGold(JudgmentDraft)
    /// Review: narrow the list (`annotator NAME`, `dimension KEY`, `flagged`, or empty to clear).
    case filter(String)
    case quit
}

/// The annotate screen's key handling: `(state, key) -> state` plus an effect for the
/// controller to carry out. The keys are fixed (see `HelpText`).
public enum AnnotateScreen {
    /// Handles one key. `pageRows` is how far PgUp/PgDn move.
    public static func handle(_ key: Key, state: inout AnnotateState, pageRows: Int) -> AnnotateEffect? {
        if state.terminalTooSmall { return key == .character("q") || key == .interrupt ? .quit : nil }
        if state.input != nil { return handleInput(key, state: &state) }
        if state.browse != nil { return handleBrowse(key, state: &state, pageRows: pageRows) }
        if state.page != nil { return handlePage(key, state: &state, pageRows: pageRows) }
        if state.showingHelp {
            if key == .character("?") || key == .character("q") || key == .escape || key == .enter { state.showingHelp = false }
            return nil
        }
        if state.confirmingQuit {
            state.confirmingQuit = false
            if key == .character("y") || key == .character("Y") { return .quit }
            state.say("Quit cancelled.")
            return nil
        }
        state.message = nil
        if state.review != nil, let handled = handleReview(key, state: &state, pageRows: pageRows) { return handled }
        if state.ranking != nil, let effect = RankScreen.handle(key, state: &state, pageRows: pageRows) { return effect }
        return handleLabeling(key, state: &state, pageRows: pageRows)
    }

    /// Keys in the browse list (queue and own judgments).
    private static func handleBrowse(_ key: Key, state: inout AnnotateState, pageRows: Int) -> AnnotateEffect? {
        guard var list = state.browse else { return nil }
        switch key {
        case .character("b"), .character("q"), .escape: state.browse = nil; return nil
        case .character("j"), .down: list.move(1)
        case .character("k"), .up: list.move(-1)
        case .pageDown, .character(" "): for _ in 0..<max(1, pageRows - 1) { list.move(1) }
        case .pageUp: for _ in 0..<max(1, pageRows - 1) { list.move(-1) }
        case .character("g"), .home: list.selected = list.entries.firstIndex { !$0.heading } ?? list.selected
        case .character("G"), .end: list.selected = list.entries.lastIndex { !$0.heading } ?? list.selected
        case .enter:
            state.browse = nil
            return list.entries.indices.contains(list.selected) && !list.entries[list.selected].heading ? .open(list.entries[list.selected].rowID) : nil
        default: break
        }
        state.browse = list
        return nil
    }

    /// Keys on a text page (stats, guidelines, feedback).
    private static func handlePage(_ key: Key, state: inout AnnotateState, pageRows: Int) -> AnnotateEffect? {
        guard var page = state.page else { return nil }
        switch key {
        case .character("S"), .character("i"), .character("q"), .escape, .enter: state.page = nil; return nil
        case .character("j"), .down: page.scroll += 1
        case .character("k"), .up: page.scroll = max(0, page.scroll - 1)
        case .pageDown, .character(" "): page.scroll += max(1, pageRows - 1)
        case .pageUp: page.scroll = max(0, page.scroll - max(1, pageRows - 1))
        case .character("g"), .home: page.scroll = 0
        default: break
        }
        state.page = page
        return nil
    }

    /// The review screen's own keys: `.some(effect)` when the key was the review's (the
    /// effect may be nil), nil to go on to the labeling keys.
    private static func handleReview(_ key: Key, state: inout AnnotateState, pageRows: Int) -> AnnotateEffect?? {
        switch key {
        case .character("N"):
            // Not h: vim users press h to move between panels, and names must not show by accident.
            state.review!.revealNames.toggle()
            state.say(state.review!.revealNames ? "Names shown (N hides them)." : "Names hidden.")
            return .some(nil)
        case .enter where state.ranking != nil:
            // A ranked item: the lead's ranking, once complete, waits for its reason.
            guard case .some(.submitRanking(let draft)?) = RankScreen.handle(key, state: &state, pageRows: pageRows) else { return .some(nil) }
            state.review!.pendingRanking = draft
            state.input = .reason
            state.inputText = ""
            return .some(nil)
        case .enter:
            guard state.pair != nil, case .submit(let draft)? = submission(state: &state) else { return .some(nil) }
            state.review!.pending = draft
            state.input = .reason
            state.inputText = ""
            return .some(nil)
        case .character("f"):
            return .some(nil)
        default: break
        }
        return .none
    }

    /// The keys that make a label: preference, rubric, note, flag, skip, undo, scrolling.
    private static func handleLabeling(_ key: Key, state: inout AnnotateState, pageRows: Int) -> AnnotateEffect? {
        switch key {
        case .character("?"): state.showingHelp = true
        case .character("r"): state.rubricToggled.toggle()
        case .character("/"): if state.review == nil { state.input = .search; state.inputText = "" }
        case .character("b"): if state.review == nil { return .browse }
        case .character("n") where state.searchQuery != nil: return .searchStep(1)
        case .character("N") where state.searchQuery != nil: return .searchStep(-1)
        case .escape where state.searchQuery != nil:
            state.searchQuery = nil
            state.say("Search ended.")
        case .character("i"):
            if let guidelines = state.guidelines {
                state.page = TextPage(title: "Guidelines, version \(guidelines.version)", lines: guidelines.text.components(separatedBy: "\n"))
            } else {
                state.say("This project has no guidelines yet (a lead adds them with pairwise guidelines set FILE).", error: true)
            }
        case .character("S"):
            if state.canSeeStats { return .showStats }
            state.say("The stats screen shows other people's names: leads only.", error: true)
        case .character("q"), .interrupt:
            if state.hasUnsavedWork && key != .interrupt {
                state.confirmingQuit = true
                state.say("This judgment is not submitted. Quit anyway? (y/n)", error: true)
            } else {
                return .quit
            }
        case .tab: state.focusedRow = (state.focusedRow + 1) % (state.rubric.dimensions.count + 1)
        case .backTab: state.focusedRow = (state.focusedRow + state.rubric.dimensions.count) % (state.rubric.dimensions.count + 1)
        case .character(let c) where c.isASCII && c.isNumber:
            guard state.pair != nil else { return nil }
            digit(Int(String(c))!, state: &state)
        case .backspace:
            if state.focusedRow == 0 { state.preference = nil; state.bothBad = false }
            else { state.entries[state.rubric.dimensions[state.focusedRow - 1].key] = nil }
        case .enter:
            guard state.pair != nil else { return nil }
            return submission(state: &state)
        case .character("u"): return .undo
        case .character("s"): return state.hasItem ? .skip : nil
        case .character("f"): if state.hasItem { state.input = .flag; state.inputText = "" }
        case .character("n"): if state.hasItem { state.input = .note; state.inputText = state.note ?? "" }
        case .character(":"): state.input = .command; state.inputText = ""
        case .character("j"), .down: scroll(by: 1, state: &state)
        case .character("k"), .up: scroll(by: -1, state: &state)
        case .pageDown, .character(" "): scroll(by: max(1, pageRows - 1), state: &state)
        case .pageUp: scroll(by: -max(1, pageRows - 1), state: &state)
        case .character("g"), .home: state.scroll[state.focusedPanel] = 0
        case .character("G"), .end: state.scroll[state.focusedPanel] = Int.max / 2
        case .character("h"), .left: state.focusedPanel = Panel(rawValue: (state.focusedPanel.rawValue + 2) % 3)!
        case .character("l"), .right: state.focusedPanel = Panel(rawValue: (state.focusedPanel.rawValue + 1) % 3)!
        default: break
        }
        return nil
    }

    private static func scroll(by rows: Int, state: inout AnnotateState) {
        // The view clamps to the content; here we only keep it non-negative.
        let current = min(state.scroll[state.focusedPanel] ?? 0, Int.max / 4)
        state.scroll[state.focusedPanel] = max(0, current + rows)
    }

    private static func digit(_ d: Int, state: inout AnnotateState) {
        if state.focusedRow == 0 {
            switch d {
            case 0: state.bothBad.toggle()
            case 1...7: state.preference = d
            default: state.say("Overall preference: 1–7, or 0 for both bad.", error: true)
            }
            return
        }
        let dimension = state.rubric.dimensions[state.focusedRow - 1]
        switch dimension.kind {
        case .comparative:
            let keys = 2 * dimension.scale.max + 1
            guard (1...keys).contains(d) else { state.say("\(dimension.title): keys 1–\(keys).", error: true); return }
            state.entries[dimension.key] = .comparative(key: d)
            advance(&state)
        case .perResponse:
            guard dimension.scale.contains(d) else {
                state.say("\(dimension.title) runs \(dimension.scale.min)–\(dimension.scale.max).", error: true); return
            }
            switch state.entries[dimension.key] {
            case .perResponse(let first?, nil): state.entries[dimension.key] = .perResponse(first: first, second: d); advance(&state)
            case .perResponse(nil, let second?): state.entries[dimension.key] = .perResponse(first: d, second: second); advance(&state)
            default: state.entries[dimension.key] = .perResponse(first: d, second: nil)
            }
        }
    }

    /// Sets one response's value on the per-response dimension in focus (a click on its
    /// point); moves on once both responses have one, as typing does.
    public static func setResponseValue(_ value: Int, first: Bool, state: inout AnnotateState) {
        guard state.focusedRow > 0 else { return }
        let dimension = state.rubric.dimensions[state.focusedRow - 1]
        guard dimension.kind == .perResponse, dimension.scale.contains(value) else { return }
        var values: (Int?, Int?) = (nil, nil)
        if case .perResponse(let f, let s)? = state.entries[dimension.key] { values = (f, s) }
        if first { values.0 = value } else { values.1 = value }
        state.entries[dimension.key] = .perResponse(first: values.0, second: values.1)
        if values.0 != nil && values.1 != nil { advance(&state) }
    }

    /// Moves to the next dimension after one is complete.
    private static func advance(_ state: inout AnnotateState) {
        if state.focusedRow < state.rubric.dimensions.count { state.focusedRow += 1 }
    }

    /// The judgment to store, or nil with the reason in the status line.
    static func submission(state: inout AnnotateState) -> AnnotateEffect? {
        guard let pair = state.pair else { return nil }
        guard state.preference != nil || state.bothBad else {
            state.say("Choose the overall preference first (1–7, or 0 for both bad).", error: true)
            return nil
        }
        var rubric: [String: RubricValue] = [:]
        for (n, dimension) in state.rubric.dimensions.enumerated() {
            switch (dimension.kind, state.entries[dimension.key]) {
            case (.comparative, .comparative(let key)?):
                let shown = key - (dimension.scale.max + 1)
                rubric[dimension.key] = .comparative(pair.shownOrder == .ab ? shown : -shown)
            case (.perResponse, .perResponse(let first?, let second?)?):
                rubric[dimension.key] = pair.shownOrder == .ab ? .perResponse(a: first, b: second) : .perResponse(a: second, b: first)
            default:
                if dimension.required {
                    state.say("\(dimension.title) is required.", error: true)
                    state.focusedRow = n + 1
                    return nil
                }
            }
        }
        let shownStrength = (state.preference ?? 4) - 4
        let strength = pair.shownOrder == .ab ? shownStrength : -shownStrength
        return .submit(JudgmentDraft(strength: PreferenceStrength(strength)!, bothBad: state.bothBad, rubric: rubric,
                                     note: state.note, shownOrder: pair.shownOrder, milliseconds: 0))
    }

    private static func handleInput(_ key: Key, state: inout AnnotateState) -> AnnotateEffect? {
        guard let input = state.input else { return nil }
        if input == .reason {
            switch key {
            case .escape, .interrupt:
                state.input = nil
                state.review?.pending = nil
                state.review?.pendingRanking = nil
                state.say("Not recorded; the decision stays on screen.")
            case .character(let c) where c.isASCII && c.isNumber:
                let reasons = AdjudicationReason.allCases
                guard let n = Int(String(c)), (1...reasons.count).contains(n) else { return nil }
                if let draft = state.review?.pendingRanking {
                    state.input = nil
                    state.review?.pendingRanking = nil
                    return .adjudicateRanking(draft, reasons[n - 1])
                }
                guard let draft = state.review?.pending else { return nil }
                state.input = nil
                state.review?.pending = nil
                return .adjudicate(draft, reasons[n - 1])
            default: break
            }
            return nil
        }
        switch key {
        case .escape, .interrupt:
            state.input = nil
        case .backspace:
            if !state.inputText.isEmpty { state.inputText.removeLast() }
        case .enter:
            state.input = nil
            let text = state.inputText.trimmingSpaces()
            switch input {
            case .flag: return .flag(reason: text.isEmpty ? nil : text)
            case .search: return text.isEmpty ? nil : .search(text)
            case .note:
                state.note = text.isEmpty ? nil : text
                state.say(text.isEmpty ? "Note removed." : "Note added; it is saved with this judgment.")
            case .command:
                if text == "q" || text == "quit" { return handle(.character("q"), state: &state, pageRows: 1) }
                if text.hasPrefix("goto ") { return .goto(String(text.dropFirst(5)).trimmingSpaces()) }
                if state.review != nil && (text == "filter" || text.hasPrefix("filter ")) {
                    return .filter(String(text.dropFirst(6)).trimmingSpaces())
                }
                if state.review != nil && text == "gold" {
                    // The values set become the item's gold answer (the note its explanation).
                    guard state.pair != nil, case .submit(let draft)? = submission(state: &state) else { return nil }
                    return .markGold(draft)
                }
                if !text.isEmpty {
                    state.say("Unknown command :\(text) (try :goto ID\(state.review != nil ? ", :filter …, :gold" : "") or :q)", error: true)
                }
            case .reason:
                break
            }
        case .character(let c):
            if state.inputText.count < 500 { state.inputText.append(c) }
        case .tab:
            state.inputText.append(" ")
        default:
            break
        }
        return nil
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
