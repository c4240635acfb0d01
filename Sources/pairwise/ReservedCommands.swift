import ArgumentParser

/// Commands whose names are taken by work still to come: they say so and exit with 69.
protocol ReservedCommand: ParsableCommand {
    static var arrivesWith: String { get }
}

extension ReservedCommand {
    func run() throws {
        throw fail("`pairwise \(Self.configuration.commandName ?? "")` is not built yet: it arrives with \(Self.arrivesWith)",
                   status: ExitStatus.unavailable)
    }
}

struct ReviewCommand: ReservedCommand {
    static let configuration = CommandConfiguration(commandName: "review", abstract: "Review disagreements and adjudicate (coming).",
                                                    discussion: "Example:\n  pairwise review")
    static let arrivesWith = "the leads' review screen"
}

