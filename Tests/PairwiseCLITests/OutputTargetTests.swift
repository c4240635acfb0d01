import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// `export --out` writes where it is pointed without destroying what is there: never the
/// project's own files, a directory or a device node; an existing file only with --force;
/// a full disk is exit 74 with a sentence and leaves nothing under the target's name.
@Suite struct OutputTargetTests {
    /// A project of the sample items judged by simulated annotators, and its path.
    func project() throws -> URL {
        let directory = try temporaryDirectory()
        #expect(try pairwise(["init"], in: directory).status == 0)
        #expect(try pairwise(["import", Fixtures.sampleItems], in: directory).status == 0)
        #expect(try pairwise(["simulate", "--annotators", "3", "--overlap", "2", "--noise", "0.2", "--seed", "1"], in: directory).status == 0)
        return directory
    }

    func export(_ directory: URL, _ arguments: [String]) throws -> Run {
        try pairwise(["export", "--format", "trl", "--include-simulated"] + arguments, in: directory)
    }

    /// Runs a shell line in `directory` (for redirections a Process pipe cannot make).
    func shell(_ line: String, in directory: URL) -> (status: Int32, output: String, error: String) {
        TestPostgres.run("/bin/sh", ["-c", "cd '\(directory.path)' || exit 1; \(line)"])
    }

    @Test func theProjectsOwnFilesAreRefused() throws {
        let directory = try project()
        for name in ["pairwise.sqlite", "pairwise.sqlite-wal"] where FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
            let run = try export(directory, ["--out", name, "--force"])
            #expect(run.status == 73 && run.stderr == "pairwise: error: \(name) is this project's own database file: export to another file\n", "\(run.stderr)")
        }
        // Through another name for the same file too.
        #expect(symlink(directory.appendingPathComponent("pairwise.sqlite").path, directory.appendingPathComponent("alias.jsonl").path) == 0)
        #expect(try export(directory, ["--out", "alias.jsonl", "--force"]).status == 73)
        let status = try pairwise(["status"], in: directory)
        #expect(status.status == 0 && status.stdout.contains("62 items"), "\(status.stdout)\(status.stderr)")
    }

    @Test func aDirectoryIsRefusedAndStaysADirectory() throws {
        let directory = try project()
        for name in ["empty", "full"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        try "keep".write(to: directory.appendingPathComponent("full/keep.txt"), atomically: true, encoding: .utf8)
        for name in ["empty", "full"] {
            let run = try export(directory, ["--out", name, "--force"])
            #expect(run.status == 73 && run.stderr == "pairwise: error: \(name) is a directory: give a file name, e.g. --out \(name)/export.jsonl\n")
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
        #expect(try String(contentsOf: directory.appendingPathComponent("full/keep.txt"), encoding: .utf8) == "keep")
    }

    @Test func anExistingFileIsReplacedOnlyWithForce() throws {
        let directory = try project()
        let target = directory.appendingPathComponent("out.jsonl")
        try "mine\n".write(to: target, atomically: true, encoding: .utf8)
        let refused = try export(directory, ["--out", "out.jsonl"])
        #expect(refused.status == 73 && refused.stderr == "pairwise: error: out.jsonl exists: pass --force to replace it, or give another file name\n")
        #expect(try String(contentsOf: target, encoding: .utf8) == "mine\n")
        let forced = try export(directory, ["--out", "out.jsonl", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOf: target, encoding: .utf8) == (try export(directory, []).stdout))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains("partial") } == [])
    }

    /// A FIFO and a character device are written by opening them, and stay what they were.
    @Test func devicesAndPipesAreWrittenNotReplaced() throws {
        let directory = try project()
        let expected = try export(directory, []).stdout
        #expect(mkfifo(directory.appendingPathComponent("pipe").path, 0o644) == 0)
        let read = shell("cat pipe > from-pipe.jsonl & '\(binary.path)' export --format trl --include-simulated --out pipe; wait", in: directory)
        #expect(read.status == 0, "\(read.error)")
        #expect(try String(contentsOf: directory.appendingPathComponent("from-pipe.jsonl"), encoding: .utf8) == expected)
        var info = stat()
        #expect(stat(directory.appendingPathComponent("pipe").path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        // A null device made in the folder (root only: mknod), then /dev/null itself.
        if getuid() == 0, mknod(directory.appendingPathComponent("null").path, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 {  // major 1, minor 3: null
            #expect(try export(directory, ["--out", "null"]).status == 0)
            #expect(stat(directory.appendingPathComponent("null").path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        }
        #expect(try export(directory, ["--out", "/dev/null"]).status == 0)
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    /// A full output: exit 74 with a sentence, and no file, partial or whole, left behind.
    @Test func aFullOutputIsExit74AndLeavesNothing() throws {
        let directory = try project()
        let piped = shell("'\(binary.path)' export --format trl --include-simulated > /dev/full", in: directory)
        #expect(piped.status == 74 && piped.error == "pairwise: error: cannot write to standard output (No space left on device)\n", "\(piped.error)")
        let device = try export(directory, ["--out", "/dev/full"])
        #expect(device.status == 74 && device.stderr == "pairwise: error: cannot write to /dev/full (No space left on device)\n", "\(device.stderr)")
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        // A small tmpfs filled up by the export (where this machine lets us mount one).
        let small = directory.appendingPathComponent("small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        guard shell("mount -t tmpfs -o size=8k tmpfs small", in: directory).status == 0 else { return }
        defer { _ = shell("umount small", in: directory) }
        let full = try export(directory, ["--out", "small/out.jsonl"])
        #expect(full.status == 74 && full.stderr == "pairwise: error: cannot write to small/out.jsonl (No space left on device); nothing was left under its name\n",
                "\(full.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small.path) == [])
    }
}
