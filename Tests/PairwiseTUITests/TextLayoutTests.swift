import PairwiseTUI
import PairwiseTestSupport
import Foundation
import Testing

@Suite struct TerminalTextTests {
    @Test func controlAndEscapeSequencesBecomeVisible() {
        let glyphs = TerminalText.singleLine("a\u{1B}]0;pwned\u{07}b\u{1B}[31mc\u{9B}2Jd\u{7F}")
        #expect(glyphs.map(\.text).joined() == "a␛]0;pwned␇b␛[31mc\u{FFFD}2Jd␡")
        #expect(glyphs.allSatisfy { $0.width == 1 })
        #expect(TerminalText.singleLine("x\u{202E}y").map(\.text).joined() == "x\u{FFFD}y")
    }

    @Test func tabsExpandToTheNextStop() {
        #expect(TerminalText.singleLine("a\tbc\td").map(\.text).joined() == "a   bc  d")
    }

    @Test func wideCharactersTakeTwoCells() {
        #expect(TerminalText.singleLine("日本").map(\.width) == [2, 2])
        #expect(TerminalText.singleLine("😀a").map(\.width) == [2, 1])
        #expect(TerminalText.singleLine("é").map(\.width) == [1])
        // A combining accent stays with its letter.
        #expect(TerminalText.singleLine("e\u{301}x").map(\.text) == ["e\u{301}", "x"])
    }

    /// Emoji sequences split into cells that ncurses (one cell per scalar of positive
    /// `wcwidth`) and tmux 3.3 both draw the same way, with nothing lost but the joiners
    /// and presentation selectors.
    @Test func emojiSequencesTakeTheCellsEveryTerminalAgreesOn() {
        let glyphs = TerminalText.singleLine("A👨‍👩‍👧B👍🏽C🇫🇷D❤️E🏳️‍🌈F\u{301}1️⃣")
        #expect(glyphs.map(\.text) == ["A", "👨", "👩", "👧", "B", "👍", "🏽", "C", "🇫🇷", "D", "❤", "E", "🏳", "🌈", "F\u{301}", "1\u{20E3}"])
        #expect(glyphs.map(\.width) == [1, 2, 2, 2, 1, 2, 2, 1, 2, 1, 1, 1, 1, 2, 1, 1])
        // A mark with nothing before it is drawn on a space.
        #expect(TerminalText.singleLine("\u{301}x").map(\.text) == [" \u{301}", "x"])
        #expect(TerminalText.width(of: "👨‍👩‍👧") == 6)
        #expect(TerminalText.width(of: "❤️") == 1)
        // Unassigned and noncharacters: U+FFFD, one cell.
        #expect(TerminalText.singleLine("a\u{378}\u{FFFF}b").map(\.text) == ["a", "\u{FFFD}", "\u{FFFD}", "b"])
    }

    @Test func wrapsAtWordBoundariesAndBreaksLongWords() {
        let lines = TerminalText.wrap("the quick brown fox jumps\n\nabcdefghijkl", width: 10)
        #expect(lines.map { $0.map(\.text).joined() } == ["the quick", "brown fox", "jumps", "", "abcdefghij", "kl"])
    }

    @Test func wrappedLinesKeepTheirIndentation() {
        let code = "def f():\n\tif ready and value > threshold:\n        return compute(alpha, beta)"
        let lines = TerminalText.wrap(code, width: 20)
        #expect(lines.map { $0.map(\.text).joined() } == [
            "def f():", "    if ready and", "    value >", "    threshold:", "        return", "        compute(alph", "        a, beta)",
        ])
        #expect(lines.allSatisfy { $0.reduce(0) { $0 + $1.width } <= 20 })
        // Indentation deeper than half the width is not repeated.
        #expect(TerminalText.wrap("            abc def ghi", width: 16).map { $0.map(\.text).joined() } == ["            abc", "def ghi"])
    }

    @Test func wideCharactersNeverStraddleTheEdge() {
        let lines = TerminalText.wrap("日本語のテキスト", width: 5)
        #expect(lines.map { $0.map(\.text).joined() } == ["日本", "語の", "テキ", "スト"])
        #expect(lines.allSatisfy { $0.reduce(0) { $0 + $1.width } <= 5 })
    }

    @Test func codeBlocksAreStyledAsCode() {
        let lines = PanelText.lines("Run:\n```sh\nls -l\n```\nDone.", width: 40)
        #expect(lines.map(\.style) == [.normal, .code, .code, .code, .normal])
    }
}

@Suite struct CellGridTests {
    @Test func aWideGlyphAtTheEdgeBecomesASpace() {
        var grid = CellGrid(rows: 1, columns: 5)
        let next = grid.put(TerminalText.singleLine("ab日本"), row: 0, column: 0, style: .normal)
        #expect(next == 5)
        #expect(grid.text(row: 0) == "ab日")
        #expect(grid[0, 3].isContinuation)
        #expect(grid[0, 4] == Cell(text: " ", style: .normal, isContinuation: false))
    }
}

@Suite struct EmbeddedSampleDataTests {
    /// `pairwise demo` uses the copy built into the binary; run scripts/embed-sample-data.sh
    /// after changing sample-data/.
    @Test func theEmbeddedCopyMatchesSampleData() throws {
        let items = try String(contentsOfFile: Fixtures.sampleItems, encoding: .utf8)
        let rubric = try String(contentsOfFile: Fixtures.sampleRubric, encoding: .utf8)
        #expect(EmbeddedSampleData.items + "\n" == items)
        #expect(EmbeddedSampleData.rubric + "\n" == rubric)
        #expect(EmbeddedSampleData.guidelines + "\n" == (try String(contentsOfFile: Fixtures.repository("sample-data/guidelines.md"), encoding: .utf8)))
        let ranked = try String(contentsOfFile: Fixtures.repository("sample-data/ranked-items.jsonl"), encoding: .utf8)
        #expect(EmbeddedSampleData.rankedItems + "\n" == ranked)
    }
}
