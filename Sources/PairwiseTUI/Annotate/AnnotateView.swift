import Foundation
import PairwiseCore

/// A rendered frame, plus the scroll offsets clamped to what the panels hold.
public struct RenderedFrame {
    public var grid: CellGrid
    public var scroll: [Panel: Int]
    /// Rows of the focused panel's content, for PgUp/PgDn.
    public var pageRows: Int
    /// The terminal is smaller than `AnnotateView.minimumSize`: the frame says so and nothing else.
    public var tooSmall = false
    /// Where a click means a key (a scale point), and which rows each panel takes.
    public var clickKeys: [ClickKey] = []
    public var panels: [PanelRegion] = []
    /// A ranked item's panel scroll offsets, clamped (panel -1 the prompt).
    public var rankScroll: [Int: Int]?
    /// A ranked item's clickable cells.
    var rankRegions: [RankView.Region] = []
}

/// What a click on a scale point does: press a key on its rubric row, or set one response's
/// value on a per-response dimension (its two scales share no key).
public enum ClickAction: Equatable, Sendable {
    case key(Key)
    case responseValue(first: Bool, value: Int)
}

/// Cells where a click acts on a rubric row (0 the overall preference, n the n-th dimension):
/// a scale point.
public typealias ClickKey = (row: Int, columns: Range<Int>, rubricRow: Int, action: ClickAction)
/// The cells a panel takes.
public typealias PanelRegion = (panel: Panel, rows: Range<Int>, columns: Range<Int>)

/// Draws the annotate screen: prompt and the two responses on top (side by side from 100
/// columns, stacked below that), the rubric panel and status line at the bottom. The rubric
/// shows every dimension while the responses keep 20 rows or more, else one line (the
/// dimension in focus); `r` flips that choice.
public enum AnnotateView {
    public static let minimumSize = (rows: 20, columns: 60)
    public static let sideBySideColumns = 100

    static let preferenceLabels = ["first much better", "first better", "first slightly better", "about the same",
                                   "second slightly better", "second better", "second much better"]

    public static func render(_ state: AnnotateState, rows: Int, columns: Int, cache: LayoutCache) -> RenderedFrame {
        var grid = CellGrid(rows: rows, columns: columns)
        guard rows >= minimumSize.rows && columns >= minimumSize.columns else {
            let lines = ["Terminal too small: \(columns)×\(rows).", "Pairwise needs at least \(minimumSize.columns)×\(minimumSize.rows).",
                         "Enlarge the window, or press q to quit."]
            for (n, line) in lines.enumerated() where rows > n {
                grid.put(line, row: max(0, rows / 2 - 1) + n, column: max(0, (columns - line.count) / 2),
                         style: n == 0 ? .warning : .normal)
            }
            return RenderedFrame(grid: grid, scroll: state.scroll, pageRows: 1, tooSmall: true)
        }
        titleBar(state, into: &grid)
        let dimensions = state.ranking?.dimensions.count ?? state.rubric.dimensions.count
        let fullRubricRows = dimensions + 2
        let roomy = rows - 3 - fullRubricRows >= 20
        let rubricRows = roomy != state.rubricToggled ? fullRubricRows : min(fullRubricRows, 3)
        let bodyTop = 1, bodyRows = rows - 3 - rubricRows
        var scroll = state.scroll
        var rankScroll: [Int: Int]?
        var rankRegions: [RankView.Region] = []
        var pageRows = 1
        var regions: [PanelRegion] = []
        if let list = state.browse {
            pageRows = browseBody(list, top: bodyTop, rows: bodyRows, into: &grid)
        } else if let page = state.page {
            pageRows = pageBody(page, top: bodyTop, rows: bodyRows, into: &grid)
        } else if state.showingHelp {
            HelpText.render(into: &grid, top: bodyTop, rows: bodyRows, rubric: state.rubric, review: state.review != nil, ranking: state.ranking != nil)
        } else if let pair = state.pair {
            pageRows = body(state, pair: pair, top: bodyTop, rows: bodyRows, columns: columns, cache: cache, grid: &grid, scroll: &scroll, regions: &regions)
        } else if let rank = state.ranking {
            var rankRows = bodyRows
            if let review = state.review {
                // The annotators' rankings take the bottom of the body, as judgments do for a pair.
                let listRows = min(review.rankings.count + 2, max(3, bodyRows / 3))
                rankRows -= listRows
                judgmentsPanel(review, rubric: state.rubric, top: bodyTop + rankRows, rows: listRows, into: &grid)
            }
            let drawn = RankView.body(rank, top: bodyTop, rows: rankRows, columns: columns, cache: cache, grid: &grid)
            pageRows = drawn.pageRows
            rankScroll = drawn.scroll
            rankRegions = drawn.regions
        } else {
            let lines = state.review == nil
                ? state.emptyQueueLines ?? ["Nothing left to label in your queue. Thank you!", "Press u to undo your last judgment, or q to quit."]
                : ["Nothing to review: no undecided contested, flagged or suspect items.", "Press u to undo your last decision, or q to quit."]
            for (n, line) in lines.enumerated() {
                grid.put(line, row: bodyTop + bodyRows / 2 + n, column: max(0, (columns - line.count) / 2), style: n == 0 ? .heading : .normal)
            }
        }
        var clickKeys: [ClickKey] = []
        if let rank = state.ranking {
            let rows = RankView.rankingPanel(rank, top: rows - 2 - rubricRows, rows: rubricRows, full: rubricRows == fullRubricRows, into: &grid)
            if state.page == nil && state.browse == nil && !state.showingHelp { rankRegions += rows }
        } else {
            clickKeys = rubricPanel(state, top: rows - 2 - rubricRows, rows: rubricRows, full: rubricRows == fullRubricRows, into: &grid)
        }
        messageLine(state, row: rows - 2, into: &grid)
        statusLine(state, row: rows - 1, into: &grid)
        var frame = RenderedFrame(grid: grid, scroll: scroll, pageRows: pageRows)
        frame.rankScroll = rankScroll
        frame.rankRegions = rankRegions
        if state.page == nil && state.browse == nil && !state.showingHelp && state.pair != nil {
            frame.clickKeys = clickKeys
            frame.panels = regions
        }
        return frame
    }

    /// A full-screen text: a heading, then its lines wrapped to the width (continuation
    /// lines keep the line's indentation) from the scroll offset.
    static func pageBody(_ page: TextPage, top: Int, rows: Int, into grid: inout CellGrid) -> Int {
        grid.fill(row: top, style: .focused)
        grid.put("▸ \(page.title) (Enter or Esc to close, j/k to scroll)", row: top, column: 0, style: .focused)
        let lines = PanelText.lines(page.lines.joined(separator: "\n"), width: grid.columns - 2)
        let visible = max(0, rows - 1)
        let offset = min(page.scroll, max(0, lines.count - visible))
        for row in 0..<visible where offset + row < lines.count {
            grid.put(lines[offset + row].glyphs, row: top + 1 + row, column: 1, style: lines[offset + row].style, limit: grid.columns - 1)
        }
        return visible
    }

    /// The browse list: a heading, then its lines around the selection.
    static func browseBody(_ list: BrowseList, top: Int, rows: Int, into grid: inout CellGrid) -> Int {
        grid.fill(row: top, style: .focused)
        grid.put("▸ Browse: j/k to choose, Enter opens (a judgment opens with its values, to revise), Esc closes", row: top, column: 0,
                 style: .focused, limit: grid.columns)
        let visible = max(0, rows - 1)
        let offset = max(0, min(list.selected - visible / 2, list.entries.count - visible))
        for row in 0..<visible where offset + row < list.entries.count {
            let entry = list.entries[offset + row]
            let selected = offset + row == list.selected
            if selected { grid.fill(row: top + 1 + row, style: .selected) }
            grid.put((selected ? "▸ " : "  ") + entry.line, row: top + 1 + row, column: 0,
                     style: entry.heading ? .heading : selected ? .selected : .normal, limit: grid.columns)
        }
        return visible
    }

    static func titleBar(_ state: AnnotateState, into grid: inout CellGrid) {
        grid.fill(row: 0, style: .title)
        var left = state.review == nil ? " pairwise · annotate" : " pairwise · review"
        // Leads see the item's id; annotators do not (a gold file's ids would tell gold apart).
        if state.canSeeStats || state.review != nil, let id = state.pair?.item.id ?? state.ranking?.item.item.id { left += " · item " + id }
        grid.put(left, row: 0, column: 0, style: .title, limit: grid.columns - 22)
        let right = "? keys  q quit "
        grid.put(right, row: 0, column: grid.columns - right.count, style: .title)
    }

    /// Lays out the three panels; returns the focused panel's page size.
    static func body(_ state: AnnotateState, pair: PairOnScreen, top: Int, rows: Int, columns: Int, cache: LayoutCache,
                     grid: inout CellGrid, scroll: inout [Panel: Int], regions: inout [PanelRegion]) -> Int {
        var rows = rows
        if let review = state.review {
            // The judgments take the bottom of the body: a header and a line each, up to a third
            // (on a small screen, three rows: the responses keep theirs).
            let judgmentRows = min(review.judgments.count + 2, rows >= 24 ? max(3, rows / 3) : 3)
            rows -= judgmentRows
            judgmentsPanel(review, rubric: state.rubric, top: top + rows, rows: judgmentRows, into: &grid)
        }
        let sideBySide = columns >= sideBySideColumns
        let promptLines = cache.lines(pair: pair, panel: .prompt, width: columns - 2)
        let half = (columns - 1) / 2
        let responseWidths = sideBySide ? (half - 2, columns - half - 1 - 2) : (columns - 2, columns - 2)
        let firstLines = cache.lines(pair: pair, panel: .first, width: responseWidths.0)
        let secondLines = cache.lines(pair: pair, panel: .second, width: responseWidths.1)
        // The prompt takes what it needs, up to a quarter of the body (at least 2 rows of
        // text), and more when the responses leave rows unused.
        let responsesNeed = sideBySide ? max(firstLines.count, secondLines.count) + 1 : firstLines.count + secondLines.count + 2
        // (On a small screen in review, where the judgments take rows too, a sixth.)
        let share = state.review != nil && rows < 20 ? rows / 6 : rows / 4
        let promptRows = max(min(promptLines.count, max(2, share)) + 1, min(promptLines.count + 1, rows - max(responsesNeed, 4)))
        var pages: [Panel: Int] = [:]
        var state = state
        var pinned: [StyledLine] = []
        if case .chat(let turns) = pair.item.prompt, turns.count > 1 {
            // A system turn the panel cannot show whole with the rest stays pinned at its top
            // (two rows at most) while the conversation scrolls under it.
            if let system = turns.first, system.role == "system", promptLines.count > promptRows - 1 {
                pinned = Array(PanelText.lines("system: " + system.content.replacingNewlines(), width: columns - 2).prefix(2))
                    .map { StyledLine(glyphs: $0.glyphs, style: .dim) }
            }
            let contentRows = max(1, promptRows - 1 - pinned.count)
            if state.scroll[.prompt] == nil {
                // A conversation opens at its last turn, the one the responses answer, or at
                // the end of it when it is longer than the panel (its question is at the end).
                let lastTurn = promptLines.lastIndex { $0.style == .heading } ?? 0
                state.scroll[.prompt] = max(lastTurn, promptLines.count - contentRows)
            }
            if min(state.scroll[.prompt] ?? 0, max(0, promptLines.count - contentRows)) == 0 { pinned = [] }
        }
        pages[.prompt] = panel(.prompt, title: "Prompt", lines: promptLines, state: state, top: top, left: 0, rows: promptRows,
                               width: columns, grid: &grid, scroll: &scroll, regions: &regions, pinned: pinned)
        let rest = rows - promptRows
        if sideBySide {
            pages[.first] = panel(.first, title: "First response", lines: firstLines, state: state, top: top + promptRows, left: 0,
                                  rows: rest, width: half, grid: &grid, scroll: &scroll, regions: &regions)
            for row in (top + promptRows)..<(top + rows) { grid.put("│", row: row, column: half, style: .dim) }
            pages[.second] = panel(.second, title: "Second response", lines: secondLines, state: state, top: top + promptRows,
                                   left: half + 1, rows: rest, width: columns - half - 1, grid: &grid, scroll: &scroll, regions: &regions)
        } else {
            let firstRows = rest / 2
            pages[.first] = panel(.first, title: "First response", lines: firstLines, state: state, top: top + promptRows, left: 0,
                                  rows: firstRows, width: columns, grid: &grid, scroll: &scroll, regions: &regions)
            pages[.second] = panel(.second, title: "Second response", lines: secondLines, state: state, top: top + promptRows + firstRows,
                                   left: 0, rows: rest - firstRows, width: columns, grid: &grid, scroll: &scroll, regions: &regions)
        }
        return pages[state.focusedPanel] ?? 1
    }

    /// One panel: a header row, `pinned` lines that do not scroll, then its visible lines.
    /// Returns its content rows.
    static func panel(_ panel: Panel, title: String, lines: [StyledLine], state: AnnotateState, top: Int, left: Int, rows: Int,
                      width: Int, grid: inout CellGrid, scroll: inout [Panel: Int], regions: inout [PanelRegion],
                      pinned: [StyledLine] = []) -> Int {
        regions.append((panel, top..<(top + rows), left..<(left + width)))
        let pinnedRows = min(pinned.count, max(0, rows - 2))
        for (n, line) in pinned.prefix(pinnedRows).enumerated() {
            grid.put(line.glyphs, row: top + 1 + n, column: left + 1, style: line.style, limit: left + width - 1)
        }
        let contentRows = max(0, rows - 1 - pinnedRows)
        let maxScroll = max(0, lines.count - contentRows)
        let offset = min(state.scroll[panel] ?? 0, maxScroll)
        scroll[panel] = offset
        let focused = state.focusedPanel == panel
        grid.fill(row: top, from: left, to: left + width, style: focused ? .focused : .heading)
        let header = (focused ? "▸ " : "  ") + title
        grid.put(header, row: top, column: left, style: focused ? .focused : .heading, limit: left + width)
        if !lines.isEmpty {
            let shownEnd = min(lines.count, offset + contentRows)
            let where_ = lines.count > contentRows ? "\(offset + 1)–\(shownEnd) of \(lines.count) " : ""
            if !where_.isEmpty { grid.put(where_, row: top, column: left + width - where_.count, style: focused ? .focused : .dim) }
        }
        for row in 0..<contentRows {
            let index = offset + row
            guard index < lines.count else { break }
            grid.put(lines[index].glyphs, row: top + 1 + pinnedRows + row, column: left + 1, style: lines[index].style, limit: left + width - 1)
            if let query = state.searchQuery, !query.isEmpty {
                highlight(query, in: lines[index].glyphs, row: top + 1 + pinnedRows + row, column: left + 1, limit: left + width - 1, grid: &grid)
            }
        }
        return contentRows
    }

    /// Marks each match of the search in a drawn line (ignoring case; a match across a
    /// wrapped line's break is not marked).
    static func highlight(_ query: String, in glyphs: ArraySlice<Glyph>, row: Int, column: Int, limit: Int, grid: inout CellGrid) {
        let needle = Array(query.lowercased())
        var characters: [Character] = [], owner: [Int] = [], x = column, starts: [Int] = []
        for (n, glyph) in glyphs.enumerated() {
            starts.append(x)
            x += glyph.width
            for character in glyph.text.lowercased() { characters.append(character); owner.append(n) }
        }
        starts.append(x)
        guard !needle.isEmpty, characters.count >= needle.count else { return }
        var i = 0
        while i + needle.count <= characters.count {
            if Array(characters[i..<(i + needle.count)]) == needle {
                let from = starts[owner[i]], to = starts[owner[i + needle.count - 1] + 1]
                grid.fill(row: row, from: from, to: min(to, limit), style: .selected)
                i += needle.count
            } else {
                i += 1
            }
        }
    }

    /// Review: why the item is listed, then each judgment on one line, in the shown order's
    /// terms (the review shows A first), names hidden unless revealed.
    static func judgmentsPanel(_ review: ReviewPanel, rubric: Rubric, top: Int, rows: Int, into grid: inout CellGrid) {
        grid.fill(row: top, style: .heading)
        let names = review.revealNames ? "N hides names" : "names hidden, N reveals"
        if !review.rankings.isEmpty {
            let x = grid.put("  Rankings (\(review.rankings.count), \(names)) · ", row: top, column: 0, style: .heading)
            grid.put(review.why, row: top, column: x, style: .heading)
            for (n, r) in review.rankings.enumerated() where n < rows - 1 {
                grid.put("  " + (review.revealNames ? r.annotator : "Annotator \(n + 1)") + "  ·  " + r.line, row: top + 1 + n, column: 0)
            }
            return
        }
        let x = grid.put("  Judgments (\(review.judgments.count), \(names)) · ", row: top, column: 0, style: .heading)
        grid.put(review.why, row: top, column: x, style: .heading)
        for (n, j) in review.judgments.enumerated() where n < rows - 1 {
            var parts = [review.revealNames ? j.annotator : "Annotator \(n + 1)"]
            parts.append(j.bothBad ? "both bad" : preferenceLabels[j.strength.value + 3] + " (\(ReviewQueue.signed(j.strength.value)))")
            for d in rubric.dimensions {
                switch j.rubric[d.key] {
                case .comparative(let v)?: parts.append("\(d.key) \(ReviewQueue.signed(v))")
                case .perResponse(let a, let b)?: parts.append("\(d.key) \(a)/\(b)")
                case nil: break
                }
            }
            parts.append(String(format: "%.0f s", Double(j.milliseconds) / 1000))
            if let note = j.note { parts.append("note: " + note) }
            grid.put("  " + parts.joined(separator: "  ·  "), row: top + 1 + n, column: 0)
        }
        if review.judgments.isEmpty { grid.put("  No judgments yet.", row: top + 1, column: 0, style: .dim) }
    }

    /// Draws the rubric panel; returns where clicks set a value (the overall preference, and
    /// the comparative dimensions on screen: a click focuses the row, then presses the key).
    @discardableResult
    static func rubricPanel(_ state: AnnotateState, top: Int, rows: Int, full: Bool, into grid: inout CellGrid) -> [ClickKey] {
        guard rows > 0 else { return [] }
        var row = top
        var clicks = overallRow(state, row: row, into: &grid)
        row += 1
        let dimensions = state.rubric.dimensions
        if full {
            for (n, dimension) in dimensions.enumerated() {
                clicks += dimensionRow(dimension, state: state, focused: state.focusedRow == n + 1, row: row, into: &grid)
                row += 1
            }
        } else if rows >= 3 {
            if state.focusedRow > 0 {
                clicks += dimensionRow(dimensions[state.focusedRow - 1], state: state, focused: true, row: row, into: &grid)
            } else if !dimensions.isEmpty {
                // Every row's value as text, so that nothing set is hidden on a small screen.
                let values = dimensions.map { "\($0.title) \(valueText($0, state: state))" }.joined(separator: " · ")
                grid.put("  Rubric (Tab rates, r shows all): " + values, row: row, column: 0, style: .dim)
            }
            row += 1
        }
        // The guideline of the row in focus.
        let guideline: String
        if state.focusedRow == 0, let suggestion = state.suggestion {
            guideline = "Suggested (not a judgment) · " + suggestion
        } else if state.focusedRow == 0 {
            guideline = "Which response is better overall? 1 = first much better … 4 = about the same … 7 = second much better; 0 = both bad."
        } else {
            let d = dimensions[state.focusedRow - 1]
            // The scale's labels, so that nobody has to press a key to learn what 3 means.
            let labels = d.kind == .perResponse && !d.scale.labels.isEmpty
                ? (d.scale.min...d.scale.max).compactMap { v in d.scale.label(for: v).map { "\(v) \($0)" } }.joined(separator: " · ")
                : ""
            // The scale's labels first: the part a cut line must not lose.
            guideline = labels.isEmpty ? "\(d.title): \(d.guideline)" : labels + " — \(d.title): \(d.guideline)"
        }
        grid.put("  " + guideline, row: top + rows - 1, column: 0, style: .dim)
        return clicks
    }

    @discardableResult
    static func overallRow(_ state: AnnotateState, row: Int, into grid: inout CellGrid) -> [ClickKey] {
        let focused = state.focusedRow == 0
        var clicks: [ClickKey] = []
        var x = grid.put((focused ? "▸ " : "  ") + "Overall *   ", row: row, column: 0, style: focused ? .focused : .bold)
        for key in 1...7 {
            let start = x
            x = grid.put(" \(key) ", row: row, column: x, style: state.preference == key ? .selected : .key)
            clicks.append((row, start..<x, 0, .key(.character(Character("\(key)")))))
        }
        x = grid.put("  ", row: row, column: x)
        let start = x
        x = grid.put(" 0 both bad ", row: row, column: x, style: state.bothBad ? .selected : .key)
        clicks.append((row, start..<x, 0, .key(.character("0"))))
        if let preference = state.preference {
            grid.put("  " + preferenceLabels[preference - 1], row: row, column: x, style: .normal)
        }
        return clicks
    }

    /// Draws a dimension's row; returns where a click sets a value. A per-response dimension
    /// shows both scales' points when they fit, else the values typed so far.
    @discardableResult
    static func dimensionRow(_ d: PairwiseCore.Dimension, state: AnnotateState, focused: Bool, row: Int, into grid: inout CellGrid) -> [ClickKey] {
        var clicks: [ClickKey] = []
        let rubricRow = (state.rubric.dimensions.firstIndex(of: d) ?? 0) + 1
        let title = (focused ? "▸ " : "  ") + d.title + (d.required ? " *" : "")
        var x = grid.put(title, row: row, column: 0, style: focused ? .focused : .bold)
        x = max(x, 16)
        switch d.kind {
        case .perResponse:
            var first: Int?, second: Int?
            if case .perResponse(let f, let s)? = state.entries[d.key] { first = f; second = s }
            let points = d.scale.max - d.scale.min + 1
            if x + "first: ".count + "   second: ".count + 6 * points <= grid.columns {
                for (name, value, isFirst) in [("first: ", first, true), ("   second: ", second, false)] {
                    x = grid.put(name, row: row, column: x, style: .dim)
                    for v in d.scale.min...d.scale.max {
                        let start = x
                        x = grid.put(" \(v) ", row: row, column: x, style: value == v ? .selected : .key)
                        clicks.append((row, start..<x, rubricRow, .responseValue(first: isFirst, value: v)))
                    }
                }
                // The values as text too, not by colour alone.
                if first != nil || second != nil { grid.put("  " + valueText(d, state: state), row: row, column: x, style: .normal) }
                break
            }
            func show(_ v: Int?) -> String { v.map { d.scale.label(for: $0).map { "\(v!) \($0)" } ?? "\(v!)" } ?? "_" }
            x = grid.put("first: ", row: row, column: x, style: .dim)
            x = grid.put(show(first), row: row, column: x, style: first == nil ? .dim : .selected)
            x = grid.put("   second: ", row: row, column: x, style: .dim)
            x = grid.put(show(second), row: row, column: x, style: second == nil ? .dim : .selected)
            grid.put("   (\(d.scale.min)–\(d.scale.max))", row: row, column: x, style: .dim)
        case .comparative:
            let keys = 2 * d.scale.max + 1
            var chosen: Int?
            if case .comparative(let key)? = state.entries[d.key] { chosen = key }
            for key in 1...keys {
                let start = x
                x = grid.put(" \(key) ", row: row, column: x, style: chosen == key ? .selected : .key)
                clicks.append((row, start..<x, rubricRow, .key(.character(Character("\(key)")))))
            }
            if chosen == nil {
                // What the keys mean, until one is chosen.
                grid.put("  1 first better … \(d.scale.max + 1) same … \(keys) second better", row: row, column: x, style: .dim)
            }
            if let chosen {
                // Labels are written for A/B; say them in shown order.
                let shown = chosen - (d.scale.max + 1)
                let label = shown < 0 ? "first" : shown > 0 ? "second" : "same"
                grid.put("  " + (shown == 0 ? (d.scale.label(for: 0) ?? "same") : "\(label) better on \(d.title.lowercased())"),
                         row: row, column: x)
            }
        }
        return clicks
    }

    /// A dimension's value as text: "first 3 · second 2" (per response), "first better",
    /// "same" (comparative), "_" when not set.
    static func valueText(_ d: PairwiseCore.Dimension, state: AnnotateState) -> String {
        switch state.entries[d.key] {
        case .perResponse(let first, let second)?:
            func show(_ v: Int?) -> String { v.map(String.init) ?? "_" }
            return "first \(show(first)) · second \(show(second))"
        case .comparative(let key)?:
            let shown = key - (d.scale.max + 1)
            return shown < 0 ? "first better" : shown > 0 ? "second better" : "same"
        case nil:
            return "_"
        }
    }

    static func messageLine(_ state: AnnotateState, row: Int, into grid: inout CellGrid) {
        if let input = state.input {
            if input == .reason {
                let choices = AdjudicationReason.allCases.enumerated().map { "\($0 + 1) \($1.rawValue)" }.joined(separator: " · ")
                grid.put("Reason: " + choices + "  (Esc cancels)", row: row, column: 0, style: .key)
                return
            }
            let label = input == .flag ? "Flag reason (optional), Enter to flag, Esc to cancel: "
                : input == .note ? "Note, Enter to keep, Esc to cancel: " : input == .search ? "/" : ":"
            let x = grid.put(label, row: row, column: 0, style: .key)
            let text = TerminalText.singleLine(state.inputText)
            let visible = grid.columns - x - 1
            let shown = text.count > visible ? Array(text.suffix(visible)) : text
            let end = grid.put(shown, row: row, column: x, style: .normal)
            grid.put("█", row: row, column: end, style: .normal)
            return
        }
        if let message = state.message {
            grid.put(" " + message, row: row, column: 0, style: state.messageIsError ? .warning : .normal)
            return
        }
        let hint = state.ranking.map(RankView.hint) ?? (state.review != nil
            ? " 1-7 final preference · 0 both bad · Tab rubric · Enter decide · N names · u undo · s next · n note · :filter"
            : " 1-7 prefer · 0 both bad · Tab rubric · Enter submit · u undo · s skip · f flag · n note · : cmd")
        if let note = state.note {
            // The note stays in view (n changes it) instead of the key hints.
            grid.put(" Note: ", row: row, column: 0, style: .key)
            grid.put(TerminalText.singleLine(note)[...], row: row, column: 7, style: .normal, limit: grid.columns - 1)
            return
        }
        grid.put(hint, row: row, column: 0, style: .dim)
    }

    static func statusLine(_ state: AnnotateState, row: Int, into grid: inout CellGrid) {
        grid.fill(row: row, style: .status)
        var parts = [state.annotator]
        if let review = state.review {
            parts.append(state.pair == nil ? "nothing to review" : "\(state.position)/\(state.queueCountComing ? "…" : String(state.queueCount)) to review")
            parts.append("\(review.decided) decided")
        } else {
            parts.append(!state.hasItem ? "queue empty" : "\(state.position)/\(state.queueCount) in queue")
            parts.append("\(state.doneToday) done today")
            parts.append(state.medianSeconds.map { "median \(String(format: "%.0f", $0)) s" } ?? "median –")
        }
        if let notice = state.qualityNotice { parts.append(notice) }
        if let extra = state.extraStatus { parts.append(extra) }
        grid.put(" " + parts.joined(separator: " │ "), row: row, column: 0, style: .status)
    }
}
