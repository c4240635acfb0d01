import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore

extension InputFormat: ExpressibleByArgument {}

extension ConflictRule: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import pairs (and optionally their labels) from JSON Lines, JSON, CSV or gzip files.",
        discussion: Help.text("""
            Formats: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")) (schemas/ has
            each one's JSON Schema); auto detects each file's format from its first record. A file
            may be JSON Lines, a JSON array or CSV (.csv), gzipped or not.

            All files go in one transaction: the first bad record stops the import, prints
            file:line: field: problem, exits with status 65 and leaves the database unchanged.
            Items already in the project (same prompt and responses, in either order) are not
            added again, and labels are oriented by response text against the stored item.

            Labels become judgments with --labels-as NAME (records that name no annotator are
            NAME's; generic annotator columns such as PandaLM's become NAME/annotator1…) or
            --labels (only the names the records give: our jsonl, csv and judgments files).
            Two different labels by one annotator on one pair are refused (exit 65, the first
            ones listed) unless --on-conflict skip, which keeps neither. With --suggestions-from
            NAME the labels are NAME's suggestions instead: never judgments, shown to annotators
            only after `pairwise quality set show_suggestions yes` (each judgment records whether
            one was shown), and compared with people's judgments in `stats`.

            Example:
              pairwise import sample-data/items.jsonl
              pairwise import harmless-base-test.jsonl.gz --labels-as hh
              pairwise import judgments.jsonl --labels
              pairwise import gpt4-verdicts.jsonl --suggestions-from gpt4-judge
            """)
    )

    @OptionGroup var project: ProjectOptions

    @Argument(help: ArgumentHelp("Files to import (.gz is read directly).", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("auto or one of the formats above.", valueName: "format"))
    var format: String = "auto"

    @Option(name: .customLong("labels-as"), help: ArgumentHelp(
        "Import the labels these files carry as judgments; records that name no annotator are this person's.", valueName: "name"))
    var labelsAs: String?

    @Flag(name: .customLong("labels"), help: "Import the labels under the annotator names the records give.")
    var keepLabels = false

    @Option(name: .customLong("suggestions-from"), help: ArgumentHelp(
        "Import the files' labels as suggestions by this model or LLM judge (never judgments; shown to annotators only if the project says so).",
        valueName: "name"))
    var suggestionsFrom: String?

    @Option(name: .customLong("on-conflict"), help: ArgumentHelp(
        "refuse (default): two different labels by one annotator on one pair stop the import; skip: import the rest, keep neither.",
        valueName: "rule"))
    var onConflict: ConflictRule = .refuse

    func validate() throws {
        let chosen = try InputFormat.option(format)
        if let labelsAs { try Identity.validate(labelsAs) }
        if suggestionsFrom != nil && (labelsAs != nil || keepLabels) {
            throw ValidationError("--suggestions-from takes the labels as suggestions: not with --labels or --labels-as")
        }
        if let suggestionsFrom { try Identity.validate(suggestionsFrom) }
        if chosen == .judgments && labelsAs == nil && !keepLabels {
            throw ValidationError("a judgments file holds only labels: pass --labels to import them")
        }
    }

    func run() throws {
        try reportingFailures {
            let store = try project.open()
            if suggestionsFrom != nil {
                try Identity.requireLead(store, "--suggestions-from (suggestions shown to annotators)")
            } else if keepLabels {
                try Identity.requireLead(store, "--labels (judgments under the names a file gives)")
            } else if let labelsAs, labelsAs != Identity.loginName(store) {
                try Identity.requireLead(store, "--labels-as \(labelsAs) (judgments under another person's name)")
            }
            let options = ImportOptions(format: try InputFormat.option(format), labelsAs: labelsAs, keepLabels: keepLabels, onConflict: onConflict,
                                        destination: suggestionsFrom.map { .suggestions(source: $0) } ?? .judgments)
            let progress = ImportProgressLine()
            let summary = try store.importFiles(files, options: options, progress: progress.show)
            progress.clear()
            print(Self.report(summary, files: files.count, labels: options.keepLabels))
            for line in Self.notices(summary) { printError(line) }
        }
    }

    /// The one-line summary on stdout.
    static func report(_ summary: ImportSummary, files: Int, labels: Bool) -> String {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        var line = "imported \(count(summary.records, "record")) from \(count(files, "file")): "
            + "\(count(summary.itemsAdded, "item")) added, \(count(summary.duplicates, "duplicate")) skipped"
        if labels {
            line += ", \(count(summary.labelsAdded, "label")) added"
            if summary.rankingsAdded > 0 { line += ", \(count(summary.rankingsAdded, "ranking")) added" }
            var details: [String] = []
            if summary.labelsAlreadyThere > 0 { details.append("\(summary.labelsAlreadyThere) already there") }
            if summary.labelsRepeated > 0 { details.append("\(summary.labelsRepeated) repeated in the input") }
            if summary.labelsReoriented > 0 { details.append("\(summary.labelsReoriented) oriented to an item stored in another order") }
            if !details.isEmpty { line += " (" + details.joined(separator: ", ") + ")" }
        }
        return line
    }

    /// What the import left out, for stderr.
    static func notices(_ summary: ImportSummary) -> [String] {
        var lines: [String] = []
        if !summary.conflicts.isEmpty {
            lines.append("skipped \(summary.conflicts.count) contradicting label\(summary.conflicts.count == 1 ? "" : "s") (--on-conflict skip); those pairs keep no label from this input. The first:")
            lines += summary.conflicts.prefix(5).map { "  \($0)" }
        }
        if summary.recordsWithLabelsLeftOut > 0 {
            let n = summary.recordsWithLabelsLeftOut
            lines.append("\(n) record\(n == 1 ? " carries" : "s carry") labels, not imported; to keep them: --labels-as NAME "
                         + "(the source's annotator, named NAME here), or --labels when each record names its annotator")
        }
        for (key, count) in summary.rubricValuesLeftOut.sorted(by: { $0.key < $1.key }) {
            lines.append("left out \(count) '\(key)' value\(count == 1 ? "" : "s"): this project's rubric has no such dimension on that scale")
        }
        return lines
    }
}

/// A one-line progress display on stderr, only when stderr is a terminal and the input is
/// large enough for the wait to be noticed.
final class ImportProgressLine {
    static let threshold = 4 << 20
    private let enabled = Console.standardErrorIsTerminal
    private var shown = false

    func show(_ progress: ImportProgress) {
        guard enabled, progress.totalBytes >= Self.threshold else { return }
        let percent = progress.totalBytes == 0 ? 100 : progress.bytesRead * 100 / progress.totalBytes
        let name = (progress.file as NSString).lastPathComponent
        Console.progress("\(name): \(percent)% (\(progress.records) records)")
        shown = true
    }

    func clear() {
        if shown { Console.progress(nil) }
    }
}

extension InputFormat {
    /// A `--format` value: nil for auto; a name that is not a format is refused with the list.
    static func option(_ text: String) throws -> InputFormat? {
        if text == "auto" { return nil }
        guard let format = InputFormat(rawValue: text) else {
            throw ValidationError("--format must be one of: auto, \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return format
    }
}
