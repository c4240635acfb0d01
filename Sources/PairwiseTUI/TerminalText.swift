import CNcursesw

/// One grapheme as it will occupy the screen: its text (already made safe) and its width
/// in cells (1 or 2).
public struct Glyph: Equatable, Sendable {
    public var text: String
    public var width: Int
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
    public static func replacement(for scalar: Unicode.Scalar) -> Character? {
        let v = scalar.value
        switch v {
        case 0x00...0x1F: return Character(Unicode.Scalar(0x2400 + v)!)  // ␀…␟ (␛ for ESC)
        case 0x7F: return "\u{2421}"                                       // ␡
        case 0x80...0x9F: return "\u{FFFD}"                                // C1 controls (CSI, OSC…)
        case 0x202A...0x202E, 0x2066...0x2069: return "\u{FFFD}"           // bidi overrides and isolates
        default: return nil
        }
    }

    /// The cell width of a scalar per `wcwidth`, 0 for combining marks.
    static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        if scalar.value < 0x7F { return scalar.value >= 0x20 ? 1 : 0 }
        _ = localeReady
        return Int(cn_wcwidth(scalar.value))
    }

    /// The width of one grapheme: that of its first scalar (1 or 2); a lone combining mark counts 1.
    public static func width(of character: Character) -> Int {
        var result = 1
        if let first = character.unicodeScalars.first {
            let w = scalarWidth(first)
            result = w == 2 ? 2 : 1
        }
        // An emoji presentation selector turns a narrow symbol into a wide emoji.
        if result == 1 && character.unicodeScalars.count > 1 && character.unicodeScalars.contains("\u{FE0F}") { result = 2 }
        return result
    }

    /// Splits one line of text (no newlines) into safe glyphs; tabs expand to the next stop.
    public static func glyphs(_ line: Substring) -> [Glyph] {
        var out: [Glyph] = []
        out.reserveCapacity(line.utf8.count)
        var column = 0
        for character in line {
            if character.isASCII, let ascii = character.asciiValue, ascii >= 0x20, ascii < 0x7F {
                out.append(Glyph(text: String(character), width: 1))
                column += 1
                continue
            }
            if character == "\t" {
                let spaces = tabWidth - column % tabWidth
                for _ in 0..<spaces { out.append(Glyph(text: " ", width: 1)) }
                column += spaces
                continue
            }
            // Replace unsafe scalars inside the grapheme; keep the rest (combining marks, ZWJ).
            var safe = ""
            var replaced = false
            for scalar in character.unicodeScalars {
                if let stand = replacement(for: scalar) {
                    if !safe.isEmpty { out.append(Glyph(text: safe, width: width(of: Character(safe)))); column += out.last!.width }
                    out.append(Glyph(text: String(stand), width: 1))
                    column += 1
                    safe = ""
                    replaced = true
                } else {
                    safe.unicodeScalars.append(scalar)
                }
            }
            if !safe.isEmpty {
                if replaced {
                    // Whatever followed a control is shown on its own.
                    for piece in safe { out.append(Glyph(text: String(piece), width: width(of: piece))); column += out.last!.width }
                } else {
                    let w = width(of: character)
                    out.append(Glyph(text: safe, width: w))
                    column += w
                }
            }
        }
        return out
    }

    /// One line of a string, made safe, for places that show a single line (titles, notes).
    public static func singleLine(_ text: String) -> [Glyph] {
        glyphs(Substring(text.replacingNewlines()))
    }

    /// Wraps text to `width` cells at word boundaries; words longer than a line are broken.
    /// Newlines (LF, CRLF) end lines; other controls are shown as visible replacements.
    public static func wrap(_ text: String, width: Int) -> [[Glyph]] {
        precondition(width > 0)
        var lines: [[Glyph]] = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.last == "\r" ? rawLine.dropLast() : rawLine
            let glyphs = glyphs(line)
            if glyphs.isEmpty { lines.append([]); continue }
            var start = 0
            while start < glyphs.count {
                // Take as many glyphs as fit.
                var used = 0, end = start
                while end < glyphs.count && used + glyphs[end].width <= width { used += glyphs[end].width; end += 1 }
                if end == glyphs.count {
                    lines.append(Array(glyphs[start..<end]))
                    break
                }
                // Break after the last space that fits, if any.
                var breakAt = end
                var i = end
                while i > start { if glyphs[i - 1].text == " " { breakAt = i; break }; i -= 1 }
                if breakAt == start { breakAt = max(end, start + 1) }
                var piece = Array(glyphs[start..<breakAt])
                while piece.last?.text == " " { piece.removeLast() }
                lines.append(piece)
                start = breakAt
                // Spaces at the break are not carried to the next line.
                while start < glyphs.count && glyphs[start].text == " " { start += 1 }
            }
        }
        return lines
    }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        for scalar in unicodeScalars { out.unicodeScalars.append(scalar == "\n" || scalar == "\r" ? " " : scalar) }
        return out
    }
}
