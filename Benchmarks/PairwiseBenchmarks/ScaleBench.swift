import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore
import PairwiseTUI

/// A large project (333k items and 1M judgments, or 3.3M and 10M; a finished model run),
/// built once and cached, and the figures that say whether it stays instant.
struct ScaleBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Whole-command times and peak memory on a 333k-item, 1M-judgment project (or --size 10m).",
        discussion: Help.text("""
            Builds the project once under --cache (synthetic items and judgments by 4
            annotators, then one trainer run) and reuses it. Prints: status, stats --json
            (time and peak memory, each a whole process), the annotate and review screens'
            first frame (open to drawn, in process) and the whole queue or list behind it,
            submit-to-next (median, p99); with --inputs
            import, agreement and leaderboard on files written once under --cache (a 1.2 GB
            jsonl, a gzip bomb, 1M ratings cells, 1M battles); with --train two more trainer
            runs (time, peak memory of the process): one computing every response's features,
            then one reading those it kept; and submit-to-next while the background trainer
            refits (20 submits a second). With --db, the same figures on an existing
            project instead (a SQLite file or a postgres:// URL, its admin or a lead; one built
            here and copied with `pairwise copy` compares the two stores); an annotator's
            PostgreSQL login times their own screen and submits only. Build with -c release.

            Example:
              pairwise bench scale --train --inputs
              pairwise bench scale --size 10m --submits 100
              pairwise bench scale --train --db postgres://admin@127.0.0.1/scale
            """)
    )

    @Option(help: "Where the project is kept between runs.") var cache = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-bench-scale").path
    @Option(help: "Items (or --size).") var items = 333_000
    @Option(help: "Judgments (or --size).") var judgments = 1_000_000
    @Option(help: "A preset: 1m (333k items, 1M judgments) or 10m (3.3M items, 10M judgments, a project of several GB).")
    var size: ScaleSize?
    @Option(help: "Submits to time.") var submits = 300
    @Flag(help: "Also time trainer runs: one that featurizes every response, then one that reads the features kept.") var train = false
    @Flag(help: "Also time import (1.2 GB jsonl, gzip bomb), agreement (1M cells) and leaderboard (1M battles) on files written once under --cache.")
    var inputs = false
    @Option(help: "Measure this project (a SQLite file or a postgres:// URL) instead of building one.") var db: String?
    @Flag(help: .hidden) var buildOnly = false
    @Flag(help: .hidden) var trainOnce = false
    @Flag(help: .hidden) var refeaturize = false

    /// The two scales the issue measures at.
    enum ScaleSize: String, ExpressibleByArgument {
        case oneMillion = "1m", tenMillion = "10m"
        var items: Int { self == .oneMillion ? 333_000 : 3_330_000 }
        var judgments: Int { self == .oneMillion ? 1_000_000 : 10_000_000 }
    }

    mutating func validate() throws {
        guard let size else { return }
        (items, judgments) = (size.items, size.judgments)
    }

    func run() throws {
        try reportingFailures {
            let binary = CommandLine.arguments[0]
            if buildOnly {
                if db == nil { _ = try project() }
                if inputs { _ = try inputFiles() }
                return
            }
            if trainOnce {
                // Refits on every judged pair, new judgments or not.
                var options = Trainer.Options()
                options.minNew = 0
                options.refeaturize = refeaturize
                _ = try Trainer(store: try ProjectStore.open(at: try db ?? project()), options: options, holder: "bench").runOnce()
                return
            }
            // Built by a child process, and every whole-process figure taken before this one
            // grows: a spawned child's peak memory counts its parent's before the exec.
            if db == nil || inputs {
                _ = try measureProcess(binary, ["bench", "scale", "--build-only", "--cache", cache, "--items", "\(items)", "--judgments", "\(judgments)"]
                                       + (inputs ? ["--inputs"] : []) + (db.map { ["--db", $0] } ?? []))
            }
            let path = try db ?? project()
            // A PostgreSQL annotator's login: their own screen, as the server gives it; the
            // lead's figures (stats, review, training) are not theirs to take.
            let annotator = try ProjectStore.open(at: path).heldToAnnotatorRules() ? URLComponents(string: path)?.user : nil
            if let annotator { print("as the annotator \(TerminalSafe.text(annotator, keepingLineBreaks: false)): status, the annotate screen and submits (stats, review and training are a lead's)") }
            // The lead whose figures these are: the project's first (a copied project's may not be named "lead").
            let lead = try ProjectStore.open(at: path).annotators().first { $0.role == .lead }?.name ?? "lead"
            var commands = [("status", ["status", "--db", path])] + (annotator == nil ? [("stats --json", ["stats", "--json", "--db", path])] : [])
            if train && annotator == nil {
                let once = ["bench", "scale", "--train-once", "--cache", cache, "--items", "\(items)", "--judgments", "\(judgments)"] + (db.map { ["--db", $0] } ?? [])
                commands.append(("train", once + ["--refeaturize"]))
                commands.append(("train again", once))
            }
            for (name, arguments) in commands {
                let run = try measureProcess(binary, arguments, as: lead)
                print(String(format: "%-14@ %7.3f s  peak %6.0f MB", (name as NSString), run.seconds, run.peakMB))
            }
            if inputs {
                try measureFileCommands(binary)
                // The imports' gigabytes on their way to disk, before the in-process figures.
                sync()
            }
            let clock = ContinuousClock()
            let annotateStart = clock.now
            let store = try ProjectStore.open(at: path)
            let session = try AnnotateSession(store: store, annotator: annotator ?? "bench")
            _ = session.render(rows: 60, columns: 200)
            print(String(format: "%-14@ %7.3f s  (open to first frame, in process)", "annotate" as NSString, (clock.now - annotateStart).seconds))
            // The whole queue and the status line's agreement, made behind the first frame, are
            // in before review opens.
            session.waitForBackgroundResults()
            print(String(format: "%-14@ %7.3f s  (open to the whole queue and the agreement, in process)", "  queued" as NSString,
                         (clock.now - annotateStart).seconds))
            if annotator == nil {
                let reviewStart = clock.now
                let review = try ReviewSession(store: try ProjectStore.open(at: path), lead: lead)
                _ = review.render(rows: 60, columns: 200)
                print(String(format: "%-14@ %7.3f s  (open to first frame, in process)", "review" as NSString, (clock.now - reviewStart).seconds))
                // Its whole list, made behind the first frame, is in before submits are timed.
                review.waitForList()
                print(String(format: "%-14@ %7.3f s  (open to the whole list and its length, in process)", "  listed" as NSString, (clock.now - reviewStart).seconds))
            }
            // Checkpoints off the submit path, as `annotate` runs them.
            let checkpointer = BackgroundCheckpointer(store: store)
            try checkpointer.start()
            defer { checkpointer.stop() }
            var count = 0
            let times = timeSubmits(session) { count += 1; return count <= submits }
            if !times.isEmpty {
                print(String(format: "%-14@ median %.3f ms  p99 %.3f ms  (%d submits)", "submit→next" as NSString, times.median, times.percentile(99), times.count))
            }
            if train && annotator == nil {
                // The background trainer as annotate runs it, refitting once on every judged
                // pair while an annotator submits at 20 a second (faster than anyone reads).
                var options = Trainer.Options()
                options.minNew = 1
                // Checks every second, so that it refits once the submits below are new
                // (however few the first timing left), and stops after its first run.
                let trainer = BackgroundTrainer(trainer: Trainer(store: store, options: options, holder: "bench"), interval: 1)
                trainer.start()
                let during = timeSubmits(session, pause: .milliseconds(50)) { trainer.completedRuns == 0 && trainer.lastError == nil }
                trainer.stop()
                trainer.join()
                if let failure = trainer.lastError { throw UsageError(message: "the background trainer failed: \(failure)") }
                if !during.isEmpty {
                    print(String(format: "%-14@ median %.3f ms  p99 %.3f ms  (%d submits while the trainer refit)",
                                 "  refitting" as NSString, during.median, during.percentile(99), during.count))
                }
            }
        }
    }

    /// Submit-to-next times in milliseconds (submit, then draw the next item) while
    /// `proceed` says so, `pause` apart (untimed). The judgments are retracted afterwards, so
    /// the next run starts alike.
    func timeSubmits(_ session: AnnotateSession, pause: Duration = .zero, while proceed: () -> Bool) -> [Double] {
        var times: [Double] = []
        // Only submits that stored a judgment are timed; the loop ends when the queue does.
        while proceed(), session.state.pair != nil {
            if pause > .zero { Thread.sleep(forTimeInterval: pause.seconds) }
            session.handle(.character("3"))
            if let elapsed = session.timedSubmit() { times.append(elapsed) }
        }
        if session.state.pair == nil {
            printError("note: the queue of `bench` ran out after \(times.count) submits (a project whose items all have their overlap has none)")
        }
        for _ in times { session.handle(.character("u")) }
        return times
    }

    /// The files `--inputs` measures on (see `ScaleInputs`), written when missing.
    func inputFiles() throws -> (ratings: String, battles: String, pairs: String, bomb: String) {
        let folder = (cache as NSString).appendingPathComponent("inputs")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let files = ["ratings.csv", "battles.csv", "pairs.jsonl", "bomb.jsonl.gz"].map { (folder as NSString).appendingPathComponent($0) }
        let writers: [(String) throws -> Void] = [{ try ScaleInputs.writeRatings(to: $0) }, { try ScaleInputs.writeBattles(to: $0) },
                                                  { try ScaleInputs.writePairs(to: $0) }, { try ScaleInputs.writeGzipBomb(to: $0) }]
        for (file, write) in zip(files, writers) where !FileManager.default.fileExists(atPath: file) {
            try write(file)
            printError("wrote \(file)")
        }
        return (files[0], files[1], files[2], files[3])
    }

    /// Whole-process time and peak memory of import, agreement and leaderboard on the input files.
    func measureFileCommands(_ binary: String) throws {
        let files = try inputFiles()
        for (name, file) in [("import jsonl", files.pairs), ("import bomb", files.bomb)] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-bench-import-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let db = (folder as NSString).appendingPathComponent("import.sqlite")
            _ = try measureProcess(binary, ["init", "--db", db])
            let run = try measureProcess(binary, ["import", "--db", db, file])
            let megabytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_000_000
            print(String(format: "%-14@ %7.3f s  peak %6.0f MB  (%.0f MB file, %.0f MB/s)", name as NSString, run.seconds, run.peakMB, megabytes, megabytes / run.seconds))
        }
        for (name, arguments) in [("agreement", ["agreement", files.ratings, "--level", "ordinal", "--json"]),
                                  ("leaderboard", ["leaderboard", files.battles, "--bootstrap", "0", "--json"]),
                                  ("leaderboard 200 resamples", ["leaderboard", files.battles, "--json"])] {
            let run = try measureProcess(binary, arguments)
            print(String(format: "%-14@ %7.3f s  peak %6.0f MB", name as NSString, run.seconds, run.peakMB))
        }
    }

    /// The cached project, built when missing.
    func project() throws -> String {
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        let path = (cache as NSString).appendingPathComponent("scale-\(items)-\(judgments).sqlite")
        if FileManager.default.fileExists(atPath: path) {
            // Opened for writing once, unmeasured: a newer version's migrations apply here.
            try ProjectStore.open(at: path).sqlitePool().close()
            return path
        }
        let building = path + ".building"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building + suffix) }
        let clock = ContinuousClock()
        let start = clock.now
        let store = try ProjectStore.create(at: building, rubric: Rubric(name: "bench", dimensions: []), lead: "lead")
        let annotators = (judgments + items - 1) / items
        try store.addSyntheticData(items: items, judgments: judgments, annotators: annotators)
        try store.setOverlap(annotators + 1)
        // No feature cache: it would be left beside the name the project is built under.
        var options = Trainer.Options()
        options.featureCache = .none
        _ = try Trainer(store: store, options: options, holder: "bench").runOnce()
        // Everything into the database file itself before it moves (the -wal stays behind).
        _ = try store.sqlitePool().writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try store.sqlitePool().close()
        try FileManager.default.moveItem(atPath: building, toPath: path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building + suffix) }
        printError(String(format: "built %@ in %.1f s", path, (clock.now - start).seconds))
        return path
    }
}

/// Runs a process to its end; its wall time and peak resident memory.
func measureProcess(_ executable: String, _ arguments: [String], as user: String = "lead") throws -> (seconds: Double, peakMB: Double) {
    var pid: pid_t = 0
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    let clock = ContinuousClock()
    let start = clock.now
    // As the project's lead (statistics are for leads).
    let variables: [String] = ProcessInfo.processInfo.environment.filter { $0.key != "USER" }.map { "\($0.key)=\($0.value)" } + ["USER=\(user)"]
    let environment: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
    defer { environment.forEach { free($0) } }
    guard posix_spawn(&pid, executable, &actions, nil, argv, environment) == 0 else {
        throw UsageError(message: "cannot run \(executable)")
    }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = (clock.now - start).seconds
    guard status == 0 else { throw UsageError(message: "\(arguments.joined(separator: " ")) failed (status \(status))") }
    return (seconds, Double(usage.ru_maxrss) / 1024)
}
