import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore
import PairwiseTUI

/// Times the annotate screen's hot paths, printing median and p99.
struct TUIBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Render time of one screen, and submit-to-next on a large project.",
        discussion: Help.text("""
            Render: a pair with two 20 KB responses at 200×60, with wrapping (cold) and from
            the layout cache (warm). Submit-to-next: on a project with ITEMS items and
            JUDGMENTS judgments, from the Enter key of a complete judgment to the next pair
            drawn into a 200×60 grid (the commit included).

            With --db postgres://…, the submit-to-next project is made in that (empty)
            PostgreSQL database and left there; else in a temporary SQLite file.

            Example:
              pairwise bench tui --items 100000 --judgments 300000
              pairwise bench tui --db postgres://admin@127.0.0.1/bench
            """)
    )

    @Option(help: ArgumentHelp("An empty PostgreSQL database for the submit-to-next project.", valueName: "url"))
    var db: String?

    @Option(help: "Items in the submit-to-next project.") var items = 100_000
    @Option(help: "Judgments in the submit-to-next project.") var judgments = 300_000
    @Option(help: "Submits to time.") var submits = 500
    @Flag(name: .customLong("with-trainer"), help: "Time submits while the background trainer refits on every judged pair.")
    var withTrainer = false
    @Flag(name: .customLong("writer-checkpoints"), help: "Leave WAL checkpoints to the committing writer (SQLite's default) instead of a background thread.")
    var writerCheckpoints = false

    func run() throws {
        try reportingFailures {
            let rubric = try RubricFile.parse(EmbeddedSampleData.rubric, file: "sample rubric")
            try renderBench(rubric: rubric)
            try submitBench(rubric: rubric)
        }
    }

    func renderBench(rubric: Rubric) throws {
        let paragraph = "A reward model scores each response; the pair's margin is the difference. 日本語も少し。 Emoji 😀 too. "
        let code = "```swift\nlet margin = rewardA - rewardB\nprint(margin)\n```\n"
        func response(_ seed: Int) -> String {
            var text = ""
            var n = seed
            while text.utf8.count < 20_000 {
                text += n % 5 == 0 ? code : paragraph + String(repeating: "word\(n % 13) ", count: n % 9) + "\n\n"
                n += 1
            }
            return text
        }
        let item = Item(id: "bench", prompt: .text("Compare these two long answers."), responseA: Response(text: response(1)),
                        responseB: Response(text: response(2)))
        var state = AnnotateState(annotator: "bench", rubric: rubric)
        state.show(PairOnScreen(rowID: 1, item: item, shownOrder: .ab), position: 1, queueCount: 1)
        let cold = Self.times(200) { _ in _ = AnnotateView.render(state, rows: 60, columns: 200, cache: LayoutCache()) }
        let cache = LayoutCache()
        _ = AnnotateView.render(state, rows: 60, columns: 200, cache: cache)
        let warm = Self.times(2000) { n in
            state.scroll[.first] = n % 50
            _ = AnnotateView.render(state, rows: 60, columns: 200, cache: cache)
        }
        print("render  200×60, two responses of \(item.responseA.text.utf8.count / 1000) KB")
        print("        cold (wrapping both):  median \(ms(cold.median)) ms  p99 \(ms(cold.percentile(99))) ms  (\(cold.count) runs)")
        print("        warm (layout cached):  median \(ms(warm.median)) ms  p99 \(ms(warm.percentile(99))) ms  (\(warm.count) runs)")

        // A ranked item of four such responses, side by side.
        let ranked = RankedItem(id: "bench-ranked", prompt: .text("Rank these four long answers."), responses: (1...4).map { Response(text: response($0)) })
        var rankState = AnnotateState(annotator: "bench", rubric: rubric)
        rankState.show(ranked: RankedOnScreen(rowID: 2, item: ranked, shown: [2, 0, 3, 1]), position: 1, queueCount: 1)
        let rankCold = Self.times(100) { _ in _ = AnnotateView.render(rankState, rows: 60, columns: 200, cache: LayoutCache()) }
        _ = AnnotateView.render(rankState, rows: 60, columns: 200, cache: cache)
        let rankWarm = Self.times(2000) { n in
            rankState.ranking?.scroll[n % 4] = n % 50
            _ = AnnotateView.render(rankState, rows: 60, columns: 200, cache: cache)
        }
        print("render  200×60, a ranked item of four responses of \(ranked.responses[0].text.utf8.count / 1000) KB")
        print("        cold (wrapping all):   median \(ms(rankCold.median)) ms  p99 \(ms(rankCold.percentile(99))) ms  (\(rankCold.count) runs)")
        print("        warm (layout cached):  median \(ms(rankWarm.median)) ms  p99 \(ms(rankWarm.percentile(99))) ms  (\(rankWarm.count) runs)")
    }

    func submitBench(rubric: Rubric) throws {
        if let db {
            return try submitBench(store: try ProjectStore.create(at: db, rubric: rubric, lead: nil))
        }
        try withBenchProject(rubric: rubric) { store, _ in try submitBench(store: store) }
    }

    func submitBench(store: ProjectStore) throws {
        let annotators = max(3, (judgments + items - 1) / items)
        let clock = ContinuousClock()
        let fillStart = clock.now
        try store.addSyntheticData(items: items, judgments: judgments, annotators: annotators)
        let fillSeconds = (clock.now - fillStart).seconds
        // Leave room in every item for the benchmark's annotator.
        try store.setOverlap(annotators + 1)
        let openStart = clock.now
        let session = try AnnotateSession(store: store, annotator: "bench")
        let openSeconds = (clock.now - openStart).seconds
        _ = session.render(rows: 60, columns: 200)
        let judgmentKeys: [Key] = [.character("3"), .tab, .character("4"), .character("2"), .character("3"), .character("1")]
        var times: [Double] = []
        // With the trainer: it refits back to back (every submit is new) and submits go on
        // until it has finished two runs, so every timed submit overlaps a fit.
        var trainer: BackgroundTrainer?
        if withTrainer {
            var options = Trainer.Options()
            options.minNew = 1
            trainer = BackgroundTrainer(trainer: Trainer(store: store, options: options, holder: "bench"), interval: 0.05)
            trainer?.start()
        }
        let checkpointer = writerCheckpoints ? nil : BackgroundCheckpointer(store: store)
        try checkpointer?.start()
        defer { checkpointer?.stop() }
        let trainStart = clock.now
        // Only Enter presses that stored a judgment are timed; the loop ends when the queue does.
        var storedNothing = 0, queueRanOut = false
        while times.count < submits || (trainer.map { $0.completedRuns < 2 } ?? false) {
            guard session.state.pair != nil else { queueRanOut = true; break }
            for key in judgmentKeys { session.handle(key) }
            if let elapsed = session.timedSubmit() { times.append(elapsed) } else { storedNothing += 1 }
        }
        if storedNothing > 0 || queueRanOut {
            printError("note: \(storedNothing) Enter press\(storedNothing == 1 ? "" : "es") stored nothing and \(storedNothing == 1 ? "is" : "are") not timed"
                       + (queueRanOut ? "; the queue ran out after \(times.count) submits" : ""))
        }
        print("submit  \(store.dialect == .postgres ? "PostgreSQL" : "SQLite"), \(items) items, \(judgments) judgments (\(annotators) synthetic annotators; filled in \(ms(fillSeconds * 1000)) ms, session opened in \(ms(openSeconds * 1000)) ms)")
        print("        Enter to next pair drawn (commit included):  median \(ms(times.median)) ms  p99 \(ms(times.percentile(99))) ms  max \(ms(times.max() ?? 0)) ms  (\(times.count) submits)")
        if let trainer {
            let seconds = (clock.now - trainStart).seconds
            trainer.stop()
            trainer.join()
            print("        with the trainer refitting on all \(items) judged pairs: \(trainer.completedRuns) runs finished during \(String(format: "%.1f", seconds)) s of submits\(trainer.lastError.map { " (error: \($0))" } ?? "")")
        }
    }

    /// Milliseconds each of `runs` calls of `body` (given the run's number) took.
    static func times(_ runs: Int, _ body: (Int) -> Void) -> [Double] {
        let clock = ContinuousClock()
        return (0..<runs).map { n in
            let start = clock.now
            body(n)
            return (clock.now - start).seconds * 1000
        }
    }

    func ms(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.3f", value) }
}

extension Array where Element == Double {
    /// The nearest-rank percentile.
    func percentile(_ p: Double) -> Double {
        let sorted = self.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }
}

extension AnnotateSession {
    /// Presses Enter and draws the next screen (200×60): the milliseconds that took when it
    /// stored a judgment, nil when it stored nothing (what the submit benchmarks time).
    func timedSubmit() -> Double? {
        let clock = ContinuousClock()
        let before = state.doneToday
        let start = clock.now
        handle(.enter)
        _ = render(rows: 60, columns: 200)
        let elapsed = (clock.now - start).seconds * 1000
        return state.doneToday > before ? elapsed : nil
    }
}
