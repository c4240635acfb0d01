import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTestSupport
import PairwiseTUI
import PairwiseWorkflow
import Testing

/// The stats screen's charts: bars in eighths of a cell (or `#` outside UTF-8), the chance
/// line where no bar covers it, at the same cells whatever the terminal's size.
@Suite struct TerminalChartTests {
    static let daily = [DailyLabels(day: "2026-12-04", annotator: "ann", labels: 3), DailyLabels(day: "2026-12-04", annotator: "bo", labels: 5),
                        DailyLabels(day: "2026-12-05", annotator: "ann", labels: 3)]
    static let runs = [ModelRunSummary(id: 1, finishedAt: "x", pairs: 100, accuracy: 0.4, logLoss: 0.7, calibrationError: 0.1, trainSeconds: 1, heldOutPairs: 20),
                       ModelRunSummary(id: 2, finishedAt: "x", pairs: 400, accuracy: 0.755, logLoss: 0.5, calibrationError: 0.05, trainSeconds: 1, heldOutPairs: 80)]

    @Test func barsAreDrawnInEighthsOrHashes() {
        #expect(TerminalCharts.throughput(Self.daily, unicode: true) == [
            "labels per day (n = 11 labels over 2 days):",
            "  2026-12-04 ████████████████████████████████████████ 8",
            "  2026-12-05 ███████████████                          3",
        ])
        #expect(TerminalCharts.throughput(Self.daily, unicode: false) == [
            "labels per day (n = 11 labels over 2 days):",
            "  2026-12-04 ######################################## 8",
            "  2026-12-05 ###############                          3",
        ])
        // 0.4 × 40 = 16 cells, short of the chance line at cell 20; 0.755 × 320 eighths = 241.6 → 242 = 30 cells and 2 eighths.
        #expect(TerminalCharts.learnability(Self.runs, unicode: true) == [
            "held-out accuracy by run (┊ chance 0.5; n = 2 runs):",
            "  100 pairs ████████████████    ┊                    0.40 on 20 held out",
            "  400 pairs ██████████████████████████████▎          0.76 on 80 held out",
        ])
        #expect(TerminalCharts.learnability(Self.runs, unicode: false)[1] == "  100 pairs ################    |                    0.40 on 20 held out")
        #expect(TerminalCharts.learnability([], unicode: true) == ["held-out accuracy: no model with held-out pairs yet"])
        #expect(TerminalCharts.unicode(["LANG": "en_US.UTF-8"]) && TerminalCharts.unicode(["LC_ALL": "C.utf8", "LANG": "C"]))
        #expect(!TerminalCharts.unicode(["LANG": "C"]) && !TerminalCharts.unicode([:]) && !TerminalCharts.unicode(["LC_ALL": "C", "LANG": "C.UTF-8"]))
    }

    @Test(arguments: [(24, 80), (60, 200)])
    func theStatsScreenShowsThemBelowItsFirstLine(rows: Int, columns: Int) throws {
        let directory = try TemporaryDirectory()
        let store = try sampleProject(directory)
        let ann = try AnnotateSession(store: store, annotator: "ann")
        judge(ann)
        judge(ann)
        let lead = try AnnotateSession(store: store, annotator: "lead")
        lead.unicodeCharts = true
        lead.handle(.character("S"))
        let grid = lead.render(rows: rows, columns: columns)
        let today = String(Timestamp.string(Date()).prefix(10))
        #expect(grid.text(row: 1).hasPrefix("▸ Project statistics"))
        #expect(grid.text(row: 2) == " 2 judgments on 2 items")
        #expect(grid.text(row: 3) == "")
        #expect(grid.text(row: 4) == " labels per day (n = 2 labels over 1 day):")
        #expect(grid.text(row: 5) == "   \(today) ████████████████████████████████████████ 2")
        #expect(grid.text(row: 6) == "")
        #expect(grid.text(row: 7) == " held-out accuracy: no model with held-out pairs yet")
    }
}
