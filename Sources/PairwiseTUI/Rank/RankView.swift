import PairwiseCore

/// Draws a ranked item: the prompt on top, then the responses as numbered panels, side by
/// side when each gets `minimumPanelColumns`, else one at a time under a tab bar (h and l
/// switch, and Tab without rubric dimensions); the ranking so far and the per-response
/// values at the bottom.
enum RankView {
    static let minimumPanelColumns = 36

    /// What a click on a ranked item's screen does: place a panel next (its title), focus a
    /// panel (its text, or its tab), or focus a row of the ranking panel (0 the ranking).
    enum Target: Equatable {
        case place(Int)
        case focus(Int)
        case row(Int)
    }

    /// Cells a click acts on.
    typealias Region = (rows: Range<Int>, columns: Range<Int>, target: Target)

    /// Draws the body; returns the focused panel's content rows, the scroll offsets clamped
    /// to what each panel holds, and where clicks act.
    static func body(_ rank: RankState, top: Int, rows: Int, columns: Int, cache: LayoutCache,
                     grid: inout CellGrid) -> (pageRows: Int, scroll: [Int: Int], regions: [Region]) {
        var scroll: [Int: Int] = [:]
        var regions: [Region] = []
        var pages: [Int: Int] = [:]
        var rank = rank
        let promptLines = cache.lines(ranked: rank.item, position: -1, width: columns - 2)
        if rank.scroll[-1] == nil, case .chat(let turns) = rank.item.item.prompt, turns.count > 1 {
            // A conversation opens at its last turn, the one the responses answer.
            rank.scroll[-1] = promptLines.lastIndex { $0.style == .heading } ?? 0
        }
        let promptRows = min(promptLines.count, max(2, rows / 4)) + 1
        pages[-1] = panel(-1, title: "Prompt", lines: promptLines, rank: rank, top: top, left: 0, rows: promptRows, width: columns,
                          grid: &grid, scroll: &scroll)
        regions.append((top..<(top + promptRows), 0..<columns, .focus(-1)))
        let rest = rows - promptRows
        let k = rank.panels
        if columns >= k * minimumPanelColumns + (k - 1) {
            let width = (columns - (k - 1)) / k
            for n in 0..<k {
                let left = n * (width + 1)
                let panelWidth = n == k - 1 ? columns - left : width
                let lines = cache.lines(ranked: rank.item, position: rank.item.shown[n], width: panelWidth - 2)
                pages[n] = panel(n, title: title(n, rank), lines: lines, rank: rank, top: top + promptRows, left: left, rows: rest,
                                 width: panelWidth, grid: &grid, scroll: &scroll)
                regions.append(((top + promptRows)..<(top + promptRows + 1), left..<(left + panelWidth), .place(n)))
                regions.append(((top + promptRows + 1)..<(top + rows), left..<(left + panelWidth), .focus(n)))
                if n < k - 1 { for row in (top + promptRows)..<(top + rows) { grid.put("│", row: row, column: left + panelWidth, style: .dim) } }
            }
        } else {
            // One response at a time: a tab per panel, then the one in focus.
            let shown = max(0, rank.focused)
            var x = 0
            for n in 0..<k {
                let tab = " \(n + 1)\(placedMark(n, rank)) "
                let start = x
                x = grid.put(tab, row: top + promptRows, column: x, style: n == shown ? .selected : .key)
                regions.append(((top + promptRows)..<(top + promptRows + 1), start..<x, .focus(n)))
                x = grid.put(" ", row: top + promptRows, column: x)
            }
            grid.put(rank.dimensions.isEmpty ? "Tab / h l: another response" : "h l: another response", row: top + promptRows, column: x + 1, style: .dim)
            let lines = cache.lines(ranked: rank.item, position: rank.item.shown[shown], width: columns - 2)
            pages[shown] = panel(shown, title: title(shown, rank), lines: lines, rank: rank, top: top + promptRows + 1, left: 0, rows: rest - 1,
                                 width: columns, grid: &grid, scroll: &scroll)
            regions.append(((top + promptRows + 1)..<(top + promptRows + 2), 0..<columns, .place(shown)))
            regions.append(((top + promptRows + 2)..<(top + rows), 0..<columns, .focus(shown)))
        }
        return (pages[rank.focused] ?? pages[max(0, rank.focused)] ?? 1, scroll, regions)
    }

    /// "Response 2", with its place in the ranking so far.
    static func title(_ n: Int, _ rank: RankState) -> String {
        if rank.bestWorst {
            return "Response \(n + 1)" + (rank.groups.first == [n] ? " · best" : rank.groups.count > 1 && rank.groups[1] == [n] ? " · worst" : "")
        }
        guard let place = rank.groups.firstIndex(where: { $0.contains(n) }) else { return "Response \(n + 1)" }
        return "Response \(n + 1) · ranked #\(place + 1)"
    }

    /// A tab's mark: its place once ranked.
    static func placedMark(_ n: Int, _ rank: RankState) -> String {
        guard let place = rank.groups.firstIndex(where: { $0.contains(n) }) else { return "" }
        return rank.bestWorst ? (place == 0 ? " best" : " worst") : " #\(place + 1)"
    }

    static func panel(_ n: Int, title: String, lines: [StyledLine], rank: RankState, top: Int, left: Int, rows: Int, width: Int,
                      grid: inout CellGrid, scroll: inout [Int: Int]) -> Int {
        let contentRows = max(0, rows - 1)
        let offset = min(rank.scroll[n] ?? 0, max(0, lines.count - contentRows))
        scroll[n] = offset
        let focused = rank.focused == n
        grid.fill(row: top, from: left, to: left + width, style: focused ? .focused : .heading)
        grid.put((focused ? "▸ " : "  ") + title, row: top, column: left, style: focused ? .focused : .heading, limit: left + width)
        if lines.count > contentRows {
            let where_ = "\(offset + 1)–\(min(lines.count, offset + contentRows)) of \(lines.count) "
            grid.put(where_, row: top, column: left + width - where_.count, style: focused ? .focused : .dim)
        }
        for row in 0..<contentRows where offset + row < lines.count {
            grid.put(lines[offset + row].glyphs, row: top + 1 + row, column: left + 1, style: lines[offset + row].style, limit: left + width - 1)
        }
        return contentRows
    }

    /// The ranking so far and the per-response dimensions, in `rows` rows from `top`: the
    /// ranking, every dimension when `full` (else the one in focus, with three rows), and
    /// how to rate the row in focus.
    static func rankingPanel(_ rank: RankState, top: Int, rows: Int, full: Bool, into grid: inout CellGrid) -> [Region] {
        var regions: [Region] = [(top..<(top + 1), 0..<grid.columns, .row(0))]
        let onRanking = rank.row == 0
        var x = grid.put((onRanking ? "▸ " : "  ") + (rank.bestWorst ? "Best and worst  " : "Ranking (best first)  "), row: top, column: 0,
                         style: onRanking ? .focused : .bold)
        x = grid.put(rank.line, row: top, column: x, style: rank.groups.isEmpty ? .dim : .selected)
        if rank.allBad { grid.put("   all bad", row: top, column: x, style: .warning) }
        if full {
            for (n, dimension) in rank.dimensions.enumerated() where top + 1 + n < top + rows - 1 {
                dimensionRow(dimension, rank: rank, focused: rank.row == n + 1, row: top + 1 + n, into: &grid)
                regions.append(((top + 1 + n)..<(top + 2 + n), 0..<grid.columns, .row(n + 1)))
            }
        } else if rows >= 3 {
            if let dimension = rank.focusedDimension {
                dimensionRow(dimension, rank: rank, focused: true, row: top + 1, into: &grid)
                regions.append(((top + 1)..<(top + 2), 0..<grid.columns, .row(rank.row)))
            } else if !rank.dimensions.isEmpty {
                grid.put("  Rubric: \(rank.dimensions.count) dimension\(rank.dimensions.count == 1 ? "" : "s") per response (Tab to rate, r shows all)",
                         row: top + 1, column: 0, style: .dim)
            }
        }
        let guideline: String
        if let d = rank.focusedDimension {
            let labels = d.scale.labels.isEmpty ? ""
                : "  [" + (d.scale.min...d.scale.max).compactMap { v in d.scale.label(for: v).map { "\(v) \($0)" } }.joined(separator: " · ") + "]"
            guideline = "\(d.title): \(d.guideline)" + labels + " · type a value for each response in turn; Backspace takes one back."
        } else if rank.bestWorst {
            guideline = "Press the best response's number, then the worst's; Backspace takes one back; 0 all bad; Enter submits."
        } else {
            guideline = "Press the panels' numbers, best first; = ties the next with the last; Backspace takes one back; 0 all bad; "
                + "Enter submits (one left is placed last)."
        }
        grid.put("  " + guideline, row: top + rows - 1, column: 0, style: .dim)
        return regions
    }

    /// A dimension's row: its title, scale, and each panel's value so far ("2:4").
    static func dimensionRow(_ d: PairwiseCore.Dimension, rank: RankState, focused: Bool, row: Int, into grid: inout CellGrid) {
        let title = (focused ? "▸ " : "  ") + d.title + (d.required ? " *" : "")
        var x = grid.put(title.padding(toLength: max(title.count, 24), withPad: " ", startingAt: 0), row: row, column: 0, style: focused ? .focused : .bold)
        x = grid.put("\(d.scale.min)–\(d.scale.max)  ", row: row, column: x, style: .dim)
        let values = rank.values(d)
        let next = values.firstIndex { $0 == nil }
        for (panel, value) in values.enumerated() {
            x = grid.put(" \(panel + 1):" + (value.map(String.init) ?? "·") + " ", row: row, column: x,
                         style: value != nil ? .selected : focused && panel == next ? .key : .dim)
        }
    }

    static func hint(_ rank: RankState) -> String {
        if let d = rank.focusedDimension {
            return " \(d.scale.min)-\(d.scale.max) rate each response · Backspace back · Tab next row · Enter submit · h l panel · u undo · s skip · ? keys"
        }
        let tab = rank.dimensions.isEmpty ? "Tab panel" : "Tab rubric · h l panel"
        if rank.bestWorst { return " 1-\(rank.panels) best, then worst · Backspace back · 0 all bad · Enter submit · \(tab) · u undo · s skip · n note · ? keys" }
        return " 1-\(rank.panels) rank · = tie · Backspace back · 0 all bad · Enter submit · \(tab) · u undo · s skip · n note · ? keys"
    }
}
