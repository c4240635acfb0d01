import Foundation
import PairwiseTestSupport
import Testing


/// The `pairwise` binary built beside the test bundle.
let binary: URL = {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("pairwise").path) && directory.path != "/" {
        directory = directory.deletingLastPathComponent()
    }
    return directory.appendingPathComponent("pairwise")
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary in `directory` with a clean environment plus `environment`.
func pairwise(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Run {
    try command(binary.path, arguments, in: directory, environment: environment)
}

/// Runs the binary on the directory's project, in a SQLite file there or its PostgreSQL database.
func pairwise(_ arguments: [String], in directory: TemporaryDirectory, environment: [String: String] = [:]) throws -> Run {
    try command(binary.path, arguments, in: directory.url, environment: directory.environment.merging(environment) { $1 })
}

/// Runs a program in `directory` with a clean environment (PATH, USER=tester, the cache
/// folder `directory/.cache`) plus `environment`, no input, and its output captured.
func command(_ path: String, _ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    // The user's cache folder (a PostgreSQL project's feature cache) inside the test's own.
    process.environment = ["PATH": "/usr/bin:/bin", "USER": "tester", "XDG_CACHE_HOME": directory.appendingPathComponent(".cache").path]
        .merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

@Suite struct CLITests {
    @Test func initImportStatusAndExport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let created = try pairwise(["init", "--rubric", Fixtures.sampleRubric], in: dir)
        #expect(created.status == 0)
        #expect(created.stdout == "created pairwise.sqlite: rubric 'helpsteer2-with-safety' with 6 dimensions; tester is its lead\n")
        let imported = try pairwise(["import", Fixtures.sampleItems], in: dir)
        #expect(imported.status == 0)
        #expect(imported.stdout == "imported 62 records from 1 file: 62 items added, 0 duplicates skipped\n")
        let labeled = try pairwise(["import", Fixtures.hhRLHF, "--labels-as", "hh"], in: dir)
        #expect(labeled.stdout == "imported 2312 records from 1 file: 2312 items added, 0 duplicates skipped, 2312 labels added\n")
        let status = try pairwise(["status"], in: dir)
        #expect(status.stdout == """
            project      pairwise.sqlite
            items        2374
            judgments    2312 current, 0 retracted
            need labels  2374 items have fewer than 3 annotators (62 have none)

            annotator  role       judgments
            hh         annotator  2312
            tester     lead       0

            """)
        let json = try pairwise(["status", "--json"], in: dir)
        #expect(json.stdout == #"{"items": 2374, "judgments": 2312, "retracted": 0, "overlap": 3, "items_needing_labels": 2374, "items_unlabeled": 62, "ranked_items": 0, "rankings": 0, "annotators": [{"name": "hh", "role": "annotator", "judgments": 2312, "rankings": 0}, {"name": "tester", "role": "lead", "judgments": 0, "rankings": 0}]}"# + "\n")
        let exported = try pairwise(["export", "--format", "hh-rlhf", "--plain", "--out", "hh.jsonl"], in: dir)
        #expect(exported.status == 0)
        #expect(exported.stderr == "wrote 2312 items to hh.jsonl\n")
        let written = try Data(contentsOf: dir.appendingPathComponent("hh.jsonl"))
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gunzip.arguments = ["-dc", Fixtures.hhRLHF]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let original = pipe.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        #expect(written == original)
        let stdout = try pairwise(["export", "--format", "judgments", "--annotator", "nobody"], in: dir)
        #expect(stdout.status == 0 && stdout.stdout == "")
    }

    @Test func aBadRecordStopsTheImportWithStatus65AndChangesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try pairwise(["init"], in: dir)
        try """
            {"id": "a", "prompt": "p", "response_a": "x", "response_b": "y"}
            {"id": "b", "prompt": "p", "response_a": "x"}
            """.write(to: dir.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
        let good = Fixtures.sampleItems
        let run = try pairwise(["import", good, "bad.jsonl"], in: dir)
        #expect(run.status == 65)
        #expect(run.stderr == "pairwise: error: bad.jsonl:2: response_b: missing\n")
        #expect(run.stdout == "")
        #expect(try pairwise(["status", "--json"], in: dir).stdout.hasPrefix(#"{"items": 0, "judgments": 0"#))
        try Data().write(to: dir.appendingPathComponent("empty.jsonl"))
        let empty = try pairwise(["import", "empty.jsonl"], in: dir)
        #expect(empty.status == 65)
        #expect(empty.stderr == "pairwise: error: empty.jsonl:1: record: the file holds no records\n")
        let missing = try pairwise(["import", "nope.jsonl"], in: dir)
        #expect(missing.status == 66)
        #expect(missing.stderr == "pairwise: error: nope.jsonl:0: file: does not exist\n")
        let format = try pairwise(["import", "--format", "xml", good], in: dir)
        #expect(format.status == 64)
    }

    @Test func theDatabaseComesFromDbThenTheEnvironmentThenTheDefault() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let none = try pairwise(["status"], in: dir)
        #expect(none.status == 66)
        #expect(none.stderr == "pairwise: error: no project database at pairwise.sqlite: run `pairwise init` first, or pass --db PATH\n")
        #expect(try pairwise(["init"], in: dir, environment: ["PAIRWISE_DB": "env.sqlite"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("env.sqlite").path))
        #expect(try pairwise(["init", "--db", "flag.sqlite"], in: dir, environment: ["PAIRWISE_DB": "env.sqlite"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("flag.sqlite").path))
        let again = try pairwise(["init"], in: dir, environment: ["PAIRWISE_DB": "env.sqlite"])
        #expect(again.status == 73)
        #expect(again.stderr == "pairwise: error: env.sqlite already exists; pass --db PATH to make another project\n")
        let added = try pairwise(["annotators", "add", "bob", "--role", "lead", "--db", "flag.sqlite"], in: dir)
        #expect(added.stdout == "bob is now a lead\n")
        #expect(try pairwise(["annotators", "list", "--db", "flag.sqlite"], in: dir).stdout == "bob\tlead\ntester\tlead\n")
        #expect(try pairwise(["annotators", "add", "bad\u{1B}name", "--db", "flag.sqlite"], in: dir).status == 64)
    }

    @Test func aBadRubricIsReportedByFileLineAndField() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "name: r\ndimensions:\n  - key: x\n    title: X\n    guideline: g\n    kind: per-response\n    scale: {min: 0, max: 10}\n"
            .write(to: dir.appendingPathComponent("r.yaml"), atomically: true, encoding: .utf8)
        let run = try pairwise(["init", "--rubric", "r.yaml"], in: dir)
        #expect(run.status == 65)
        #expect(run.stderr == "pairwise: error: r.yaml:7: dimensions[0].scale.max: must be 9 or less (values are typed as one digit)\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("pairwise.sqlite").path))
    }

    @Test(arguments: ["init", "import", "export", "status", "annotators", "annotators add", "annotators list", "bench import",
                      "annotate", "review", "stats", "train", "agreement", "leaderboard", "reliability", "score", "simulate", "demo", "bench tui", "bench model", "bench train"])
    func everyCommandsHelpGivesAnExample(command: String) throws {
        let run = try pairwise(command.split(separator: " ").map(String.init) + ["--help"], in: Fixtures.repositoryRoot)
        #expect(run.status == 0)
        #expect(run.stdout.contains("Example:\n  pairwise "))
    }

    @Test func annotateOutsideATerminalSaysSo() throws {
        let directory = try TemporaryDirectory("pairwise-cli")
        _ = try pairwise(["init"], in: directory.url)
        let run = try pairwise(["annotate"], in: directory.url)
        #expect(run.status == 64)
        #expect(run.stderr == "pairwise: error: annotate needs a terminal (standard input and output must be a TTY)\n")
    }
}
