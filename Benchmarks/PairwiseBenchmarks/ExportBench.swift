import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore

/// Times exports of a large synthetic project, provenance and model margins included.
struct ExportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export time for ITEMS items and JUDGMENTS judgments, in every format.",
        discussion: Help.text("""
            Builds a temporary project with ITEMS synthetic pairs and JUDGMENTS judgments, one
            finished model run scoring every item, and adjudications on a tenth of the items,
            then times each export (to a file, provenance included) REPEAT times and prints the
            median. Build in release for figures worth quoting.

            Example:
              pairwise bench export --items 100000 --judgments 300000
            """)
    )

    @Option(help: "Items.") var items = 100_000
    @Option(help: "Judgments.") var judgments = 300_000
    @Option(name: .customLong("repeat"), help: "Runs per format.") var repetitions = 3

    func run() throws {
        try reportingFailures {
            try withBenchProject(lead: "lead") { store, directory in
                try store.addSyntheticData(items: items, judgments: judgments, annotators: max(1, (judgments + items - 1) / items))
                let rows = try store.sqlitePool().read { try Int64.fetchAll($0, sql: "SELECT id FROM items ORDER BY id") }
                let run = try store.startModelRun(lastJudgmentID: 0)
                try store.finishModelRun(run, metrics: ModelRunMetrics(pairs: rows.count, accuracy: 0.5, logLoss: 0.7, calibrationError: 0,
                                                                       trainSeconds: 0, parameters: .object([])),
                                         weights: [0], scores: rows.map {
                                             ItemScore(itemRowID: $0, rewardA: Double($0 % 7), rewardB: 3, margin: Double($0 % 7) - 3, uncertainty: 0.1)
                                         })
                try store.addSyntheticAdjudications(every: 10, lead: "lead")
                print("export  \(items) items, \(judgments) judgments, a model run, \(items / 10) adjudications")
                for format in ExportFormat.allCases {
                    var times: [Double] = [], count = 0
                    for _ in 0..<repetitions {
                        let path = directory.appendingPathComponent("out.\(format.rawValue)").path
                        let clock = ContinuousClock()
                        let start = clock.now
                        let sink = try OutputSink(path: path, force: true)
                        count = try store.export(format: format, filter: ExportFilter(), emit: sink.writeLine).written
                        try sink.finish()
                        times.append((clock.now - start).seconds)
                    }
                    print("        \(format.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(count) lines  median \(String(format: "%.2f", times.median)) s  (\(repetitions) runs)")
                }
            }
        }
    }
}
