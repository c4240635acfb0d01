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
        var builder = RatingTableBuilder()
        for r in ratings { builder.add(unit: r.unit, annotator: r.annotator, value: r.value) }
        self = builder.build()
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

/// Collects ratings one at a time and builds the table, indexing units, annotators and
/// values as they arrive.
public struct RatingTableBuilder {
    private var unitIndex: [String: Int32] = [:], units: [String] = []
    private var annotatorIndex: [String: Int32] = [:], annotators: [String] = []
    private var valueIndex: [String: Int32] = [:], values: [String] = []
    private var ratings: [(unit: Int32, annotator: Int32, value: Int32)] = []
    private var lastAnnotator: (name: String, index: Int32)?

    public init() {}

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
        var cells = Array(repeating: Array<Int?>(repeating: nil, count: annotators.count), count: units.count)
        for r in ratings { cells[Int(r.unit)][Int(r.annotator)] = categoryOfValue[Int(r.value)] }
        return RatingTable(units: units, annotators: annotators, categoryLabels: labels, categoryValues: categoryValues, cells: cells)
    }
}
