import ArgumentParser
import Foundation
import PairwiseCommandLine
import PairwiseCore
import PairwiseStore
import PairwiseWorkflow

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The project's figures as one HTML page for leads (self-contained: opens from disk, mails as one file).",
        discussion: Help.text("""
            Next steps, progress and this week's pace, labels per day per person, agreement,
            annotators (agreement with the majority, position bias, gold and drift), Cohen's κ
            between annotators, the strength histogram, the reward model's held-out accuracy
            against labels, ranked items and the most contested items with the command that
            opens each. The numbers are those `stats --json` gives. Inline CSS and SVG, no
            script, nothing loaded from anywhere.

            Example:
              pairwise report --out report.html
            """)
    )

    @OptionGroup var project: ProjectOptions
    @Option(help: ArgumentHelp("Where to write the page.", valueName: "file")) var out = "report.html"

    func run() throws {
        try reportingFailures {
            let store = try project.openForReading()
            try Identity.requireLead(store, "the report (it shows other people's names)")
            let reports = try ProjectReports.assemble(store, dashboard: true)
            let pace = try store.progressPace()
            let html = HTMLReport(title: "Pairwise report: " + ((store.path as NSString).lastPathComponent), reports: reports, pace: pace,
                                  items: try store.status().items, daily: try store.dailyLabels(),
                                  steps: NextSteps.plan(reports, pace: pace, decided: try store.decidedItemIDs()),
                                  prompts: try reports.contestedPrompts(store, limit: 20), generatedAt: Timestamp.string(Date())).render()
            do {
                try html.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw OutputError(status: ExitStatus.cannotCreate, message: "cannot write \(out): \(error.localizedDescription)")
            }
            print("wrote \(out) (\(html.utf8.count / 1024) KB)")
        }
    }
}
