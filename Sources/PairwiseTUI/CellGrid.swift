/// One screen cell. A wide glyph occupies its cell and marks the next as its continuation.
public struct Cell: Equatable, Sendable {
    public var glyph: Glyph
    public var style: Style
    public var isContinuation: Bool

    public init(text: String, style: Style, isContinuation: Bool) {
        self.init(glyph: Glyph(text: text, width: 1), style: style, isContinuation: isContinuation)
    }

    init(glyph: Glyph, style: Style, isContinuation: Bool) {
        self.glyph = glyph
        self.style = style
        self.isContinuation = isContinuation
    }

    /// The cell's text ("" for the right half of a wide glyph).
    public var text: String { isContinuation ? "" : glyph.text }

    public static let blank = Cell(glyph: .space, style: .normal, isContinuation: false)
}

/// A screen's worth of cells: what screens render into, what the curses terminal draws,
/// and what tests read.
public struct CellGrid: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public private(set) var cells: [Cell]

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        cells = Array(repeating: .blank, count: max(0, rows * columns))
    }

    public subscript(row: Int, column: Int) -> Cell { cells[row * columns + column] }

    /// Writes glyphs from (row, column), clipped at `limit` (default: the right edge). A wide
    /// glyph that would straddle the limit is replaced by a space. Returns the next column.
    @discardableResult
    public mutating func put(_ glyphs: some Collection<Glyph>, row: Int, column: Int, style: Style, limit: Int? = nil) -> Int {
        guard row >= 0 && row < rows else { return column }
        let end = min(limit ?? columns, columns)
        var x = column
        for glyph in glyphs {
            if x + glyph.width > end {
                if x < end && glyph.width == 2 { cells[row * columns + x] = Cell(glyph: .space, style: style, isContinuation: false); x += 1 }
                break
            }
            guard x >= 0 else { x += glyph.width; continue }
            cells[row * columns + x] = Cell(glyph: glyph, style: style, isContinuation: false)
            if glyph.width == 2 { cells[row * columns + x + 1] = Cell(glyph: .space, style: style, isContinuation: true) }
            x += glyph.width
        }
        return x
    }

    /// Writes a string from the program itself (not from data; still made safe).
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = .normal, limit: Int? = nil) -> Int {
        put(TerminalText.singleLine(text), row: row, column: column, style: style, limit: limit)
    }

    /// Paints a style over a stretch of a row, keeping the text.
    public mutating func fill(row: Int, from: Int = 0, to: Int? = nil, style: Style) {
        guard row >= 0 && row < rows else { return }
        for x in max(0, from)..<min(to ?? columns, columns) { cells[row * columns + x].style = style }
    }

    /// The text of one row, trailing spaces removed (for tests and snapshots).
    public func text(row: Int) -> String {
        var line = ""
        for x in 0..<columns { let cell = self[row, x]; if !cell.isContinuation { line += cell.text } }
        while line.last == " " { line.removeLast() }
        return line
    }

    /// Every row's text, joined by newlines.
    public var text: String { (0..<rows).map { text(row: $0) }.joined(separator: "\n") }
}
