import Foundation
import PairwiseCore
import PairwiseStats
import Testing

/// The dashboard's figures: Wilson intervals against published values, agreement by week
/// against Krippendorff's α on the same items, the drift timeline counted by hand.
@Suite struct DashboardFiguresTests {
    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I,
    /// method 3 (Wilson score), to its four decimals; and statsmodels 0.14's
    /// `proportion_confint(method="wilson")` to 1e-12.
    @Test func wilsonIntervalsAreThePublishedOnes() throws {
        let published: [(Int, Int, Double, Double)] = [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0, 0.1611), (1, 29, 0.0061, 0.1718)]
        for (k, n, low, high) in published {
            let interval = try #require(Proportion(k, of: n).interval)
            #expect(abs(interval.low - low) < 5e-5 && abs(interval.high - high) < 5e-5, "\(k)/\(n)")
        }
        let statsmodels: [(Int, Int, Double, Double)] = [(81, 263, 0.2552885198782742, 0.36620957698280004), (28, 50, 0.4230602802165686, 0.6883780078874284),
                                                         (1, 29, 0.006113214292762667, 0.17175521879320294)]
        for (k, n, low, high) in statsmodels {
            let interval = try #require(Proportion(k, of: n).interval)
            #expect(abs(interval.low - low) < 1e-12 && abs(interval.high - high) < 1e-12, "\(k)/\(n)")
        }
        #expect(Proportion(0, of: 0).interval == nil)
    }

    @Test func weeksStartOnMonday() {
        #expect(Timestamp.dayNumber("2026-12-06T19:10:12.000Z") == 20793)
        #expect(Timestamp.weekStart(20793) == 20787)
        #expect(Timestamp.dayString(20787) == "2026-11-30")
        #expect(Timestamp.weekStart(0) == -3 && Timestamp.dayString(-3) == "1969-12-29")
        #expect(Timestamp.weekStart(20787) == 20787)
        #expect(Timestamp.dayNumber("2026-13-01") == nil && Timestamp.dayNumber("x") == nil)
    }

    static func day(_ text: String) -> Date { Timestamp.date(text + "T12:00:00.000Z")! }

    /// Random direction labels by five annotators over two weeks: items completed in each
    /// week, and each week's α equal to Krippendorff's α over just those items.
    @Test func agreementByWeekIsAlphaOverTheItemsCompletedThatWeek() throws {
        var generator = SplitMix64(seed: 3)
        var judgments: [Judgment] = []
        var completedIn: [String: String] = [:]
        for item in 0..<120 {
            let raters = 1 + Int(generator.next() % 4)
            var latest = ""
            for r in 0..<raters {
                let day = ["2026-11-02", "2026-11-04", "2026-11-09", "2026-11-15"][Int(generator.next() % 4)]
                latest = max(latest, day)
                let strength = [-2, 0, 3][Int(generator.next() % (item % 3 == 0 ? 3 : 2))]
                judgments.append(Judgment(itemID: "i\(item)", annotator: "p\(r)", strength: PreferenceStrength(strength)!, createdAt: Self.day(day)))
            }
            if raters >= 2 { completedIn["i\(item)"] = latest < "2026-11-09" ? "2026-11-02" : "2026-11-09" }
        }
        let figures = DashboardFigures(columns: JudgmentColumns(judgments))
        #expect(figures.agreementByWeek.map(\.week) == ["2026-11-02", "2026-11-09"])
        for week in figures.agreementByWeek {
            let items = Set(completedIn.filter { $0.value == week.week }.keys)
            let table = RatingTable(ratings: judgments.filter { items.contains($0.itemID) }.map {
                (unit: $0.itemID, annotator: $0.annotator, value: $0.strength.value < 0 ? "A" : $0.strength.value > 0 ? "B" : "tie")
            })
            let alpha = try #require(Agreement.krippendorffAlpha(counts: table.counts().filter { $0.reduce(0, +) >= 2 }, values: table.categoryValues, level: .nominal))
            #expect(week.items == items.count)
            #expect(abs(try #require(week.alpha) - alpha) < 1e-12)
            let (low, high) = (try #require(week.low), try #require(week.high))
            #expect(low < alpha && alpha < high && high - low < 0.8)
        }
    }

    /// Accuracy is Dawid–Skene's over the direction table; position bias and the drift
    /// timeline are counted from the judgments.
    @Test func accuracyPositionBiasAndDriftAreCountedFromTheJudgments() throws {
        // Items 1–3 in week 1, 4–5 in week 2; lena agrees with the others' majority on 1, 2, 4 and not on 3, 5.
        let rows: [(String, String, Int, ShownOrder, String)] = [
            ("1", "lena", -2, .ab, "2026-11-03"), ("1", "omar", -1, .ab, "2026-11-03"), ("1", "ana", -3, .ba, "2026-11-03"),
            ("2", "lena", 2, .ba, "2026-11-04"), ("2", "omar", 1, .ab, "2026-11-04"), ("2", "ana", 2, .ab, "2026-11-04"),
            ("3", "lena", 0, .ab, "2026-11-05"), ("3", "omar", 1, .ab, "2026-11-05"), ("3", "ana", 1, .ba, "2026-11-05"),
            ("4", "lena", -1, .ab, "2026-11-10"), ("4", "omar", -1, .ba, "2026-11-10"), ("4", "ana", 2, .ab, "2026-11-10"), ("4", "kim", -2, .ab, "2026-11-10"),
            ("5", "lena", 3, .ab, "2026-11-11"), ("5", "omar", -1, .ab, "2026-11-11"), ("5", "ana", -2, .ab, "2026-11-11"),
        ]
        let judgments = rows.map { Judgment(itemID: $0.0, annotator: $0.1, strength: PreferenceStrength($0.2)!, shownOrder: $0.3, createdAt: Self.day($0.4)) }
        let figures = DashboardFigures(columns: JudgmentColumns(judgments))
        let lena = figures.drift.filter { $0.annotator == "lena" }
        #expect(lena.map(\.week) == ["2026-11-02", "2026-11-09"])
        #expect(lena.map(\.agreement) == [Proportion(2, of: 3), Proportion(1, of: 2)])
        let byName = Dictionary(uniqueKeysWithValues: figures.annotators.map { ($0.name, $0) })
        #expect(figures.annotators.map(\.name) == ["ana", "kim", "lena", "omar"])
        // lena's decisive judgments: A shown first and A preferred (1, 4), B shown first and B preferred (2), B preferred with A first (5).
        #expect(byName["lena"]?.firstShown == Proportion(3, of: 4))
        #expect(byName["omar"]?.firstShown == Proportion(2, of: 5))
        let table = RatingTable(ratings: judgments.map { (unit: $0.itemID, annotator: $0.annotator, value: $0.strength.value < 0 ? "A" : $0.strength.value > 0 ? "B" : "tie") })
        let fit = DawidSkene.fit(table)
        for (a, name) in table.annotators.enumerated() {
            #expect(abs((byName[name]?.dawidSkene ?? -1) - fit.accuracy(annotator: a)) < 1e-12, "\(name)")
        }
        #expect(byName["kim"]?.judgments == 1 && byName["kim"]?.dawidSkeneLow != nil)
    }
}
