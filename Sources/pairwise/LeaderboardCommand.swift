import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseStore
import PairwiseWorkflow

extension BradleyTerry.TieModel: ExpressibleByArgument {}

struct LeaderboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leaderboard",
        abstract: "Rank models with Bradley–Terry, with bootstrap intervals.",
        discussion: Help.text("""
            Reads battles from a CSV with the header model_a,model_b,winner (winner: model_a,
            model_b, tie or tie (bothbad)), or, without a file, from the project: each
            current judgment of an item whose responses carry model names is one battle, and
            each ranking of a ranked item is broken into the pairs it implies (full rank breaking:
            the Bradley–Terry fit on them estimates the Plackett–Luce utilities consistently; the
            bootstrap treats them as independent, so intervals from rankings are too narrow).
            theta is the natural-log strength centred to mean 0; the table adds an Elo-scaled
            column, 1000 + 400/ln(10)·theta. Ties count half a win unless --ties davidson.

            Example:
              pairwise leaderboard battles.csv --json --bootstrap 1000
              pairwise leaderboard --db project.sqlite
            """)
    )

    @OptionGroup var project: ProjectOptions
    @Argument(help: "A battles CSV (default: the project's judgments).") var file: String?
    @Option(help: "half (a tie is half a win) or davidson.") var ties: BradleyTerry.TieModel = .half
    @Option(help: "Bootstrap resamples for the 95% intervals (0: none).") var bootstrap = 200
    @Option(help: "Seed for the bootstrap.") var seed: UInt64 = 1
    @Flag(help: "Print a JSON list.") var json = false
    @Flag(name: .customLong("include-simulated"), help: "Count judgments by simulated annotators too (left out unless asked, as in exports).")
    var includeSimulated = false
    @Flag(name: .customLong("include-gold"), help: "Count judgments of gold items too (left out unless asked, as in exports).")
    var includeGold = false

    func validate() throws { guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") } }

    func run() throws {
        try reportingFailures {
            let battles: BattleTable
            if let file {
                battles = try BattlesCSV.read(path: file)
            } else {
                let store = try project.openForReading()
                let project = try store.modelBattles(policy: .for(.leaderboard, includeSimulated: includeSimulated, includeGold: includeGold))
                battles = project.table
                // Said as the exports say it.
                if project.simulatedLeftOut > 0 {
                    printError("left out \(project.simulatedLeftOut) label\(project.simulatedLeftOut == 1 ? "" : "s") by simulated annotators (--include-simulated counts them)")
                }
                if project.goldLeftOut > 0 {
                    printError("left out \(project.goldLeftOut) label\(project.goldLeftOut == 1 ? "" : "s") of gold items (--include-gold counts them)")
                }
            }
            guard !battles.comparisons.isEmpty else {
                throw UsageError(message: file == nil ? "no judged items whose responses carry model names" : "\(file!): no battles")
            }
            let board = Leaderboard(battles, ties: ties, bootstrap: bootstrap, seed: seed)
            for note in board.notes { printError("note: " + note) }
            if json { Console.data(Self.json(board)) } else { print(Self.table(board)) }
        }
    }

    static func json(_ board: Leaderboard) -> String { JSONWriter.string(jsonRows(board)) }

    /// One object per model, strongest first.
    static func jsonRows(_ board: Leaderboard) -> JSONValue {
        .array(board.rows.map { row in
            .object([
                "model": .string(row.model), "theta": .double(row.theta),
                "ci_low": row.ciLow.map(JSONValue.double) ?? .null, "ci_high": row.ciHigh.map(JSONValue.double) ?? .null,
                "wins": .int(row.wins), "losses": .int(row.losses), "ties": .int(row.ties),
            ])
        })
    }

    static func table(_ board: Leaderboard) -> String {
        let width = max(5, board.rows.map { $0.model.count }.max() ?? 0)
        var lines = ["rank  " + "model".padding(width) + "     elo     theta   95% CI (theta)        wins  losses  ties"]
        for (n, row) in board.rows.enumerated() {
            let ci = row.ciLow.map { String(format: "[%+.3f, %+.3f]", $0, row.ciHigh!) } ?? "–"
            lines.append(String(format: "%4d  ", n + 1) + row.model.padding(width)
                         + String(format: "  %6.0f  %+8.4f   ", row.elo, row.theta) + ci.padding(20)
                         + String(format: "  %5d  %6d  %4d", row.wins, row.losses, row.ties))
        }
        if let nu = board.tieParameter { lines.append(String(format: "Davidson tie parameter ν = %.4f", nu)) }
        return lines.joined(separator: "\n")
    }
}
