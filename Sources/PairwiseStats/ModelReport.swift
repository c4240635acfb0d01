import Foundation
import PairwiseCore

/// What the newest reward model says about the project: labels it confidently contradicts,
/// how well its strength agrees with the humans', and how accuracy grew with the labels.
public struct ModelReport: Sendable {
    /// A judgment whose direction the model contradicts with at least `suspectConfidence`.
    public struct Suspect: Sendable, Equatable {
        public var itemID: String
        public var annotator: String
        public var humanStrength: Int
        /// The model's strength (negative: prefers A), from its held-out margin when it has one.
        public var modelStrength: Double
        /// P(the side the human did not choose is better) under the model.
        public var confidence: Double

        public init(itemID: String, annotator: String, humanStrength: Int, modelStrength: Double, confidence: Double) {
            (self.itemID, self.annotator, self.humanStrength, self.modelStrength, self.confidence) = (itemID, annotator, humanStrength, modelStrength, confidence)
        }
    }

    /// An item still short of the overlap target, by how unsure the model is of it.
    public struct Candidate: Sendable, Equatable {
        public var itemID: String
        /// Spread of the ensemble's margins.
        public var uncertainty: Double
        public var judgments: Int

        public init(itemID: String, uncertainty: Double, judgments: Int) {
            self.itemID = itemID
            self.uncertainty = uncertainty
            self.judgments = judgments
        }
    }

    /// A model probability at or above this, against the human's side, makes a suspect.
    public static let suspectConfidence = 0.75

    public var run: ModelRunSummary
    /// Every finished run, oldest first.
    public var history: [ModelRunSummary]
    /// Most confident contradictions first.
    public var suspects: [Suspect]
    /// Items compared (labeled, not both bad, with a held-out margin).
    public var strengthPairs: Int
    /// Correlation of the model's strength with the items' mean human strength.
    public var strengthPearson: Double?
    public var strengthSpearman: Double?
    /// The run's regression heads for per-response rubric dimensions.
    public var heads: [ModelHeadFigures]
    /// Worth labeling next: items with fewer judgments than the overlap target, most
    /// uncertain first (the order `annotate --order uncertainty` follows), at most 50.
    public var nextToLabel: [Candidate]

    /// Builds the report from its parts: suspects in any order (sorted here), and for the
    /// items with a held-out margin, in item id order, the mean human strength (both-bad
    /// judgments left out) and the model's.
    public init(run: ModelRunSummary, history: [ModelRunSummary], suspects: [Suspect], humanStrengths: [Double], modelStrengths: [Double],
                nextToLabel: [Candidate], heads: [ModelHeadFigures] = []) {
        self.run = run
        self.history = history
        self.heads = heads
        self.nextToLabel = nextToLabel
        self.suspects = suspects.sorted {
            $0.confidence != $1.confidence ? $0.confidence > $1.confidence
                : abs($0.humanStrength) != abs($1.humanStrength) ? abs($0.humanStrength) > abs($1.humanStrength)
                : ($0.itemID, $0.annotator) < ($1.itemID, $1.annotator)
        }
        strengthPairs = humanStrengths.count
        strengthPearson = Correlation.pearson(humanStrengths, modelStrengths)
        strengthSpearman = Correlation.spearman(humanStrengths, modelStrengths)
    }

    /// Builds the report from the current judgments and the newest run's scores by item id.
    public init(run: ModelRunSummary, history: [ModelRunSummary], judgments: [Judgment], scores: [String: ItemScore],
                heads: [ModelHeadFigures] = [], overlap: Int = 3) {
        var counts: [String: Int] = [:]
        for j in judgments { counts[j.itemID, default: 0] += 1 }
        let next = Array(scores.compactMap { id, score in
            (counts[id] ?? 0) < overlap ? Candidate(itemID: id, uncertainty: score.uncertainty, judgments: counts[id] ?? 0) : nil
        }.sorted { ($1.uncertainty, $0.itemID) < ($0.uncertainty, $1.itemID) }.prefix(Self.nextToLabelLimit))
        var suspects: [Suspect] = []
        var sums: [String: (total: Double, count: Int)] = [:]
        for j in judgments where !j.bothBad {
            guard let score = scores[j.itemID] else { continue }
            sums[j.itemID, default: (0, 0)].total += Double(j.strength.value)
            sums[j.itemID, default: (0, 0)].count += 1
            if let confidence = Self.against(humanStrength: j.strength.value, modelStrength: score.modelStrength) {
                suspects.append(Suspect(itemID: j.itemID, annotator: j.annotator, humanStrength: j.strength.value,
                                        modelStrength: score.modelStrength, confidence: confidence))
            }
        }
        var human: [Double] = [], model: [Double] = []
        for (item, sum) in sums.sorted(by: { $0.key < $1.key }) {
            guard let heldOut = scores[item]?.heldOutMargin else { continue }
            human.append(sum.total / Double(sum.count))
            model.append(-heldOut)
        }
        self.init(run: run, history: history, suspects: suspects, humanStrengths: human, modelStrengths: model, nextToLabel: next, heads: heads)
    }

    /// How many items `nextToLabel` lists.
    public static let nextToLabelLimit = 50

    /// The model's probability that the side a human did not choose is better, when at
    /// least `suspectConfidence` (nil for a tie, or when the model is less sure).
    public static func against(humanStrength: Int, modelStrength: Double) -> Double? {
        guard humanStrength != 0 else { return nil }
        // P(A better) = σ(margin); the human chose A when the strength is negative.
        let pA = 1 / (1 + exp(modelStrength))
        let against = humanStrength < 0 ? 1 - pA : pA
        return against >= suspectConfidence ? against : nil
    }

    /// Item ids with at least one suspect judgment.
    public var suspectItems: Set<String> { Set(suspects.map(\.itemID)) }

    /// Lines for the stats screen: the newest run, the learning curve as bars, agreement
    /// with human strength, the rubric heads, and the top suspects (with the annotator's
    /// name unless `showNames` is false).
    public func summaryLines(suspectLimit: Int = 10, showNames: Bool = true) -> [String] {
        var lines = ["Reward model"]
        lines.append(run.heldOutPairs > 0
            ? String(format: "  run %lld: %d pairs, held-out accuracy %.3f on %d, log loss %.3f, calibration error %.3f",
                     run.id, run.pairs, run.accuracy, run.heldOutPairs, run.logLoss, run.calibrationError)
            : String(format: "  run %lld: %d pairs, too few to hold any out", run.id, run.pairs))
        lines += ["", "  Held-out accuracy as labels grew (bar from 0.5, chance, to 1.0):"]
        lines += Self.learningCurve(history.suffix(12))
        lines.append("")
        if let r = strengthPearson, let rho = strengthSpearman {
            lines.append(String(format: "  Model vs human strength on %d items (held-out): Pearson r %.3f, Spearman ρ %.3f", strengthPairs, r, rho))
        } else {
            lines.append("  Model vs human strength: not enough items with a held-out margin yet")
        }
        if !heads.isEmpty {
            lines += ["", "  Rubric heads (held-out RMSE, Pearson r):"]
            for h in heads {
                let rmse = h.heldOutRMSE.map { String(format: "%.3f", $0) } ?? "–", r = h.heldOutPearson.map { String(format: "%.3f", $0) } ?? "–"
                lines.append("    \(h.dimension): \(h.examples) rated responses, RMSE \(rmse), r \(r)")
            }
        }
        lines += ["", "  Next to label (most uncertain of the items still needing judgments):"]
        lines += nextToLabel.prefix(5).map { "    \($0.itemID)  " + String(format: "uncertainty %.3f, %d judgments", $0.uncertainty, $0.judgments) }
        if nextToLabel.isEmpty { lines.append("    none: every item has its judgments") }
        lines += ["", "  Suspect labels (model contradicts with P ≥ \(Self.suspectConfidence)): \(suspects.count)"]
        for s in suspects.prefix(suspectLimit) {
            lines.append("    \(s.itemID)  " + String(format: "human %+d  model %+.2f  P %.2f", s.humanStrength, s.modelStrength, s.confidence)
                         + (showNames ? "  (\(s.annotator))" : ""))
        }
        return lines
    }

    /// One line per run with a bar for its accuracy, eighths of a cell precise.
    static func learningCurve(_ runs: ArraySlice<ModelRunSummary>) -> [String] {
        let width = 30
        return runs.map { run in
            guard run.heldOutPairs > 0 else { return String(format: "    %7d pairs  (none held out)", run.pairs) }
            let eighths = Int((max(0, min(1, (run.accuracy - 0.5) / 0.5)) * Double(width * 8)).rounded())
            let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
            let bar = String(repeating: "█", count: eighths / 8) + partial
            return String(format: "    %7d pairs  %.3f ", run.pairs, run.accuracy) + bar
        }
    }
}
