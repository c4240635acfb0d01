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
/// of several is a tie.
public struct RankState: Equatable, Sendable {
    public var item: RankedOnScreen
    public var groups: [[Int]] = []
    /// `=` was pressed: the next panel joins the last group.
    public var tieNext = false
    public var allBad = false
    /// Best–worst mode (the project's `ranking_mode`): the first panel pressed is the best,
    /// the second the worst; the others tie between them.
    public var bestWorst = false
    /// The panel in focus (scrolled by j/k): -1 the prompt, else a response panel.
    public var focused = 0
    public var scroll: [Int: Int] = [:]

    public init(item: RankedOnScreen) {
        self.item = item
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

    /// Sets the state from a stored ranking (undo, or revising one's own).
    public mutating func restore(_ ranking: Ranking) {
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
