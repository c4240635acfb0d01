import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseStore

struct GuidelinesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guidelines",
        abstract: "The project's annotation guidelines (setting them: leads only).",
        discussion: Help.text("""
            Guidelines are Markdown, shown full screen before an annotator's first item under each
            new version and whenever they press i. Every judgment records the version it was made
            under; `stats` splits agreement by version. Each `set` of changed text is a new version.

            Example:
              pairwise guidelines set guidelines.md
              pairwise guidelines show
            """),
        subcommands: [Set.self, Show.self]
    )

    /// A guidelines file's text; a clear error naming the file when it cannot be read.
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UsageError(message: "\(path): cannot read the guidelines file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageError(message: "\(path): the guidelines are not valid UTF-8")
        }
        guard !text.allSatisfy(\.isWhitespace) else { throw UsageError(message: "\(path): the guidelines file is empty") }
        return text
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a new version of the guidelines.",
            discussion: "Example:\n  pairwise guidelines set guidelines.md"
        )

        @OptionGroup var project: ProjectOptions
        @Argument(help: ArgumentHelp("A Markdown file.", valueName: "file")) var file: String

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "setting the guidelines")
                let before = try store.currentGuidelines()?.version
                let version = try store.setGuidelines(try GuidelinesCommand.read(file), source: (file as NSString).lastPathComponent)
                print(version == before ? "the guidelines are unchanged (version \(version))" : "guidelines version \(version) stored")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the current guidelines.",
            discussion: "Example:\n  pairwise guidelines show"
        )

        @OptionGroup var project: ProjectOptions

        func run() throws {
            try reportingFailures {
                guard let guidelines = try project.openForReading().currentGuidelines() else {
                    throw UsageError(message: "this project has no guidelines: pairwise guidelines set FILE adds them")
                }
                print("# version \(guidelines.version), \(guidelines.createdAt)\n")
                print(guidelines.text)
            }
        }
    }
}
