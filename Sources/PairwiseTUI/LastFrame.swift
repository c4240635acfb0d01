/// What the annotate and review sessions keep of the frame they drew last: the focused
/// panel's page height (PgUp/PgDn) and where the mouse acts.
struct LastFrame {
    var pageRows = 10
    var mouse = MouseTargets()

    /// Draws `state`, giving it back the frame's scroll offsets clamped to what the panels
    /// hold and whether the terminal is too small; returns the grid and what to keep.
    static func draw(_ state: inout AnnotateState, rows: Int, columns: Int, cache: LayoutCache) -> (grid: CellGrid, last: LastFrame) {
        let frame = AnnotateView.render(state, rows: rows, columns: columns, cache: cache)
        state.scroll = frame.scroll
        state.terminalTooSmall = frame.tooSmall
        if let scroll = frame.rankScroll { state.ranking?.scroll = scroll }
        return (frame.grid, LastFrame(pageRows: frame.pageRows, mouse: MouseTargets(frame)))
    }
}

/// Where the last frame's cells act under the mouse (scale points, panels, a ranked item's
/// titles and rows), and the keys a mouse event there stands for. The annotate and review
/// sessions share it, so a click means on each screen what the keys it stands for mean there.
struct MouseTargets {
    private var clickKeys: [ClickKey] = []
    private var panels: [PanelRegion] = []
    private var rankRegions: [RankView.Region] = []

    init() {}

    init(_ frame: RenderedFrame) {
        clickKeys = frame.clickKeys
        panels = frame.panels
        rankRegions = frame.rankRegions
    }

    /// What a mouse event stands for: keys to handle in turn, then, for a click on one
    /// response's point of a per-response scale, that value to set once its row has the
    /// focus. Nil while the screen takes no mouse (a page, help, typed input, too small).
    func event(row: Int, column: Int, _ action: MouseAction, state: AnnotateState) -> (keys: [Key], responseValue: (first: Bool, value: Int)?)? {
        if state.page != nil || state.showingHelp || state.input != nil || state.terminalTooSmall { return nil }
        if let rank = state.ranking {
            guard let region = rankRegions.first(where: { $0.rows.contains(row) && $0.columns.contains(column) }) else { return ([], nil) }
            return (RankScreen.keys(for: region.target, action, rank: rank), nil)
        }
        if action == .click, let target = clickKeys.first(where: { $0.row == row && $0.columns.contains(column) }) {
            // Tab to the target's rubric row from the one in focus, then its key.
            let rows = state.rubric.dimensions.count + 1
            let tabs = Array(repeating: Key.tab, count: (target.rubricRow - state.focusedRow + rows) % rows)
            switch target.action {
            case .key(let key): return (tabs + [key], nil)
            case .responseValue(let first, let value): return (tabs, (first, value))
            }
        }
        guard let region = panels.first(where: { $0.rows.contains(row) && $0.columns.contains(column) }) else { return ([], nil) }
        let presses = (region.panel.rawValue - state.focusedPanel.rawValue + 3) % 3
        let focus = Array(repeating: Key.character("l"), count: presses)
        switch action {
        case .click: return (focus, nil)
        case .wheelUp: return (focus + Array(repeating: .character("k"), count: 3), nil)
        case .wheelDown: return (focus + Array(repeating: .character("j"), count: 3), nil)
        }
    }
}
