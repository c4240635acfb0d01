import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore
import PairwiseTUI

/// Many annotators at once, each a process of its own on one project: whether every
/// committed judgment is kept and no item is judged past the overlap, and how long submits take.
struct AnnotatorsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotators",
        abstract: "Concurrent annotator processes on one project: nothing lost, the overlap never exceeded.",
        discussion: Help.text("""
            Makes a project of ITEMS synthetic items with overlap OVERLAP (in the empty
            PostgreSQL database --db names and left there, else a temporary SQLite file),
            then starts PROCESSES copies of this program, each an annotator submitting up to
            JUDGMENTS judgments through the annotate screen's own code (claim, lease, commit),
            all at once. Then checks every judgment a process committed is in the project and
            that no item has more than OVERLAP annotators, and prints submit times.

            Example:
              pairwise bench annotators --db postgres://admin@127.0.0.1/crowd --processes 32 --judgments 150
            """)
    )

    @Option(help: ArgumentHelp("An empty PostgreSQL database for the project.", valueName: "url")) var db: String?
    @Option(help: "Annotator processes.") var processes = 32
    @Option(help: "Judgments each process submits (fewer when the items run out).") var judgments = 150
    @Option(help: "Items in the project.") var items = 1_000
    @Option(help: "Annotators wanted per item.") var overlap = 3
    @Option(help: .hidden) var worker: String?

    func run() throws {
        try reportingFailures {
            if let worker { return try runWorker(name: worker, db: db ?? ProcessInfo.processInfo.environment["PAIRWISE_DB"] ?? "") }
            if let db {
                try runAll(store: try ProjectStore.create(at: db, rubric: Rubric(name: "bench", dimensions: []), lead: nil), location: db)
                return
            }
            try withBenchProject { store, _ in try runAll(store: store, location: store.path) }
        }
    }

    func runAll(store: ProjectStore, location: String) throws {
        try store.addSyntheticData(items: items, judgments: 0, annotators: 1)
        try store.setOverlap(overlap)
        let names = (1...processes).map { "crowd\($0)" }
        for name in names { try store.addAnnotator(name, role: .annotator) }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        let clock = ContinuousClock()
        let start = clock.now
        let children = try names.map { name -> (Process, Pipe) in
            let process = Process()
            process.executableURL = executable
            // The project through the environment: a URL's password stays out of `ps`.
            process.arguments = ["bench", "annotators", "--worker", name, "--judgments", String(judgments)]
            process.environment = ProcessInfo.processInfo.environment.merging(["PAIRWISE_DB": location]) { $1 }
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            return (process, out)
        }
        var reported: [String: Int] = [:], times: [Double] = []
        for (name, (process, out)) in zip(names, children) {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            // "committed N" then one submit time (ms) per line.
            let lines = text.split(separator: "\n")
            reported[name] = lines.first.flatMap { Int($0.split(separator: " ").last ?? "") } ?? -1
            times += lines.dropFirst().compactMap { Double($0) }
            if process.terminationStatus != 0 { printError("\(name) exited with \(process.terminationStatus)") }
        }
        let seconds = (clock.now - start).seconds
        let current = try store.currentJudgments()
        let stored = Dictionary(current.map { ($0.annotator, 1) }, uniquingKeysWith: +)
        let perItem = Dictionary(current.map { ($0.itemID, 1) }, uniquingKeysWith: +)
        let lost = names.filter { (stored[$0] ?? 0) != reported[$0] }
        let over = perItem.values.filter { $0 > overlap }.count
        let total = reported.values.reduce(0, +)
        print("annotators  \(store.dialect == .postgres ? "PostgreSQL" : "SQLite"): \(processes) processes × up to \(judgments) judgments on \(items) items, overlap \(overlap), in \(String(format: "%.1f", seconds)) s")
        print("            committed \(total) judgments (places: \(items * overlap)); in the project: \(stored.values.reduce(0, +)); lost: \(lost.count == 0 ? "none" : lost.joined(separator: ", "))")
        print("            items past the overlap: \(over); items at it: \(perItem.values.filter { $0 == overlap }.count)")
        print("            submit (commit and next claim):  median \(String(format: "%.2f", times.median)) ms  p99 \(String(format: "%.2f", times.percentile(99))) ms  (\(times.count) submits)")
        if !lost.isEmpty || over > 0 { throw ExitCode(1) }
    }

    /// One annotator: "4" (about the same) and Enter until `judgments` are committed or the
    /// queue runs out; prints the count, then each submit's time.
    func runWorker(name: String, db: String) throws {
        let store = try ProjectStore.open(at: db)
        let session = try AnnotateSession(store: store, annotator: name)
        let clock = ContinuousClock()
        var times: [Double] = []
        while session.state.doneToday < judgments && session.state.pair != nil {
            _ = session.handle(.character("4"))
            let start = clock.now
            _ = session.handle(.enter)
            times.append((clock.now - start).seconds * 1000)
            if times.count > judgments * 20 { break }
        }
        // Quits as a person would, giving up the item it had claimed next.
        _ = session.handle(.character("q"))
        print("committed \(session.state.doneToday)")
        for time in times { print(String(format: "%.3f", time)) }
    }
}
