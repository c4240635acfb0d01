import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseModel
import PairwiseWorkflow

/// Whether ranked items train a better reward model than one pair per item.
struct RankedBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranked",
        abstract: "Reward model from ranked items against one random pair per item, on simulated annotators.",
        discussion: Help.text("""
            Simulated annotators rank RESPONSES responses of ITEMS items by Plackett–Luce on a known
            reward (SyntheticPreferences' words and values). The reward model is fitted on every
            implied pair weighted 2/k (what the trainer does), every implied pair at weight 1, and
            one random implied pair per item, and scored on 2,000 fresh pairs against the true
            reward, averaged over SEEDS seeds.

            Example:
              pairwise bench ranked --items 300 --responses 4
            """)
    )

    @Option(help: "Ranked items.") var items = 300
    @Option(help: "Responses per item (3 to 9).") var responses = 4
    @Option(help: "Seeds to average over.") var seeds = 5

    func validate() throws {
        guard (3...9).contains(responses) else { throw ValidationError("--responses takes 3 to 9") }
        guard items >= 1, seeds >= 1 else { throw ValidationError("--items and --seeds take 1 or more") }
    }

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let results = RankedTrainingBenchmark.run(items: items, responses: responses, seeds: (1...seeds).map(UInt64.init))
        print("ranked  \(items) items of \(responses) responses, \(seeds) seeds, held-out accuracy against the true reward:")
        for result in results {
            print("        \(result.policy.padding(toLength: 32, withPad: " ", startingAt: 0)) \(String(format: "%6d", result.pairs)) pairs  "
                  + String(format: "accuracy %.4f", result.accuracy))
        }
        print(String(format: "        (%.1f s)", (clock.now - start).seconds))
    }
}
