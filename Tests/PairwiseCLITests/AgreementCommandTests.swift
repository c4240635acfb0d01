import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

@Suite struct AgreementCommandTests {
    /// Krippendorff's C data as item,annotator,value.
    static let cData: String = {
        let rows: [(String, [Int?])] = [
            ("A", [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil]), ("B", [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3]),
            ("C", [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil]), ("D", [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil]),
        ]
        var lines = ["item,annotator,value"]
        for (coder, values) in rows {
            for (unit, value) in values.enumerated() { lines.append("u\(unit),\(coder),\(value.map(String.init) ?? "")") }
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    /// The project's own `export --format csv` (real PandaLM three-annotator labels) reads
    /// as `item,annotator,value` with the column asked for: the same figures as the file cut
    /// down to those three columns.
    @Test func agreementAndReliabilityReadTheProjectsCSVExport() throws {
        let directory = try TemporaryDirectory("pairwise-agreement-export")
        #expect(try pairwise(["init"], in: directory.url).status == 0)
        let imported = try pairwise(["import", Fixtures.realFormat("pandalm-testset-v1.json"), "--labels-as", "pandalm", "--on-conflict", "skip"],
                                    in: directory.url)
        #expect(imported.status == 0, "\(imported.stderr)")
        let export = try pairwise(["export", "--format", "csv", "--out", "judgments.csv"], in: directory.url)
        #expect(export.status == 0, "\(export.stderr)")
        let lines = try String(contentsOfFile: directory.path("judgments.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines[0].hasPrefix("item_id,annotator,preference_strength,"))
        let cut = ["item,annotator,value"] + lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(3).joined(separator: ",") }
        try (cut.joined(separator: "\n") + "\n").write(toFile: directory.path("cut.csv"), atomically: true, encoding: .utf8)
        for command in [["agreement", "--level", "ordinal", "--json"], ["reliability", "--json"]] {
            let fromExport = try pairwise([command[0], "judgments.csv"] + command.dropFirst(), in: directory.url)
            let fromCut = try pairwise([command[0], "cut.csv"] + command.dropFirst(), in: directory.url)
            #expect(fromExport.status == 0, "\(fromExport.stderr)")
            #expect(!fromExport.stdout.isEmpty && fromExport.stdout == fromCut.stdout)
        }
        let both = try JSONParser.parse(try pairwise(["agreement", "judgments.csv", "--column", "both_bad", "--json"], in: directory.url).stdout)
        #expect(both["ratings"] == .int(lines.count - 1))
        let missing = try pairwise(["agreement", "judgments.csv", "--column", "helpfulness_a"], in: directory.url)
        #expect(missing.status == 65 && missing.stderr.contains("judgments.csv:1: header: no column helpfulness_a"))
    }

    @Test func jsonOnKrippendorffsCData() throws {
        let directory = try TemporaryDirectory("pairwise-agreement")
        try Self.cData.write(toFile: directory.path("c.csv"), atomically: true, encoding: .utf8)
        let run = try pairwise(["agreement", "c.csv", "--level", "interval", "--json"], in: directory.url)
        #expect(run.status == 0)
        let value = try JSONParser.parse(run.stdout.trimmingCharacters(in: .newlines))
        #expect(value["items"] == .int(12) && value["annotators"] == .int(4) && value["ratings"] == .int(41))
        let expected: [(String, Double?)] = [
            ("percent_agreement", 0.8181818181818182), ("krippendorff_alpha", 0.8491071428571428),
            ("fleiss_kappa", 0.7611692754224112), ("cohen_kappa", nil), ("weighted_kappa_linear", nil),
            ("weighted_kappa_quadratic", nil), ("gwet_ac1", 0.775444068126995), ("gwet_ac2", 0.9140007235516047),
        ]
        for (key, target) in expected {
            if let target {
                #expect(abs((value[key]?.doubleValue ?? .nan) - target) < 1e-12, "\(key)")
            } else {
                #expect(value[key] == .null, "\(key)")
            }
        }
        let booted = try pairwise(["agreement", "c.csv", "--level", "interval", "--json", "--bootstrap", "200", "--seed", "3"], in: directory.url)
        let again = try pairwise(["agreement", "c.csv", "--level", "interval", "--json", "--bootstrap", "200", "--seed", "3"], in: directory.url)
        #expect(booted.stdout.contains(#""alpha_ci": ["#))
        #expect(booted.stdout == again.stdout)
    }

    @Test func twoAnnotatorsGetCohensKappa() throws {
        let directory = try TemporaryDirectory("pairwise-agreement")
        let rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4]
        let rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2]
        var lines = ["item,annotator,value"]
        for (n, (a, b)) in zip(rater2, rater3).enumerated() { lines += ["s\(n),r2,\(a)", "s\(n),r3,\(b)"] }
        try lines.joined(separator: "\n").write(toFile: directory.path("anxiety.csv"), atomically: true, encoding: .utf8)
        let run = try pairwise(["agreement", "anxiety.csv", "--level", "ordinal", "--json"], in: directory.url)
        let value = try JSONParser.parse(run.stdout.trimmingCharacters(in: .newlines))
        // irr: unweighted −0.006289308, linear 0.1459075, quadratic 0.2520325.
        #expect(abs((value["cohen_kappa"]?.doubleValue ?? .nan) - -0.006289308) < 1e-9)
        #expect(abs((value["weighted_kappa_linear"]?.doubleValue ?? .nan) - 0.1459075) < 1e-7)
        #expect(abs((value["weighted_kappa_quadratic"]?.doubleValue ?? .nan) - 0.2520325) < 1e-7)
    }

    @Test func badInputNamesTheLineAndEmptyInputGivesNulls() throws {
        let directory = try TemporaryDirectory("pairwise-agreement")
        try "item,annotator,value\nu1,a,1\nu1,b,x\n".write(toFile: directory.path("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try pairwise(["agreement", "bad.csv", "--level", "interval"], in: directory.url)
        #expect(bad.status == 65)
        #expect(bad.stderr == "pairwise: error: bad.csv:3: value: 'x' is not a number (needed at the interval level)\n")
        try "item,rater,value\n".write(toFile: directory.path("header.csv"), atomically: true, encoding: .utf8)
        let header = try pairwise(["agreement", "header.csv"], in: directory.url)
        #expect(header.stderr == "pairwise: error: header.csv:1: header: expected item,annotator,value (or an export --format csv), got item,rater,value\n")
        try "item,annotator,value\n".write(toFile: directory.path("empty.csv"), atomically: true, encoding: .utf8)
        let empty = try pairwise(["agreement", "empty.csv", "--json"], in: directory.url)
        #expect(empty.status == 0)
        #expect(empty.stdout == #"{"items": 0, "annotators": 0, "ratings": 0, "level": "nominal", "percent_agreement": null, "krippendorff_alpha": null, "fleiss_kappa": null, "cohen_kappa": null, "weighted_kappa_linear": null, "weighted_kappa_quadratic": null, "gwet_ac1": null, "gwet_ac2": null, "notes": []}"# + "\n")
    }
}
