import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStore

/// Benchmarks of the hot paths, printing figures (never asserting times).
public struct BenchCommand: ParsableCommand {
    public init() {}
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure import and export throughput on a real file.",
        discussion: Help.text("""
            import: imports FILE into a fresh temporary project (labels included, as annotator
            'bench'), then exports it in every format, REPEAT times, and prints the median and
            best throughput. tui: times rendering a screen and submit-to-next on a large
            project. Build in release for figures worth quoting.

            Example:
              swift run -c release pairwise bench import ../shared/datasets/hh-rlhf/harmless-base-test.jsonl.gz
              swift run -c release pairwise bench tui
            """),
        subcommands: [ImportBench.self, ExportBench.self, TUIBench.self, AnnotatorsBench.self, ModelBench.self, TrainBench.self, ScaleBench.self, RankedBench.self]
    )

    struct ImportBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import and export throughput.",
            discussion: "Example:\n  pairwise bench import data.jsonl.gz --repeat 5"
        )

        @Argument(help: "The file to import.") var file: String
        @Option(help: "auto, jsonl, hh-rlhf, trl, arena, helpsteer2 or csv.") var format: String = "auto"
        @Option(help: "How many times to run.") var `repeat`: Int = 5

        func run() throws {
            try reportingFailures {
                let fileBytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                var imports: [Double] = [], exports: [ExportFormat: [Double]] = [:]
                var summary = ImportSummary()
                var exported: [ExportFormat: (lines: Int, bytes: Int)] = [:]
                for _ in 0..<max(1, self.repeat) { try withBenchProject { store, _ in
                    let options = ImportOptions(format: InputFormat(rawValue: format), labelsAs: "bench")
                    let clock = ContinuousClock()
                    let start = clock.now
                    summary = try store.importFiles([file], options: options)
                    imports.append((clock.now - start).seconds)
                    for exportFormat in ExportFormat.allCases {
                        var lines = 0, bytes = 0
                        let exportStart = clock.now
                        try store.export(format: exportFormat, filter: ExportFilter()) { line in
                            lines += 1
                            bytes += line.utf8.count + 1
                        }
                        exports[exportFormat, default: []].append((clock.now - exportStart).seconds)
                        exported[exportFormat] = (lines, bytes)
                    }
                } }
                let mb = Double(summary.bytes) / 1_000_000
                print("import  \(file)")
                print("        \(summary.records) records, \(String(format: "%.2f", mb)) MB decompressed (\(String(format: "%.2f", Double(fileBytes) / 1_000_000)) MB on disk), \(imports.count) runs")
                for (label, seconds) in [("median", imports.median), ("best", imports.min()!)] {
                    print("        \(label): \(format(seconds * 1000)) ms  \(format(mb / seconds)) MB/s  \(format(Double(summary.records) / seconds)) pairs/s")
                }
                for exportFormat in ExportFormat.allCases {
                    let times = exports[exportFormat]!
                    let (lines, bytes) = exported[exportFormat]!
                    let seconds = times.median
                    print("export  \(exportFormat.rawValue.padding(10)) \(lines) lines, median \(format(seconds * 1000)) ms  "
                          + "\(format(Double(bytes) / 1_000_000 / seconds)) MB/s  \(format(Double(lines) / seconds)) lines/s")
                }
            }
        }

        func format(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.2f", value) }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension Array where Element == Double {
    var median: Double {
        let sorted = self.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// Runs `body` on a new project in a temporary folder, removed afterwards.
func withBenchProject<T>(rubric: Rubric = Rubric(name: "bench", dimensions: []), lead: String? = nil,
                         _ body: (ProjectStore, URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pairwise-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try ProjectStore.create(at: directory.appendingPathComponent("bench.sqlite").path, rubric: rubric, lead: lead)
    return try body(store, directory)
}
