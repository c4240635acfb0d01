import PairwiseCore
import PairwiseStore
import PairwiseTUI
import Testing

let rubric = Rubric(name: "t", dimensions: [
    Dimension(key: "helpfulness", title: "Helpfulness", guideline: "Helps.", kind: .perResponse, scale: Scale(min: 0, max: 4), required: true),
    Dimension(key: "safety", title: "Safety", guideline: "Safer.", kind: .comparative,
              scale: Scale(min: -1, max: 1, labels: ["A is safer", "equally safe", "B is safer"]), required: false),
])

func state(order: ShownOrder) -> AnnotateState {
    var state = AnnotateState(annotator: "ann", rubric: rubric)
    let item = Item(id: "i1", prompt: .text("Why is the sky blue?"), responseA: Response(text: "Rayleigh scattering."),
                    responseB: Response(text: "It reflects the sea."))
    state.show(PairOnScreen(rowID: 1, item: item, shownOrder: order), position: 1, queueCount: 3)
    return state
}

func press(_ keys: [Key], _ state: inout AnnotateState) -> [AnnotateEffect] {
    keys.compactMap { AnnotateScreen.handle($0, state: &state, pageRows: 10) }
}

func chars(_ text: String) -> [Key] { text.map { Key.character($0) } }

@Suite struct AnnotateScreenTests {
    @Test func keysAreStoredRelativeToTheStoredAB() {
        // Shown A first: 2 = first (A) better = -2; helpfulness first 3, second 1; safety key 3 = second (B) safer = +1.
        var ab = state(order: .ab)
        let abEffects = press(chars("2") + [.tab] + chars("31") + chars("3") + [.enter], &ab)
        #expect(abEffects == [.submit(JudgmentDraft(strength: PreferenceStrength(-2)!, bothBad: false,
                                                    rubric: ["helpfulness": .perResponse(a: 3, b: 1), "safety": .comparative(1)],
                                                    note: nil, shownOrder: .ab, milliseconds: 0))])
        // Shown B first: the same keys mean B better, B's helpfulness 3, A safer.
        var ba = state(order: .ba)
        let baEffects = press(chars("2") + [.tab] + chars("31") + chars("3") + [.enter], &ba)
        #expect(baEffects == [.submit(JudgmentDraft(strength: PreferenceStrength(2)!, bothBad: false,
                                                    rubric: ["helpfulness": .perResponse(a: 1, b: 3), "safety": .comparative(-1)],
                                                    note: nil, shownOrder: .ba, milliseconds: 0))])
    }

    @Test func submitIsRefusedWithTheReason() {
        var s = state(order: .ab)
        #expect(press([.enter], &s) == [])
        #expect(s.message == "Choose the overall preference first (1–7, or 0 for both bad).")
        #expect(press(chars("4") + [.enter], &s) == [])
        #expect(s.message == "Helpfulness is required.")
        #expect(s.focusedRow == 1)
        #expect(press(chars("9"), &s) == [])
        #expect(s.message == "Helpfulness runs 0–4.")
    }

    @Test func bothBadAloneIsAJudgmentOfEqualStrength() {
        var s = state(order: .ba)
        let effects = press(chars("0") + [.tab] + chars("00") + [.enter], &s)
        #expect(effects == [.submit(JudgmentDraft(strength: PreferenceStrength(0)!, bothBad: true,
                                                  rubric: ["helpfulness": .perResponse(a: 0, b: 0)], note: nil, shownOrder: .ba, milliseconds: 0))])
    }

    @Test func backspaceClearsAndNotesAndFlagsUseTheLinePrompt() {
        var s = state(order: .ab)
        _ = press(chars("5") + [.backspace], &s)
        #expect(s.preference == nil)
        _ = press(chars("n") + chars("long answer") + [.enter], &s)
        #expect(s.note == "long answer")
        let flag = press(chars("f") + chars("offensive") + [.enter], &s)
        #expect(flag == [.flag(reason: "offensive")])
        #expect(press(chars(":goto math-001") + [.enter], &s) == [.goto("math-001")])
        #expect(press(chars("f") + [.escape], &s) == [])
    }

    @Test func quitAsksOnlyWithAHalfMadeJudgment() {
        var clean = state(order: .ab)
        #expect(press(chars("q"), &clean) == [.quit])
        var half = state(order: .ab)
        #expect(press(chars("3q"), &half) == [])
        #expect(half.confirmingQuit)
        #expect(press(chars("n"), &half) == [])
        #expect(press(chars("qy"), &half) == [.quit])
    }

    @Test func theTimerLeavesOutIdleStretches() {
        var timer = JudgmentTimer(now: 0)
        timer.event(now: 5)      // 5 s counted
        timer.event(now: 300)    // 295 s idle: left out
        timer.event(now: 301.5)  // 1.5 s counted
        #expect(timer.milliseconds == 6500)
    }
}

@Suite struct AnnotateViewTests {
    /// Rubric values show as text, not by colour alone: every row's value on a small screen
    /// (where only one row fits), each value beside its scale on a large one, and a
    /// comparative row says what its keys mean.
    @Test func rubricValuesShowAsText() {
        var s = state(order: .ab)
        _ = press(chars("3") + [.tab] + chars("42") + [.backTab, .backTab], &s)
        let small = AnnotateView.render(s, rows: 24, columns: 80, cache: LayoutCache()).grid.text
        #expect(small.contains("Rubric (Tab rates, r shows all): Helpfulness first 4 · second 2 · Safety _"), "\(small)")
        let large = AnnotateView.render(s, rows: 40, columns: 120, cache: LayoutCache()).grid.text.split(separator: "\n")
        #expect(large.contains { $0.contains("Helpfulness *") && $0.hasSuffix("first 4 · second 2") }, "\(large)")
        #expect(large.contains { $0.contains("Safety") && $0.contains("1 first better … 2 same … 3 second better") }, "\(large)")
    }

    /// A search's matches are marked where they are drawn, whatever their case.
    @Test func searchMatchesAreHighlighted() {
        var s = state(order: .ab)
        s.searchQuery = "SCATTERING"
        let grid = AnnotateView.render(s, rows: 30, columns: 120, cache: LayoutCache()).grid
        let row = (0..<30).first { grid.text(row: $0).contains("Rayleigh scattering.") }!
        let start = grid.text(row: row).distance(from: grid.text(row: row).startIndex, to: grid.text(row: row).range(of: "scattering")!.lowerBound)
        #expect((start..<(start + 10)).allSatisfy { grid[row, $0].style == .selected })
        #expect(grid[row, start - 2].style != .selected && grid[row, start + 10].style != .selected)
        s.searchQuery = nil
        let plain = AnnotateView.render(s, rows: 30, columns: 120, cache: LayoutCache()).grid
        #expect(plain[row, start].style != .selected)
    }

    /// Markdown reads as a terminal can show it: headings without #, strong without **,
    /// bullets, aligned pipe tables; code blocks and lone asterisks left alone.
    @Test func markdownIsShownNotRaw() {
        let text = "## Steps\n**Note:** read *all* of it, 2*3*4\n- first\n  * nested\n| name | n |\n|---|--:|\n| apple | 10 |\n| fig | 7 |\n```\n**kept**\n```"
        let lines = PanelText.lines(text, width: 60).map { (String($0.glyphs.map(\.text).joined()), $0.style) }
        #expect(lines.map(\.0) == ["Steps", "Note: read *all* of it, 2*3*4", "• first", "  • nested",
                                    "name  │ n", "──────┼───", "apple │ 10", "fig   │ 7", "```", "**kept**", "```"])
        #expect(lines[0].1 == .heading && lines[4].1 == .bold && lines[9].1 == .code)
    }

    /// An empty response says so instead of leaving its panel blank.
    @Test func anEmptyResponseSaysSo() {
        var s = AnnotateState(annotator: "ann", rubric: rubric)
        let item = Item(id: "e1", prompt: .text("Say something."), responseA: Response(text: ""), responseB: Response(text: "Something."))
        s.show(PairOnScreen(rowID: 1, item: item, shownOrder: .ab), position: 1, queueCount: 1)
        let text = AnnotateView.render(s, rows: 30, columns: 120, cache: LayoutCache()).grid.text
        #expect(text.contains("(empty response)") && text.contains("Something."))
    }

    /// `?` at 80 columns (and at the smallest screen, 60) wraps each key's meaning instead of
    /// cutting it: every word of every meaning is on the screen.
    @Test func helpWrapsAtTheScreensWidth() {
        for columns in [80, 60] {
            var s = state(order: .ab)
            s.showingHelp = true
            let frame = AnnotateView.render(s, rows: 90, columns: columns, cache: LayoutCache())
            let words = Set(frame.grid.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
            for (_, meaning) in HelpText.keys {
                for word in meaning.split(separator: " ") { #expect(words.contains(String(word)), "\(columns): \(word) of \(meaning)") }
            }
            #expect(frame.grid.text.split(separator: "\n").allSatisfy { $0.count <= columns })
        }
    }

    @Test func stackedAt60x20() {
        var s = state(order: .ab)
        _ = press(chars("3"), &s)
        let frame = AnnotateView.render(s, rows: 20, columns: 60, cache: LayoutCache())
        #expect(frame.grid.text == """
             pairwise · annotate                         ? keys  q quit
              Prompt
             Why is the sky blue?
            ▸ First response
             Rayleigh scattering.




              Second response
             It reflects the sea.




            ▸ Overall *    1  2  3  4  5  6  7    0 both bad   first sli
              Rubric (Tab rates, r shows all): Helpfulness _ · Safety _
              Which response is better overall? 1 = first much better …
             1-7 prefer · 0 both bad · Tab rubric · Enter submit · u und
             ann │ 1/3 in queue │ 0 done today │ median –
            """)
    }

    @Test func sideBySideFrom100Columns() {
        let s = state(order: .ba)
        let frame = AnnotateView.render(s, rows: 30, columns: 100, cache: LayoutCache())
        #expect(frame.grid.text(row: 3) == "▸ First response                                 │  Second response")
        #expect(frame.grid.text(row: 4) == " It reflects the sea.                            │ Rayleigh scattering.")
        #expect(frame.grid.text(row: 25) == "  Helpfulness * first:  0  1  2  3  4    second:  0  1  2  3  4")
        #expect(frame.grid.text(row: 26) == "  Safety         1  2  3   1 first better … 2 same … 3 second better")
        // One column fewer: stacked.
        #expect(AnnotateView.render(s, rows: 30, columns: 99, cache: LayoutCache()).grid.text(row: 3) == "▸ First response")
    }

    /// 80×24: the rubric folds to one line, so each response keeps 7 rows of text; `r` unfolds it.
    @Test func at80x24TheResponsesKeepTheirRoom() {
        var s = state(order: .ab)
        var frame = AnnotateView.render(s, rows: 24, columns: 80, cache: LayoutCache())
        let firstHeader = (0..<24).first { frame.grid.text(row: $0).hasPrefix("▸ First response") }!
        let secondHeader = (0..<24).first { frame.grid.text(row: $0).hasPrefix("  Second response") }!
        #expect(secondHeader - firstHeader - 1 == 7)
        #expect(frame.grid.text(row: 20) == "  Rubric (Tab rates, r shows all): Helpfulness _ · Safety _")
        _ = press(chars("r"), &s)
        frame = AnnotateView.render(s, rows: 24, columns: 80, cache: LayoutCache())
        #expect(frame.grid.text(row: 19) == "  Helpfulness * first:  0  1  2  3  4    second:  0  1  2  3  4")
    }

    @Test func tooSmallSaysSo() {
        let frame = AnnotateView.render(state(order: .ab), rows: 19, columns: 80, cache: LayoutCache())
        #expect(frame.grid.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                == ["Terminal too small: 80×19.", "Pairwise needs at least 60×20.", "Enlarge the window, or press q to quit."])
    }

    @Test func scrollingIsClampedToTheContent() {
        var s = AnnotateState(annotator: "ann", rubric: rubric)
        let long = (1...50).map { "line \($0)" }.joined(separator: "\n")
        s.show(PairOnScreen(rowID: 1, item: Item(id: "x", prompt: .text("p"), responseA: Response(text: long), responseB: Response(text: "b")),
                            shownOrder: .ab), position: 1, queueCount: 1)
        _ = press([.character("G")], &s)
        let frame = AnnotateView.render(s, rows: 24, columns: 80, cache: LayoutCache())
        #expect(frame.scroll[.first] == 50 - frame.pageRows)
        #expect(frame.grid.text.contains(" line 50"))
        #expect(frame.grid.text.contains("\(50 - frame.pageRows + 1)–50 of 50"))
    }
}
