import CNcursesw
import PairwiseCore
import Synchronization

/// One grapheme as it will occupy the screen: its text (already made safe) and its width
/// in cells (1 or 2). Plain data, so glyph arrays copy without reference counting: a single
/// scalar is stored inline, and a multi-scalar cluster (combining marks, ZWJ emoji) is
/// interned once and referred to by number.
public struct Glyph: Equatable, Sendable {
    let scalar: Unicode.Scalar
    /// 0 for a single scalar, else 1 + the cluster's index in `ClusterTable`.
    let cluster: UInt32
    public let width: Int

    public init(text: String, width: Int) {
        var scalars = text.unicodeScalars.makeIterator()
        let first = scalars.next() ?? " "
        scalar = first
        cluster = scalars.next() == nil ? 0 : ClusterTable.intern(text)
        self.width = width
    }

    init(scalar: Unicode.Scalar, width: Int) {
        self.scalar = scalar
        cluster = 0
        self.width = width
    }

    public var text: String { cluster == 0 ? String(Character(scalar)) : ClusterTable.text(cluster) }

    /// The scalars to hand to the terminal.
    public var unicodeScalars: [Unicode.Scalar] { cluster == 0 ? [scalar] : Array(ClusterTable.text(cluster).unicodeScalars) }

    var isSpace: Bool { scalar == " " && cluster == 0 }

    static let space = Glyph(scalar: " ", width: 1)
}

/// Multi-scalar graphemes seen so far, each stored once for the life of the process.
enum ClusterTable {
    private struct Table {
        var texts: [String] = []
        var numbers: [String: UInt32] = [:]
    }

    private static let table = Mutex(Table())

    static func intern(_ text: String) -> UInt32 {
        table.withLock { table in
            if let number = table.numbers[text] { return number }
            table.texts.append(text)
            let number = UInt32(table.texts.count)
            table.numbers[text] = number
            return number
        }
    }

    static func text(_ number: UInt32) -> String { table.withLock { $0.texts[Int(number) - 1] } }
}

/// Makes text from data safe and measurable for the terminal. Nothing from data reaches the
/// terminal raw: C0/C1 controls and DEL become visible Control Pictures (ESC shows as ␛),
/// bidirectional overrides become U+FFFD, tabs expand to spaces. Widths come from the C
/// library's `wcwidth`, the same table ncurses and tmux use on this machine.
public enum TerminalText {
    public static let tabWidth = 4

    /// Ensures a UTF-8 character type locale, without which `wcwidth` knows only ASCII.
    static let localeReady: Bool = {
        cn_ensure_utf8_ctype()
        return true
    }()

    /// The visible stand-in for a scalar that must not reach the terminal, or nil when it is safe.
    public static func replacement(for scalar: Unicode.Scalar) -> Character? { TerminalSafe.replacement(for: scalar) }

    /// The cell width of a scalar per `wcwidth`, 0 for combining marks.
    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        if scalar.value < 0x7F { return scalar.value >= 0x20 ? 1 : 0 }
        _ = localeReady
        return Int(cn_wcwidth(scalar.value))
    }

    /// The cells one grapheme takes on screen: the sum of its display units' widths (see
    /// `appendDisplayUnits`).
    public static func width(of character: Character) -> Int {
        var units: [Glyph] = []
        var column = 0
        appendDisplayUnits(of: character, to: &units, column: &column)
        return column
    }

    /// One-character strings for ASCII, so the common case builds no new strings.
    static let asciiGlyphs: [Glyph] = (0..<128).map { byte in
        let scalar = Unicode.Scalar(UInt8(byte))
        return Glyph(text: String(replacement(for: scalar) ?? Character(scalar)), width: 1)
    }

    /// Splits one line of text (no newlines) into safe glyphs; tabs expand to the next stop.
    public static func glyphs(_ line: Substring) -> [Glyph] {
        var copy = String(line)
        return copy.withUTF8 { glyphs(utf8: $0) }
    }

    /// The same over UTF-8 bytes. ASCII is handled byte by byte; grapheme segmentation runs
    /// only on non-ASCII stretches (with the ASCII character before them, which a combining
    /// mark may attach to).
    static func glyphs(utf8: UnsafeBufferPointer<UInt8>) -> [Glyph] {
        var out: [Glyph] = []
        out.reserveCapacity(utf8.count)
        var column = 0
        var i = 0
        let count = utf8.count
        while i < count {
            let byte = utf8[i]
            if byte < 0x80 && (i + 1 == count || utf8[i + 1] < 0x80) {
                if byte == 0x09 {
                    let spaces = tabWidth - column % tabWidth
                    for _ in 0..<spaces { out.append(Glyph.space) }
                    column += spaces
                } else {
                    out.append(asciiGlyphs[Int(byte)])
                    column += 1
                }
                i += 1
                continue
            }
            // A non-ASCII stretch: up to the next ASCII byte that is followed by ASCII.
            var end = i + 1
            while end < count && !(utf8[end] < 0x80 && (end + 1 == count || utf8[end + 1] < 0x80)) { end += 1 }
            let stretch = String(decoding: UnsafeBufferPointer(rebasing: utf8[i..<end]), as: UTF8.self)
            appendGraphemes(Substring(stretch), to: &out, column: &column)
            i = end
        }
        return out
    }

    private static func appendGraphemes(_ text: Substring, to out: inout [Glyph], column: inout Int) {
        for character in text {
            if character == "\t" {
                let spaces = tabWidth - column % tabWidth
                for _ in 0..<spaces { out.append(asciiGlyphs[0x20]) }
                column += spaces
                continue
            }
            appendDisplayUnits(of: character, to: &out, column: &column)
        }
    }

    static let zeroWidthJoiner: Unicode.Scalar = "\u{200D}"
    static let emojiPresentation: Unicode.Scalar = "\u{FE0F}"

    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(scalar.value) }

    /// Splits a grapheme into the cells every party agrees on: this layout, ncurses (which
    /// places each scalar by `wcwidth`, a zero-width one joining the cell before it) and the
    /// terminal. Terminals disagree on emoji sequences (tmux 3.3 draws a ZWJ family in 2
    /// cells, ncurses counts 6; ❤️ is 1 cell in tmux and 2 in others), so for display only:
    /// zero-width joiners and emoji presentation selectors are left out, and each scalar of
    /// positive width starts a unit of that width with the zero-width scalars after it (a
    /// family shows as its members side by side, nothing lost; a skin tone as its own cell).
    /// Two regional indicators (a flag) make one unit of 2. Unsafe scalars become visible
    /// stand-ins; scalars the C library cannot print become U+FFFD.
    static func appendDisplayUnits(of character: Character, to out: inout [Glyph], column: inout Int) {
        var scalars = character.unicodeScalars.makeIterator()
        var unit = String.UnicodeScalarView()
        var unitWidth = 0
        var unitIsOneIndicator = false
        func flush() {
            guard !unit.isEmpty else { return }
            out.append(Glyph(text: String(unit), width: unitWidth))
            column += unitWidth
            unit = String.UnicodeScalarView()
            unitWidth = 0
            unitIsOneIndicator = false
        }
        while let scalar = scalars.next() {
            if scalar == zeroWidthJoiner || scalar == emojiPresentation { continue }
            if let replacement = replacement(for: scalar) {
                flush()
                out.append(Glyph(text: String(replacement), width: 1))
                column += 1
                continue
            }
            let width = scalarWidth(scalar)
            if width < 0 {
                flush()
                out.append(Glyph(scalar: "\u{FFFD}", width: 1))
                column += 1
            } else if width == 0 {
                // A mark with nothing before it is drawn on a space.
                if unit.isEmpty { unit.append(" "); unitWidth = 1 }
                unit.append(scalar)
            } else if unitIsOneIndicator && isRegionalIndicator(scalar) {
                unit.append(scalar)
                unitWidth += width
                unitIsOneIndicator = false
            } else {
                flush()
                unit.append(scalar)
                unitWidth = width
                unitIsOneIndicator = isRegionalIndicator(scalar)
            }
        }
        flush()
    }

    /// One line of a string, made safe, for places that show a single line (titles, notes).
    public static func singleLine(_ text: String) -> [Glyph] {
        glyphs(Substring(text.replacingNewlines()))
    }

    /// Wraps text to `width` cells at word boundaries; words longer than a line are broken.
    /// Newlines (LF, CRLF) end lines; other controls are shown as visible replacements.
    public static func wrap(_ text: String, width: Int) -> [ArraySlice<Glyph>] {
        var lines: [ArraySlice<Glyph>] = []
        forEachLine(of: text) { wrapLine(utf8: $0, width: width, into: &lines) }
        return lines
    }

    /// Calls `body` with the UTF-8 bytes of each line (split at LF, a trailing CR dropped).
    public static func forEachLine(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            while true {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > start && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                body(UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
                if end >= bytes.count { return }
                start = end + 1
            }
        }
    }

    /// Wraps one line (no LF). The lines are slices of one glyph array: no glyph is copied.
    /// Continuation lines of a wrapped line keep its indentation (up to half the width), so
    /// that wrapped code and nested lists stay readable.
    static func wrapLine(utf8 line: UnsafeBufferPointer<UInt8>, width: Int, into lines: inout [ArraySlice<Glyph>]) {
        precondition(width > 0)
        let glyphs = glyphs(utf8: line)
        if glyphs.isEmpty { lines.append([]); return }
        var indent = 0
        while indent < glyphs.count && glyphs[indent].isSpace { indent += 1 }
        if indent == glyphs.count || indent > width / 2 { indent = 0 }
        let indentation = [Glyph](repeating: Glyph.space, count: indent)
        var start = 0
        var first = true
        while start < glyphs.count {
            let room = first ? width : width - indent
            // Take as many glyphs as fit.
            var used = 0, end = start
            while end < glyphs.count && used + glyphs[end].width <= room { used += glyphs[end].width; end += 1 }
            var pieceEnd = end, next = end
            if end < glyphs.count {
                // Break after the last space that fits, if any (not within the indentation).
                var breakAt = end
                var i = end
                while i > start { if glyphs[i - 1].isSpace && (!first || i > indent) { breakAt = i; break }; i -= 1 }
                if breakAt == start { breakAt = max(end, start + 1) }
                pieceEnd = breakAt
                while pieceEnd > start && glyphs[pieceEnd - 1].isSpace { pieceEnd -= 1 }
                next = breakAt
                // Spaces at the break are not carried to the next line.
                while next < glyphs.count && glyphs[next].isSpace { next += 1 }
            }
            lines.append(first || indent == 0 ? glyphs[start..<pieceEnd] : ArraySlice(indentation + glyphs[start..<pieceEnd]))
            first = false
            start = next
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        for scalar in unicodeScalars { out.unicodeScalars.append(scalar == "\n" || scalar == "\r" ? " " : scalar) }
        return out
    }
}
