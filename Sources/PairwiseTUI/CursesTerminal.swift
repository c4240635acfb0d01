import CNcursesw
import CTerminalRestore
#if canImport(Glibc)
import Glibc
#endif

/// The real terminal, through ncursesw. Colour when the terminal has it and `NO_COLOR` is
/// not set; otherwise attributes only (bold, dim, reverse, underline).
public final class CursesTerminal: Terminal {
    private let useColor: Bool
    private var attributes: [Style: Int32] = [:]

    /// Why this terminal cannot show a full screen (no `TERM`, `TERM=dumb`, a terminal
    /// unknown to terminfo) and what to do, or nil when it can.
    public static func unusableReason(environment: [String: String]) -> String? {
        let term = environment["TERM"] ?? ""
        if term.isEmpty { return "TERM is not set; set it to your terminal's kind (for example TERM=xterm-256color) or run in tmux" }
        switch cn_terminal_can_address() {
        case -1: return "TERM=\(term) is not a kind of terminal this machine knows; set TERM to your terminal's kind (for example TERM=xterm-256color)"
        case 0: return "TERM=\(term) cannot move the cursor; run in a terminal emulator or tmux, or set TERM to the terminal's real kind (for example TERM=xterm-256color)"
        default: return nil
        }
    }

    public init(environment: [String: String]) {
        cn_set_locale()
        _ = TerminalText.localeReady
        // Saved first, so that a hang-up or kill restores exactly what was there.
        tr_save_terminal_modes()
        // The terminal's own size (TIOCGWINSZ) wins over LINES and COLUMNS in the environment,
        // which a shell may have left stale: a screen drawn for another size loses its status line.
        use_tioctl(true)
        initscr()
        raw()
        noecho()
        keypad(cn_stdscr(), true)
        cn_enable_mouse()
        set_escdelay(25)
        curs_set(0)
        tr_remember_restore_sequence()
        tr_restore_terminal_on_signals()
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        useColor = !noColor && cn_has_colors() == 1
        if useColor {
            start_color()
            use_default_colors()
        }
        setUpStyles()
    }

    deinit { endwin() }

    /// Restores the terminal; safe to call more than once.
    public func close() { endwin() }

    private func setUpStyles() {
        let bold = Int32(cn_attr_bold()), dim = Int32(cn_attr_dim()), reverse = Int32(cn_attr_reverse())
        let underline = Int32(cn_attr_underline())
        if useColor {
            // (style, foreground, background); -1 is the terminal's default.
            let pairs: [(Style, Int16, Int16, Int32)] = [
                (.title, Int16(COLOR_BLACK), Int16(COLOR_CYAN), 0),
                (.heading, Int16(COLOR_CYAN), -1, bold),
                (.focused, Int16(COLOR_YELLOW), -1, bold),
                (.selected, Int16(COLOR_BLACK), Int16(COLOR_YELLOW), 0),
                (.code, Int16(COLOR_GREEN), -1, 0),
                (.warning, Int16(COLOR_YELLOW), -1, bold),
                (.error, Int16(COLOR_RED), -1, bold),
                (.status, Int16(COLOR_BLACK), Int16(COLOR_WHITE), 0),
                (.key, Int16(COLOR_CYAN), -1, bold),
            ]
            for (n, entry) in pairs.enumerated() {
                init_pair(Int16(n + 1), entry.1, entry.2)
                attributes[entry.0] = Int32(cn_color_pair(Int32(n + 1))) | entry.3
            }
            attributes[.dim] = dim
            attributes[.bold] = bold
        } else {
            attributes = [.title: reverse | bold, .heading: bold | underline, .focused: bold, .selected: reverse,
                          .code: dim, .warning: bold, .error: bold | reverse, .status: reverse, .key: bold,
                          .dim: dim, .bold: bold]
        }
        attributes[.normal] = Int32(cn_attr_normal())
    }

    public var size: (rows: Int, columns: Int) { (Int(cn_lines()), Int(cn_cols())) }

    public func draw(_ grid: CellGrid) {
        erase()
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(grid.columns + 1)
        for row in 0..<grid.rows {
            var x = 0
            while x < grid.columns {
                let cell = grid[row, x]
                if cell.isContinuation { x += 1; continue }
                // A run of cells with one style, drawn at its own position.
                let style = cell.style
                let start = x
                buffer.removeAll(keepingCapacity: true)
                var runHasWide = false
                while x < grid.columns {
                    let next = grid[row, x]
                    if next.isContinuation { runHasWide = true; x += 1; continue }
                    if next.style != style { break }
                    for scalar in next.glyph.unicodeScalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
                    x += 1
                    // Re-anchor after wide glyphs so a width disagreement cannot shift the line.
                    if runHasWide { break }
                }
                buffer.append(0)
                attrset(attributes[style] ?? 0)
                _ = buffer.withUnsafeBufferPointer { mvaddwstr(Int32(row), Int32(start), $0.baseAddress!) }
            }
        }
        attrset(attributes[.normal] ?? 0)
        refresh()
    }

    /// Whether standard input's other end has hung up (a read would fail at once).
    static func inputHungUp() -> Bool {
        var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 1 && descriptor.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// The SIGTERM that ended the session, if one did (it ends as on a hang-up: leases let go of).
    public static var terminationSignal: Int32? { tr_termination_signal() == 0 ? nil : tr_termination_signal() }

    public func readKey(timeoutMilliseconds: Int?) -> Key? {
        if tr_hangup_seen() != 0 || tr_termination_signal() != 0 { return .hangup }
        timeout(Int32(timeoutMilliseconds ?? -1))
        var character: wint_t = 0
        let result = get_wch(&character)
        if result == ERR {
            // A read that fails on a terminal that is gone (hang-up) ends the session.
            return tr_hangup_seen() != 0 || tr_termination_signal() != 0 || isatty(0) == 0 || Self.inputHungUp() ? .hangup : nil
        }
        if result == KEY_CODE_YES {
            switch Int32(character) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BTAB: return .backTab
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case KEY_RESIZE: return .resize
            case KEY_MOUSE:
                var row: Int32 = 0, column: Int32 = 0, kind: Int32 = 0
                guard cn_read_mouse(&row, &column, &kind) == 1 else { return nil }
                switch kind {
                case 1: return .mouse(row: Int(row), column: Int(column), action: .click)
                case 4: return .mouse(row: Int(row), column: Int(column), action: .wheelUp)
                case 5: return .mouse(row: Int(row), column: Int(column), action: .wheelDown)
                default: return nil
                }
            default: return nil
            }
        }
        switch character {
        case 3, 4: return .interrupt        // Ctrl-C, Ctrl-D
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(character)) else { return nil }
            return .character(Character(scalar))
        }
    }
}
