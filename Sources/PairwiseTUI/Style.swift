/// What a cell means; each terminal decides how to show it (colour, or attributes when
/// colour is off).
public enum Style: UInt8, Sendable, CaseIterable {
    case normal
    case dim
    case bold
    case title
    case heading
    case focused
    case selected
    case code
    case warning
    case error
    case status
    case key
}
