import ArgumentParser
import Foundation
import PairwiseCommandLine
import PairwiseCore
import PairwiseStore

/// `pairwise remote add|list|remove`: the keys of people who label over SSH, kept in the
/// project and, as forced commands, in the service account's `authorized_keys`.
struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Let people label over SSH with one key each (leads only).",
        discussion: Help.text("""
            Run as the service account people connect to (its ~/.ssh/authorized_keys is kept,
            unless --authorized-keys names another file). Each key becomes one line that lets
            it run `pairwise remote-session` on this project and nothing else: no shell, no
            forwarding. The person is whoever the key was added for; nothing the client sends
            changes that. See the README's "Remote annotators over SSH".

            Example:
              pairwise remote add alice --key alice.pub
              pairwise remote add bob --key bob.pub --role lead
              pairwise remote list
              pairwise remote remove alice
            """),
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// Where the keys are written, shared by add and remove.
    struct KeyFileOptions: ParsableArguments {
        @Option(name: .customLong("authorized-keys"), help: ArgumentHelp("The authorized_keys file to keep (default: ~/.ssh/authorized_keys).", valueName: "file"))
        var authorizedKeys: String?

        @Option(name: .customLong("command"), help: ArgumentHelp("The pairwise binary sshd runs (default: this one).", valueName: "path"))
        var binary: String?

        /// The file for the project at `location`.
        func file(for location: String) throws -> AuthorizedKeysFile {
            let binary = binary.map(Self.absolute) ?? Self.runningBinary()
            return AuthorizedKeysFile(path: Self.absolute(authorizedKeys ?? AuthorizedKeysFile.defaultPath),
                                      project: PostgresAddress.isPostgres(location) ? try PostgresAddress(location).description : Self.absolute(location),
                                      binary: binary)
        }

        static func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        }

        /// The running executable's absolute path (Linux: /proc/self/exe).
        static func runningBinary() -> String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? absolute(CommandLine.arguments[0])
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a person's public key (adding the person when new).",
            discussion: "Example:\n  pairwise remote add alice --key alice.pub"
        )

        @OptionGroup var project: ProjectOptions
        @Argument(help: "The person's name.") var name: String
        @Option(help: ArgumentHelp("Their OpenSSH public key file (.pub).", valueName: "file")) var key: String
        @Option(help: "annotator or lead, for a new person (default: annotator; a person's role is changed with `annotators add`).")
        var role: Role?
        @OptionGroup var keyFile: KeyFileOptions

        func validate() throws { try Identity.validate(name) }

        func run() throws {
            try reportingFailures {
                let text: String
                do { text = try String(contentsOfFile: key, encoding: .utf8) } catch {
                    throw UsageError(message: "cannot read the key file \(key): \(error.localizedDescription)")
                }
                let publicKey: SSHPublicKey
                switch SSHPublicKey.parse(text) {
                case .success(let parsed): publicKey = parsed
                case .failure(let problem): throw UsageError(message: "\(key) \(problem.message)")
                }
                let store = try project.open()
                try Identity.requireLead(store, "registering keys for SSH")
                let file = try keyFile.file(for: store.path)
                let added = try store.addRemoteKey(publicKey, for: name, role: role) { try file.write(keys: $0) }
                print("\(added.name) (\(added.role.rawValue)) can now connect with \(publicKey.fingerprint); \(file.path) updated")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the registered keys: person, role, fingerprint, key type, when added.",
            discussion: "Example:\n  pairwise remote list"
        )

        @OptionGroup var project: ProjectOptions

        func run() throws {
            try reportingFailures {
                let store = try project.openForReading()
                try Identity.requireLead(store, "listing the keys")
                for key in try store.remoteKeys() {
                    print([key.name, key.role.rawValue, key.key.fingerprint, key.key.type, String(key.addedAt.prefix(16))].joined(separator: "\t"))
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a person's keys, or one key by fingerprint: refused from the next connection on.",
            discussion: "Example:\n  pairwise remote remove alice\n  pairwise remote remove SHA256:…"
        )

        @OptionGroup var project: ProjectOptions
        @Argument(help: "A person's name, or a key's fingerprint (SHA256:…).") var nameOrFingerprint: String
        @OptionGroup var keyFile: KeyFileOptions

        func run() throws {
            try reportingFailures {
                let store = try project.open()
                try Identity.requireLead(store, "removing keys")
                let file = try keyFile.file(for: store.path)
                let removed = try store.removeRemoteKeys(matching: nameOrFingerprint) { try file.write(keys: $0) }
                for key in removed { print("removed \(key.name)'s key \(key.key.fingerprint)") }
            }
        }
    }
}
