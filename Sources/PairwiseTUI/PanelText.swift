import PairwiseCore

/// A wrapped line of a panel with its style.
public struct StyledLine: Equatable, Sendable {
    public var glyphs: ArraySlice<Glyph>
    public var style: Style
}

/// Turns prompts and responses into wrapped, styled lines: Markdown code blocks (between
/// ``` fences) in the code style, chat turns under a role heading.
public enum PanelText {
    public static func lines(_ text: String, width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        var inCode = false
        var wrapped: [ArraySlice<Glyph>] = []
        // Markdown shown as a terminal can (headings, strong, bullets, tables); code as it is.
        for (logicalText, markdownStyle) in MarkdownLines.render(text) {
            var logicalText = logicalText
            logicalText.withUTF8 { logical in
                let isFence = isCodeFence(logical)
                let style: Style = (inCode || isFence) ? .code : markdownStyle ?? .normal
                if isFence { inCode.toggle() }
                wrapped.removeAll(keepingCapacity: true)
                TerminalText.wrapLine(utf8: logical, width: width, into: &wrapped)
                for line in wrapped { out.append(StyledLine(glyphs: line, style: style)) }
            }
        }
        return out
    }

    /// A response's lines; an empty (or blank) response says so, rather than showing an empty panel.
    public static func response(_ text: String, width: Int) -> [StyledLine] {
        if text.allSatisfy(\.isWhitespace) {
            return [StyledLine(glyphs: ArraySlice(TerminalText.singleLine("(empty response)")), style: .dim)]
        }
        return lines(text, width: width)
    }

    /// A line that opens or closes a Markdown code block: "```" after optional spaces.
    static func isCodeFence(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < line.count && line[i] == 0x20 { i += 1 }
        return line.count - i >= 3 && line[i] == 0x60 && line[i + 1] == 0x60 && line[i + 2] == 0x60
    }

    public static func lines(_ prompt: Prompt, width: Int) -> [StyledLine] {
        switch prompt {
        case .text(let text): return lines(text, width: width)
        case .chat(let turns):
            var out: [StyledLine] = []
            for (n, turn) in turns.enumerated() {
                if n > 0 { out.append(StyledLine(glyphs: [], style: .normal)) }
                let role = turn.role.prefix(1).uppercased() + turn.role.dropFirst()
                out.append(StyledLine(glyphs: TerminalText.singleLine(role + ":")[...], style: .heading))
                out += lines(turn.content, width: width)
            }
            return out
        }
    }
}

/// Wrapped lines by (pair, panel, width), so that scrolling and redrawing do not wrap again.
public final class LayoutCache {
    private struct Key: Hashable { var rowID: Int64; var panel: Panel; var width: Int }
    private var entries: [Key: [StyledLine]] = [:]

    public init() {}

    func lines(pair: PairOnScreen, panel: Panel, width: Int) -> [StyledLine] {
        let key = Key(rowID: pair.rowID * 2 + (pair.shownOrder == .ab ? 0 : 1), panel: panel, width: width)
        if let cached = entries[key] { return cached }
        if entries.count > 64 { entries.removeAll() }
        let lines: [StyledLine]
        switch panel {
        case .prompt: lines = PanelText.lines(pair.item.prompt, width: width)
        case .first: lines = PanelText.response(pair.first.text, width: width)
        case .second: lines = PanelText.response(pair.second.text, width: width)
        }
        entries[key] = lines
        return lines
    }

    private struct RankedKey: Hashable { var rowID: Int64; var position: Int; var width: Int }
    private var rankedEntries: [RankedKey: [StyledLine]] = [:]

    /// A ranked item's prompt (`position` −1) or stored response's wrapped lines.
    func lines(ranked item: RankedOnScreen, position: Int, width: Int) -> [StyledLine] {
        let key = RankedKey(rowID: item.rowID, position: position, width: width)
        if let cached = rankedEntries[key] { return cached }
        if rankedEntries.count > 64 { rankedEntries.removeAll() }
        let lines = position < 0 ? PanelText.lines(item.item.prompt, width: width) : PanelText.response(item.item.responses[position].text, width: width)
        rankedEntries[key] = lines
        return lines
    }
}
