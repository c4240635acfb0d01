import Foundation

/// What a finished model run measured.
public struct ModelRunMetrics: Sendable, Equatable {
    public var pairs: Int
    public var accuracy: Double
    public var logLoss: Double
    public var calibrationError: Double
    public var trainSeconds: Double
    public var parameters: JSONValue

    public init(pairs: Int, accuracy: Double, logLoss: Double, calibrationError: Double, trainSeconds: Double, parameters: JSONValue) {
        self.pairs = pairs
        self.accuracy = accuracy
        self.logLoss = logLoss
        self.calibrationError = calibrationError
        self.trainSeconds = trainSeconds
        self.parameters = parameters
    }
}

/// The model's view of one item.
public struct ItemScore: Sendable, Equatable {
    public var itemRowID: Int64
    public var rewardA: Double
    public var rewardB: Double
    public var margin: Double
    public var uncertainty: Double
    /// The mean margin of the members whose bootstrap sample left this item out: an
    /// out-of-sample prediction for a labeled item (nil when unlabeled or every member saw it).
    public var heldOutMargin: Double?

    public init(itemRowID: Int64, rewardA: Double, rewardB: Double, margin: Double, uncertainty: Double, heldOutMargin: Double? = nil) {
        self.itemRowID = itemRowID
        self.rewardA = rewardA
        self.rewardB = rewardB
        self.margin = margin
        self.uncertainty = uncertainty
        self.heldOutMargin = heldOutMargin
    }

    /// The model's preference strength on the human scale's orientation: negative when it
    /// prefers A (r(A) > r(B)), as a human strength is.
    public var modelStrength: Double { -(heldOutMargin ?? margin) }
}

/// One bin of a reliability diagram: the held-out pairs whose predicted side's probability
/// fell in `[lower, lower + 0.1)`, their mean predicted probability, and how many the
/// predicted side won.
public struct CalibrationBin: Sendable, Equatable {
    public var lower: Double
    public var pairs: Int
    public var meanConfidence: Double
    public var correct: Int

    public init(lower: Double, pairs: Int, meanConfidence: Double, correct: Int) {
        (self.lower, self.pairs, self.meanConfidence, self.correct) = (lower, pairs, meanConfidence, correct)
    }

    /// As a run's parameters store it.
    public var json: JSONValue {
        .object(["lower": .double(lower), "pairs": .int(pairs), "mean_confidence": .double(meanConfidence), "correct": .int(correct)])
    }

    public init?(json: JSONValue) {
        guard let lower = json["lower"]?.doubleValue, let pairs = json["pairs"]?.intValue,
              let confidence = json["mean_confidence"]?.doubleValue, let correct = json["correct"]?.intValue else { return nil }
        self.init(lower: lower, pairs: pairs, meanConfidence: confidence, correct: correct)
    }
}

/// A finished run, as the TUI and stats show it.
public struct ModelRunSummary: Sendable, Equatable {
    public var id: Int64
    public var finishedAt: String
    public var pairs: Int
    public var accuracy: Double
    public var logLoss: Double
    public var calibrationError: Double
    public var trainSeconds: Double
    /// Pairs the metrics were measured on (0: too few labels to hold any out).
    public var heldOutPairs: Int
    /// The held-out pairs' reliability diagram (bins with pairs; empty for runs stored before it was kept).
    public var calibration: [CalibrationBin]

    public init(id: Int64, finishedAt: String, pairs: Int, accuracy: Double, logLoss: Double, calibrationError: Double,
                trainSeconds: Double, heldOutPairs: Int, calibration: [CalibrationBin] = []) {
        self.calibration = calibration
        self.id = id
        self.finishedAt = finishedAt
        self.pairs = pairs
        self.accuracy = accuracy
        self.logLoss = logLoss
        self.calibrationError = calibrationError
        self.trainSeconds = trainSeconds
        self.heldOutPairs = heldOutPairs
    }
}

/// A run's regression head for one per-response rubric dimension.
public struct ModelHeadFigures: Sendable, Equatable {
    public var dimension: String
    /// Responses with a rating that it was fitted on.
    public var examples: Int
    public var heldOutRMSE: Double?
    public var heldOutPearson: Double?
    /// Intercept first, then one weight per feature (empty when read for figures only).
    public var weights: [Double]

    public init(dimension: String, examples: Int, heldOutRMSE: Double?, heldOutPearson: Double?, weights: [Double] = []) {
        self.dimension = dimension
        self.examples = examples
        self.heldOutRMSE = heldOutRMSE
        self.heldOutPearson = heldOutPearson
        self.weights = weights
    }
}
