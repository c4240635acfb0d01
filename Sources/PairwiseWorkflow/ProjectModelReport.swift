import PairwiseCore
import PairwiseStats
import PairwiseModel
import PairwiseStore

extension ProjectStore {
    /// The newest model's report on the project (nil until a run has finished), from the
    /// current judgments as columns (read here unless given) and indexed queries.
    public func modelReport(columns given: JudgmentColumns? = nil) throws -> ModelReport? {
        guard let run = try latestModelRun() else { return nil }
        let columns = try given ?? currentJudgmentColumns()
        let suspects = try labelsTheModelIsSureAbout(atLeast: ModelReport.suspectConfidence).compactMap { label in
            ModelReport.against(humanStrength: label.humanStrength, modelStrength: label.modelStrength).map {
                ModelReport.Suspect(itemID: label.itemID, annotator: label.annotator, humanStrength: label.humanStrength,
                                    modelStrength: label.modelStrength, confidence: $0)
            }
        }
        // Mean human strength (both bad left out) beside the held-out margin, by item id.
        var paired: [(rank: Int32, human: Double, model: Double)] = []
        var next = 0
        let margins = try latestHeldOutMargins()
        for k in 0..<columns.itemCount {
            while next < margins.count && margins[next].itemRowID < columns.itemRowIDs[k] { next += 1 }
            guard next < margins.count, margins[next].itemRowID == columns.itemRowIDs[k] else { continue }
            var total = 0.0, count = 0
            for i in columns.judgments(ofItem: k) where !columns.bothBad[i] {
                total += Double(columns.strength[i])
                count += 1
            }
            if count > 0 { paired.append((columns.itemIDRanks[k], total / Double(count), -margins[next].margin)) }
        }
        paired.sort { $0.rank < $1.rank }
        return ModelReport(run: run, history: try modelRunHistory(), suspects: suspects, humanStrengths: paired.map(\.human),
                           modelStrengths: paired.map(\.model), nextToLabel: try nextToLabel(columns), heads: try latestModelHeads())
    }

    /// The items still short of the overlap the newest model is least sure of: largest
    /// uncertainty first, then by id.
    func nextToLabel(_ columns: JudgmentColumns) throws -> [ModelReport.Candidate] {
        let overlap = try overlap(), limit = ModelReport.nextToLabelLimit
        var short: [(uncertainty: Double, rowID: Int64, item: Int?)] = []
        var k = 0
        for (rowID, uncertainty) in try latestUncertaintiesByRow() {
            while k < columns.itemCount && columns.itemRowIDs[k] < rowID { k += 1 }
            let judged = k < columns.itemCount && columns.itemRowIDs[k] == rowID ? k : nil
            if (judged.map { columns.judgments(ofItem: $0).count } ?? 0) < overlap { short.append((uncertainty, rowID, judged)) }
        }
        short.sort { $0.uncertainty > $1.uncertainty }
        // Everything tied with the last one listed, so that ties go by id.
        if short.count > limit { short = Array(short.prefix { $0.uncertainty >= short[limit - 1].uncertainty }) }
        let unjudged = try itemIDs(rowIDs: short.filter { $0.item == nil }.map(\.rowID))
        return short.map { entry in
            let id = entry.item.map { columns.itemIDs[$0] } ?? unjudged[entry.rowID] ?? ""
            return ModelReport.Candidate(itemID: id, uncertainty: entry.uncertainty, judgments: entry.item.map { columns.judgments(ofItem: $0).count } ?? 0)
        }.sorted { ($1.uncertainty, $0.itemID) < ($0.uncertainty, $1.itemID) }.prefix(limit).map { $0 }
    }
}
