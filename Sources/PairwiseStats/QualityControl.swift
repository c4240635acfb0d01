import Foundation
import PairwiseCore

/// Where an annotator stands on a project's qualification round: their first `required`
/// gold items, of which they must get `passLevel` right.
/// A passed qualification round kept in the project's settings (`gold remove` records it,
/// so that removing a gold item never unqualifies anyone; `quality retry` clears it).
public struct QualificationPass: Equatable, Sendable {
    public var correct: Int
    public var required: Int
    public init(correct: Int, required: Int) { (self.correct, self.required) = (correct, required) }

    /// From its settings value, "CORRECT/REQUIRED".
    public init?(setting: String) {
        let parts = setting.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        (correct, required) = (parts[0], parts[1])
    }

    public var setting: String { "\(correct)/\(required)" }
}

public enum QualificationStatus: Equatable, Sendable {
    case notRequired
    case inProgress(done: Int, correct: Int, required: Int)
    case passed(correct: Int, required: Int)
    case failed(correct: Int, required: Int)

    /// The status after these gold outcomes (first answers, in the order given). `recorded`:
    /// a round this person passed before gold items were removed, which stays passed.
    public init(goldOutcomes: [Bool], required: Int, passLevel: Double, recorded: QualificationPass? = nil) {
        guard required > 0 else { self = .notRequired; return }
        if let recorded {
            self = .passed(correct: recorded.correct, required: recorded.required)
            return
        }
        let counted = goldOutcomes.prefix(required)
        let correct = counted.filter { $0 }.count
        if counted.count < required {
            self = .inProgress(done: counted.count, correct: correct, required: required)
        } else {
            self = Double(correct) >= passLevel * Double(required) - 1e-9 ? .passed(correct: correct, required: required)
                : .failed(correct: correct, required: required)
        }
    }

    /// Whether this person's judgments count (no round, or passed).
    public var qualified: Bool {
        switch self {
        case .notRequired, .passed: true
        case .inProgress, .failed: false
        }
    }

    /// The status in a word, for JSON.
    public var name: String {
        switch self {
        case .notRequired: "not required"
        case .inProgress: "in progress"
        case .passed: "passed"
        case .failed: "failed"
        }
    }

    /// A few words for tables and the status line.
    public var summary: String {
        switch self {
        case .notRequired: "not required"
        case .inProgress(let done, let correct, let required): "in progress (\(correct)/\(done) right, \(required - done) to go)"
        case .passed(let correct, let required): "passed (\(correct)/\(required))"
        case .failed(let correct, let required): "failed (\(correct)/\(required))"
        }
    }
}

/// When an annotator counts as drifting: over their last `window` judgments, the posterior
/// probability that their accuracy is below `level` reaches `confidence`, with at least
/// `minimumReferences` of those judgments checked against something.
///
/// The evidence (a one-coin model, as Dawid–Skene's with one accuracy per person): a gold
/// answer or a lead's adjudication is certain, so agreeing with it has probability p (the
/// annotator's accuracy); agreeing with another annotator of accuracy a has probability
/// p·a + (1 − p)(1 − a), so every overlapping judgment counts, weighted by how reliable its
/// author is. Each person's a is estimated the same way over their recent judgments (a few
/// rounds, everyone starting at 0.8). The posterior over p (uniform prior) is kept on a grid.
/// A probability rather than the rate itself: checked after every judgment, a rate over a few
/// references would list good annotators on a run of bad luck.
public struct DriftPolicy: Equatable, Sendable {
    public var window: Int
    public var level: Double
    public var minimumReferences: Int
    public var confidence: Double
    /// Judgments per person the accuracies of the others are estimated over.
    public static let estimateWindow = 200

    public init(window: Int = 30, level: Double = 0.75, minimumReferences: Int? = nil, confidence: Double = 0.9) {
        self.window = window
        self.level = level
        self.minimumReferences = minimumReferences ?? max(5, window / 3)
        self.confidence = confidence
    }

    /// Each annotator's estimated accuracy (posterior mean) over their last
    /// `estimateWindow` judgments, the others' accuracies refined over a few rounds.
    public static func accuracies(_ scored: [String: [ScoredJudgment]], rounds: Int = 3) -> [String: Double] {
        var estimate = scored.mapValues { _ in 0.8 }
        for _ in 0..<rounds {
            var next: [String: Double] = [:]
            for (name, judgments) in scored {
                var posterior = AccuracyPosterior()
                for j in judgments.suffix(estimateWindow) { posterior.observe(j, accuracies: estimate) }
                next[name] = posterior.mean
            }
            estimate = next
        }
        return estimate
    }

    /// The finding over one annotator's judgments, oldest first, given everyone's accuracy.
    public func check(_ judgments: [ScoredJudgment], accuracies: [String: Double]) -> DriftCheck {
        let recent = judgments.suffix(window)
        var posterior = AccuracyPosterior()
        var evidenced = 0
        for j in recent where posterior.observe(j, accuracies: accuracies) { evidenced += 1 }
        let references = recent.filter { $0.reference != nil }
        let agreed = references.filter { $0.label == $0.reference }.count
        let below = posterior.probability(below: level)
        return DriftCheck(judgments: recent.count, references: references.count, agreed: agreed,
                          gold: recent.filter(\.gold).count,
                          rate: references.isEmpty ? nil : Double(agreed) / Double(references.count),
                          evidenced: evidenced, accuracy: evidenced == 0 ? nil : posterior.mean, probabilityBelowLevel: below,
                          drifting: evidenced >= minimumReferences && below >= confidence)
    }
}

/// The posterior of an annotator's accuracy on a grid of 200 points in (0, 1).
struct AccuracyPosterior {
    static let grid = (0..<200).map { (Double($0) + 0.5) / 200 }
    var logLikelihood = [Double](repeating: 0, count: 200)

    /// Adds a judgment's evidence; false when it had none (no gold, adjudication or others).
    mutating func observe(_ j: ScoredJudgment, accuracies: [String: Double]) -> Bool {
        if j.settled, let reference = j.reference {
            observe(agreed: j.label == reference, otherAccuracy: 1)
            return true
        }
        for other in j.others {
            observe(agreed: j.label == other.label, otherAccuracy: accuracies[other.annotator] ?? 0.8)
        }
        return !j.others.isEmpty
    }

    mutating func observe(agreed: Bool, otherAccuracy: Double) {
        // An unreliable other says little either way; one worse than chance is not read backwards.
        let a = min(1, max(0.5, otherAccuracy))
        for k in 0..<Self.grid.count {
            let p = Self.grid[k]
            let match = p * a + (1 - p) * (1 - a)
            logLikelihood[k] += Foundation.log(agreed ? match : 1 - match)
        }
    }

    /// Normalized weights (uniform prior).
    var weights: [Double] {
        let top = logLikelihood.max() ?? 0
        let raw = logLikelihood.map { Foundation.exp($0 - top) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    var mean: Double { zip(weights, Self.grid).reduce(0) { $0 + $1.0 * $1.1 } }

    func probability(below level: Double) -> Double {
        zip(weights, Self.grid).reduce(0) { $0 + ($1.1 < level ? $1.0 : 0) }
    }
}

/// An annotator's recent agreement with the references, and whether it is below the level.
public struct DriftCheck: Equatable, Sendable {
    /// Judgments looked at (the window, or fewer), those with a reference (gold answer,
    /// adjudication or consensus), and how many of those agreed with it.
    public var judgments: Int
    public var references: Int
    public var agreed: Int
    /// References that were gold answers.
    public var gold: Int
    public var rate: Double?
    /// Judgments with any evidence (a settled answer or another annotator's label).
    public var evidenced: Int
    /// The estimated accuracy over the window (posterior mean).
    public var accuracy: Double?
    /// The posterior probability that it is below the level.
    public var probabilityBelowLevel: Double
    public var drifting: Bool
}

/// Accuracy on gold items: an annotator's first answer to each, right or wrong.
public struct GoldScore: Equatable, Sendable {
    public var judged: Int
    public var correct: Int

    public init(outcomes: [Bool]) {
        judged = outcomes.count
        correct = outcomes.filter { $0 }.count
    }

    public var accuracy: Double? { judged == 0 ? nil : Double(correct) / Double(judged) }
}
