/// The measurement level of ratings, which decides how far apart two values are.
public enum MeasurementLevel: String, Sendable, CaseIterable {
    case nominal, ordinal, interval, ratio
}

/// Ratings as a units × annotators table of category indices (missing: not rated).
/// Categories are the distinct values, sorted (numerically when every value is a number).
/// Kept flat, unit after unit, so that a million ratings are two arrays, not a million.
public struct RatingTable: Sendable {
    public let units: [String]
    public let annotators: [String]
    /// Category labels as they appeared, in category order.
    public let categoryLabels: [String]
    /// Numeric value of each category (its rank when the values are not numbers).
    public let categoryValues: [Double]
    /// Each unit's category index per annotator, unit after unit (−1: not rated).
    public let codes: [Int32]
    /// Each unit's number of ratings per category, unit after unit.
    public let unitCounts: [Int32]

    public var categoryCount: Int { categoryLabels.count }

    /// Builds a table from (unit, annotator, value) triples. A repeated (unit, annotator)
    /// keeps its last value.
    public init(ratings: [(unit: String, annotator: String, value: String)]) {
        var builder = RatingTableBuilder()
        for r in ratings { builder.add(unit: r.unit, annotator: r.annotator, value: r.value) }
        self = builder.build()
    }

    /// - Parameter codes: each unit's category index per annotator, unit after unit (−1: not rated).
    public init(units: [String], annotators: [String], categoryLabels: [String], categoryValues: [Double], codes: [Int32]) {
        precondition(codes.count == units.count * annotators.count)
        self.units = units
        self.annotators = annotators
        self.categoryLabels = categoryLabels
        self.categoryValues = categoryValues
        self.codes = codes
        let q = categoryLabels.count, width = annotators.count
        var counts = [Int32](repeating: 0, count: units.count * q)
        if width > 0 {
            for u in 0..<units.count {
                for a in 0..<width where codes[u * width + a] >= 0 { counts[u * q + Int(codes[u * width + a])] += 1 }
            }
        }
        unitCounts = counts
    }

    public init(units: [String], annotators: [String], categoryLabels: [String], categoryValues: [Double], cells: [[Int?]]) {
        self.init(units: units, annotators: annotators, categoryLabels: categoryLabels, categoryValues: categoryValues,
                  codes: cells.flatMap { row in row.map { $0.map(Int32.init) ?? -1 } })
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

    /// `cells[unit][annotator]`: the category index, or nil.
    public var cells: [[Int?]] {
        let width = annotators.count
        return (0..<units.count).map { u in (0..<width).map { a in codes[u * width + a] < 0 ? nil : Int(codes[u * width + a]) } }
    }

    /// Per unit, how many ratings fall in each category.
    public func counts() -> [[Int]] {
        let q = categoryCount
        return (0..<units.count).map { u in (0..<q).map { Int(unitCounts[u * q + $0]) } }
    }

    public var ratingCount: Int { unitCounts.reduce(0) { $0 + Int($1) } }
}

/// Collects ratings one at a time and builds the table, indexing units, annotators and
/// values as they arrive.
public struct RatingTableBuilder {
    private var unitIndex: [String: Int32] = [:], units: [String] = []
    private var annotatorIndex: [String: Int32] = [:], annotators: [String] = []
    private var valueIndex: [String: Int32] = [:], values: [String] = []
    private var ratings: [(unit: Int32, annotator: Int32, value: Int32)] = []
    private var lastAnnotator: (name: String, index: Int32)?

    public init() {}

    /// Starts from known units, annotators and value labels, for ratings added by index
    /// (`add(unit:annotator:value:)` with indices; names are not looked up).
    public init(units: [String], annotators: [String], values: [String]) {
        self.units = units
        self.annotators = annotators
        self.values = values
    }

    /// Adds a rating by the indices of its unit, annotator and value label.
    public mutating func add(unit: Int, annotator: Int, value: Int) {
        ratings.append((Int32(unit), Int32(annotator), Int32(value)))
    }

    public mutating func add(unit: String, annotator: String, value: String) {
        let u = Self.index(unit, in: &unitIndex, list: &units)
        let a: Int32
        if let last = lastAnnotator, last.name == annotator { a = last.index } else {
            a = Self.index(annotator, in: &annotatorIndex, list: &annotators)
            lastAnnotator = (annotator, a)
        }
        ratings.append((u, a, Self.index(value, in: &valueIndex, list: &values)))
    }

    private static func index(_ key: String, in map: inout [String: Int32], list: inout [String]) -> Int32 {
        if let i = map[key] { return i }
        let i = Int32(list.count)
        map[key] = i
        list.append(key)
        return i
    }

    /// Categories are the distinct values sorted (numerically when all are numbers;
    /// numerically equal labels such as "1" and "1.0" are one category).
    public func build() -> RatingTable {
        let numbers = values.map { Double($0) }
        let numeric = numbers.allSatisfy { $0 != nil }
        let order = values.indices.sorted { numeric ? numbers[$0]! < numbers[$1]! : values[$0] < values[$1] }
        var categoryOfValue = Array(repeating: 0, count: values.count)
        var labels: [String] = [], categoryValues: [Double] = []
        for v in order {
            if numeric, let last = categoryValues.last, last == numbers[v]! { categoryOfValue[v] = labels.count - 1; continue }
            categoryOfValue[v] = labels.count
            labels.append(values[v])
            categoryValues.append(numeric ? numbers[v]! : Double(labels.count))
        }
        var codes = [Int32](repeating: -1, count: units.count * annotators.count)
        for r in ratings { codes[Int(r.unit) * annotators.count + Int(r.annotator)] = Int32(categoryOfValue[Int(r.value)]) }
        return RatingTable(units: units, annotators: annotators, categoryLabels: labels, categoryValues: categoryValues, codes: codes)
    }
}
