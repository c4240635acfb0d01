import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Fill the project with judgments from simulated annotators of known accuracy.",
        discussion: Help.text("""
            Each item that needs judgments gets them from OVERLAP of the simulated annotators
            (sim1…simN), who judge from a hidden reward on the text (the mean of a seeded
            hash value per word) with accuracy 1 − noise·(0.5 + k/n) and a growing lean toward
            the response shown first when wrong. Prints each one's true accuracy and position
            bias, to check `stats`, `reliability` and the model against. Simulated judgments are
            marked as such and left out of exports unless `export --include-simulated`. A project
            that holds judgments by people (or imported labels) is refused unless
            --alongside-human-judgments says to add simulated ones to it.

            Example:
              pairwise simulate --annotators 5 --overlap 3 --noise 0.2 --seed 7
            """)
    )

    @OptionGroup var project: ProjectOptions
    @Option(help: "Simulated annotators.") var annotators = 5
    @Option(help: "Judgments per item.") var overlap = 3
    @Option(help: "How noisy the annotators are, 0…1.") var noise = 0.2
    @Option(help: "Seed for the hidden reward and the judgments.") var seed: UInt64 = 1
    @Option(help: "Share of the items needing judgments to judge (a seeded choice), 0…1.") var share = 1.0
    @Flag(name: .customLong("alongside-human-judgments"), help: "Add simulated judgments to a project that holds human or imported ones.")
    var alongsideHuman = false

    func validate() throws {
        guard annotators >= 1, overlap >= 1, overlap <= annotators else { throw ValidationError("need 1 ≤ --overlap ≤ --annotators") }
        guard (0...1).contains(noise) else { throw ValidationError("--noise must be from 0 to 1") }
        guard (0...1).contains(share) else { throw ValidationError("--share must be from 0 to 1") }
    }

    func run() throws {
        try reportingFailures {
            let store = try project.open()
            try Identity.requireLead(store, "simulated judgments")
            let human = try store.nonSimulatedJudgmentCount()
            if human > 0 && !alongsideHuman {
                throw UsageError(message: "this project holds \(human) judgment\(human == 1 ? "" : "s") by people or from imported files; "
                                 + "simulated ones would take up the overlap their items still need. Pass --alongside-human-judgments to add them anyway "
                                 + "(exports leave simulated judgments out unless --include-simulated).")
            }
            let simulation = Simulation(annotators: annotators, noise: noise, seed: seed)
            let added = try simulation.fill(store, overlap: overlap, share: share)
            print("added \(added) simulated judgments")
            for a in simulation.annotators {
                print("\(a.name)  accuracy " + String(format: "%.3f", a.accuracy) + "  position bias " + String(format: "%.2f", a.positionBias))
            }
        }
    }
}
