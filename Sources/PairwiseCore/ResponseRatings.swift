/// A ranked item's rubric values: for each per-response dimension rated, one value per
/// response in stored order (HelpSteer2's attributes, UltraFeedback's aspect ratings).
/// A dimension is rated for every response or not at all. Comparative dimensions are for
/// pairs: on a ranked item the ranking is the comparison.
public struct ResponseRatings: Equatable, Hashable, Sendable {
    public private(set) var values: [String: [Int]]

    public init(_ values: [String: [Int]] = [:]) {
        self.values = values
    }

    public var isEmpty: Bool { values.isEmpty }
    public subscript(key: String) -> [Int]? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// As stored and exported: `{"key": [v1, v2, …]}`, keys sorted.
    public var json: JSONValue {
        .object(values.keys.sorted().map { JSONMember(key: $0, value: .array(values[$0]!.map(JSONValue.int))) })
    }

    /// The stored text (`json`).
    public var jsonText: String { JSONWriter.string(json) }

    /// Values read from JSON: an object of lists of whole numbers, each `count` long.
    /// Throws the field (`rubric.KEY`) and what is wrong.
    public init(json: JSONValue, count: Int) throws(FieldError) {
        guard case .object(let members) = json else { throw FieldError(field: "rubric", message: "expected an object, got \(json.typeName)") }
        var values: [String: [Int]] = [:]
        for member in members {
            let field = "rubric.\(member.key)"
            guard let list = member.value.arrayValue else {
                throw FieldError(field: field, message: "expected a list of one value per response, got \(member.value.typeName)")
            }
            guard list.count == count else { throw FieldError(field: field, message: "expected \(count) values (one per response), got \(list.count)") }
            values[member.key] = try list.map { value throws(FieldError) in
                guard let number = value.doubleValue, number == number.rounded(), abs(number) < 1e9 else {
                    throw FieldError(field: field, message: "expected whole numbers, got \(value.typeName == "number" ? "\(value.doubleValue!)" : value.typeName)")
                }
                return Int(number)
            }
        }
        self.init(values)
    }

    /// Values as stored; empty when the text is not what `jsonText` writes.
    public init(stored text: String, count: Int) {
        guard let json = try? JSONParser.parse(text), let ratings = try? ResponseRatings(json: json, count: count) else {
            self.init()
            return
        }
        self = ratings
    }

    /// The first value that does not fit the rubric, as (field, message): a dimension the
    /// rubric does not rate, a comparative one, or a value off its scale.
    public func problem(against rubric: Rubric) -> (field: String, message: String)? {
        for key in values.keys.sorted() {
            let field = "rubric.\(key)"
            guard let dimension = rubric.dimension(key) else {
                return (field, rubric.dimensions.isEmpty ? "this project's rubric rates no dimensions besides the overall preference"
                                : "not a dimension of this project's rubric (\(rubric.dimensions.map(\.key).joined(separator: ", ")))")
            }
            guard dimension.kind == .perResponse else { return (field, "a comparative dimension rates pairs; a ranked item's ranking is its comparison") }
            if let bad = values[key]!.first(where: { !dimension.scale.contains($0) }) {
                return (field, "\(bad) is outside \(dimension.scale.min)…\(dimension.scale.max)")
            }
        }
        return nil
    }

    /// Each dimension's mean value per response over the ratings that rate it (several
    /// annotators' values of one item), keys sorted.
    public static func means(_ ratings: [ResponseRatings], count: Int) -> [(key: String, values: [Double])] {
        let keys = Set(ratings.flatMap(\.values.keys)).sorted()
        return keys.map { key in
            let lists = ratings.compactMap { $0[key] }.filter { $0.count == count }
            return (key, (0..<count).map { i in Double(lists.reduce(0) { $0 + $1[i] }) / Double(max(1, lists.count)) })
        }
    }

    /// The dimensions of `rubric` a ranked item is rated on: its per-response ones.
    public static func dimensions(of rubric: Rubric) -> [Dimension] {
        rubric.dimensions.filter { $0.kind == .perResponse }
    }
}
