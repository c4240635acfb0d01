import Foundation
import GRDB
import PairwiseCore
import PairwiseModel
import PairwiseWorkflow
import PairwiseStats
@testable import PairwiseStore
import PairwiseTestSupport
import Testing

/// Statistics read as columns straight from the store are, figure for figure and bit for
/// bit, what the judgment-by-judgment definitions (string-keyed rating tables, as the
/// statistics were first computed) give on the same project.
@Suite struct ProjectStatisticsAtScaleTests {
    static let rubric = Rubric(name: "r", dimensions: [
        Dimension(key: "help", title: "Helpful", guideline: "How helpful each response is.", kind: .perResponse, scale: Scale(min: 1, max: 5), required: false),
        Dimension(key: "overall", title: "Overall", guideline: "Which is better overall.", kind: .comparative, scale: Scale(min: -3, max: 3), required: false),
    ])

    /// A project with random judgments (some revised, some retracted) by five people.
    static func randomProject(_ directory: TemporaryDirectory, seed: UInt64) throws -> ProjectStore {
        let store = try ProjectStore.create(at: directory.path("p.sqlite"), rubric: rubric, lead: "lead")
        let lines = (1...60).map { #"{"id": "item-\#(String(format: "%02d", 61 - $0))", "prompt": "p\#($0)", "response_a": "a", "response_b": "b"}"# }
        try lines.joined(separator: "\n").write(toFile: directory.path("items.jsonl"), atomically: true, encoding: .utf8)
        _ = try store.importFiles([directory.path("items.jsonl")], options: ImportOptions())
        let people = try ["zoe", "amy", "kim", "bo", "lu"].map { try store.person($0).id }
        let items = try store.sqlitePool().read { try Int64.fetchAll($0, sql: "SELECT id FROM items") }
        var random = SplitMix64(seed: seed)
        func pick<T>(_ list: [T]) -> T { list[Int(random.next() % UInt64(list.count))] }
        for _ in 0..<700 {
            try store.sqlitePool().write { db in
                let live = try Int64.fetchAll(db, sql: "SELECT id FROM judgments j WHERE \(ProjectStore.liveJudgment)")
                if random.next() % 8 == 0 && !live.isEmpty {
                    try db.execute(sql: "INSERT INTO judgment_retractions (judgment_id, annotator_id, created_at) VALUES (?, ?, 'x')",
                                   arguments: [pick(live), people[0]])
                    return
                }
                var rubric: [String] = []
                if random.next() % 3 > 0 { rubric.append(#""help": {"a": \#(1 + random.next() % 5), "b": \#(1 + random.next() % 5)}"#) }
                if random.next() % 2 > 0 { rubric.append(#""overall": \#(Int(random.next() % 7) - 3)"#) }
                try db.execute(sql: """
                    INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, shown_order, ms, created_at, origin)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'x', 'tui')
                    """, arguments: [pick(items), pick(people), Int(random.next() % 7) - 3, random.next() % 9 == 0,
                                     "{" + rubric.joined(separator: ", ") + "}", random.next() % 2 == 0 ? "ab" : "ba", Int(random.next() % 20_000)])
            }
        }
        return store
    }

    @Test func columnsFromTheStoreGiveTheDefinitionsFigures() throws {
        for seed: UInt64 in [1, 2, 3] {
            let directory = try TemporaryDirectory()
            let store = try Self.randomProject(directory, seed: seed)
            let judgments = try store.currentJudgments()
            let kept = ProjectStatistics(columns: try store.currentJudgmentColumns(), rubric: Self.rubric)
            let reference = Reference(judgments, rubric: Self.rubric)
            #expect(kept.judgments == judgments.count && kept.items == reference.items)
            for (report, table, level) in [(kept.direction, reference.directions, MeasurementLevel.nominal),
                                           (kept.strengthOrdinal, reference.strengths, .ordinal), (kept.strengthInterval, reference.strengths, .interval)] {
                let expected = AgreementReport(table, level: level)
                #expect(report.krippendorffAlpha == expected.krippendorffAlpha && report.fleissKappa == expected.fleissKappa)
                #expect(report.percentAgreement == expected.percentAgreement && report.gwetAC1 == expected.gwetAC1 && report.gwetAC2 == expected.gwetAC2)
                #expect(report.items == expected.items && report.annotators == expected.annotators && report.ratings == expected.ratings)
                #expect(report.notes == expected.notes)
            }
            #expect(kept.rubricAlpha.map(\.key) == ["help", "overall"])
            #expect(kept.rubricAlpha.map(\.alpha) == reference.rubricAlpha)
            #expect(kept.rubricAlpha.allSatisfy { $0.alpha != nil })
            #expect(kept.annotators.map(\.name) == ["amy", "bo", "kim", "lu", "zoe"])
            for figures in kept.annotators {
                let expected = try #require(reference.annotators[figures.name])
                #expect(figures.judgments == expected.judgments && figures.medianSeconds == expected.medianSeconds)
                #expect(figures.consensusAgreement == expected.consensus && figures.firstShownPreferred == expected.firstShown)
                #expect(figures.tieShare == expected.tieShare && figures.bothBadShare == expected.bothBadShare)
            }
            #expect(kept.kappa == reference.kappa && kept.kappa.count == 5)
            #expect(kept.strengthLevels.map(\.judgments) == reference.levels.map(\.judgments))
            #expect(kept.strengthLevels.map(\.agreement) == reference.levels.map(\.agreement))
            #expect(kept.contested.map(\.itemID) == reference.contested.map(\.itemID))
            #expect(kept.contested.map(\.directionAgreement) == reference.contested.map(\.agreement))
            #expect(kept.contested.map(\.strengthSpread) == reference.contested.map(\.spread))
        }
    }

    /// The first statistics' definitions, over `Judgment` values and string-keyed tables.
    struct Reference {
        var items = 0
        var directions: RatingTable, strengths: RatingTable
        var rubricAlpha: [Double?] = []
        var annotators: [String: (judgments: Int, medianSeconds: Double?, consensus: Double?, firstShown: Double?, tieShare: Double, bothBadShare: Double)] = [:]
        var kappa: [String: [String: Double]] = [:]
        var levels: [(judgments: Int, agreement: Double?)] = []
        var contested: [(itemID: String, agreement: Double, spread: Int)] = []

        static func direction(_ s: Int) -> String { s < 0 ? "A" : s > 0 ? "B" : "tie" }

        init(_ all: [Judgment], rubric: Rubric) {
            var byItem: [String: [Judgment]] = [:]
            for j in all { byItem[j.itemID, default: []].append(j) }
            items = byItem.count
            directions = RatingTable(ratings: all.map { ($0.itemID, $0.annotator, Self.direction($0.strength.value)) })
            strengths = RatingTable(ratings: all.map { ($0.itemID, $0.annotator, String($0.strength.value)) })
            rubricAlpha = rubric.dimensions.map { d in
                var ratings: [(unit: String, annotator: String, value: String)] = []
                for j in all {
                    switch j.rubric[d.key] {
                    case .comparative(let v)?: ratings.append((j.itemID, j.annotator, String(v)))
                    case .perResponse(let a, let b)?: ratings += [(j.itemID + "\u{0}a", j.annotator, String(a)), (j.itemID + "\u{0}b", j.annotator, String(b))]
                    case nil: break
                    }
                }
                return Agreement.krippendorffAlpha(RatingTable(ratings: ratings), level: .ordinal)
            }
            let names = Set(all.map(\.annotator)).sorted()
            for name in names {
                let own = all.filter { $0.annotator == name }
                let times = own.map(\.milliseconds).sorted()
                let median = Double(times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2) / 1000
                var agreeing = 0, compared = 0
                for j in own {
                    var votes: [String: Int] = [:]
                    for o in byItem[j.itemID]! where o.annotator != name { votes[Self.direction(o.strength.value), default: 0] += 1 }
                    let sorted = votes.sorted { $0.value > $1.value }
                    guard let top = sorted.first, sorted.count == 1 || sorted[1].value < top.value else { continue }
                    compared += 1
                    if top.key == Self.direction(j.strength.value) { agreeing += 1 }
                }
                let decisive = own.filter { $0.strength.value != 0 }
                let first = decisive.filter { ($0.shownOrder == .ab) == ($0.strength.value < 0) }.count
                annotators[name] = (own.count, median, compared == 0 ? nil : Double(agreeing) / Double(compared),
                                    decisive.isEmpty ? nil : Double(first) / Double(decisive.count),
                                    Double(own.filter { $0.strength.value == 0 }.count) / Double(own.count),
                                    Double(own.filter(\.bothBad).count) / Double(own.count))
            }
            for (i, a) in names.enumerated() {
                for b in names[(i + 1)...] {
                    let pair = RatingTable(ratings: all.filter { $0.annotator == a || $0.annotator == b }
                        .map { ($0.itemID, $0.annotator == a ? "0" : "1", Self.direction($0.strength.value)) })
                    guard let first = pair.annotators.firstIndex(of: "0"), let k = Agreement.cohenKappa(pair, first: first, second: 1 - first) else { continue }
                    kappa[a, default: [:]][b] = k
                    kappa[b, default: [:]][a] = k
                }
            }
            levels = (0...3).map { level in
                var agree = 0, pairs = 0, n = 0
                for j in all where abs(j.strength.value) == level {
                    n += 1
                    for o in byItem[j.itemID]! where o.annotator != j.annotator {
                        pairs += 1
                        if Self.direction(o.strength.value) == Self.direction(j.strength.value) { agree += 1 }
                    }
                }
                return (n, pairs == 0 ? nil : Double(agree) / Double(pairs))
            }
            contested = byItem.compactMap { id, js in
                let values = js.map(\.strength.value)
                guard let agreement = LabelProvenance.pairwiseAgreement(values.map { $0.signum() }) else { return nil }
                return (id, agreement, values.max()! - values.min()!)
            }.sorted { ($0.agreement, -$0.spread, $0.itemID) < ($1.agreement, -$1.spread, $1.itemID) }
        }
    }
}
