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
        let suspects = try suspectLabels(columns)
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

    /// The current labels the newest model contradicts with at least `suspectConfidence`,
    /// named: items by the columns (a binary search; the database for an item they leave out),
    /// annotators by one read.
    func suspectLabels(_ columns: JudgmentColumns) throws -> [ModelReport.Suspect] {
        let found = try labelsTheModelIsSureAbout(atLeast: ModelReport.suspectConfidence).compactMap { label in
            ModelReport.against(humanStrength: label.humanStrength, modelStrength: label.modelStrength).map { (label, $0) }
        }
        guard !found.isEmpty else { return [] }
        let people = try annotatorNames()
        func place(_ rowID: Int64) -> Int? {
            var low = 0, high = columns.itemCount
            while low < high {
                let middle = (low + high) / 2
                if columns.itemRowIDs[middle] < rowID { low = middle + 1 } else { high = middle }
            }
            return low < columns.itemCount && columns.itemRowIDs[low] == rowID ? low : nil
        }
        let places = found.map { place($0.0.itemRowID) }
        let elsewhere = try itemIDs(rowIDs: Array(Set(zip(found, places).compactMap { $1 == nil ? $0.0.itemRowID : nil })))
        return zip(found, places).map { entry, k in
            let (label, confidence) = entry
            return ModelReport.Suspect(itemID: k.map { columns.itemIDs[$0] } ?? elsewhere[label.itemRowID] ?? "",
                                       annotator: people[label.annotatorID] ?? "", humanStrength: label.humanStrength,
                                       modelStrength: label.modelStrength, confidence: confidence)
        }
    }

    /// The items still short of the overlap the newest model is least sure of: largest
    /// uncertainty first, then by id; all of them tied with the last one listed are compared.
    func nextToLabel(_ columns: JudgmentColumns) throws -> [ModelReport.Candidate] {
        let overlap = try overlap(), limit = ModelReport.nextToLabelLimit
        let uncertainties = try latestUncertainties()
        /// Each item short of the overlap, with its place in the columns when judged.
        func forEachShort(_ body: (_ rowID: Int64, _ uncertainty: Double, _ judged: Int?) -> Void) {
            var k = 0
            uncertainties.forEachHeld { rowID, uncertainty in
                while k < columns.itemCount && columns.itemRowIDs[k] < rowID { k += 1 }
                let judged = k < columns.itemCount && columns.itemRowIDs[k] == rowID ? k : nil
                if (judged.map { columns.judgments(ofItem: $0).count } ?? 0) < overlap { body(rowID, uncertainty, judged) }
            }
        }
        // The limit-th largest uncertainty (a bounded heap: no sort of every short item), then
        // every item at or above it.
        var largest = SmallestOnTop<Double>(capacity: limit)
        forEachShort { _, uncertainty, _ in largest.offer(uncertainty) }
        let threshold = largest.isFull ? largest.top : -Double.infinity
        var short: [(uncertainty: Double, rowID: Int64, item: Int?)] = []
        forEachShort { rowID, uncertainty, judged in if uncertainty >= threshold { short.append((uncertainty, rowID, judged)) } }
        let unjudged = try itemIDs(rowIDs: short.filter { $0.item == nil }.map(\.rowID))
        return short.map { entry in
            let id = entry.item.map { columns.itemIDs[$0] } ?? unjudged[entry.rowID] ?? ""
            return ModelReport.Candidate(itemID: id, uncertainty: entry.uncertainty, judgments: entry.item.map { columns.judgments(ofItem: $0).count } ?? 0)
        }.sorted { ($1.uncertainty, $0.itemID) < ($0.uncertainty, $1.itemID) }.prefix(limit).map { $0 }
    }
}
