import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseStore

/// `--db PATH|URL`, shared by every command that works on a project.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The project: a SQLite file, or postgres://user@host:port/database (default: $PAIRWISE_DB, else ./pairwise.sqlite).",
                                            valueName: "path|url"))
    var db: String?

    /// `--db`, else `PAIRWISE_DB`, else `./pairwise.sqlite`.
    var path: String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["PAIRWISE_DB"], !env.isEmpty { return env }
        return "pairwise.sqlite"
    }

    /// The project, for a command that writes to it.
    func open() throws -> ProjectStore {
        return try ProjectStore.open(at: path)
    }

    /// The project, for a command that only reads it.
    func openForReading() throws -> ProjectStore {
        return try ProjectStore.open(at: path, access: .readOnly)
    }
}
