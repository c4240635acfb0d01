import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseStats

extension MeasurementLevel: ExpressibleByArgument {}

struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Inter-annotator agreement on a ratings CSV.",
        discussion: Help.text("""
            The CSV has the header item,annotator,value (numbers, or any text at the nominal
            level; an empty value is a missing rating). Prints percent agreement,
            Krippendorff's alpha at the chosen level, Fleiss' kappa, Cohen's kappa (two
            annotators; weighted forms above nominal), Gwet's AC1 and AC2, and with
            --bootstrap a seeded 95% interval for alpha.

            Example:
              pairwise agreement ratings.csv --level ordinal --json --bootstrap 1000
            """)
    )

    @Argument(help: "The ratings CSV: item,annotator,value, or the project's export --format csv.") var file: String
    @Option(help: ArgumentHelp("In an export --format csv file, the column to rate (default preference_strength; e.g. helpfulness_a).", valueName: "name"))
    var column: String?
    @Option(help: "nominal, ordinal, interval or ratio.") var level: MeasurementLevel = .nominal
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Bootstrap resamples for alpha's 95% interval (0: none).") var bootstrap = 0
    @Option(help: "Seed for the bootstrap.") var seed: UInt64 = 1

    func validate() throws {
        guard bootstrap >= 0 else { throw ValidationError("--bootstrap must be 0 or more") }
    }

    func run() throws {
        try reportingFailures {
            let table = try RatingsCSV.read(path: file, level: level, column: column)
            let report = AgreementReport(table, level: level, bootstrap: bootstrap, seed: seed)
            if json { Console.data(Self.json(report)) } else { print(Self.text(report)) }
        }
    }

    static func number(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }

    static func json(_ r: AgreementReport) -> String {
        var members: [JSONMember] = [
            JSONMember(key: "items", value: .int(r.items)), JSONMember(key: "annotators", value: .int(r.annotators)),
            JSONMember(key: "ratings", value: .int(r.ratings)), JSONMember(key: "level", value: .string(r.level.rawValue)),
            JSONMember(key: "percent_agreement", value: number(r.percentAgreement)),
            JSONMember(key: "krippendorff_alpha", value: number(r.krippendorffAlpha)),
            JSONMember(key: "fleiss_kappa", value: number(r.fleissKappa)),
            JSONMember(key: "cohen_kappa", value: number(r.cohenKappa)),
            JSONMember(key: "weighted_kappa_linear", value: number(r.weightedKappaLinear)),
            JSONMember(key: "weighted_kappa_quadratic", value: number(r.weightedKappaQuadratic)),
            JSONMember(key: "gwet_ac1", value: number(r.gwetAC1)),
            JSONMember(key: "gwet_ac2", value: number(r.gwetAC2)),
        ]
        if let ci = r.alphaInterval { members.append(JSONMember(key: "alpha_ci", value: .array([.double(ci.low), .double(ci.high)]))) }
        members.append(JSONMember(key: "notes", value: .array(r.notes.map(JSONValue.string))))
        return JSONWriter.string(.object(members))
    }

    static func text(_ r: AgreementReport) -> String {
        func show(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "n/a" }
        var lines = ["\(r.items) items, \(r.annotators) annotators, \(r.ratings) ratings; level \(r.level.rawValue)", ""]
        var alpha = "krippendorff alpha        \(show(r.krippendorffAlpha))"
        if let ci = r.alphaInterval { alpha += "   95% CI [\(show(ci.low)), \(show(ci.high))]" }
        lines += ["percent agreement         \(show(r.percentAgreement))", alpha,
                  "fleiss kappa              \(show(r.fleissKappa))", "cohen kappa               \(show(r.cohenKappa))",
                  "weighted kappa linear     \(show(r.weightedKappaLinear))", "weighted kappa quadratic  \(show(r.weightedKappaQuadratic))",
                  "gwet AC1                  \(show(r.gwetAC1))", "gwet AC2                  \(show(r.gwetAC2))"]
        if !r.notes.isEmpty { lines += [""] + r.notes.map { "note: " + $0 } }
        return lines.joined(separator: "\n")
    }
}
