import ArgumentParser
import Foundation
import PairwiseCore
import PairwiseStore

extension InputFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import pairs (and optionally their labels) from JSONL, CSV or gzip files.",
        discussion: """
            Formats: jsonl (ours, schemas/item.schema.json), hh-rlhf, trl, arena, helpsteer2, csv;
            auto detects each file's format from its name and first record. All files go in one
            transaction: the first bad record stops the import, prints file:line: field: problem,
            exits with status 65 and leaves the database unchanged. Items already in the project
            (same prompt and responses) are skipped, so importing a file twice adds nothing.

            Example:
              pairwise import sample-data/items.jsonl
              pairwise import harmless-base-test.jsonl.gz --labels-as hh
            """
    )

    @OptionGroup var project: ProjectOptions

    @Argument(help: ArgumentHelp("Files to import (.gz is read directly).", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("auto, jsonl, hh-rlhf, trl, arena, helpsteer2 or csv.", valueName: "format"))
    var format: String = "auto"

    @Option(name: .customLong("labels-as"), help: ArgumentHelp(
        "Import the labels these files carry as judgments by this annotator.", valueName: "name"))
    var labelsAs: String?

    func validate() throws {
        guard format == "auto" || InputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of: auto, \(InputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let labelsAs { try Identity.validate(labelsAs) }
    }

    func run() throws {
        try reportingFailures {
            let store = try project.open()
            let options = ImportOptions(format: InputFormat(rawValue: format), labelsAs: labelsAs)
            let progress = ImportProgressLine()
            let summary = try store.importFiles(files, options: options, progress: progress.show)
            progress.clear()
            var line = "imported \(summary.records) records from \(files.count) file\(files.count == 1 ? "" : "s"): "
                + "\(summary.itemsAdded) items added, \(summary.duplicates) duplicates skipped"
            if labelsAs != nil {
                line += ", \(summary.labelsAdded) labels added"
                if summary.labelsSkipped > 0 { line += " (\(summary.labelsSkipped) already there)" }
            }
            print(line)
        }
    }
}

/// A one-line progress display on stderr, only when stderr is a terminal and the input is
/// large enough for the wait to be noticed.
final class ImportProgressLine {
    static let threshold = 4 << 20
    private let enabled = isatty(2) == 1
    private var shown = false

    func show(_ progress: ImportProgress) {
        guard enabled, progress.totalBytes >= Self.threshold else { return }
        let percent = progress.totalBytes == 0 ? 100 : progress.bytesRead * 100 / progress.totalBytes
        let name = (progress.file as NSString).lastPathComponent
        FileHandle.standardError.write(Data("\r\u{1B}[K\(name): \(percent)% (\(progress.records) records)".utf8))
        shown = true
    }

    func clear() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
