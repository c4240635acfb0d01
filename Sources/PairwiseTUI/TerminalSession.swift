/// A screen session a terminal drives: it renders its state and handles keys. Annotate and
/// review share the loop below.
public protocol TerminalSession: AnyObject {
    /// The frame for a terminal of this size.
    func render(rows: Int, columns: Int) -> CellGrid
    /// Handles one key; false when the session should end.
    @discardableResult func handle(_ key: Key) -> Bool
    /// How long to wait for a key before drawing again (nil: until one comes).
    var keyTimeoutMilliseconds: Int? { get }
    /// Called before each frame: where background results reach the state.
    func beforeFrame()
}

extension TerminalSession {
    /// Draws and reads keys until the session ends; a resize redraws at the new size.
    public func run(on terminal: Terminal) {
        while true {
            beforeFrame()
            let size = terminal.size
            terminal.draw(render(rows: size.rows, columns: size.columns))
            guard let key = terminal.readKey(timeoutMilliseconds: keyTimeoutMilliseconds) else { continue }
            if key == .resize { continue }
            if !handle(key) { return }
        }
    }
}
