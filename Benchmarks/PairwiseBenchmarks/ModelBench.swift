import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow

/// Cross-validated accuracy and fitting speed of the reward model on a labeled file.
struct ModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "k-fold accuracy, log loss, calibration and fit time of the reward model.",
        discussion: Help.text("""
            Reads the labeled pairs of FILE (hh-rlhf, trl, arena, helpsteer2), featurizes them
            and runs seeded k-fold cross-validation. Compare with
            scripts/reference/baseline_reward.py (scikit-learn on the same file). Build in
            release (swift build -c release) for figures worth quoting.

            Example:
              pairwise bench model ../shared/datasets/hh-rlhf/harmless-base-test.jsonl.gz
            """)
    )

    @Argument(help: "A labeled file.") var file: String
    @Option(help: "Folds.") var folds = 5
    @Option(help: "Seed for the fold split.") var seed: UInt64 = 1
    @Option(help: "L2 strength.") var l2 = 1e-3
    @Option(name: .customLong("hash-bits"), help: "log2 of the hashed feature buckets.") var hashBits = 18

    func run() throws {
        try reportingFailures {
            let bytes = try InputFile.read(path: file)
            var reader = try RecordReader(bytes: bytes, file: file, format: nil)
            let featurizer = Featurizer(hashBits: hashBits)
            let clock = ContinuousClock()
            let start = clock.now
            var examples: [PairExample] = []
            while let record = try reader.next() {
                guard let label = record.meanLabel, let item = record.item else { continue }
                if let e = PairExample.from(item: item, meanStrength: label.strength, bothBad: label.bothBad, featurizer: featurizer) {
                    examples.append(e)
                }
            }
            let featurized = (clock.now - start).seconds
            let fitStart = clock.now
            let evaluation = Evaluation.crossValidate(examples, folds: folds, seed: seed, featurizer: featurizer,
                                                      options: RewardModel.Options(l2: l2))
            let seconds = (clock.now - fitStart).seconds
            print("\(examples.count) labeled pairs from \(file); featurized in \(String(format: "%.2f", featurized)) s")
            print(String(format: "%d-fold CV: accuracy %.4f  log loss %.4f  calibration error %.4f  (%d fits in %.2f s, %.0f pairs/s per fit)",
                         folds, evaluation.accuracy, evaluation.logLoss, evaluation.calibrationError, folds, seconds,
                         Double(examples.count) * Double(folds - 1) / Double(folds) / (seconds / Double(folds))))
        }
    }
}
