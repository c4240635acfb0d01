import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore
import PairwiseTUI

struct AnnotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Label pairs in the terminal.",
        discussion: Help.text("""
            Shows your queue one pair at a time: the items you have not judged that still need
            judgments (the project's overlap target, 3 annotators by default), in an order fixed
            for you. Every submit is committed before the next pair is drawn. Press ? for keys.

            Example:
              pairwise annotate
              pairwise annotate --as alice --db project.sqlite
            """)
    )

    @OptionGroup var project: ProjectOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("Annotate as this person (default: your login name).", valueName: "name"))
    var name: String?

    @Flag(name: .customLong("no-shuffle"), help: "Show the stored A first instead of a random order per item.")
    var noShuffle = false

    @Option(help: "Queue order: shuffled, or uncertainty (most uncertain for the newest model first; the default once a model exists).")
    var order: AnnotateSession.QueueOrder?

    @OptionGroup var training: BackgroundTrainingOptions

    func validate() throws { if let name { try Identity.validate(name) } }

    func run() throws {
        try reportingFailures {
            let store = try project.open()
            let annotator = try Identity.resolve(requested: name, store: store)
            try runTUI(store: store, annotator: annotator, options: .init(shuffle: !noShuffle, order: order), training: training.settings)
        }
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the TUI on a fresh copy of the sample data.",
        discussion: Help.text("""
            Copies the sample items and rubric built into the binary into a new temporary
            project and opens `annotate` on it: 62 pairs, then 3 items whose responses you rank
            (`b` lists the queue; `:goto rank-001` opens the first). With --simulated, five simulated annotators
            (`pairwise simulate`, noise 0.3) first judge half of the items three times each, and
            the review screen opens on their disagreements instead (you are the project's lead).
            The database is kept afterwards; its path is printed so you can `export` what you did.

            Example:
              pairwise demo
              pairwise demo --simulated
            """)
    )

    @Flag(help: "Half label the project with simulated annotators and open the review screen.") var simulated = false
    @Option(help: "Seed for --simulated.") var seed: UInt64 = 1

    func run() throws {
        try reportingFailures {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-demo-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let itemsPath = directory.appendingPathComponent("sample-items.jsonl").path
            try (EmbeddedSampleData.items + "\n").write(toFile: itemsPath, atomically: true, encoding: .utf8)
            let rankedPath = directory.appendingPathComponent("sample-ranked-items.jsonl").path
            try (EmbeddedSampleData.rankedItems + "\n").write(toFile: rankedPath, atomically: true, encoding: .utf8)
            let rubric = try RubricFile.parse(EmbeddedSampleData.rubric, file: "sample rubric")
            let path = directory.appendingPathComponent("demo.sqlite").path
            let user = Identity.loginName()
            let store = try ProjectStore.create(at: path, rubric: rubric, lead: user)
            _ = try store.importFiles([itemsPath, rankedPath], options: ImportOptions(format: .jsonl))
            _ = try store.setGuidelines(EmbeddedSampleData.guidelines, source: "sample-data/guidelines.md")
            if simulated {
                try Simulation(annotators: 5, noise: 0.3, seed: seed).fill(store, overlap: 3, share: 0.5)
                try runReview(store: store, lead: user, filter: ReviewQueue.Filter())
                print("The demo project is at \(path); try: pairwise export --db \(path) --format trl --only adjudicated")
                return
            }
            try runTUI(store: store, annotator: user, options: .init(), training: BackgroundTraining())
            print("The demo project is at \(path); try: pairwise export --db \(path) --format judgments")
        }
    }
}

/// How the reward model refits in the background of the TUI.
struct BackgroundTraining {
    var interval = 20.0
    var minNew = 10

    /// A started trainer; only one process per project fits at a time.
    func start(store: ProjectStore) -> BackgroundTrainer {
        var options = Trainer.Options()
        options.minNew = max(1, minNew)
        let trainer = BackgroundTrainer(trainer: Trainer(store: store, options: options), interval: max(1, interval))
        trainer.start()
        return trainer
    }
}

/// The command-line switches for `BackgroundTraining`.
struct BackgroundTrainingOptions: ParsableArguments {
    @Flag(name: .customLong("no-trainer"), help: "Do not refit the reward model in the background.")
    var noTrainer = false
    @Option(name: .customLong("train-interval"), help: "Seconds between the background trainer's checks for new judgments.")
    var trainInterval = BackgroundTraining().interval
    @Option(name: .customLong("train-min-new"), help: "New judgments (from anyone) needed before the background trainer refits.")
    var trainMinNew = BackgroundTraining().minNew

    /// The settings, or nil when the trainer is turned off.
    var settings: BackgroundTraining? { noTrainer ? nil : BackgroundTraining(interval: trainInterval, minNew: trainMinNew) }
}

/// Opens the annotate screen on the real terminal until the annotator quits, with the
/// reward model refitting in the background.
func runTUI(store: ProjectStore, annotator: String, options: AnnotateSession.Options, training: BackgroundTraining?) throws {
    try requireFullScreenTerminal(for: "annotate")
    let session = try AnnotateSession(store: store, annotator: annotator, options: options)
    let before = session.state.doneToday
    // On PostgreSQL only leads and the trainer role write models; an annotator's screen
    // shows the models they fit.
    let trainer = try store.canWriteModels() ? training?.start(store: store) : nil
    if let trainer { session.modelRunsCompleted = { trainer.completedRuns } }
    let checkpointer = BackgroundCheckpointer(store: store)
    try checkpointer.start()
    let terminal = CursesTerminal(environment: ProcessInfo.processInfo.environment)
    session.run(on: terminal)
    terminal.close()
    trainer?.stop()
    checkpointer.stop()
    if let failure = session.releaseFailure {
        printError("could not hand back the pair on screen (\(failure.localizedDescription)); the others get it when its lease lapses in \(Int(ProjectStore.leaseSeconds / 60)) minutes")
    }
    print("\(annotator): \(session.state.doneToday - before) judgments this session, \(session.state.doneToday) today.")
    if let signal = CursesTerminal.terminationSignal { exit(128 + signal) }
}

extension AnnotateSession.QueueOrder: ExpressibleByArgument {}

/// Refuses, with a sentence, to start a screen where it cannot be shown: standard input and
/// output must be a terminal that can move the cursor.
func requireFullScreenTerminal(for command: String) throws {
    guard isatty(0) == 1 && isatty(1) == 1 else {
        throw UsageError(message: "\(command) needs a terminal (standard input and output must be a TTY)")
    }
    if let reason = CursesTerminal.unusableReason(environment: ProcessInfo.processInfo.environment) {
        throw UsageError(message: "\(command) needs a full-screen terminal, and \(reason)")
    }
}
