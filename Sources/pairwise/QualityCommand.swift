import ArgumentParser
import PairwiseCommandLine
import PairwiseStore

struct QualityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Quality-control settings: gold rate, qualification round, drift check, suggestions, ranking mode.",
        discussion: Help.text("""
            Settings:
            \(QualitySettings.keys.map { "  \($0.key): \($0.help)" }.joined(separator: "\n"))

            Example:
              pairwise quality set qualification_items 5
              pairwise quality set gold_rate 0.05
              pairwise quality show
              pairwise quality retry maria
            """),
        subcommands: [Show.self, Set.self, Retry.self],
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
                                                        discussion: "Settings:\n" + QualitySettings.keys.map { "  \($0.key): \($0.help)" }.joined(separator: "\n")
                                                            + "\n\nExample:\n  pairwise quality set drift_level 0.7")

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

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give an annotator another qualification round (leads only).",
            discussion: Help.text("""
                The new round takes gold items they have not seen (the ones they saw came with \
                their answers) and counts only the answers given from now on.

                Example:
                  pairwise quality retry maria
                """))

        @OptionGroup var project: ProjectOptions
        @Argument(help: "The annotator's name.") var name: String

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "a new qualification round")
                guard try store.role(of: name) != nil else {
                    throw UnknownPersonError(message: "no one named \(name) is in this project (`pairwise annotators list` shows who is)")
                }
                let status = try store.qualityReport().annotators.first { $0.name == name }?.qualification
                guard case .failed? = status else {
                    throw UsageError(message: "\(name)'s qualification is \(status?.summary ?? "not started"): only a failed round is repeated")
                }
                let unseen = try store.startQualificationRound(annotator: name)
                let required = try store.qualitySettings().qualificationItems
                print("\(name) starts a new qualification round of \(required) gold items at their next session.")
                if unseen < required {
                    print("They have \(unseen) gold item\(unseen == 1 ? "" : "s") left to see: add \(required - unseen) more with `pairwise gold add FILE`.")
                }
            }
        }
    }
}
