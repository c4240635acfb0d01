import PairwiseCore

/// Every key of the annotate screen, shown by `?`.
public enum HelpText {
    public static let keys: [(String, String)] = [
        ("1 … 7", "overall preference: 1 first much better, 2 better, 3 slightly better, 4 about the same,"),
        ("", "5 second slightly better, 6 better, 7 much better"),
        ("0", "both responses are bad (toggle)"),
        ("Tab / Shift-Tab", "next / previous rubric dimension"),
        ("digits on a dimension", "its value; per-response: first shown, then second shown"),
        ("Backspace", "clear the value in focus"),
        ("Enter", "submit (needs the overall preference and every required dimension)"),
        ("u", "undo your last submitted judgment (the item comes back)"),
        ("s", "skip this item (it moves to the end of your queue)"),
        ("f", "flag this item, with an optional reason"),
        ("n", "add a note to this judgment (during a search: next match)"),
        (":", "command line: :goto ID (or the start of one), :q"),
        ("/", "search your queue's prompts and responses; then n / N next / previous match, Esc ends"),
        ("b", "browse your queue and your judgments; Enter opens one (to revise a judgment)"),
        ("i", "the project's guidelines"),
        ("r", "show the whole rubric, or only the dimension in focus"),
        ("j k / ↓ ↑", "scroll the focused panel"),
        ("h l / ← →", "focus the previous / next panel (prompt, first, second)"),
        ("PgUp PgDn Space", "scroll a page"),
        ("g G / Home End", "top / bottom of the panel"),
        ("mouse", "click a scale point or a panel; the wheel scrolls the panel under it"),
        ("S", "project statistics: agreement, annotators, contested items (leads)"),
        ("?", "show or hide this help"),
        ("q", "quit (asks only if a judgment is half made)"),
    ]

    /// The review screen's keys (the same keys set the final preference and rubric values).
    public static let reviewKeys: [(String, String)] = [
        ("1 … 7, 0, Tab, digits", "the final preference and rubric values, as in annotate (A is shown first)"),
        ("Enter", "decide: then pick the reason, 1 ambiguous … 5 other (Esc cancels)"),
        ("n", "add a note to the decision"),
        ("N", "show or hide the annotators' names"),
        ("u", "undo your last decision"),
        ("s", "next item without deciding"),
        (":filter …", "annotator NAME, dimension KEY, flagged; :filter alone clears"),
        (":goto ID", "open an item by id"),
        (":gold", "make the item gold: the values set are its expected answer, the note its explanation"),
        ("ranked items", "rank with the annotate keys (digits best first, =, Backspace, 0; Tab rates dimensions), then Enter and the reason"),
        ("j k / ↓ ↑, ← →", "scroll / focus the previous or next panel"),
        ("mouse", "as in annotate: click a scale point, a panel or a response's title; the wheel scrolls"),
        ("S", "project statistics"),
        ("?", "show or hide this help"),
        ("q", "quit"),
    ]

    /// The keys on a ranked item (three or more responses).
    public static let rankKeys: [(String, String)] = [
        ("1 … k", "place that response next, the best first"),
        ("=", "tie the next response you place with the one placed last"),
        ("Backspace", "take the last placed response back"),
        ("0", "all bad: no response is acceptable (toggle; the order still says which is least bad)"),
        ("Enter", "submit once every response but at most one is placed (that one comes last)"),
        ("h l / ← →", "show or focus another response (the prompt too); Tab too when the rubric rates nothing per response"),
        ("Tab, Shift-Tab", "move between the ranking and the rubric's per-response dimensions"),
        ("0 … 9 on a dimension", "rate the responses in turn, 1 to k; Backspace takes the last value back; r shows every dimension"),
        ("mouse", "click a response's title to place it next, its text to focus it, a rubric row to rate it; the wheel scrolls"),
        ("j k / ↓ ↑, PgUp PgDn", "scroll the focused panel"),
        ("u s f n : / b i ? q", "as on a pair: undo, skip, flag, note, command, search, browse, guidelines, help, quit"),
    ]

    static func render(into grid: inout CellGrid, top: Int, rows: Int, rubric: Rubric, review: Bool = false, ranking: Bool = false) {
        grid.put(review ? " Review keys" : ranking ? " Keys for ranking" : " Keys", row: top, column: 0, style: .heading)
        var row = top + 1
        // Meanings wrap at the screen's width (at least 60 columns): never cut.
        let column = 26
        for (key, meaning) in review ? reviewKeys : ranking ? rankKeys : keys where row < top + rows {
            grid.put("  " + key, row: row, column: 0, style: .key)
            for line in PanelText.lines(meaning, width: max(10, grid.columns - column - 1)) where row < top + rows {
                grid.put(line.glyphs, row: row, column: column, style: .normal, limit: grid.columns)
                row += 1
            }
        }
        if row < top + rows - 1 {
            grid.put(" Press ? or Esc to close.", row: row + 1, column: 0, style: .dim)
        }
    }
}
