import PairwiseCore
import PairwiseStats
import Testing

/// The published values collected in ../shared/reference-values.md.
enum Reference {
    /// Krippendorff's "C" data: 4 coders × 12 units.
    static let cData: [[Double?]] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
        [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
    ]

    /// The krippendorff package's test example: 3 coders × 15 units.
    static let packageExample: [[Double?]] = [
        [nil, nil, nil, nil, nil, 3, 4, 1, 2, 1, 1, 3, 3, nil, 3],
        [1, nil, 2, 1, 3, 3, 4, 3, nil, nil, nil, nil, nil, nil, nil],
        [nil, nil, 2, 1, 3, 4, 4, nil, 2, 1, 1, 3, 3, nil, 4],
    ]

    /// irr's anxiety data, rater2 and rater3.
    static let anxiety: [[Double?]] = [
        [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4],
        [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2],
    ]

    /// A table from per-unit category counts (raters are exchangeable).
    static func fromCounts(_ counts: [[Int]]) -> RatingTable {
        var ratings: [(unit: String, annotator: String, value: String)] = []
        for (u, row) in counts.enumerated() {
            var rater = 0
            for (category, count) in row.enumerated() {
                for _ in 0..<count { ratings.append((unit: "u\(u)", annotator: "r\(rater)", value: String(category + 1))); rater += 1 }
            }
        }
        return RatingTable(ratings: ratings)
    }

    static func pair(_ first: [Double], _ second: [Double]) -> RatingTable {
        RatingTable(annotatorRows: [first.map { $0 }, second.map { $0 }])
    }
}

func close(_ value: Double?, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let value else { return false }
    return abs(value - expected) <= tolerance
}

@Suite struct KrippendorffReferenceTests {
    let c = RatingTable(annotatorRows: Reference.cData)
    let example = RatingTable(annotatorRows: Reference.packageExample)

    @Test func krippendorffsCData() {
        #expect(close(Agreement.krippendorffAlpha(c, level: .nominal), 0.743421052631579))
        #expect(close(Agreement.krippendorffAlpha(c, level: .ordinal), 0.8153875037548814))
        #expect(close(Agreement.krippendorffAlpha(c, level: .interval), 0.8491071428571428))
        #expect(close(Agreement.krippendorffAlpha(c, level: .ratio), 0.7974027747116121))
    }

    @Test func theKrippendorffPackagesExample() {
        #expect(close(Agreement.krippendorffAlpha(example, level: .nominal), 0.691358, 1e-6))
        #expect(close(Agreement.krippendorffAlpha(example, level: .interval), 0.810845, 1e-6))
        #expect(close(Agreement.krippendorffAlpha(example, level: .ordinal), 0.8067214199413153))
        #expect(close(Agreement.krippendorffAlpha(example, level: .ratio), 0.8089436707842471))
    }
}

@Suite struct IrrCACReferenceTests {
    // cac.raw4raters is the C data with units as rows: the same table.
    let c = RatingTable(annotatorRows: Reference.cData)

    @Test func percentAgreementAC1AndFleiss() {
        #expect(close(Agreement.percentAgreement(c), 0.8181818, 1e-7))
        #expect(close(Agreement.gwetAC(c), 0.775444068126995))
        #expect(close(Agreement.fleissKappa(c), 0.7611692754224112))
    }

    @Test func gwetAC2WithQuadraticAndLinearWeights() {
        #expect(close(Agreement.gwetAC(c, weights: .quadratic), 0.9140007235516047))
        #expect(close(Agreement.gwetAC(c, weights: .linear), 0.8587391364326115))
    }
}

@Suite struct FleissAndCohenReferenceTests {
    @Test func statsmodelsFleissTable() {
        let table = Reference.fromCounts([
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ])
        #expect(close(Agreement.fleissKappa(table), 0.20993070442195522))
    }

    @Test func irrsAnxietyDataRater2AgainstRater3() {
        let table = RatingTable(annotatorRows: Reference.anxiety)
        #expect(close(Agreement.cohenKappa(table), -0.006289308, 1e-9))
        #expect(close(Agreement.cohenKappa(table, weights: .linear), 0.1459075, 1e-7))
        #expect(close(Agreement.cohenKappa(table, weights: .quadratic), 0.2520325, 1e-7))
    }

    @Test func scikitLearnsCohenKappaTests() {
        let binary = Reference.pair(Array(repeating: 0, count: 40) + Array(repeating: 1, count: 60),
                                    Array(repeating: 0, count: 20) + Array(repeating: 1, count: 20) + Array(repeating: 0, count: 10) + Array(repeating: 1, count: 50))
        #expect(close(Agreement.cohenKappa(binary), 0.348, 1e-3))
        let three = Reference.pair(Array(repeating: 0, count: 46) + Array(repeating: 1, count: 44) + Array(repeating: 2, count: 10),
                                   Array(repeating: 0, count: 50) + Array(repeating: 1, count: 40) + Array(repeating: 2, count: 10))
        #expect(close(Agreement.cohenKappa(three), 0.9315, 1e-4))
        #expect(close(Agreement.cohenKappa(three, weights: .linear), 0.9412, 1e-4))
        #expect(close(Agreement.cohenKappa(three, weights: .quadratic), 0.9541, 1e-4))
    }
}

@Suite struct BootstrapTests {
    @Test func theIntervalIsSeededAndBracketsTheEstimate() throws {
        let c = RatingTable(annotatorRows: Reference.cData)
        let first = try #require(Bootstrap.alphaInterval(c, level: .nominal, samples: 1000, seed: 7))
        let again = try #require(Bootstrap.alphaInterval(c, level: .nominal, samples: 1000, seed: 7))
        #expect(first == again)
        #expect(first.low < 0.743421052631579 && 0.743421052631579 < first.high)
        #expect(Bootstrap.quantile([1, 2, 3, 4], 0.5) == 2.5)
        #expect(Bootstrap.quantile([1, 2, 3, 4, 5], 0.975) == 4.9)
    }
}

@Suite struct RatingsCSVTests {
    @Test func quotedAndUnquotedFilesReadTheSame() throws {
        let plain = "item,annotator,value\nu1,a,1\nu1,b,2\nu2,a,2\nu2,b,2\nu3,a,\n"
        let quoted = "item,annotator,value\n\"u1\",a,1\nu1,\"b\",2\nu2,a,\"2\"\nu2,b,2\nu3,a,\n"
        let x = try RatingsCSV.parse(Array(plain.utf8), file: "p.csv", level: .interval)
        let y = try RatingsCSV.parse(Array(quoted.utf8), file: "q.csv", level: .interval)
        #expect(x.units == ["u1", "u2"] && y.units == ["u1", "u2"])
        #expect(x.cells == [[0, 1], [1, 1]] && y.cells == x.cells)
        #expect(x.categoryValues == [1, 2] && y.categoryValues == [1, 2])
    }

    @Test func errorsNameTheLineOnBothPaths() {
        for (text, expected) in [
            ("item,annotator,value\nu1,a,1\nu1,b\n", "p.csv:3: record: expected 3 fields, got 2"),
            ("item,annotator,value\nu1,a,1\n\"u1\",b\n", "p.csv:3: record: expected 3 fields, got 2"),
            ("item,annotator,value\nu1,,1\n", "p.csv:2: annotator: empty"),
            ("item,annotator,value\nu1,a,-1\n", "p.csv:2: value: -1 is negative (the ratio level needs values ≥ 0)"),
        ] {
            do {
                _ = try RatingsCSV.parse(Array(text.utf8), file: "p.csv", level: .ratio)
                Issue.record("expected \(expected)")
            } catch {
                #expect(error.description == expected)
            }
        }
    }
}

@Suite struct CorrelationTests {
    /// scipy.stats.pearsonr and spearmanr (1.12) on the same vectors, with ties in both.
    @Test func pearsonAndSpearmanMatchScipy() {
        let x: [Double] = [-3, -2, -2, 0, 1, 1, 3, 2, -1, 0]
        let y = [-1.2, -0.4, -0.9, 0.1, 0.3, 0.3, 1.4, 0.2, 0.5, -0.2]
        #expect(abs(Correlation.pearson(x, y)! - 0.8602343551760536) < 1e-12)
        #expect(abs(Correlation.spearman(x, y)! - 0.773020682523926) < 1e-12)
        #expect(Correlation.ranks([5, 1, 5, 3]) == [3.5, 1, 3.5, 2])
        #expect(Correlation.pearson([1, 1, 1], [1, 2, 3]) == nil)
        #expect(Correlation.pearson([1], [2]) == nil)
    }

    /// Ranks by their definition (the values below, and half the ties past one), on values
    /// with many ties, 0 and −0 among them.
    @Test func ranksAreTheMeanPlaceOfTheirTies() {
        var random = SplitMix64(seed: 3)
        let values = (0..<2_000).map { _ -> Double in
            let v = Double(Int(random.next() % 41) - 20) / 4
            return v == 0 && random.next() % 2 == 0 ? -0.0 : v
        }
        let defined = values.map { (v: Double) -> Double in
            let below = values.filter { $0 < v }.count, tied = values.filter { $0 == v }.count
            return Double(below) + Double(tied + 1) / 2
        }
        #expect(Correlation.ranks(values) == defined)
    }
}
