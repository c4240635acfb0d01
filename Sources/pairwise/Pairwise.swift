import ArgumentParser
import PairwiseBenchmarks
import PairwiseCommandLine
import Foundation

@main
struct Pairwise: ParsableCommand {
    /// The release, printed by `pairwise --version`.
    static let version = "0.15.0"

    static let configuration = CommandConfiguration(
        commandName: "pairwise",
        abstract: "Collect human preference judgments on pairs of model responses.",
        discussion: Help.text("""
            A project is one SQLite database (./pairwise.sqlite, or --db PATH, or $PAIRWISE_DB).

            Example:
              pairwise init --rubric sample
              pairwise import sample-data/items.jsonl
              pairwise status
            """),
        version: version,
        subcommands: [
            InitCommand.self, ImportCommand.self, ExportCommand.self, StatusCommand.self, AnnotatorsCommand.self, RemoteCommand.self, RemoteSessionCommand.self, GoldCommand.self, GuidelinesCommand.self, QualityCommand.self, CopyCommand.self,
            BenchCommand.self,
            AnnotateCommand.self, ReviewCommand.self, StatsCommand.self, TrainCommand.self, AgreementCommand.self, ReportCommand.self,
            LeaderboardCommand.self, ReliabilityCommand.self, ScoreCommand.self, SimulateCommand.self, DemoCommand.self,
        ]
    )

    /// Parses and runs the command as ArgumentParser would, except that its messages (which
    /// quote arguments, and so possibly data) are printed through `Console`.
    static func main() {
        LargeAllocations.returnToTheSystemWhenFreed()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let message = fullMessage(for: error)
            let status = exitCode(for: error)
            if !message.isEmpty {
                if status == .success { print(message) } else { Console.error(message) }
            }
            Foundation.exit(status.rawValue)
        }
    }
}
