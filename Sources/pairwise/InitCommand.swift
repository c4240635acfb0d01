import ArgumentParser
import PairwiseCore
import PairwiseStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a project database.",
        discussion: """
            The rubric file (YAML or JSON, see schemas/rubric.schema.json) lists the dimensions
            annotators rate besides the overall preference; without one, only the overall
            preference is asked. The person running init becomes the project's first lead.

            Example:
              pairwise init --rubric sample-data/rubric.yaml --overlap 3 --db project.sqlite
            """
    )

    @OptionGroup var project: ProjectOptions

    @Option(help: ArgumentHelp("A rubric file (YAML or JSON).", valueName: "file"))
    var rubric: String?

    @Option(help: "How many different annotators should judge each item.")
    var overlap: Int = ProjectStore.defaultOverlap

    func validate() throws {
        guard (1...100).contains(overlap) else { throw ValidationError("--overlap must be from 1 to 100") }
    }

    func run() throws {
        try reportingFailures {
            let rubric = try self.rubric.map { try RubricFile.load(path: $0) } ?? Rubric(name: "overall preference only", dimensions: [])
            let lead = try Identity.loginName(forProject: project.path)
            let store = try ProjectStore.create(at: project.path, rubric: rubric, lead: lead)
            if overlap != ProjectStore.defaultOverlap { try store.setOverlap(overlap) }
            print("created \(store.path): rubric '\(rubric.name)' with \(rubric.dimensions.count) dimensions; \(lead) is its lead")
        }
    }
}
