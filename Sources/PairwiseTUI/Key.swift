/// A key press, as the screens see it.
public enum Key: Equatable, Sendable {
    case character(Character)
    case enter, backspace, tab, backTab, escape
    case up, down, left, right, pageUp, pageDown, home, end
    /// The terminal changed size.
    case resize
    /// Ctrl-C or end of input.
    case interrupt
    /// The terminal is gone (a dropped SSH connection, a closed window): end now, letting go
    /// of what the session holds; nothing can be shown or asked.
    case hangup
    /// A mouse click or wheel turn at a cell.
    case mouse(row: Int, column: Int, action: MouseAction)
}

/// What the mouse did.
public enum MouseAction: Equatable, Sendable {
    case click, wheelUp, wheelDown
}
