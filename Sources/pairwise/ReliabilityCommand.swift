import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStats

struct ReliabilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reliability",
        abstract: "Annotator reliability and item labels by Dawid–Skene.",
        discussion: Help.text("""
            Reads the same CSV as `agreement` (item,annotator,value; values are categories)
            and fits Dawid–Skene by EM from majority vote. Prints each item's most probable
            label and its posterior, and each annotator's accuracy (Σ prior × P(correct)) and
            confusion matrix (rows: true label, columns: the label the annotator gave).

            Example:
              pairwise reliability directions.csv --json
            """)
    )

    @Argument(help: "The ratings CSV: item,annotator,value, or the project's export --format csv.") var file: String
    @Option(help: ArgumentHelp("In an export --format csv file, the column to rate (default preference_strength; e.g. helpfulness_a).", valueName: "name"))
    var column: String?
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingFailures {
            let table = try RatingsCSV.read(path: file, level: .nominal, column: column)
            let fit = DawidSkene.fit(table)
            if json { Console.data(Self.json(fit, table)) } else { print(Self.text(fit, table)) }
        }
    }

    static func confusion(_ fit: DawidSkene.Result, _ table: RatingTable, annotator a: Int) -> JSONValue {
        .object(table.categoryLabels.enumerated().map { truth, trueLabel in
            JSONMember(key: trueLabel, value: .object(table.categoryLabels.enumerated().map { observed, label in
                JSONMember(key: label, value: .double(fit.errors[a][observed][truth]))
            }))
        })
    }

    static func json(_ fit: DawidSkene.Result, _ table: RatingTable) -> String {
        let labels = table.categoryLabels
        return JSONWriter.string(.object([
            "items": .array(fit.units.enumerated().map { position, u in
                .object([
                    "item": .string(table.units[u]), "label": .string(labels[fit.labels[position]]),
                    "posterior": .double(fit.posteriors[position][fit.labels[position]]),
                    "posteriors": .object(labels.enumerated().map { JSONMember(key: $1, value: .double(fit.posteriors[position][$0])) }),
                ])
            }),
            "annotators": .array(table.annotators.enumerated().map { a, name in
                .object(["annotator": .string(name), "accuracy": .double(fit.accuracy(annotator: a)), "confusion": confusion(fit, table, annotator: a)])
            }),
            "priors": .object(labels.enumerated().map { JSONMember(key: $1, value: .double(fit.priors[$0])) }),
            "iterations": .int(fit.iterations),
        ]))
    }

    static func text(_ fit: DawidSkene.Result, _ table: RatingTable) -> String {
        let labels = table.categoryLabels
        var lines = ["\(fit.units.count) items, \(table.annotators.count) annotators, \(fit.iterations) EM iterations",
                     "priors: " + labels.enumerated().map { "\($1) \(String(format: "%.3f", fit.priors[$0]))" }.joined(separator: ", "), "",
                     "annotator".padding(12) + "accuracy"]
        let order = table.annotators.indices.sorted { fit.accuracy(annotator: $0) > fit.accuracy(annotator: $1) }
        for a in order { lines.append(table.annotators[a].padding(12) + String(format: "%.3f", fit.accuracy(annotator: a))) }
        lines += ["", "item".padding(12) + "label".padding(10) + "posterior"]
        for (position, u) in fit.units.enumerated() {
            lines.append(table.units[u].padding(12) + labels[fit.labels[position]].padding(10)
                         + String(format: "%.3f", fit.posteriors[position][fit.labels[position]]))
        }
        return lines.joined(separator: "\n")
    }
}
