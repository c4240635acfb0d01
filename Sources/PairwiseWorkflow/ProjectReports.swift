import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStats
import PairwiseStore

/// Every report a lead reads about the project, assembled once from the labels a policy
/// counts: `stats`, `stats --json` and the TUI's stats screen all show these.
public struct ProjectReports: Sendable {
    /// Agreement, annotator figures, strength and contested pairs.
    public var statistics: ProjectStatistics
    /// The newest model's report (nil until a run has finished).
    public var model: ModelReport?
    /// Gold, qualification, drift, suggestions, guidelines versions.
    public var quality: QualityReport
    /// Ranked items: α on the ranks, Kendall's W.
    public var ranked: RankingReport
    /// Agreement by week, accuracy and position bias with intervals, the drift timeline
    /// (nil unless asked for: only `stats --json` and the report show them).
    public var dashboard: DashboardFigures?
    /// The models that wrote the responses, ranked with bootstrap intervals (nil unless the
    /// dashboard was asked for, or when no judged item's responses carry two model names).
    public var leaderboard: Leaderboard?

    /// Bootstrap resamples (seed 1) for the leaderboard's intervals here.
    public static let leaderboardResamples = 200

    /// Reads and computes every report: the agreement figures on this thread, the reports
    /// that read the database on another; with `dashboard`, also the dashboard's figures and
    /// the leaderboard (what `stats --json` and the report show, and `stats` and the stats
    /// screen do not).
    public static func assemble(_ store: ProjectStore, for consumer: LabelPolicy.Consumer = .agreement, dashboard withDashboard: Bool = false) throws -> ProjectReports {
        let policy = LabelPolicy.for(consumer)
        let columns = try store.currentJudgmentColumns(policy: policy)
        let rubric = try store.rubric()
        // The database's reports wait on reads; the dashboard's figures fill that thread.
        let (statistics, (model, quality, ranked, leaderboard, dashboard)) = try inParallel({ ProjectStatistics(columns: columns, rubric: rubric) }, {
            let byItem = try store.rankingsByItem(policy: policy)
            let battles = withDashboard ? try store.modelBattles().table : BattleTable([])
            return (try store.modelReport(columns: columns), try store.qualityReport(columns: columns),
                    RankingReport(byItem.map { ($0.itemID, $0.rankings) }, ratings: byItem.map(\.ratings)),
                    battles.comparisons.isEmpty ? nil : Leaderboard(battles, bootstrap: leaderboardResamples, seed: 1),
                    withDashboard ? DashboardFigures(columns: columns) : nil)
        })
        var figures = dashboard
        figures?.addGold(Dictionary(quality.annotators.map { ($0.name, $0.gold) }, uniquingKeysWith: { first, _ in first }))
        return ProjectReports(statistics: statistics, model: model, quality: quality, ranked: ranked, dashboard: figures, leaderboard: leaderboard)
    }

    /// The reports as text, as `stats` prints them: `contested` items of each list, with
    /// the contested pairs' prompts (one line each) where given.
    public func summaryLines(contested: Int = 20, prompts: [String: String] = [:]) -> [String] {
        var lines = statistics.summaryLines(contested: contested, prompts: prompts)
        if ranked.items > 0 { lines += [""] + ranked.summaryLines(contested: contested) }
        lines += [""] + quality.summaryLines()
        if let model { lines += [""] + model.summaryLines(suspectLimit: contested) }
        return lines
    }

    /// One line per contested pair's prompt (its last line of some length: the question, in
    /// most prompts), for `summaryLines`.
    public func contestedPrompts(_ store: ProjectStore, limit: Int) throws -> [String: String] {
        var prompts: [String: String] = [:]
        for item in statistics.contested.prefix(limit) {
            if let row = try store.itemRowID(externalID: item.itemID), let found = try store.item(rowID: row) {
                let lines = found.prompt.plainText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                prompts[item.itemID] = lines.last { $0.count >= 20 } ?? lines.last ?? ""
            }
        }
        return prompts
    }
}

extension ProjectBattles {
    /// The battles as the leaderboard counts them: a strength's sign is the winner; a 0 is a
    /// tie, or both bad.
    public var table: BattleTable {
        BattleTable(battles.map { b in
            Battle(modelA: b.modelA, modelB: b.modelB, outcome: b.strength < 0 ? .firstWins : b.strength > 0 ? .secondWins : b.bothBad ? .bothBad : .tie)
        })
    }
}
