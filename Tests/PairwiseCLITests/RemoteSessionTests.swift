import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// A real OpenSSH server on loopback (`scripts/test-sshd`), its service account holding a
/// project; people reach it with `ssh` and keys `pairwise remote add` registered.
final class TestSSHHost {
    let directory: URL
    let keys: URL
    /// The account people connect to, and the server's port.
    let user: String
    let port: String
    /// The project: a SQLite file the service account owns, or a PostgreSQL database (its
    /// admin's URL; the service account finds the password in its ~/.pgpass).
    let project: String
    let postgres: String?
    var authorizedKeys: String { directory.appendingPathComponent("authorized_keys").path }

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") }

    init(overlap: Int = 3, on kind: StoreKind = .sqlite) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-sshd-\(UUID().uuidString.prefix(8))")
        postgres = kind == .postgres ? try TestPostgres.freshDatabase() : nil
        project = postgres ?? directory.appendingPathComponent("project.sqlite").path
        keys = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-keys-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let started = try command(Fixtures.repository("scripts/test-sshd"), ["start", directory.path], in: keys)
        guard started.status == 0, let address = started.stdout.split(separator: "\n").last, let at = address.firstIndex(of: "@"),
              let colon = address.lastIndex(of: ":") else {
            throw TmuxError(message: "test-sshd did not start: \(started.stderr)")
        }
        user = String(address[..<at])
        port = String(address[address.index(after: colon)...])
        do {
            if let postgres { try Self.writePassword(for: postgres, user: user) }
            #expect(try service(["init", "--rubric", Fixtures.sampleRubric, "--overlap", String(overlap), "--db", project]).status == 0)
            #expect(try service(["import", Fixtures.sampleItems, "--db", project]).status == 0)
        } catch {
            // No deinit for a host that never finished starting: stop its server here.
            _ = try? command(Fixtures.repository("scripts/test-sshd"), ["stop", directory.path], in: keys)
            throw error
        }
    }

    deinit {
        _ = try? command(Fixtures.repository("scripts/test-sshd"), ["stop", directory.path], in: keys)
        if let postgres {
            TestPostgres.dropDatabase(postgres)
            if let home = Self.home(of: user) { try? FileManager.default.removeItem(atPath: home + "/.pgpass") }
        }
        try? FileManager.default.removeItem(at: directory)
        try? FileManager.default.removeItem(at: keys)
    }

    static func home(of user: String) -> String? {
        guard let entry = getpwnam(user), let home = entry.pointee.pw_dir else { return nil }
        return String(cString: home)
    }

    /// The service account's ~/.pgpass, holding the database's password (as an admin would set it up).
    static func writePassword(for url: String, user: String) throws {
        guard let components = URLComponents(string: url), let home = home(of: user), let password = components.password else { return }
        let line = "\(components.host ?? "*"):\(components.port ?? 5432):*:\(components.user ?? "*"):\(password)\n"
        let path = home + "/.pgpass"
        try line.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        if let entry = getpwnam(user) { chown(path, entry.pointee.pw_uid, entry.pointee.pw_gid) }
    }

    /// Runs `pairwise` as the service account (the project's owner, and so a lead).
    func service(_ arguments: [String]) throws -> Run {
        let environment = ["USER": user, "HOME": directory.path]
        if getuid() == 0 {
            return try command("/usr/sbin/runuser", ["-u", user, "--", "/usr/bin/env", "USER=\(user)", "HOME=\(directory.path)", binary.path] + arguments,
                               in: directory, environment: environment)
        }
        return try command(binary.path, arguments, in: directory, environment: environment)
    }

    /// A new key pair; the path of its private key.
    func makeKey(_ name: String) throws -> String {
        let path = keys.appendingPathComponent(name).path
        #expect(try command("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "\(name)@laptop", "-f", path], in: keys).status == 0)
        return path
    }

    /// Registers `name`'s key (its `.pub` copied where the service account can read it).
    func register(_ name: String, key: String, role: String? = nil) throws -> Run {
        let readable = directory.appendingPathComponent("\(name).pub").path
        try? FileManager.default.removeItem(atPath: readable)
        try FileManager.default.copyItem(atPath: key + ".pub", toPath: readable)
        chmod(readable, 0o644)
        return try service(["remote", "add", name, "--key", readable, "--db", project, "--authorized-keys", authorizedKeys]
                           + (role.map { ["--role", $0] } ?? []))
    }

    /// The ssh options every connection here uses.
    func sshArguments(key: String) -> [String] {
        ["-i", key, "-p", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
         "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"]
    }

    /// `ssh` with `extra` options and a remote command, no terminal; its output.
    func ssh(key: String, _ extra: [String] = [], _ remote: String? = nil) throws -> Run {
        try command("/usr/bin/ssh", sshArguments(key: key) + extra + ["\(user)@127.0.0.1"] + (remote.map { [$0] } ?? []), in: keys)
    }

    /// The shell command that connects with a terminal (for tmux).
    func interactive(key: String, _ remote: String = "") -> String {
        (["ssh", "-tt"] + sshArguments(key: key) + ["\(user)@127.0.0.1"] + (remote.isEmpty ? [] : [remote])).map(Tmux.quote).joined(separator: " ")
    }

    /// The judgments stored, one line each (`export --format judgments`, run by the owner).
    func judgments() throws -> [String] {
        try service(["export", "--format", "judgments", "--db", project]).stdout.split(separator: "\n").map(String.init)
    }

    /// A count read from the project as its owner sees it.
    func count(_ sql: String) throws -> String {
        let run = try command("/usr/bin/sqlite3", [project, sql], in: keys)
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite(.serialized, .enabled(if: TestSSHHost.isAvailable)) struct RemoteSessionTests {
    @Test func twoPeopleLabelOverSSHAsThemselvesAndTheOverlapHolds() throws {
        let host = try TestSSHHost(overlap: 1)
        let alice = try host.makeKey("alice"), bob = try host.makeKey("bob")
        #expect(try host.register("alice", key: alice).stdout.hasPrefix("alice (annotator) can now connect with SHA256:"))
        #expect(try host.register("bob", key: bob).status == 0)
        let tmux = try Tmux(command: host.interactive(key: alice))
        #expect(try tmux.waitFor("1/62 in queue", seconds: 20).contains("alice │ 1/62 in queue │ 0 done today"))
        for n in 1...2 {
            for key in judgeKeys { try tmux.send(key) }
            #expect(try tmux.waitFor("\(n + 1)/62 in queue").contains("\(n) done today"))
        }
        try tmux.send("q")
        // Overlap 1: alice's two pairs are done, so bob's queue is the other 60.
        let second = try Tmux(command: host.interactive(key: bob))
        #expect(try second.waitFor("1/60 in queue", seconds: 20).contains("bob │ 1/60 in queue │ 0 done today"))
        for key in judgeKeys { try second.send(key) }
        try second.waitFor("2/60 in queue")
        try second.send("q")
        Thread.sleep(forTimeInterval: 0.5)
        let lines = try host.judgments()
        #expect(lines.count == 3)
        #expect(lines.filter { $0.contains(#""annotator": "alice""#) }.count == 2)
        #expect(lines.filter { $0.contains(#""annotator": "bob""#) }.count == 1)
        let items = lines.compactMap { line in line.range(of: #""item_id": "[^"]*""#, options: .regularExpression).map { String(line[$0]) } }
        #expect(Set(items).count == 3)
    }

    @Test func whatIsNotAllowedIsRefusedAndChangesNothing() throws {
        let host = try TestSSHHost()
        let alice = try host.makeKey("alice"), lead = try host.makeKey("lena"), stranger = try host.makeKey("stranger")
        #expect(try host.register("alice", key: alice).status == 0)
        #expect(try host.register("lena", key: lead, role: "lead").stdout.hasPrefix("lena (lead) can now connect"))
        let listed = try host.service(["remote", "list", "--db", host.project]).stdout.split(separator: "\n")
        #expect(listed.map { $0.split(separator: "\t").prefix(2).joined(separator: " ") } == ["alice annotator", "lena lead"])
        let before = try host.count("SELECT count(*) FROM judgments") + "/" + host.count("SELECT count(*) FROM annotators")

        for (remote, sentence) in [
            ("bash", "`bash` is not something pairwise runs over SSH: alice can run annotate (what `ssh` with no command runs)"),
            ("sqlite3 project.sqlite", "`sqlite3 project.sqlite` is not something pairwise runs over SSH"),
            ("annotate --as lena", "`annotate --as lena` is not something pairwise runs over SSH"),
            ("export --format trl", "`export --format trl` is for leads; over SSH alice can annotate"),
            ("stats", "`stats` is for leads"),
        ] {
            let run = try host.ssh(key: alice, [], remote)
            #expect(run.status == 77, "\(remote): \(run.stderr)")
            #expect(run.stderr.contains(sentence), "\(remote): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        // No forwarding of any kind, with or without a command.
        let remoteForward = try host.ssh(key: alice, ["-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:\(host.port)"])
        #expect(remoteForward.status == 255)
        #expect(remoteForward.stderr.contains("remote port forwarding failed"), "\(remoteForward.stderr)")
        let localForward = try host.ssh(key: alice, ["-W", "127.0.0.1:\(host.port)"])
        #expect(localForward.status == 255)
        #expect(localForward.stderr.contains("stdio forwarding failed"), "\(localForward.stderr)")
        // A key no one added, and a key removed: the server refuses them.
        let unknown = try host.ssh(key: stranger, [], "status")
        #expect(unknown.status == 255 && unknown.stderr.contains("Permission denied (publickey)"))
        // A lead may read the project; then alice's key is removed and refused from then on.
        let status = try host.ssh(key: lead, [], "status")
        #expect(status.status == 0 && status.stdout.contains("62"), "\(status.stderr)")
        let export = try host.ssh(key: lead, [], "export --format judgments")
        #expect(export.status == 0 && export.stdout.isEmpty, "\(export.stderr)")
        #expect(try host.service(["remote", "remove", "alice", "--db", host.project, "--authorized-keys", host.authorizedKeys]).stdout.hasPrefix("removed alice's key SHA256:"))
        let removed = try host.ssh(key: alice, [], "")
        #expect(removed.status == 255 && removed.stderr.contains("Permission denied (publickey)"))
        #expect(try host.count("SELECT count(*) FROM judgments") + "/" + host.count("SELECT count(*) FROM annotators") == before)
    }

    @Test func aDroppedConnectionKeepsTheSavedJudgmentAndLetsGoOfTheItem() throws {
        let host = try TestSSHHost()
        let alice = try host.makeKey("alice")
        #expect(try host.register("alice", key: alice).status == 0)
        let tmux = try Tmux(command: host.interactive(key: alice))
        try tmux.waitFor("1/62 in queue", seconds: 20)
        for key in judgeKeys { try tmux.send(key) }
        try tmux.waitFor("1 done today")
        // Half of the next judgment, then the client dies. The reads here open the project in
        // other processes and close it, as people's commands do (a session that had opened the
        // project twice lost its locks, and one of them deleted the write-ahead log under it:
        // the release after the drop went into the deleted log).
        try tmux.send("5")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try host.count("SELECT count(*) FROM item_leases l JOIN annotators p ON p.id = l.annotator_id WHERE p.name = 'alice'") == "1")
        kill(try tmux.panePID(), SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        var sessions = ""
        repeat {
            Thread.sleep(forTimeInterval: 0.2)
            sessions = try command("/usr/bin/pgrep", ["-f", "remote-session --db \(host.project)"], in: host.keys).stdout
        } while !sessions.isEmpty && Date() < deadline
        #expect(sessions.isEmpty, "the server-side session is still running")
        #expect(try host.judgments().count == 1)
        // Let go of, not left to expire (a lease row stays until released or taken over).
        #expect(try host.count("SELECT count(*) FROM item_leases") == "0")
    }

    @Test func aResizedClientIsDrawnAtItsNewSize() throws {
        let host = try TestSSHHost()
        let alice = try host.makeKey("alice")
        #expect(try host.register("alice", key: alice).status == 0)
        let tmux = try Tmux(command: host.interactive(key: alice), columns: 120, rows: 40)
        let wide = try tmux.waitFor("1/62 in queue", seconds: 20)
        #expect(wide.split(separator: "\n", omittingEmptySubsequences: false)[39].contains("1/62 in queue"))
        try tmux.run(["resize-window", "-t", tmux.session, "-x", "80", "-y", "24"])
        let deadline = Date().addingTimeInterval(10)
        var rows: [Substring] = []
        repeat {
            Thread.sleep(forTimeInterval: 0.1)
            rows = try tmux.capture().split(separator: "\n", omittingEmptySubsequences: false)
        } while !(rows.count >= 24 && rows[23].contains("1/62 in queue")) && Date() < deadline
        #expect(rows.count >= 24 && rows[23].contains("1/62 in queue"), "\(rows.joined(separator: "\n"))")
        #expect(rows.allSatisfy { $0.count <= 80 })
        try tmux.send("q")
    }

    /// The lines around the project's block stay byte for byte, through an add and a remove.
    @Test func theKeysFileKeepsEveryOtherLine() throws {
        let directory = try TemporaryDirectory()
        #expect(try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory).status == 0)
        let keyFile = directory.path("authorized_keys")
        let before = Data("# someone's own keys\r\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIr8LKXB0uTRnsY97tvCNjO7OBfHCUPaGKGhRBivL3tb me@home\n\n  \u{FF}odd bytes".utf8)
        try before.write(to: URL(fileURLWithPath: keyFile))
        chmod(keyFile, 0o640)
        try "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIr8LKXB0uTRnsY97tvCNjO7OBfHCUPaGKGhRBivL3tb x\n".write(toFile: directory.path("k.pub"), atomically: true, encoding: .utf8)
        let add = try pairwise(["remote", "add", "ann o'neil", "--key", "k.pub", "--authorized-keys", keyFile, "--command", "/opt/pair wise/bin/pairwise"], in: directory)
        #expect(add.status == 0, "\(add.stderr)")
        let after = try Data(contentsOf: URL(fileURLWithPath: keyFile))
        #expect(after.prefix(before.count) == before)
        let project = directory.path("pairwise.sqlite")
        #expect(String(decoding: after.dropFirst(before.count), as: UTF8.self) == """

            # pairwise: keys for \(project) (kept by `pairwise remote`; change them with it, not by hand)
            command="'/opt/pair wise/bin/pairwise' remote-session --db \(project) --key SHA256:jaCLzRxhgX5AxERtm3REHRJ+mjNcsHf6VEJre75c51Y",restrict,pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIr8LKXB0uTRnsY97tvCNjO7OBfHCUPaGKGhRBivL3tb ann o'neil
            # pairwise: end of keys for \(project)

            """)
        var info = stat()
        stat(keyFile, &info)
        #expect(info.st_mode & 0o777 == 0o640)
        // The same key for someone else, and an annotator's role asked as a lead's: refused, nothing changed.
        #expect(try pairwise(["remote", "add", "bo", "--key", "k.pub", "--authorized-keys", keyFile], in: directory).status == 73)
        #expect(try pairwise(["annotators", "add", "cy"], in: directory).status == 0)
        #expect(try pairwise(["remote", "add", "cy", "--key", "k.pub", "--authorized-keys", keyFile, "--role", "lead"], in: directory).status != 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyFile)) == after)
        // Annotators may not manage keys.
        #expect(try pairwise(["remote", "list"], in: directory, environment: ["USER": "cy"]).status == 77)
        #expect(try pairwise(["remote", "remove", "ann o'neil", "--authorized-keys", keyFile], in: directory).stdout.hasPrefix("removed ann o'neil's key SHA256:jaCL"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyFile)) == before + Data("\n".utf8))
        #expect(try pairwise(["remote", "remove", "ann o'neil", "--authorized-keys", keyFile], in: directory).status == 66)
    }

    /// A PostgreSQL project is served the same way: the person is the key's.
    @Test(.enabled(if: TestPostgres.isAvailable)) func aPostgreSQLProjectIsServedToo() throws {
        let host = try TestSSHHost(on: .postgres)
        let alice = try host.makeKey("alice"), lead = try host.makeKey("lena")
        #expect(try host.register("alice", key: alice).status == 0)
        #expect(try host.register("lena", key: lead, role: "lead").status == 0)
        let tmux = try Tmux(command: host.interactive(key: alice))
        #expect(try tmux.waitFor("1/62 in queue", seconds: 20).contains("alice │ 1/62 in queue"))
        for key in judgeKeys { try tmux.send(key) }
        try tmux.waitFor("1 done today")
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.5)
        let export = try host.ssh(key: lead, [], "export --format judgments")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.split(separator: "\n").count == 1 && export.stdout.contains(#""annotator": "alice""#))
        let refused = try host.ssh(key: alice, [], "export --format judgments")
        #expect(refused.status == 77)
    }
}
