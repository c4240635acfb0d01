import ArgumentParser
import PairwiseCommandLine
import Foundation
import PairwiseCore
import PairwiseModel
import PairwiseStats
import PairwiseStore
import PairwiseWorkflow

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Agreement, annotator figures and contested items for the project (leads only).",
        discussion: Help.text("""
            Over each annotator's latest judgment per item: agreement on the direction (A / tie /
            B, nominal) and on the strength (−3…+3, ordinal and interval), Krippendorff's alpha
            per rubric dimension; per annotator: judgments, median time, agreement with the
            others' majority, Cohen's kappa with each other annotator, how often they prefer the
            response shown first, their share of ties and both-bad; the strength distribution
            and agreement per strength level; the most contested items. Ranked items: Krippendorff's
            alpha (ordinal) on the ranks, a unit per response, and Kendall's W per item (corrected
            for ties), mean and least concordant.

            Example:
              pairwise stats --json
            """)
    )

    @OptionGroup var project: ProjectOptions
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "How many contested items to list.") var contested = 20

    func run() throws {
        try reportingFailures {
            let store = try project.openForReading()
            try Identity.requireLead(store, "stats (it shows other people's names)")
            let reports = try ProjectReports.assemble(store, dashboard: json)
            let steps = NextSteps.plan(reports, pace: try store.progressPace(), decided: try store.decidedItemIDs())
            if json {
                Console.data(Self.json(reports, contested: contested, nextSteps: steps))
            } else {
                // The contested items' prompts, one line each (printed made safe by `print`'s Console path).
                print((reports.summaryLines(contested: contested, prompts: try reports.contestedPrompts(store, limit: contested))
                       + [""] + NextSteps.lines(steps)).joined(separator: "\n"))
            }
        }
    }

    static func number(_ v: Double?) -> JSONValue { v.map(JSONValue.double) ?? .null }

    static func json(_ q: QualityReport) -> JSONValue {
        .object([
            "gold_items": .int(q.goldItems),
            "drift_policy": .object(["window": .int(q.policy.window), "level": .double(q.policy.level),
                                     "minimum_references": .int(q.policy.minimumReferences), "confidence": .double(q.policy.confidence)]),
            "annotators": .array(q.annotators.map { a in
                .object(["name": .string(a.name), "gold_judged": .int(a.gold.judged), "gold_correct": .int(a.gold.correct),
                         "gold_accuracy": number(a.gold.accuracy), "qualification": .string(a.qualification.name),
                         "recent_references": .int(a.drift.references), "recent_agreed": .int(a.drift.agreed),
                         "recent_agreement": number(a.drift.rate), "recent_accuracy": number(a.drift.accuracy),
                         "probability_below_level": .double(a.drift.probabilityBelowLevel), "drifting": .bool(a.drift.drifting)])
            }),
            "drifting": .array(q.drifting.map { .string($0.name) }),
            "gold_item_misses": .array(q.goldMisses.map { g in
                .object(["item_id": .string(g.name), "answered": .int(g.answered), "missed": .int(g.missed), "miss_rate": .double(g.missRate)])
            }),
            "suggestions": .array(q.suggestions.map { s in
                .object(["source": .string(s.source), "items": .int(s.items), "judgments": .int(s.judgments), "agreed": .int(s.agreed),
                         "agreement": number(s.agreement), "judgments_with_it_shown": .int(s.shown)])
            }),
            "by_guidelines_version": .array(q.versions.map { v in
                .object(["version": v.version.map { .int($0) } ?? .null, "judgments": .int(v.judgments), "direction_alpha": number(v.directionAlpha)])
            }),
        ])
    }

    static func json(_ r: RankingReport, contested limit: Int) -> JSONValue {
        .object([
            "items": .int(r.items), "rankings": .int(r.rankings),
            "krippendorff_alpha_ordinal": number(r.alphaOrdinal), "mean_kendall_w": number(r.meanKendallW),
            "rubric_alpha_ordinal": .object(r.rubricAlpha.map { JSONMember(key: $0.key, value: number($0.alpha)) }),
            "annotators": .array(r.annotators.map { a in
                .object(["name": .string(a.name), "rankings": .int(a.rankings), "consensus_pair_agreement": number(a.consensusAgreement),
                         "dawid_skene_accuracy": number(a.dawidSkeneAccuracy)])
            }),
            "least_concordant": .array(r.contested.prefix(limit).map {
                .object(["item_id": .string($0.itemID), "rankings": .int($0.rankings), "kendall_w": .double($0.kendallW)])
            }),
        ])
    }

    static func json(_ p: Proportion) -> JSONValue {
        let interval = p.interval
        return .object(["successes": .int(p.successes), "trials": .int(p.trials), "share": number(p.share),
                        "low": number(interval?.low), "high": number(interval?.high)])
    }

    static func json(_ d: DashboardFigures) -> JSONValue {
        .object([
            "agreement_by_week": .array(d.agreementByWeek.map { w in
                .object(["week": .string(w.week), "items": .int(w.items), "judgments": .int(w.judgments),
                         "krippendorff_alpha": number(w.alpha), "low": number(w.low), "high": number(w.high)])
            }),
            "bootstrap_resamples": .int(ProjectStatistics.resamples),
            "annotators": .array(d.annotators.map { a in
                .object(["name": .string(a.name), "judgments": .int(a.judgments),
                         "dawid_skene_accuracy": number(a.dawidSkene), "dawid_skene_low": number(a.dawidSkeneLow), "dawid_skene_high": number(a.dawidSkeneHigh),
                         "gold": json(a.gold), "first_shown_preferred": json(a.firstShown)])
            }),
            "drift": .array(d.drift.map { p in
                .object(["annotator": .string(p.annotator), "week": .string(p.week), "agreement_with_others": json(p.agreement)])
            }),
        ])
    }

    static func json(_ reports: ProjectReports, contested limit: Int, nextSteps: [NextStep] = []) -> String {
        let (s, model, quality, ranked) = (reports.statistics, reports.model, reports.quality, reports.ranked)
        func agreement(_ r: AgreementReport) -> JSONValue {
            .object(["krippendorff_alpha": number(r.krippendorffAlpha),
                     "krippendorff_alpha_low": number(r.alphaInterval?.low), "krippendorff_alpha_high": number(r.alphaInterval?.high),
                     "percent_agreement": number(r.percentAgreement),
                     "fleiss_kappa": number(r.fleissKappa), "gwet_ac1": number(r.gwetAC1), "gwet_ac2": number(r.gwetAC2)])
        }
        return JSONWriter.string(.object([
            "judgments": .int(s.judgments), "items": .int(s.items),
            "direction": agreement(s.direction),
            "strength": .object(["ordinal": agreement(s.strengthOrdinal), "interval": agreement(s.strengthInterval)]),
            "rubric": .object(s.rubricAlpha.map { JSONMember(key: $0.key, value: .object(["krippendorff_alpha": number($0.alpha), "level": .string("ordinal")])) }),
            "annotators": .array(s.annotators.map { a in
                .object(["name": .string(a.name), "judgments": .int(a.judgments), "median_seconds": number(a.medianSeconds),
                         "consensus_agreement": number(a.consensusAgreement), "first_shown_preferred": number(a.firstShownPreferred),
                         "tie_share": .double(a.tieShare), "both_bad_share": .double(a.bothBadShare),
                         "mean_absolute_strength": .double(a.meanAbsoluteStrength)])
            }),
            "kappa": .object(s.kappa.keys.sorted().map { a in
                JSONMember(key: a, value: .object(s.kappa[a]!.keys.sorted().map { JSONMember(key: $0, value: .double(s.kappa[a]![$0]!)) }))
            }),
            "strength_distribution": .object((-3...3).map { JSONMember(key: String($0), value: .int(s.strengthCounts[$0 + 3])) }),
            "mean_absolute_strength": number(s.meanAbsoluteStrength),
            "agreement_by_strength": .array(s.strengthLevels.map {
                .object(["level": .int($0.level), "judgments": .int($0.judgments), "agreement": number($0.agreement)])
            }),
            "model": model.map { report in
                func run(_ m: ModelRunSummary) -> JSONValue {
                    let tested = m.heldOutPairs > 0
                    return .object(["run": .int(Int(m.id)), "finished_at": .string(m.finishedAt), "pairs": .int(m.pairs),
                                    "held_out_pairs": .int(m.heldOutPairs), "accuracy": tested ? .double(m.accuracy) : .null,
                                    "log_loss": tested ? .double(m.logLoss) : .null,
                                    "calibration_error": tested ? .double(m.calibrationError) : .null, "train_seconds": .double(m.trainSeconds),
                                    "calibration": .array(m.calibration.map { bin in
                                        let interval = Proportion(bin.correct, of: bin.pairs).interval
                                        return .object(["lower": .double(bin.lower), "pairs": .int(bin.pairs), "mean_confidence": .double(bin.meanConfidence),
                                                        "correct": .int(bin.correct), "low": number(interval?.low), "high": number(interval?.high)])
                                    })])
                }
                guard case .object(var members) = run(report.run) else { return .null }
                members += [
                    JSONMember(key: "strength_agreement", value: .object([
                        "items": .int(report.strengthPairs), "pearson": number(report.strengthPearson), "spearman": number(report.strengthSpearman)])),
                    JSONMember(key: "suspects", value: .array(report.suspects.prefix(limit).map {
                        .object(["item_id": .string($0.itemID), "annotator": .string($0.annotator), "human_strength": .int($0.humanStrength),
                                 "model_strength": .double($0.modelStrength), "confidence": .double($0.confidence)])
                    })),
                    JSONMember(key: "suspect_count", value: .int(report.suspects.count)),
                    JSONMember(key: "next_to_label", value: .array(report.nextToLabel.prefix(limit).map {
                        .object(["item_id": .string($0.itemID), "uncertainty": .double($0.uncertainty), "judgments": .int($0.judgments)])
                    })),
                    JSONMember(key: "history", value: .array(report.history.map(run))),
                    JSONMember(key: "heads", value: .array(report.heads.map {
                        .object(["dimension": .string($0.dimension), "examples": .int($0.examples),
                                 "held_out_rmse": number($0.heldOutRMSE), "held_out_pearson": number($0.heldOutPearson)])
                    })),
                ]
                return .object(members)
            } ?? .null,
            "quality": json(quality),
            "ranked_items": json(ranked, contested: limit),
            "most_contested": .array(s.contested.prefix(limit).map {
                .object(["item_id": .string($0.itemID), "judgments": .int($0.judgments),
                         "direction_agreement": .double($0.directionAgreement), "strength_spread": .int($0.strengthSpread)])
            }),
            "dashboard": reports.dashboard.map(json) ?? .null,
            "leaderboard": reports.leaderboard.map { board in
                .object(["bootstrap_resamples": .int(ProjectReports.leaderboardResamples), "rows": LeaderboardCommand.jsonRows(board)])
            } ?? .null,
            "next_steps": .array(nextSteps.map { step in
                .object(["kind": .string(step.kind.rawValue), "text": .string(step.text), "command": step.command.map(JSONValue.string) ?? .null])
            }),
        ]))
    }
}
