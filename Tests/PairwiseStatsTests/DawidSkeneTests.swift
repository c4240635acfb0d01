import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseTestSupport
import Testing

@Suite struct DawidSkeneReferenceTests {
    /// crowd-kit's step-by-step test (tolerance 0.005).
    static let table = RatingTable(ratings: [
        ("t1", "w1", "no"), ("t1", "w2", "yes"), ("t1", "w4", "yes"), ("t1", "w5", "no"),
        ("t2", "w1", "yes"), ("t2", "w2", "yes"), ("t2", "w3", "yes"), ("t2", "w4", "no"), ("t2", "w5", "no"),
        ("t3", "w1", "yes"), ("t3", "w2", "no"), ("t3", "w3", "no"), ("t3", "w4", "yes"), ("t3", "w5", "no"),
        ("t4", "w1", "yes"), ("t4", "w2", "yes"), ("t4", "w3", "yes"), ("t4", "w4", "yes"), ("t4", "w5", "yes"),
        ("t5", "w1", "yes"), ("t5", "w2", "no"), ("t5", "w3", "no"), ("t5", "w4", "no"), ("t5", "w5", "no"),
    ].map { (unit: $0.0, annotator: $0.1, value: $0.2) })

    @Test func initialisedFromMajorityVote() {
        let fit = DawidSkene.fit(Self.table, maxIterations: 0)
        #expect(Self.table.categoryLabels == ["no", "yes"])
        for (mine, theirs) in zip(fit.posteriors.map { $0[0] }, [0.5, 0.4, 0.6, 0, 0.8]) { #expect(abs(mine - theirs) < 0.005) }
        #expect(abs(fit.priors[0] - 0.46) < 0.005 && abs(fit.priors[1] - 0.54) < 0.005)
    }

    @Test func afterOneIteration() {
        let fit = DawidSkene.fit(Self.table, maxIterations: 1)
        for (mine, theirs) in zip(fit.posteriors.map { $0[0] }, [0.35, 0.26, 0.87, 0, 0.95]) { #expect(abs(mine - theirs) < 0.005) }
        #expect(abs(fit.priors[0] - 0.49) < 0.005 && abs(fit.priors[1] - 0.51) < 0.005)
        // w1 and w2's rows for an observed "no": (| true no, | true yes).
        #expect(abs(fit.errors[0][0][0] - 0.14) < 0.005 && abs(fit.errors[0][0][1] - 0.25) < 0.005)
        #expect(abs(fit.errors[1][0][0] - 0.75) < 0.005 && abs(fit.errors[1][0][1] - 0.07) < 0.005)
    }
}

/// Random tasks from annotators of known accuracy, with crowd-kit's DawidSkene output
/// (scripts/reference/generate_dawid_skene_vectors.py).
struct CrowdCase: Sendable, CustomTestStringConvertible {
    var ratings: [(unit: String, annotator: String, value: String)]
    var posteriors: [String: [String: Double]]
    var priors: [String: Double]
    var labels: [String: String]
    var testDescription: String { "\(ratings.count) ratings" }

    static let all: [CrowdCase] = {
        let path = Fixtures.repository("Tests/PairwiseStatsTests/Fixtures/dawid-skene-vectors.json")
        guard let data = FileManager.default.contents(atPath: path), let root = try? JSONParser.parse([UInt8](data)) else { return [] }
        return (root["cases"]?.arrayValue ?? []).map { c in
            let ratings = (c["ratings"]?.arrayValue ?? []).map { r -> (unit: String, annotator: String, value: String) in
                let a = r.arrayValue!
                return (a[0].stringValue!, a[1].stringValue!, a[2].stringValue!)
            }
            var posteriors: [String: [String: Double]] = [:]
            for task in c["posteriors"]?.objectMembers ?? [] {
                posteriors[task.key] = Dictionary(uniqueKeysWithValues: (task.value.objectMembers ?? []).map { ($0.key, $0.value.doubleValue!) })
            }
            let priors = Dictionary(uniqueKeysWithValues: (c["priors"]?.objectMembers ?? []).map { ($0.key, $0.value.doubleValue!) })
            let labels = Dictionary(uniqueKeysWithValues: (c["labels"]?.objectMembers ?? []).map { ($0.key, $0.value.stringValue!) })
            return CrowdCase(ratings: ratings, posteriors: posteriors, priors: priors, labels: labels)
        }
    }()
}

@Suite struct DawidSkeneVectorTests {
    @Test func theFixtureIsThere() { #expect(CrowdCase.all.count == 8) }

    @Test(arguments: CrowdCase.all)
    func matchesCrowdKit(_ c: CrowdCase) {
        let table = RatingTable(ratings: c.ratings)
        let fit = DawidSkene.fit(table)
        for (k, label) in table.categoryLabels.enumerated() { #expect(abs(fit.priors[k] - (c.priors[label] ?? .nan)) < 1e-6) }
        for (position, u) in fit.units.enumerated() {
            let unit = table.units[u]
            for (k, label) in table.categoryLabels.enumerated() {
                #expect(abs(fit.posteriors[position][k] - (c.posteriors[unit]?[label] ?? .nan)) < 1e-6, "\(unit) \(label)")
            }
            #expect(table.categoryLabels[fit.labels[position]] == c.labels[unit])
        }
    }
}
