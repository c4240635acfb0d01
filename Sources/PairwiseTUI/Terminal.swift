/// Where screens are shown. Only `CursesTerminal` talks to ncurses; tests use grids directly.
public protocol Terminal: AnyObject {
    /// The current size in cells.
    var size: (rows: Int, columns: Int) { get }
    /// Shows a whole frame.
    func draw(_ grid: CellGrid)
    /// Waits for a key up to `timeoutMilliseconds` (nil: forever); nil when none came.
    func readKey(timeoutMilliseconds: Int?) -> Key?
}
