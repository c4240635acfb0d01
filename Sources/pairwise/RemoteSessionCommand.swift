import ArgumentParser
import Foundation
import PairwiseCommandLine
import PairwiseCore
import PairwiseStore

/// The forced command of a key `pairwise remote add` registered: sshd runs it (never the
/// client's shell) after verifying the key. The person is the key's, read from the project;
/// what runs is `SSH_ORIGINAL_COMMAND` when it is one of the few things that person may do.
struct RemoteSessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote-session",
        abstract: "What an SSH key registered with `remote add` runs (sshd calls it; people do not).",
        discussion: Help.text("""
            Reads SSH_ORIGINAL_COMMAND: nothing runs annotate as the key's person; a lead may
            also run review, stats, stats --json, status, and export --format F (to standard
            output). Anything else is refused with one sentence, and nothing is changed.
            """)
    )

    @Option(help: ArgumentHelp("The project (written by `remote add`).", valueName: "path|url")) var db: String
    @Option(help: ArgumentHelp("The fingerprint of the key sshd verified (written by `remote add`).", valueName: "SHA256:…")) var key: String

    func run() throws {
        try reportingFailures {
            let store = try ProjectStore.open(at: db)
            guard let person = try store.remotePerson(fingerprint: key) else {
                throw PermissionError(message: "this key is not registered with the project any more (a lead removed it): ask your lead")
            }
            let asked = ProcessInfo.processInfo.environment["SSH_ORIGINAL_COMMAND"] ?? ""
            let arguments: [String]
            switch RemoteRequest.arguments(for: asked, person: person.name, role: person.role) {
            case .success(let allowed): arguments = allowed
            case .failure(let refusal): throw PermissionError(message: refusal.message)
            }
            // From here on the person is the key's, whatever the account or the client says.
            Identity.verifiedPerson = person.name
            var command = try Pairwise.parseAsRoot(arguments + ["--db", db])
            try command.run()
        }
    }
}

/// What a person reached over SSH may run, as the command line to run it with.
enum RemoteRequest {
    struct Refusal: Error, Equatable { let message: String }

    /// The arguments for `asked` (the client's command, split on spaces; no shell reads it),
    /// or the sentence that refuses it.
    static func arguments(for asked: String, person: String, role: Role) -> Result<[String], Refusal> {
        let words = asked.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let shown = TerminalSafe.text(String(asked.prefix(80)), keepingLineBreaks: false)
        let forLeads: Set<[String]> = [["review"], ["stats"], ["stats", "--json"], ["status"]]
        if words.isEmpty || words == ["annotate"] { return .success(["annotate"]) }
        let export = words.count == 3 && words[0] == "export" && words[1] == "--format" && ExportFormat(rawValue: words[2]) != nil
            || words.count == 2 && words[0] == "export" && words[1].hasPrefix("--format=") && ExportFormat(rawValue: String(words[1].dropFirst(9))) != nil
        if forLeads.contains(words) || export {
            guard role == .lead else {
                return .failure(Refusal(message: "`\(shown)` is for leads; over SSH \(person) can annotate (what `ssh` with no command runs)"))
            }
            return .success(export ? ["export", "--format", words.count == 3 ? words[2] : String(words[1].dropFirst(9))] : words)
        }
        let what = role == .lead
            ? "annotate (the default), review, stats, stats --json, status, and export --format \(ExportFormat.allCases.map(\.rawValue).joined(separator: "|"))"
            : "annotate (what `ssh` with no command runs)"
        return .failure(Refusal(message: "`\(shown)` is not something pairwise runs over SSH: \(person) can run \(what)"))
    }
}
