import ArgumentParser
import PairwiseCommandLine
import PairwiseCore
import PairwiseStore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show items, judgments per annotator, and what still needs labels.",
        discussion: Help.text("""
            Example:
              pairwise status --db project.sqlite
              pairwise status --json
            """)
    )

    @OptionGroup var project: ProjectOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        try reportingFailures {
            let store = try project.openForReading()
            let report = try store.status()
            if json {
                Console.data(JSONWriter.string(.object([
                    "items": .int(report.items), "judgments": .int(report.judgments), "retracted": .int(report.retracted),
                    "overlap": .int(report.overlap), "items_needing_labels": .int(report.itemsNeedingLabels),
                    "items_unlabeled": .int(report.itemsUnlabeled),
                    "ranked_items": .int(report.rankedItems), "rankings": .int(report.rankings),
                    "annotators": .array(report.annotators.map {
                        .object(["name": .string($0.name), "role": .string($0.role.rawValue), "judgments": .int($0.judgments),
                                 "rankings": .int($0.rankings)])
                    }),
                ])))
                return
            }
            print("project      \(store.path)")
            print("items        \(report.items)")
            print("judgments    \(report.judgments) current, \(report.retracted) retracted")
            if report.rankedItems > 0 { print("rankings     \(report.rankings) current, of \(report.rankedItems) ranked items (3+ responses)") }
            print("need labels  \(report.itemsNeedingLabels) items have fewer than \(report.overlap) annotators (\(report.itemsUnlabeled) have none)")
            if !report.annotators.isEmpty {
                print("")
                let width = max(9, report.annotators.map { $0.name.count }.max() ?? 0)
                let ranked = report.rankedItems > 0
                print("annotator".padding(width) + "  role       judgments" + (ranked ? "  rankings" : ""))
                for a in report.annotators {
                    print(a.name.padding(width) + "  " + a.role.rawValue.padding(9) + "  " + (ranked ? String(a.judgments).padding(9) + "  " + String(a.rankings)
                                                                                              : String(a.judgments)))
                }
            }
        }
    }
}
