/// Every agreement statistic for one rating table at one level, nil where it does not apply.
public struct AgreementReport: Sendable {
    public var items: Int
    public var annotators: Int
    public var ratings: Int
    public var level: MeasurementLevel
    public var percentAgreement: Double?
    public var krippendorffAlpha: Double?
    public var fleissKappa: Double?
    /// Cohen's kappa and its weighted forms: only with exactly two annotators (weighted: not nominal).
    public var cohenKappa: Double?
    public var weightedKappaLinear: Double?
    public var weightedKappaQuadratic: Double?
    public var gwetAC1: Double?
    /// AC2 with ordinal weights at the ordinal level, quadratic at interval, ratio at ratio; nil at nominal.
    public var gwetAC2: Double?
    public var alphaInterval: (low: Double, high: Double)?
    /// Caveats worth saying next to the numbers.
    public var notes: [String] = []

    public init(_ table: RatingTable, level: MeasurementLevel, bootstrap: Int = 0, seed: UInt64 = 1) {
        items = table.units.count
        annotators = table.annotators.count
        ratings = table.ratingCount
        self.level = level
        let identity = Agreement.observedIdentity(table)
        percentAgreement = identity?.pa
        krippendorffAlpha = Agreement.krippendorffAlpha(table, level: level)
        fleissKappa = Agreement.fleissKappa(identity)
        gwetAC1 = Agreement.gwetAC(table, weights: .identity, identity: identity)
        switch level {
        case .nominal: gwetAC2 = nil
        case .ordinal: gwetAC2 = Agreement.gwetAC(table, weights: .ordinal)
        case .interval: gwetAC2 = Agreement.gwetAC(table, weights: .quadratic)
        case .ratio: gwetAC2 = Agreement.gwetAC(table, weights: .ratio)
        }
        if table.annotators.count == 2 {
            cohenKappa = Agreement.cohenKappa(table)
            if level != .nominal {
                weightedKappaLinear = Agreement.cohenKappa(table, weights: .linear)
                weightedKappaQuadratic = Agreement.cohenKappa(table, weights: .quadratic)
            }
        } else if table.annotators.count > 2 {
            notes.append("cohen_kappa needs exactly two annotators (there are \(table.annotators.count))")
        }
        let q = table.categoryCount
        let perUnit = (0..<table.units.count).map { u in (0..<q).reduce(0) { $0 + Int(table.unitCounts[u * q + $1]) } }.filter { $0 > 0 }
        if Set(perUnit).count > 1 {
            notes.append("items have different numbers of ratings (\(perUnit.min()!)–\(perUnit.max()!)): fleiss_kappa is Gwet's generalised form, which equals Fleiss' when the numbers are equal")
        }
        if table.categoryCount < 2 && ratings > 0 { notes.append("only one category is used: chance-corrected statistics are undefined") }
        if bootstrap > 0 { alphaInterval = Bootstrap.alphaInterval(table, level: level, samples: bootstrap, seed: seed) }
    }
}
