/// The measurement level of ratings, which decides how far apart two values are.
public enum MeasurementLevel: String, Sendable, CaseIterable {
    case nominal, ordinal, interval, ratio
}

/// Ratings as a units × annotators table of category indices (nil: not rated).
/// Categories are the distinct values, sorted (numerically when every value is a number).
public struct RatingTable: Sendable {
    public let units: [String]
    public let annotators: [String]
    /// Category labels as they appeared, in category order.
    public let categoryLabels: [String]
    /// Numeric value of each category (its rank when the values are not numbers).
    public let categoryValues: [Double]
    /// `cells[unit][annotator]`: the category index, or nil.
    public let cells: [[Int?]]

    public var categoryCount: Int { categoryLabels.count }

    /// Builds a table from (unit, annotator, value) triples. A repeated (unit, annotator)
    /// keeps its last value.
    public init(ratings: [(unit: String, annotator: String, value: String)]) {
        var unitIndex: [String: Int] = [:], annotatorIndex: [String: Int] = [:]
        var units: [String] = [], annotators: [String] = []
        var labels = Set<String>()
        for r in ratings {
            if unitIndex[r.unit] == nil { unitIndex[r.unit] = units.count; units.append(r.unit) }
            if annotatorIndex[r.annotator] == nil { annotatorIndex[r.annotator] = annotators.count; annotators.append(r.annotator) }
            labels.insert(r.value)
        }
        let numeric = labels.allSatisfy { Double($0) != nil }
        let sorted = numeric ? labels.sorted { Double($0)! < Double($1)! } : labels.sorted()
        // Numerically equal labels ("1" and "1.0") are one category.
        var categoryOf: [String: Int] = [:]
        var categoryLabels: [String] = [], values: [Double] = []
        for label in sorted {
            if numeric, let last = values.last, last == Double(label)! { categoryOf[label] = values.count - 1; continue }
            categoryOf[label] = categoryLabels.count
            categoryLabels.append(label)
            values.append(numeric ? Double(label)! : Double(categoryLabels.count))
        }
        var cells = Array(repeating: Array<Int?>(repeating: nil, count: annotators.count), count: units.count)
        for r in ratings { cells[unitIndex[r.unit]!][annotatorIndex[r.annotator]!] = categoryOf[r.value] }
        self.init(units: units, annotators: annotators, categoryLabels: categoryLabels, categoryValues: values, cells: cells)
    }

    public init(units: [String], annotators: [String], categoryLabels: [String], categoryValues: [Double], cells: [[Int?]]) {
        self.units = units
        self.annotators = annotators
        self.categoryLabels = categoryLabels
        self.categoryValues = categoryValues
        self.cells = cells
    }

    /// Convenience for tests and references: rows are annotators, columns units, nil missing.
    public init(annotatorRows: [[Double?]]) {
        var ratings: [(unit: String, annotator: String, value: String)] = []
        for (a, row) in annotatorRows.enumerated() {
            for (u, value) in row.enumerated() {
                if let value { ratings.append((unit: String(u), annotator: String(a), value: RatingTable.format(value))) }
            }
        }
        self.init(ratings: ratings)
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Per unit, how many ratings fall in each category.
    public func counts() -> [[Int]] {
        cells.map { row in
            var counts = Array(repeating: 0, count: categoryCount)
            for case let c? in row { counts[c] += 1 }
            return counts
        }
    }

    public var ratingCount: Int { cells.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == nil ? 0 : 1) } } }
}
