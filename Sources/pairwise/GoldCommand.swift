import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStats

struct GoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gold",
        abstract: "Items with a known answer, mixed into every annotator's queue (leads only).",
        discussion: Help.text("""
            A gold item looks like any other pair on screen. Each annotator answers each gold
            item once; their first answer is scored against the expected one (`stats` shows each
            person's gold accuracy). Gold items stay out of agreement, review and exports unless
            `export --include-gold`. How often they come: `pairwise quality set gold_rate 0.1`.

            Example:
              pairwise gold add gold.jsonl
              pairwise gold list
              pairwise gold remove item-17
            """),
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark pairs as gold, their labels the expected answers.",
            discussion: Help.text("""
                Any labeled file `import` reads (our jsonl or csv, TRL, HH-RLHF, HelpSteer2, Arena,
                PandaLM…): pairs not yet in the project are added, and each record's label,
                oriented by response text against the stored pair, becomes the expected answer.
                A record's note (our formats) is the explanation the qualification round shows.
                All or nothing, as import; a pair given two different answers is refused.

                Example:
                  pairwise gold add gold.jsonl
                """)
        )

        @OptionGroup var project: ProjectOptions
        @Argument(help: ArgumentHelp("Labeled files (.gz is read directly).", valueName: "file")) var files: [String]
        @Option(help: ArgumentHelp("auto or an import format.", valueName: "format")) var format: String = "auto"

        func validate() throws {
            _ = try InputFormat.option(format)
        }

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "gold items")
                let summary = try store.importFiles(files, options: ImportOptions(format: try InputFormat.option(format), destination: .gold))
                func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
                var line = "\(count(summary.labelsAdded, "gold answer")) added from \(count(summary.records, "record"))"
                line += " (\(count(summary.itemsAdded, "new item"))"
                if summary.labelsAlreadyThere > 0 { line += ", \(summary.labelsAlreadyThere) already gold with that answer" }
                if summary.labelsReoriented > 0 { line += ", \(summary.labelsReoriented) oriented to a pair stored the other way round" }
                print(line + "); \(count(try store.goldItemIDs().count, "gold item")) in the project")
                for line in ImportCommand.notices(summary) { printError(line) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the gold items and their expected answers.",
            discussion: "Example:\n  pairwise gold list"
        )

        @OptionGroup var project: ProjectOptions

        func run() throws {
            try reportingFailures {
                let store = try project.openForReading()
                try Identity.requireLead(store, "gold answers")
                for gold in try store.goldItems() {
                    let answer = gold.answer.bothBad ? "both bad" : gold.answer.strength == 0 ? "tie"
                        : (gold.answer.strength < 0 ? "A" : "B") + " \(abs(gold.answer.strength))"
                    print([gold.itemID, answer, gold.answer.explanation ?? ""].joined(separator: "\t"))
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make gold items ordinary again (judgments of them stay).",
            discussion: "Example:\n  pairwise gold remove item-17 item-18"
        )

        @OptionGroup var project: ProjectOptions
        @Argument(help: ArgumentHelp("Item ids.", valueName: "id")) var ids: [String]

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "gold items")
                // A passed round stays passed: recorded with the removal.
                let before = Dictionary(uniqueKeysWithValues: try store.qualityReport().annotators.map { ($0.name, $0.qualification) })
                var passes: [String: String] = [:]
                for (name, status) in before {
                    if case .passed(let correct, let required) = status { passes[name] = QualificationPass(correct: correct, required: required).setting }
                }
                let removed = try store.removeGold(externalIDs: ids, keepingPasses: passes)
                print("\(removed) gold item\(removed == 1 ? "" : "s") removed; the judgments of \(removed == 1 ? "it" : "them") stay, as ordinary judgments")
                // What it changes for each person's qualification round.
                let after = Dictionary(uniqueKeysWithValues: try store.qualityReport().annotators.map { ($0.name, $0.qualification) })
                let required = try store.qualitySettings().qualificationItems
                for name in before.keys.sorted() {
                    guard let was = before[name], was != .notRequired else { continue }
                    let now = after[name] ?? .inProgress(done: 0, correct: 0, required: required)
                    let line = now == was ? "\(name): qualification \(was.summary), unchanged"
                        : "\(name): qualification \(was.summary) → \(now.summary)"
                    print(TerminalSafe.text(line))
                }
            }
        }
    }
}
