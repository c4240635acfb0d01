import Foundation
import PairwiseCore
import PairwiseStats
import PairwiseStore

/// One thing a lead might do next, with the command that does it.
public struct NextStep: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case review, drift, qualification, labels, model
    }

    public var kind: Kind
    public var text: String
    public var command: String?

    public init(kind: Kind, text: String, command: String?) {
        (self.kind, self.text, self.command) = (kind, text, command)
    }
}

/// What `stats` ends with: the project's open questions, most pressing first, each sized from
/// the same reports the figures above it come from.
public enum NextSteps {
    /// Labels the model's held-out accuracy must have been flat over to say so.
    public static let flatOver = 500
    /// A change in held-out accuracy smaller than this is flat.
    public static let flatBelow = 0.01

    public static func plan(_ reports: ProjectReports, pace: ProgressPace, decided: Set<String>) -> [NextStep] {
        var steps: [NextStep] = []
        let contested = reports.statistics.contested.filter { item in
            !decided.contains(item.itemID) && ReviewFilter.isContested(agreement: item.directionAgreement, spread: item.strengthSpread)
        }.count
        if contested > 0 {
            steps.append(NextStep(kind: .review, text: "\(count(contested, "item")) contested", command: "pairwise review"))
        }
        for annotator in reports.quality.drifting {
            let drift = annotator.drift
            steps.append(NextStep(kind: .drift, text: "\(annotator.name) drifting (\(drift.agreed)/\(drift.references) recent labels agree with gold and settled answers): check with them",
                                  command: "pairwise review --annotator \(ShellWord.quoted(annotator.name))"))
        }
        for annotator in reports.quality.annotators {
            if case .failed(let correct, let required) = annotator.qualification {
                steps.append(NextStep(kind: .qualification, text: "\(annotator.name) did not qualify (\(correct)/\(required)): another round when ready",
                                      command: "pairwise quality retry \(ShellWord.quoted(annotator.name))"))
            }
        }
        if pace.itemsNeedingLabels > 0 {
            var text = "\(count(pace.itemsNeedingLabels, "item")) need labels (\(count(pace.labelsNeeded, "label")))"
            if let daysLeft = pace.daysLeft {
                let rate = pace.labelsPerDay < 10 ? String(format: "%.1f", pace.labelsPerDay) : grouped(Int(pace.labelsPerDay.rounded()))
                text += String(format: ": ~%.1f days at this week's pace (%@ a day)", daysLeft, rate)
            } else {
                text += ": no labels in the past \(pace.days) days"
            }
            steps.append(NextStep(kind: .labels, text: text, command: "pairwise annotate"))
        }
        if let flat = flatAccuracy(reports.model?.history ?? []) {
            steps.append(NextStep(kind: .model, text: String(format: "model accuracy flat for %@ (%.2f → %.2f): the most uncertain pairs already come first; consider more annotators per item or clearer guidelines",
                                                             count(flat.labels, "label"), flat.from, flat.to),
                                  command: "pairwise guidelines set FILE.md"))
        }
        return steps
    }

    /// The newest run's held-out accuracy against the newest run at least `flatOver` pairs
    /// before it, when it moved less than `flatBelow` (runs with too few held-out pairs skipped).
    static func flatAccuracy(_ history: [ModelRunSummary]) -> (labels: Int, from: Double, to: Double)? {
        let runs = history.filter { $0.heldOutPairs >= 30 }.sorted { $0.id < $1.id }
        guard let newest = runs.last,
              let earlier = runs.last(where: { newest.pairs - $0.pairs >= flatOver }),
              abs(newest.accuracy - earlier.accuracy) < flatBelow else { return nil }
        return (newest.pairs - earlier.pairs, earlier.accuracy, newest.accuracy)
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(grouped(n)) \(noun)\(n == 1 ? "" : "s")" }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// The steps as `stats` prints them.
    public static func lines(_ steps: [NextStep]) -> [String] {
        guard !steps.isEmpty else { return ["next steps: none (nothing contested, no one drifting, every item labelled)"] }
        return ["next steps:"] + steps.map { "  " + $0.text + ($0.command.map { "  → " + $0 } ?? "") }
    }
}
