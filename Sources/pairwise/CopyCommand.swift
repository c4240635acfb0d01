import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseStore

struct CopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole project between SQLite and PostgreSQL.",
        discussion: Help.text("""
            Every table, with the same ids, from one snapshot of the source, into a new project
            (a SQLite file that does not exist yet, or an empty PostgreSQL database), all or
            nothing. The kept counts and current judgments are remade by the destination
            as the judgments arrive. For leads.

            Examples:
              pairwise copy --from project.sqlite --to postgres://admin@db.example/labels
              pairwise copy --from postgres://lena@db.example/labels --to backup.sqlite
            """)
    )

    @Option(help: ArgumentHelp("The project to copy: a SQLite file or a postgres:// URL.", valueName: "path|url"))
    var from: String

    @Option(help: ArgumentHelp("Where to make the copy: a new SQLite file or an empty PostgreSQL database.", valueName: "path|url"))
    var to: String

    func run() throws {
        try reportingFailures {
            let source = try ProjectStore.open(at: from, access: .readOnly)
            try Identity.requireLead(source, "copying a project")
            let (copy, summary) = try ProjectCopy.copy(from: source, to: to)
            let counts = ["items", "judgments", "judgment_retractions", "adjudications", "model_runs"].map {
                "\(summary.rows[$0] ?? 0) \($0.replacingOccurrences(of: "_", with: " "))"
            }
            print("copied \(source.path) to \(copy.path): \(counts.joined(separator: ", ")), \(summary.rows.values.reduce(0, +)) rows in all")
            if copy.dialect == .postgres && (summary.rows["annotators"] ?? 0) > 0 {
                printError("people on PostgreSQL log in as themselves: a lead gives each a login with `pairwise annotators add NAME [--role lead]`")
            }
        }
    }
}
