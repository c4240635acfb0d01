import ArgumentParser
import Foundation
import PairwiseCore
import PairwiseStore

extension ExportFormat: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export labeled data for training, or the raw judgments.",
        discussion: """
            Formats: trl (prompt/chosen/rejected/margin), hh-rlhf (chosen/rejected transcripts),
            helpsteer2 (prompt/response_1/response_2/preference_strength), judgments (one line
            per judgment), csv (judgments, one column per rubric value). Schemas are in schemas/.

            An item's label: a lead's adjudication when there is one; otherwise the mean strength
            of each annotator's latest judgment. trl and hh-rlhf leave out ties; margin is the
            mean strength toward the chosen response.

            Example:
              pairwise export --format trl --min-annotators 2 --out train.jsonl
            """
    )

    @OptionGroup var project: ProjectOptions

    @Option(help: ArgumentHelp("trl, hh-rlhf, helpsteer2, judgments or csv.", valueName: "format"))
    var format: ExportFormat

    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
    var out: String?

    @Option(name: .customLong("min-annotators"), help: "Only items judged by at least this many annotators.")
    var minAnnotators: Int = 1

    @Flag(name: .customLong("exclude-both-bad"), help: "Leave out items (or judgments) that say both responses are bad.")
    var excludeBothBad = false

    @Option(help: ArgumentHelp("Only this annotator's judgments.", valueName: "name"))
    var annotator: String?

    func validate() throws {
        guard minAnnotators >= 1 else { throw ValidationError("--min-annotators must be 1 or more") }
    }

    func run() throws {
        try reportingFailures {
            let store = try project.open()
            let sink = try OutputSink(path: out)
            do {
                let filter = ExportFilter(minAnnotators: minAnnotators, excludeBothBad: excludeBothBad, annotator: annotator)
                let count = try store.export(format: format, filter: filter, emit: sink.writeLine)
                try sink.finish()
                if let out { printError("wrote \(count) \(format.isPerItem ? "items" : "judgments") to \(out)") }
            } catch {
                sink.abandon()
                throw error
            }
        }
    }
}
