import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Fit the reward model on the project's labels, once or whenever labels arrive.",
        discussion: Help.text("""
            Each run stores its held-out accuracy, log loss, calibration error, training time
            and every item's rewards, margin and uncertainty (spread of an ensemble of
            bootstrap fits). Only one process fits at a time (a lease in the database, which
            expires if its trainer dies); a run killed midway leaves the previous model in use.

            Example:
              pairwise train
              pairwise train --watch --interval 60 --min-new 20
            """)
    )

    @OptionGroup var project: ProjectOptions
    @Flag(help: "Keep running, refitting when enough new judgments arrived.") var watch = false
    @Option(help: "Seconds between checks with --watch.") var interval = 30.0
    @Option(name: .customLong("min-new"), help: "New judgments needed before refitting.") var minNew = 1
    @Option(help: "Bootstrap fits in the ensemble.") var ensemble = 5
    @Option(help: "Seed for the held-out split and the bootstrap.") var seed: UInt64 = 1
    @Option(name: .customLong("hash-bits"), help: "log2 of the hashed word-feature buckets.") var hashBits = 18
    @Flag(help: "Refit now even when no new judgments arrived (another --seed, other settings).") var force = false
    @Flag(help: "Compute every response's features anew instead of reusing those kept from earlier runs (in the feature cache: beside a SQLite project, `<project>.features`).") var refeaturize = false

    func validate() throws {
        guard minNew >= 1, ensemble >= 1, interval > 0 else { throw ValidationError("--min-new and --ensemble must be 1 or more, --interval positive") }
        guard (8...24).contains(hashBits) else { throw ValidationError("--hash-bits must be between 8 and 24") }
    }

    func run() throws {
        try reportingFailures {
            var options = Trainer.Options()
            options.minNew = minNew
            options.force = force
            options.ensembleSize = ensemble
            options.seed = seed
            options.hashBits = hashBits
            options.refeaturize = refeaturize
            let trainer = Trainer(store: try project.open(), options: options)
            repeat {
                switch try trainer.runOnce() {
                case .trained(let id, let m):
                    print(String(format: "run %lld: %d pairs, held-out accuracy %.4f, log loss %.4f, calibration error %.4f, %.2f s",
                                 id, m.pairs, m.accuracy, m.logLoss, m.calibrationError, m.trainSeconds))
                case .nothingNew(let n):
                    if !watch {
                        print("nothing to do: \(n) new judgment\(n == 1 ? "" : "s") since the last run (need \(minNew)); --force refits anyway")
                    }
                case .leaseHeldByAnother: print("another trainer is fitting this project; not starting a second one")
                case .noLabels: if !watch { print("no labeled pairs yet") }
                }
                if watch { Thread.sleep(forTimeInterval: interval) }
            } while watch
        }
    }
}
