import PairwiseCore

/// The keys that rank a ranked item's responses, before the annotate screen's own (note,
/// skip, undo, quit, help, guidelines, search… work as for pairs):
/// a panel's number places it next (1 … k, the best first); `=` before a number ties it
/// with the one placed last; Backspace takes the last one back; 0 says all are bad; Enter
/// submits once every panel but at most one is placed (that one comes last); l and h move
/// the focus between panels, j/k scroll the focused one. With per-response rubric
/// dimensions, Tab moves between the ranking and the dimensions, and on a dimension the
/// digits rate the panels in turn (Backspace takes the last value back); without them Tab
/// moves between panels.
public enum RankScreen {
    /// The keys a mouse event on a ranked item stands for: a click on a panel's title places
    /// it next (from the ranking's row), on its text or tab focuses it, on a row of the
    /// ranking panel focuses that row; the wheel scrolls the panel under the pointer.
    static func keys(for target: RankView.Target, _ action: MouseAction, rank: RankState) -> [Key] {
        let rows = rank.dimensions.count + 1
        func toRow(_ row: Int) -> [Key] { rank.dimensions.isEmpty ? [] : Array(repeating: .tab, count: (row - rank.row + rows) % rows) }
        func focus(_ panel: Int) -> [Key] { Array(repeating: .character("l"), count: (panel - rank.focused + rank.panels + 1) % (rank.panels + 1)) }
        switch (target, action) {
        case (.place(let panel), .click): return toRow(0) + [.character(Character(String(panel + 1)))]
        case (.focus(let panel), .click): return focus(panel)
        case (.row(let row), .click): return toRow(row)
        case (.place(let panel), .wheelUp), (.focus(let panel), .wheelUp): return focus(panel) + Array(repeating: .character("k"), count: 3)
        case (.place(let panel), .wheelDown), (.focus(let panel), .wheelDown): return focus(panel) + Array(repeating: .character("j"), count: 3)
        case (.row, _): return []
        }
    }

    /// Handles a ranking key; nil when the key is not one (the annotate screen takes it).
    static func handle(_ key: Key, state: inout AnnotateState, pageRows: Int) -> AnnotateEffect?? {
        guard var rank = state.ranking else { return nil }
        defer { state.ranking = rank }
        if let handled = rubricKey(key, rank: &rank, state: &state) { return handled }
        if let handled = placementKey(key, rank: &rank, state: &state) { return handled }
        return navigationKey(key, rank: &rank, pageRows: pageRows)
    }

    /// A key on a rubric row (rating a response on a dimension, or moving between rows).
    private static func rubricKey(_ key: Key, rank: inout RankState, state: inout AnnotateState) -> AnnotateEffect?? {
        switch key {
        case .character(let c) where c.isNumber && rank.row > 0:
            if let problem = rank.rate(Int(String(c)) ?? -1) { state.say(problem, error: true) }
            return .some(nil)
        case .backspace where rank.row > 0:
            rank.unrate()
            return .some(nil)
        case .tab where !rank.dimensions.isEmpty:
            rank.row = (rank.row + 1) % (rank.dimensions.count + 1)
            return .some(nil)
        case .backTab where !rank.dimensions.isEmpty:
            rank.row = (rank.row + rank.dimensions.count) % (rank.dimensions.count + 1)
            return .some(nil)
        default:
            return nil
        }
    }

    /// A key that places, ties, takes back or submits responses.
    private static func placementKey(_ key: Key, rank: inout RankState, state: inout AnnotateState) -> AnnotateEffect?? {
        switch key {
        case .character(let c) where c.isNumber:
            let n = Int(String(c)) ?? -1
            if n == 0 {
                rank.allBad.toggle()
                state.say(rank.allBad ? "All bad: no response is acceptable (the order still says which is least bad)." : "All bad cleared.")
                return .some(nil)
            }
            guard (1...rank.panels).contains(n) else {
                state.say("Panels are numbered 1–\(rank.panels).", error: true)
                return .some(nil)
            }
            guard !rank.placed.contains(n - 1) else {
                state.say("\(n) is placed already (Backspace takes the last one back).", error: true)
                return .some(nil)
            }
            if rank.bestWorst && rank.groups.count == 2 {
                state.say("Best and worst are picked (Backspace takes the worst back).", error: true)
                return .some(nil)
            }
            if rank.tieNext, !rank.groups.isEmpty { rank.groups[rank.groups.count - 1].append(n - 1) } else { rank.groups.append([n - 1]) }
            rank.tieNext = false
            return .some(nil)
        case .character("=") where rank.bestWorst:
            state.say("Best–worst: press the best response's number, then the worst's.", error: true)
            return .some(nil)
        case .character("="):
            guard !rank.groups.isEmpty else {
                state.say("Place a response first: = ties the next one with it.", error: true)
                return .some(nil)
            }
            rank.tieNext = true
            return .some(nil)
        case .backspace:
            if rank.tieNext { rank.tieNext = false } else if !rank.groups.isEmpty {
                rank.groups[rank.groups.count - 1].removeLast()
                if rank.groups.last?.isEmpty == true { rank.groups.removeLast() }
            }
            return .some(nil)
        case .enter:
            guard let ranking = rank.ranking else {
                if rank.bestWorst {
                    state.say(rank.groups.isEmpty ? "Press the best response's number, then the worst's." : "Now the worst response's number.", error: true)
                    return .some(nil)
                }
                let left = (0..<rank.panels).filter { !rank.placed.contains($0) }.map { String($0 + 1) }
                state.say("Place every response: \(left.joined(separator: ", ")) \(left.count == 1 ? "is" : "are") not placed yet.", error: true)
                return .some(nil)
            }
            switch rank.rubric {
            case .success(let rubric):
                return .some(.submitRanking(RankingDraft(ranking: ranking, rubric: rubric, shown: rank.item.shown, note: state.note)))
            case .failure(let problem):
                rank.row = problem.row
                state.say(problem.message, error: true)
                return .some(nil)
            }
        default:
            return nil
        }
    }

    /// A key that moves focus or scrolls a panel.
    private static func navigationKey(_ key: Key, rank: inout RankState, pageRows: Int) -> AnnotateEffect?? {
        switch key {
        case .tab, .character("l"), .right:
            rank.focused = rank.focused + 1 >= rank.panels ? -1 : rank.focused + 1
            return .some(nil)
        case .backTab, .character("h"), .left:
            rank.focused = rank.focused <= -1 ? rank.panels - 1 : rank.focused - 1
            return .some(nil)
        case .character("j"), .down:
            rank.scroll[rank.focused, default: 0] += 1
            return .some(nil)
        case .character("k"), .up:
            rank.scroll[rank.focused] = max(0, (rank.scroll[rank.focused] ?? 0) - 1)
            return .some(nil)
        case .pageDown, .character(" "):
            rank.scroll[rank.focused, default: 0] += max(1, pageRows - 1)
            return .some(nil)
        case .pageUp:
            rank.scroll[rank.focused] = max(0, (rank.scroll[rank.focused] ?? 0) - max(1, pageRows - 1))
            return .some(nil)
        default:
            return nil
        }
    }
}
