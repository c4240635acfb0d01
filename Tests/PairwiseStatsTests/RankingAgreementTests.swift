import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseTestSupport
import Testing

/// Random rankings of ranked items (3–7 responses, ties, annotators missing at random) with
/// what krippendorff (α ordinal) and scipy (Kendall's W from Friedman's χ²) compute on them:
/// scripts/reference/generate_ranking_vectors.py. Each case also rates the responses 0–4
/// (some rankers leaving them unrated), with krippendorff's α (ordinal) of those values.
struct RankingCase: Sendable, CustomTestStringConvertible {
    var seed: Int
    var items: [RankingAgreement.ItemRankings]
    var alpha: Double?
    var kendallW: [Double?]
    var ratings: [[String: [Int]]]
    var ratingsAlpha: Double?
    var testDescription: String { "seed \(seed)" }

    static let all: [RankingCase] = {
        let path = Fixtures.repository("Tests/PairwiseStatsTests/Fixtures/ranking-vectors.json")
        guard let data = FileManager.default.contents(atPath: path), let root = try? JSONParser.parse([UInt8](data)) else { return [] }
        return (root["cases"]?.arrayValue ?? []).map { c in
            let items = (c["items"]?.arrayValue ?? []).map { item in
                var rankings: RankingAgreement.ItemRankings = [:]
                for member in item["rankings"]?.objectMembers ?? [] {
                    rankings[member.key] = Ranking(ranks: (member.value.arrayValue ?? []).compactMap { $0.doubleValue.map { Int($0) } })
                }
                return rankings
            }
            let ratings = (c["items"]?.arrayValue ?? []).map { item in
                Dictionary(uniqueKeysWithValues: (item["ratings"]?.objectMembers ?? []).map { member in
                    (member.key, (member.value.arrayValue ?? []).compactMap { $0.doubleValue.map { Int($0) } })
                })
            }
            return RankingCase(seed: Int(c["seed"]?.doubleValue ?? -1), items: items, alpha: c["alpha_ordinal"]?.doubleValue,
                               kendallW: (c["kendall_w"]?.arrayValue ?? []).map(\.doubleValue), ratings: ratings,
                               ratingsAlpha: c["ratings_alpha_ordinal"]?.doubleValue)
        }
    }()
}

@Suite struct RankingAgreementTests {
    @Test func theFixtureIsThere() {
        #expect(RankingCase.all.count == 12)
        #expect(RankingCase.all.allSatisfy { $0.items.count == 25 && $0.kendallW.count == 25 })
    }

    @Test(arguments: RankingCase.all)
    func alphaAndKendallsWMatchTheReferences(_ reference: RankingCase) throws {
        let alpha = try #require(RankingAgreement.alpha(reference.items))
        #expect(abs(alpha - (reference.alpha ?? .nan)) <= 1e-9, "α \(alpha), krippendorff \(String(describing: reference.alpha))")
        var compared = 0
        for (item, expected) in zip(reference.items, reference.kendallW) {
            let w = RankingAgreement.kendallW(Array(item.values))
            switch (w, expected) {
            case (nil, nil): break
            case (let mine?, let target?):
                #expect(abs(mine - target) <= 1e-9, "W \(mine), scipy \(target)")
                compared += 1
            default: Issue.record("W \(String(describing: w)), scipy \(String(describing: expected))")
            }
        }
        #expect(compared >= 15)
    }

    /// Per-response rubric values on ranked items: α (ordinal) with a unit per (item,
    /// response), as the report gives it per dimension.
    @Test(arguments: RankingCase.all)
    func ratingsAlphaMatchesTheReference(_ reference: RankingCase) throws {
        #expect(reference.ratings.contains { $0.count >= 2 })
        let alpha = try #require(RankingAgreement.ratingsAlpha(reference.ratings))
        #expect(abs(alpha - (reference.ratingsAlpha ?? .nan)) <= 1e-9, "α \(alpha), krippendorff \(String(describing: reference.ratingsAlpha))")
        let report = RankingReport(reference.items.enumerated().map { ("i\($0)", $1) },
                                   ratings: reference.ratings.map { $0.mapValues { ResponseRatings(["helpfulness": $0]) } })
        #expect(report.rubricAlpha.map(\.key) == ["helpfulness"] && report.rubricAlpha.first?.alpha == alpha)
    }

    /// Textbook cases: perfect concordance, perfect discordance of two, and mid-ranks.
    @Test func kendallsWAtItsBounds() throws {
        let order = try #require(Ranking(ranks: [1, 2, 3, 4]))
        #expect(RankingAgreement.kendallW([order, order, order]) == 1)
        #expect(RankingAgreement.kendallW([order, try #require(Ranking(ranks: [4, 3, 2, 1]))]) == 0)
        #expect(RankingAgreement.kendallW([try #require(Ranking(ranks: [1, 1, 1]))]) == nil)
        #expect(RankingAgreement.kendallW([try #require(Ranking(ranks: [1, 1, 1])), try #require(Ranking(ranks: [1, 1, 1]))]) == nil)
    }

    /// Per annotator: the share of their implied pairs that match the others' Borda
    /// consensus (ties in the consensus not counted), worked by hand.
    @Test func eachAnnotatorAgainstTheOthers() throws {
        func r(_ ranks: [Int]) -> Ranking { Ranking(ranks: ranks)! }
        // Item 0: a and b agree, c reverses them: against b and c together every pair ties for a.
        // Item 1: b and c average to scores 0.5, 0.25, 0.75: a (1, 2, 3) agrees on 1 of 3 pairs.
        let items: [(itemID: String, rankings: RankingAgreement.ItemRankings)] = [
            ("i0", ["a": r([1, 2, 3]), "b": r([1, 2, 3]), "c": r([3, 2, 1])]),
            ("i1", ["a": r([1, 2, 3]), "b": r([1, 3, 2]), "c": r([3, 2, 1])]),
        ]
        let report = RankingReport(items)
        #expect(report.annotators.map(\.name) == ["a", "b", "c"] && report.annotators.map(\.rankings) == [2, 2, 2])
        #expect(report.annotators[0].consensusAgreement == 1.0 / 3)
        #expect(report.annotators.allSatisfy { $0.dawidSkeneAccuracy != nil })
        // Both items: rank sums 5, 6, 7 (or 5, 7, 6), S = 2, W = 12·2 / (3²·(3³ − 3)) = 1/9; ties by id.
        #expect(report.contested.map(\.itemID) == ["i0", "i1"])
        #expect(report.contested.allSatisfy { abs($0.kendallW - 1.0 / 9) < 1e-12 })
    }
}
