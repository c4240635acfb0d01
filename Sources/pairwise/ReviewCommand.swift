import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseStore
import PairwiseTUI

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review disagreements and decide them (leads only).",
        discussion: Help.text("""
            Lists the items that need a decision, most contested first: two or more judgments
            whose direction is not unanimous or whose strengths spread 3 or more, then flagged
            items, then labels the newest reward model confidently contradicts. For each: the
            prompt, both responses (A first) and every judgment, names hidden until h. Set the
            final preference and rubric values with the annotate keys, press Enter, then pick a
            reason (1 ambiguous, 2 guideline gap, 3 annotator error, 4 both acceptable, 5 other);
            n adds a note. The decision is an adjudication: it overrides the judgments in
            exports. u undoes your last decision; s moves on; :filter narrows the list.

            Example:
              pairwise review
              pairwise review --annotator sim3 --dimension helpfulness
            """)
    )

    @OptionGroup var project: ProjectOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("Review as this lead (default: your login name).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("Only items this annotator judged.", valueName: "name")) var annotator: String?
    @Option(help: ArgumentHelp("Only items whose judgments disagree on this rubric dimension.", valueName: "key")) var dimension: String?
    @Flag(help: "Only flagged items.") var flagged = false

    func validate() throws { if let name { try Identity.validate(name) } }

    func run() throws {
        try reportingFailures {
            let store = try project.open()
            let lead = try Identity.resolve(requested: name, store: store)
            try runReview(store: store, lead: lead, filter: ReviewQueue.Filter(annotator: annotator, dimension: dimension, flaggedOnly: flagged))
        }
    }
}

/// Opens the review screen on the real terminal until the lead quits.
func runReview(store: ProjectStore, lead: String, filter: ReviewQueue.Filter) throws {
    guard try store.role(of: lead) == .lead else {
        throw PermissionError(message: ReviewRefused(name: lead).description)
    }
    if let key = filter.dimension, !(try store.rubric().dimensions.contains { $0.key == key }) {
        throw UsageError(message: "--dimension \(key): the rubric has no such dimension")
    }
    try requireFullScreenTerminal(for: "review")
    let session = try ReviewSession(store: store, lead: lead, filter: filter)
    let checkpointer = BackgroundCheckpointer(store: store)
    try checkpointer.start()
    let terminal = CursesTerminal(environment: ProcessInfo.processInfo.environment)
    session.run(on: terminal)
    terminal.close()
    checkpointer.stop()
    print("\(lead): \(session.state.review?.decided ?? 0) decisions this session.")
    if let signal = CursesTerminal.terminationSignal { exit(128 + signal) }
}
