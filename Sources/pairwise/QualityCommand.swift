import ArgumentParser
import PairwiseStore

struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Quality-control settings: gold rate, qualification round, drift check, suggestions.",
        discussion: Help.text("""
            Settings:
            \(QualitySettings.keys.map { "  \($0.key): \($0.help)" }.joined(separator: "\n"))

            Example:
              pairwise quality set qualification_items 5
              pairwise quality set gold_rate 0.05
              pairwise quality show
            """),
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the settings.", discussion: "Example:\n  pairwise quality show")

        @OptionGroup var project: ProjectOptions

        func run() throws {
            try reportingFailures {
                let settings = try project.openForReading().qualitySettings()
                print(QualitySettings.keys.map { "\($0.key) \(settings.value(of: $0.key))" }.joined(separator: "\n"))
            }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change one setting (leads only).",
                                                        discussion: "Example:\n  pairwise quality set drift_level 0.7")

        @OptionGroup var project: ProjectOptions
        @Argument(help: "The setting's name.") var key: String
        @Argument(help: "Its new value.") var value: String

        func validate() throws {
            if let problem = QualitySettings.problem(key: key, value: value) { throw ValidationError(problem) }
        }

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "quality-control settings")
                try store.setQualitySetting(key, value)
                print("\(key) = \(value)")
            }
        }
    }
}
