import PairwiseCore
import PairwiseStats
import PairwiseModel
import PairwiseStore

extension ProjectStore {
    /// The project's quality-control report: gold accuracy, qualification and drift per
    /// annotator under the project's settings, suggestions against people, agreement per
    /// guidelines version (from `columns`, the current judgments when already read).
    public func qualityReport(columns: JudgmentColumns? = nil) throws -> QualityReport {
        let settings = try qualitySettings()
        // Each person's newest judgments: all the drift check and the accuracy estimate read.
        let newest = max(DriftPolicy.estimateWindow, settings.driftWindow)
        return QualityReport(scored: try scoredJudgments(newest: newest), goldItems: try goldItemIDs().count,
                             qualificationItems: settings.qualificationItems, qualificationPass: settings.qualificationPass,
                             exempt: Set(try annotators().filter { $0.role == .lead }.map(\.name)),
                             roundStarts: settings.qualificationRoundStarts,
                             passes: settings.qualificationPasses.compactMapValues(QualificationPass.init(setting:)),
                             policy: DriftPolicy(window: settings.driftWindow, level: settings.driftLevel),
                             suggestions: try suggestionAgreement().map {
                                 QualityReport.SuggestionSource(source: $0.source, items: $0.items, judgments: $0.judgments, agreed: $0.agreed, shown: $0.shown)
                             },
                             versions: try (columns ?? currentJudgmentColumns()).directionCountsByGuidelinesVersion(),
                             goldItemNames: Dictionary(uniqueKeysWithValues: try goldItems().compactMap { gold in
                                 try itemRowID(externalID: gold.itemID).map { ($0, gold.itemID) }
                             }))
    }
}
