import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore

/// Times one refit of the reward model on a large synthetic project.
struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "One trainer run on ITEMS judged synthetic pairs: seconds, pairs/s, peak memory.",
        discussion: Help.text("""
            Builds a temporary project with ITEMS synthetic pairs, each judged once, then times
            one `pairwise train` run (held-out fit, ensemble, scoring every item, storing).
            Build in release for figures worth quoting.

            Example:
              pairwise bench train --items 100000
            """)
    )

    @Option(help: "Judged pairs.") var items = 100_000
    @Option(help: "Bootstrap fits in the ensemble.") var ensemble = 5

    func run() throws {
        try reportingFailures {
            try withBenchProject { store, _ in
                try store.addSyntheticData(items: items, judgments: items, annotators: 1)
                var options = Trainer.Options()
                options.ensembleSize = ensemble
                let clock = ContinuousClock()
                let start = clock.now
                let outcome = try Trainer(store: store, options: options, holder: "bench").runOnce()
                let seconds = (clock.now - start).seconds
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                guard case .trained(_, let metrics) = outcome else { throw UsageError(message: "no run: \(outcome)") }
                print("train   \(metrics.pairs) pairs, ensemble \(ensemble): \(String(format: "%.2f", seconds)) s (fit \(String(format: "%.2f", metrics.trainSeconds)) s), "
                      + "\(String(format: "%.0f", Double(metrics.pairs) / seconds)) pairs/s, peak memory \(usage.ru_maxrss / 1024) MB, "
                      + "held-out accuracy \(String(format: "%.4f", metrics.accuracy))")
            }
        }
    }
}
