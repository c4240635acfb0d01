import PairwiseCore

/// A ranked item on screen: its responses shown as numbered panels in an order drawn per
/// annotator (`shown[n]` is the stored position of panel n + 1).
public struct RankedOnScreen: Equatable, Sendable {
    public var rowID: Int64
    public var item: RankedItem
    public var shown: [Int]

    public init(rowID: Int64, item: RankedItem, shown: [Int]) {
        self.rowID = rowID
        self.item = item
        self.shown = shown
    }
}

/// The ranking being made: groups of panels (0-based shown numbers), best first; a group
/// of several is a tie; and the rubric's per-response values, panel by panel.
public struct RankState: Equatable, Sendable {
    public var item: RankedOnScreen
    /// The rubric's per-response dimensions, each rated for every response.
    public let dimensions: [Dimension]
    public var groups: [[Int]] = []
    /// Values typed so far, by dimension key, in panel order.
    public var ratings: [String: [Int?]] = [:]
    /// The row in focus: 0 the ranking, 1…N a dimension.
    public var row = 0
    /// `=` was pressed: the next panel joins the last group.
    public var tieNext = false
    public var allBad = false
    /// Best–worst mode (the project's `ranking_mode`): the first panel pressed is the best,
    /// the second the worst; the others tie between them.
    public var bestWorst = false
    /// The panel in focus (scrolled by j/k): -1 the prompt, else a response panel.
    public var focused = 0
    public var scroll: [Int: Int] = [:]

    public init(item: RankedOnScreen, dimensions: [Dimension] = []) {
        self.item = item
        self.dimensions = dimensions
    }

    /// The dimension in focus, or nil on the ranking's row.
    public var focusedDimension: Dimension? { row > 0 ? dimensions[row - 1] : nil }

    /// A dimension's values in panel order (nil where not rated yet).
    public func values(_ dimension: Dimension) -> [Int?] {
        ratings[dimension.key] ?? Array(repeating: nil, count: panels)
    }

    /// Rates the next unrated panel on the dimension in focus; moves to the next dimension
    /// once every panel has a value. An error to show, or nil.
    public mutating func rate(_ value: Int) -> String? {
        guard let dimension = focusedDimension else { return nil }
        guard dimension.scale.contains(value) else { return "\(dimension.title) runs \(dimension.scale.min)–\(dimension.scale.max)." }
        var values = values(dimension)
        guard let next = values.firstIndex(where: { $0 == nil }) else {
            return "Every response has a \(dimension.title) value (Backspace takes the last back)."
        }
        values[next] = value
        ratings[dimension.key] = values
        if !values.contains(where: { $0 == nil }) && row < dimensions.count { row += 1 }
        return nil
    }

    /// Takes back the last value typed on the dimension in focus.
    public mutating func unrate() {
        guard let dimension = focusedDimension, var values = ratings[dimension.key],
              let last = values.lastIndex(where: { $0 != nil }) else { return }
        values[last] = nil
        ratings[dimension.key] = values.contains(where: { $0 != nil }) ? values : nil
    }

    /// The values to store, in stored order; or the row to show and why not (a required
    /// dimension unrated, or a dimension rated for some responses only).
    public var rubric: Result<ResponseRatings, RatingProblem> {
        var result = ResponseRatings()
        for (n, dimension) in dimensions.enumerated() {
            let values = values(dimension)
            let rated = values.compactMap { $0 }
            if rated.count == panels {
                var stored = [Int](repeating: 0, count: panels)
                for (panel, value) in rated.enumerated() { stored[item.shown[panel]] = value }
                result[dimension.key] = stored
            } else if !rated.isEmpty {
                return .failure(RatingProblem(row: n + 1, message: "\(dimension.title): rate every response (\(rated.count) of \(panels) so far), or Backspace to clear."))
            } else if dimension.required {
                return .failure(RatingProblem(row: n + 1, message: "\(dimension.title) is required: one value per response."))
            }
        }
        return .success(result)
    }

    public var panels: Int { item.shown.count }
    public var placed: Set<Int> { Set(groups.joined()) }

    /// The ranking in stored order once every panel is placed (a single panel left is
    /// placed last); nil while two or more are not.
    public var ranking: Ranking? {
        if bestWorst {
            // Best, the rest tied, worst.
            guard groups.count == 2 else { return nil }
            var ranks = [Int](repeating: 2, count: panels)
            ranks[item.shown[groups[0][0]]] = 1
            ranks[item.shown[groups[1][0]]] = 3
            return Ranking(ranks: ranks, allBad: allBad)
        }
        var groups = groups
        let left = (0..<panels).filter { !placed.contains($0) }
        if left.count == 1 { groups.append(left) } else if !left.isEmpty { return nil }
        var ranks = [Int](repeating: 0, count: panels)
        for (rank, group) in groups.enumerated() {
            for panel in group { ranks[item.shown[panel]] = rank + 1 }
        }
        return Ranking(ranks: ranks, allBad: allBad)
    }

    /// The ranking so far as a line, panels numbered from 1: "3 > 1 = 4 > …".
    public var line: String {
        if bestWorst {
            return "best " + (groups.first.map { String($0[0] + 1) } ?? "…") + " · worst " + (groups.count > 1 ? String(groups[1][0] + 1) : "…")
        }
        let made = groups.map { $0.map { String($0 + 1) }.joined(separator: " = ") }.joined(separator: " > ")
        let left = panels - placed.count
        if made.isEmpty { return "…" }
        return made + (tieNext ? " = …" : left > 0 ? " > …" : "")
    }

    /// Sets the state from a stored ranking and its values (undo, or revising one's own).
    public mutating func restore(_ ranking: Ranking, rubric: ResponseRatings = ResponseRatings()) {
        ratings = [:]
        for dimension in dimensions {
            if let stored = rubric[dimension.key], stored.count == panels { ratings[dimension.key] = item.shown.map { stored[$0] } }
        }
        restoreOrder(ranking)
    }

    private mutating func restoreOrder(_ ranking: Ranking) {
        if bestWorst, let best = (0..<panels).first(where: { ranking.ranks[item.shown[$0]] == 1 }),
           let worst = (0..<panels).last(where: { ranking.ranks[item.shown[$0]] == ranking.ranks.max() }), best != worst {
            groups = [[best], [worst]]
            allBad = ranking.allBad
            return
        }
        let byRank = Dictionary(grouping: 0..<panels) { ranking.ranks[item.shown[$0]] }
        groups = byRank.keys.sorted().map { byRank[$0]!.sorted() }
        allBad = ranking.allBad
        tieNext = false
    }
}

/// Why a ranked item's values cannot be submitted yet, and the row to focus.
public struct RatingProblem: Error, Equatable, Sendable {
    public var row: Int
    public var message: String
}
