/// The one place that decides which characters from data may reach a terminal. Everything
/// the app prints to a terminal — the TUI, command output, error messages — goes through
/// it, so that text from data can never move the cursor, set the title, write the clipboard
/// (OSC 52) or reorder what is shown. Data written to files is left exact.
public enum TerminalSafe {
    /// The visible stand-in for a scalar that must not reach the terminal, or nil when it is
    /// safe: C0 controls and DEL become Control Pictures (ESC shows as ␛), C1 controls (CSI,
    /// OSC…) and bidirectional overrides and isolates become U+FFFD.
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

    /// Text made safe to print: every unsafe scalar replaced, except line feeds and tabs
    /// when `keepingLineBreaks` (for messages of several lines that we wrote ourselves).
    public static func text(_ text: String, keepingLineBreaks: Bool = true) -> String {
        guard needsReplacing(text, keepingLineBreaks: keepingLineBreaks) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if keepingLineBreaks && (scalar == "\n" || scalar == "\t") {
                out.append(scalar)
            } else if let replacement = replacement(for: scalar) {
                out.append(contentsOf: replacement.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `text` holds anything `text(_:keepingLineBreaks:)` would replace; a scan of
    /// the UTF-8 bytes, so safe text (the common case) is not copied.
    static func needsReplacing(_ text: String, keepingLineBreaks: Bool) -> Bool {
        for byte in text.utf8 {
            if byte < 0x20 {
                if keepingLineBreaks && (byte == 0x0A || byte == 0x09) { continue }
                return true
            }
            // DEL, and lead bytes of C1 controls (C2 80…9F) and of U+202A…/U+2066… (E2 80/81).
            if byte == 0x7F || byte == 0xC2 || byte == 0xE2 { return text.unicodeScalars.contains { scalar in
                !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) && replacement(for: scalar) != nil
            } }
        }
        return false
    }
}
