import PairwiseCore
import PairwiseStore

/// Charts drawn with characters for the TUI's stats screen: bars of block characters in
/// eighths of a cell, or `#` where the terminal is not UTF-8, with the same numbers as the
/// HTML report.
public enum TerminalCharts {
    /// Whether the locale is UTF-8 (LC_ALL, else LC_CTYPE, else LANG, as setlocale reads them).
    public static func unicode(_ environment: [String: String]) -> Bool {
        let locale = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        return locale.uppercased().replacingOccurrences(of: "-", with: "").contains("UTF8")
    }

    /// One row per entry: its label, a bar as long as `value / maximum` of `width` cells, then
    /// its text; with `marker`, a rule at that value's place where no bar covers it.
    public static func bars(_ rows: [(label: String, value: Double, text: String)], maximum: Double, width: Int, marker: Double? = nil,
                            unicode: Bool) -> [String] {
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let partial: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return rows.map { row in
            let share = maximum > 0 ? max(0, min(1, row.value / maximum)) : 0
            var cells: [Character]
            if unicode {
                let eighths = Int((share * Double(width * 8)).rounded())
                cells = Array(repeating: "█", count: eighths / 8) + (eighths % 8 > 0 ? [partial[eighths % 8 - 1]] : [])
            } else {
                cells = Array(repeating: "#", count: Int((share * Double(width)).rounded()))
            }
            cells += Array(repeating: " ", count: max(0, width - cells.count))
            if let marker, maximum > 0 {
                let place = min(width - 1, Int((marker / maximum * Double(width)).rounded()))
                if cells[place] == " " { cells[place] = unicode ? "┊" : "|" }
            }
            return "  " + row.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " " + String(cells) + " " + row.text
        }
    }

    /// Labels made on the screen per day, the newest `days` days that have any.
    public static func throughput(_ daily: [DailyLabels], days: Int = 14, unicode: Bool) -> [String] {
        let totals = Dictionary(grouping: daily, by: \.day).mapValues { $0.reduce(0) { $0 + $1.labels } }
        let shown = totals.keys.sorted().suffix(days)
        guard !shown.isEmpty else { return ["labels per day: none made on the screen in the past 28 days"] }
        let most = Double(shown.compactMap { totals[$0] }.max() ?? 1)
        return ["labels per day (n = \(shown.reduce(0) { $0 + totals[$1]! }) labels over \(shown.count) day\(shown.count == 1 ? "" : "s")):"]
            + bars(shown.map { ($0, Double(totals[$0]!), String(totals[$0]!)) }, maximum: most, width: 40, unicode: unicode)
    }

    /// The model's held-out accuracy by run, against the pairs it was fitted on, with the chance line.
    public static func learnability(_ history: [ModelRunSummary], unicode: Bool) -> [String] {
        let runs = history.filter { $0.heldOutPairs > 0 }.sorted { $0.id < $1.id }.suffix(10)
        guard !runs.isEmpty else { return ["held-out accuracy: no model with held-out pairs yet"] }
        return ["held-out accuracy by run (\(unicode ? "┊" : "|") chance 0.5; n = \(runs.count) runs):"]
            + bars(runs.map { ("\($0.pairs) pairs", $0.accuracy, String(format: "%.2f on %d held out", $0.accuracy, $0.heldOutPairs)) },
                   maximum: 1, width: 40, marker: 0.5, unicode: unicode)
    }
}
