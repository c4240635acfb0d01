import ArgumentParser
import Foundation
import PairwiseStore

/// `--db PATH`, shared by every command that works on a project.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project database (default: $PAIRWISE_DB, else ./pairwise.sqlite).", valueName: "path"))
    var db: String?

    /// `--db`, else `PAIRWISE_DB`, else `./pairwise.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["PAIRWISE_DB"], !env.isEmpty { return env }
        return "pairwise.sqlite"
    }

    func open() throws -> ProjectStore { try ProjectStore.open(at: path) }
}
