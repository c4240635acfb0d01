import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTUI

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a project database.",
        discussion: Help.text("""
            The rubric file (YAML or JSON, see schemas/rubric.schema.json) lists the dimensions
            annotators rate besides the overall preference; without one, only the overall
            preference is asked; `--rubric sample` takes the built-in sample rubric (the five
            HelpSteer2 attributes and safety). The guidelines (Markdown) are shown to annotators
            before their first item and on `i`. The person running init becomes the project's
            first lead.

            Example:
              pairwise init --rubric sample --overlap 3 --db project.sqlite
              pairwise init --rubric rubric.yaml --guidelines guidelines.md --db project.sqlite
            """)
    )

    @OptionGroup var project: ProjectOptions

    @Option(help: ArgumentHelp("A rubric file (YAML or JSON), or `sample` for the built-in sample rubric.", valueName: "file"))
    var rubric: String?

    @Option(help: ArgumentHelp("The annotation guidelines (a Markdown file).", valueName: "file"))
    var guidelines: String?

    @Option(help: "How many different annotators should judge each item.")
    var overlap: Int = ProjectStore.defaultOverlap

    func validate() throws {
        guard (1...100).contains(overlap) else { throw ValidationError("--overlap must be from 1 to 100") }
    }

    func run() throws {
        try reportingFailures {
            let rubric = try self.rubric.map(Self.rubric(named:)) ?? Rubric(name: "overall preference only", dimensions: [])
            let text = try guidelines.map(GuidelinesCommand.read)
            let lead = try Identity.loginName(forProject: project.path)
            let store = try ProjectStore.create(at: project.path, rubric: rubric, lead: lead)
            if overlap != ProjectStore.defaultOverlap { try store.setOverlap(overlap) }
            if let text, let guidelines { try store.setGuidelines(text, source: (guidelines as NSString).lastPathComponent) }
            print("created \(store.path): rubric '\(rubric.name)' with \(rubric.dimensions.count) dimensions; \(lead) is its lead"
                  + (guidelines == nil ? "" : "; guidelines version 1"))
        }
    }

    /// A rubric file, or the built-in sample rubric by name (`sample`) when no such file exists.
    static func rubric(named path: String) throws -> Rubric {
        if path == "sample" && !FileManager.default.fileExists(atPath: path) {
            return try RubricFile.parse(EmbeddedSampleData.rubric, file: "sample rubric")
        }
        return try RubricFile.load(path: path)
    }
}
