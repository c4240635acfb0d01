import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseTestSupport
import Testing

/// Random tables with missing values and edge cases, with what krippendorff, irrCAC,
/// scikit-learn and statsmodels compute on them (scripts/reference/generate_agreement_vectors.py).
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    var name: String
    var rows: [[Double?]]
    var expected: [String: Double?]
    var testDescription: String { name }

    static let all: [ReferenceCase] = {
        let path = Fixtures.repository("Tests/PairwiseStatsTests/Fixtures/agreement-vectors.json")
        let data = FileManager.default.contents(atPath: path) ?? Data()
        guard let root = try? JSONParser.parse([UInt8](data)), let cases = root["cases"]?.arrayValue else { return [] }
        return cases.map { c in
            let rows = (c["rows"]?.arrayValue ?? []).map { row in (row.arrayValue ?? []).map { $0.doubleValue } }
            var expected: [String: Double?] = [:]
            for member in c["expected"]?.objectMembers ?? [] { expected[member.key] = member.value.doubleValue }
            return ReferenceCase(name: c["name"]?.stringValue ?? "?", rows: rows, expected: expected)
        }
    }()
}

@Suite struct ReferenceVectorTests {
    @Test func theFixtureIsThere() { #expect(ReferenceCase.all.count == 46) }

    @Test(arguments: ReferenceCase.all)
    func everyStatisticMatchesItsReference(_ reference: ReferenceCase) {
        let table = RatingTable(annotatorRows: reference.rows)
        var ours: [String: Double?] = [
            "percent_agreement": Agreement.percentAgreement(table),
            "gwet_ac1": Agreement.gwetAC(table),
            "fleiss_kappa": Agreement.fleissKappa(table),
            "gwet_ac2_quadratic": Agreement.gwetAC(table, weights: .quadratic),
            "gwet_ac2_linear": Agreement.gwetAC(table, weights: .linear),
            "gwet_ac2_ordinal": Agreement.gwetAC(table, weights: .ordinal),
            "gwet_ac2_ratio": Agreement.gwetAC(table, weights: .ratio),
            "cohen_kappa": Agreement.cohenKappa(table),
            "cohen_kappa_linear": Agreement.cohenKappa(table, weights: .linear),
            "cohen_kappa_quadratic": Agreement.cohenKappa(table, weights: .quadratic),
        ]
        for level in MeasurementLevel.allCases { ours["alpha_\(level.rawValue)"] = Agreement.krippendorffAlpha(table, level: level) }
        if reference.expected["statsmodels_fleiss_kappa"] != nil { ours["statsmodels_fleiss_kappa"] = Agreement.fleissKappa(table) }
        for (key, expected) in reference.expected {
            let mine = ours[key] ?? nil
            switch (mine, expected) {
            case (nil, nil): break
            case (let value?, let target?):
                // irrCAC prints 15 decimals; everything else is exact to rounding.
                #expect(abs(value - target) <= 1e-9, "\(reference.name): \(key) = \(value), reference \(target)")
            default:
                Issue.record("\(reference.name): \(key) = \(String(describing: mine)), reference \(String(describing: expected))")
            }
        }
    }
}
