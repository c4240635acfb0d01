import Foundation
import GRDB
import PairwiseTestSupport
import Testing

/// Faults of the project file itself: each refused with a sentence and a documented exit
/// status, and nothing in the file changed.
@Suite struct DatabaseFaultTests {
    /// Runs the binary as a person without write access: `nobody` when the tests run as root
    /// (root may write anything), else the current user (file modes then apply to it).
    func pairwiseAsAnotherUser(_ arguments: [String], in directory: URL) throws -> Run {
        guard getuid() == 0 else { return try pairwise(arguments, in: directory) }
        return try command("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", binary.path] + arguments,
                           in: directory, environment: ["USER": "nobody"])
    }

    func project() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory("pairwise-faults")
        _ = try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: directory.url)
        _ = try pairwise(["import", Fixtures.sampleItems], in: directory.url)
        return directory
    }

    func digest(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func files(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
    }

    @Test func aReadOnlyProjectCanBeReadAndIsLeftAsItWas() throws {
        let directory = try project()
        let database = directory.path("pairwise.sqlite")
        chmod(database, 0o444)
        chmod(directory.url.path, 0o555)
        defer { chmod(directory.url.path, 0o755); chmod(database, 0o644) }
        let before = try digest(database)
        let status = try pairwiseAsAnotherUser(["status"], in: directory.url)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("project      pairwise.sqlite\nitems        62\n"))
        #expect(try pairwiseAsAnotherUser(["annotators", "list"], in: directory.url).stdout == "tester\tlead\n")
        let write = try pairwiseAsAnotherUser(["import", Fixtures.sampleItems], in: directory.url)
        #expect(write.status == 77)
        #expect(write.stderr.hasPrefix("pairwise: error: pairwise.sqlite is read-only for "))
        #expect(write.stderr.hasSuffix(": this command writes to the project; ask its owner for write access to the file and its directory, or use a command that only reads (status, stats, export)\n"))
        #expect(try files(directory) == ["pairwise.sqlite"])
        #expect(try digest(database) == before)
    }

    /// One's own writable file in a folder one may not write: a command that only reads
    /// works (it cannot make the -shm there, so it reads the file as it stands).
    @Test func aWritableProjectInAReadOnlyFolderCanBeRead() throws {
        let directory = try project()
        let database = directory.path("pairwise.sqlite")
        if getuid() == 0 { chown(database, 65534, 65534) }
        chmod(database, 0o644)
        chmod(directory.url.path, 0o555)
        defer { chmod(directory.url.path, 0o755); if getuid() == 0 { chown(database, 0, 0) } }
        let before = try digest(database)
        let status = try pairwiseAsAnotherUser(["status"], in: directory.url)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.hasPrefix("project      pairwise.sqlite\nitems        62\n"))
        #expect(try files(directory) == ["pairwise.sqlite"])
        #expect(try digest(database) == before)
    }

    @Test func anUnreadableProjectIsSaidSo() throws {
        let directory = try project()
        let database = directory.path("pairwise.sqlite")
        chmod(database, 0o000)
        defer { chmod(database, 0o644) }
        let status = try pairwiseAsAnotherUser(["status"], in: directory.url)
        #expect(status.status == 77)
        #expect(status.stderr.hasPrefix("pairwise: error: pairwise.sqlite cannot be read by "))
        #expect(status.stderr.hasSuffix(": ask its owner for read access (the file is shared through its group)\n"))
    }

    @Test func anEmptyFileIsNotAProject() throws {
        let directory = try TemporaryDirectory("pairwise-faults")
        FileManager.default.createFile(atPath: directory.path("empty.sqlite"), contents: Data())
        for arguments in [["status"], ["import", Fixtures.sampleItems], ["annotators", "add", "x"]] {
            let run = try pairwise(arguments + ["--db", "empty.sqlite"], in: directory.url)
            #expect(run.status == 65)
            #expect(run.stderr == "pairwise: error: empty.sqlite is an empty file, not a project: pass --db with the project's database, or remove the file and run `pairwise init`\n")
        }
        #expect(try digest(directory.path("empty.sqlite")).isEmpty)
        #expect(try files(directory) == ["empty.sqlite"])
    }

    @Test func otherFilesAreNotProjects() throws {
        let directory = try TemporaryDirectory("pairwise-faults")
        try "not a database\n".write(toFile: directory.path("notes.txt"), atomically: true, encoding: .utf8)
        let text = try pairwise(["import", Fixtures.sampleItems, "--db", "notes.txt"], in: directory.url)
        #expect(text.status == 65)
        #expect(text.stderr == "pairwise: error: notes.txt is not a Pairwise project (not a SQLite database): pass --db with the project's database file\n")
        // Another program's SQLite database is not migrated into a project.
        try DatabaseQueue(path: directory.path("other.db")).write { try $0.execute(sql: "CREATE TABLE t (x)") }
        let before = try digest(directory.path("other.db"))
        let other = try pairwise(["import", Fixtures.sampleItems, "--db", "other.db"], in: directory.url)
        #expect(other.status == 65)
        #expect(other.stderr == "pairwise: error: other.db is a SQLite database but not a Pairwise project: pass --db with the project's database file (nothing was changed)\n")
        #expect(try digest(directory.path("other.db")) == before)
    }

    @Test func aProjectFromANewerVersionIsNotWrittenTo() throws {
        let directory = try project()
        try DatabaseQueue(path: directory.path("pairwise.sqlite")).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99: from the future')") }
        let before = try digest(directory.path("pairwise.sqlite"))
        for arguments in [["status"], ["import", Fixtures.hhRLHF]] {
            let run = try pairwise(arguments, in: directory.url)
            #expect(run.status == 65)
            #expect(run.stderr == "pairwise: error: pairwise.sqlite was last written by a newer version of pairwise: upgrade pairwise to use it (nothing was changed)\n")
        }
        #expect(try digest(directory.path("pairwise.sqlite")) == before)
    }

    @Test func aDamagedProjectIsSaidSo() throws {
        let directory = try project()
        let database = directory.path("pairwise.sqlite")
        var bytes = try digest(database)
        // Keep the header page; overwrite every later page with noise.
        var generator = SystemRandomNumberGenerator()
        for i in 4096..<bytes.count { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        try bytes.write(to: URL(fileURLWithPath: database))
        let run = try pairwise(["status"], in: directory.url)
        #expect(run.status == 65)
        #expect(run.stderr.hasPrefix("pairwise: error: pairwise.sqlite is damaged (corrupt): restore it from a backup"))
    }

    @Test func aFullDiskLosesNothingCommitted() throws {
        let directory = try project()
        let before = try pairwise(["status", "--json"], in: directory.url).stdout
        #expect(before.contains(#""items": 62"#), "\(before)")
        // A file-size limit makes the import's writes fail midway, as a full disk would
        // (SIGXFSZ ignored, so the write returns an error instead of killing the process).
        let run = try command("/bin/sh", ["-c", "trap '' XFSZ; ulimit -f 400; exec '\(binary.path)' import '\(Fixtures.hhRLHF)' --labels-as hh"], in: directory.url)
        #expect(run.status == 74)
        #expect(run.stderr.hasPrefix("pairwise: error: "))
        #expect(run.stderr.contains("this command's change was not made"))
        #expect(try pairwise(["status", "--json"], in: directory.url).stdout == before)
    }

    /// A real full file system: a small tmpfs, when this machine lets the tests mount one.
    @Test func aFullFileSystemIsSaidSo() throws {
        let directory = try project()
        let mountPoint = try TemporaryDirectory("pairwise-full")
        guard getuid() == 0,
              try command("/bin/mount", ["-t", "tmpfs", "-o", "size=400k", "tmpfs", mountPoint.url.path], in: directory.url).status == 0 else {
            print("skipped: cannot mount a tmpfs here (needs root); aFullDiskLosesNothingCommitted covers a failing write")
            return
        }
        defer { _ = try? command("/bin/umount", [mountPoint.url.path], in: directory.url) }
        try FileManager.default.copyItem(atPath: directory.path("pairwise.sqlite"), toPath: mountPoint.path("pairwise.sqlite"))
        let before = try pairwise(["status", "--json"], in: mountPoint.url).stdout
        let run = try pairwise(["import", Fixtures.hhRLHF, "--labels-as", "hh"], in: mountPoint.url)
        #expect(run.status == 74)
        #expect(run.stderr == "pairwise: error: pairwise.sqlite: the disk holding it is full: free some space and run the command again (what was committed before is kept; this command's change was not made)\n")
        #expect(try pairwise(["status", "--json"], in: mountPoint.url).stdout == before)
    }

    @Test func aCorruptGzipIsBadData() throws {
        let directory = try project()
        var gzip = try digest(Fixtures.hhRLHF)
        for i in 2000..<2100 { gzip[i] ^= 0x5A }
        try gzip.write(to: URL(fileURLWithPath: directory.path("broken.jsonl.gz")))
        let run = try pairwise(["import", "broken.jsonl.gz", "--labels-as", "hh"], in: directory.url)
        #expect(run.status == 65)
        #expect(run.stderr == "pairwise: error: broken.jsonl.gz:0: gzip: gzip data is corrupt\n")
    }
}
