import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStore

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score the pairs of a file with the project's newest reward model.",
        discussion: Help.text("""
            Prints each pair's rewards and margin (reward of A minus reward of B, in the file's
            A/B order after import placement); when the file carries labels, also the model's
            accuracy on them. With --json, a model trained with per-response rubric ratings also
            predicts each such attribute of both responses ("attributes": {"helpfulness": {"a": …, "b": …}}).

            Example:
              pairwise score new-pairs.jsonl --json
            """)
    )

    @OptionGroup var project: ProjectOptions
    @Argument(help: "A file in any import format.") var file: String
    @Option(help: "auto, jsonl, hh-rlhf, trl, arena, helpsteer2 or csv.") var format = "auto"
    @Flag(help: "One JSON object per pair, then a summary object.") var json = false

    func run() throws {
        try reportingFailures {
            let store = try project.openForReading()
            guard let latest = try store.latestModelWeights() else {
                throw UsageError(message: "the project has no trained model yet: run `pairwise train` first")
            }
            let bits = latest.parameters["hash_bits"]?.intValue ?? 18
            let embeddingDimension = latest.parameters["embedding_dimension"]?.intValue ?? 0
            let model = RewardModel(featurizer: Featurizer(hashBits: bits, embeddingDimension: embeddingDimension), weights: latest.weights)
            guard latest.weights.count == model.featurizer.dimension else {
                throw UsageError(message: "the stored model's weights do not match its featurizer")
            }
            let heads = try store.latestModelHeads(withWeights: true).filter { $0.weights.count == model.featurizer.dimension + 1 }
                .map { AttributeHead(dimension: $0.dimension, intercept: $0.weights[0], weights: Array($0.weights.dropFirst())) }
            var reader = try RecordReader(bytes: try InputFile.read(path: file), file: file, format: InputFormat(rawValue: format))
            var margins: [(Double, PairExample.Label)] = []
            var count = 0
            // Tab-separated with a header, so that spreadsheets and `cut -f` know the columns.
            if !json { Console.data("item_id\treward_a_minus_b") }
            while let next = try reader.next() {
                guard let item = next.item else {
                    throw UsageError(message: "\(file): a judgments file names items but does not carry them; score an items file")
                }
                let record = (item: item, label: next.meanLabel)
                count += 1
                let words = model.featurizer.promptWords(record.item.prompt.plainText)
                let fa = model.featurizer.features(promptWords: words, response: record.item.responseA.text, embedding: record.item.responseA.embedding)
                let fb = model.featurizer.features(promptWords: words, response: record.item.responseB.text, embedding: record.item.responseB.embedding)
                let a = fa.dot(model.weights), b = fb.dot(model.weights)
                if let label = record.label, let kind = PairExample.label(meanStrength: label.strength, bothBad: label.bothBad) {
                    margins.append((a - b, kind))
                }
                if json {
                    var members = [JSONMember(key: "id", value: .string(record.item.id)), JSONMember(key: "reward_a", value: .double(a)),
                                   JSONMember(key: "reward_b", value: .double(b)), JSONMember(key: "margin", value: .double(a - b))]
                    if !heads.isEmpty {
                        members.append(JSONMember(key: "attributes", value: .object(heads.map {
                            JSONMember(key: $0.dimension, value: .object(["a": .double($0.predict(fa)), "b": .double($0.predict(fb))]))
                        })))
                    }
                    Console.data(JSONWriter.string(.object(members)))
                } else {
                    Console.data("\(record.item.id)\t\(String(format: "%+.4f", a - b))")
                }
            }
            let evaluation = margins.isEmpty ? nil : Evaluation(margins: margins)
            if json {
                var summary: [JSONMember] = [JSONMember(key: "pairs", value: .int(count)), JSONMember(key: "model_run", value: .int(Int(latest.run.id)))]
                if let e = evaluation {
                    summary += [JSONMember(key: "labeled_pairs", value: .int(e.pairs)), JSONMember(key: "accuracy", value: .double(e.accuracy)),
                                JSONMember(key: "log_loss", value: .double(e.logLoss))]
                }
                Console.data(JSONWriter.string(.object(summary)))
            } else if let e = evaluation {
                printError(String(format: "%d labeled pairs: accuracy %.4f, log loss %.4f (model run %lld)", e.pairs, e.accuracy, e.logLoss, latest.run.id))
            }
        }
    }
}
