import ArgumentParser
import PairwiseCommandLine
import PairwiseCore
import PairwiseStore

extension Role: ExpressibleByArgument {}

struct AnnotatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotators",
        abstract: "Add people to a project and list them (adding and changing roles: leads only).",
        discussion: Help.text("""
            Example:
              pairwise annotators add alice
              pairwise annotators add bob --role lead
              pairwise annotators list
            """),
        subcommands: [Add.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a person (or change their role).",
            discussion: "Example:\n  pairwise annotators add alice --role lead"
        )

        @OptionGroup var project: ProjectOptions
        @Argument(help: "The person's name (their login name, usually).") var name: String
        @Option(help: "annotator or lead.") var role: Role = .annotator

        func validate() throws { try Identity.validate(name) }

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "adding people and changing roles")
                let changed = try store.addAnnotator(name, role: role)
                print(changed ? "\(name) is now \(role == .lead ? "a lead" : "an annotator")" : "\(name) was already \(role == .lead ? "a lead" : "an annotator")")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the project's people and roles.",
            discussion: "Example:\n  pairwise annotators list"
        )

        @OptionGroup var project: ProjectOptions

        func run() throws {
            try reportingFailures {
                for person in try project.openForReading().annotators() { print("\(person.name)\t\(person.role.rawValue)") }
            }
        }
    }
}
