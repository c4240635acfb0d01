/// How a rubric dimension is rated.
public enum DimensionKind: String, Sendable, CaseIterable {
    /// A Likert value for each response separately (HelpSteer2's 0–4 attributes).
    case perResponse = "per-response"
    /// One value saying which response is better on this dimension (negative = A).
    case comparative
}

/// The integer scale of a dimension, with an optional label per point.
public struct Scale: Equatable, Sendable {
    public var min: Int
    public var max: Int
    /// One label per point from `min` to `max`, or empty.
    public var labels: [String]

    public init(min: Int, max: Int, labels: [String] = []) {
        self.min = min
        self.max = max
        self.labels = labels
    }

    public func contains(_ value: Int) -> Bool { value >= min && value <= max }

    /// The label of a point, if the scale has labels.
    public func label(for value: Int) -> String? {
        guard contains(value), !labels.isEmpty else { return nil }
        return labels[value - min]
    }
}

/// One thing annotators rate besides the overall preference.
public struct Dimension: Equatable, Sendable {
    public var key: String
    public var title: String
    /// One line shown when the dimension has focus.
    public var guideline: String
    public var kind: DimensionKind
    public var scale: Scale
    public var required: Bool

    public init(key: String, title: String, guideline: String, kind: DimensionKind, scale: Scale, required: Bool) {
        self.key = key
        self.title = title
        self.guideline = guideline
        self.kind = kind
        self.scale = scale
        self.required = required
    }

    /// Checks that a value fits this dimension.
    public func validate(_ value: RubricValue) -> String? {
        switch (kind, value) {
        case (.comparative, .comparative(let v)):
            return scale.contains(v) ? nil : "\(v) is outside \(scale.min)…\(scale.max)"
        case (.perResponse, .perResponse(let a, let b)):
            for v in [a, b] where !scale.contains(v) { return "\(v) is outside \(scale.min)…\(scale.max)" }
            return nil
        case (.comparative, _): return "expected one number (comparative dimension)"
        case (.perResponse, _): return "expected {a, b} (per-response dimension)"
        }
    }
}

/// The list of dimensions a project rates.
public struct Rubric: Equatable, Sendable {
    public var name: String
    public var dimensions: [Dimension]

    public init(name: String, dimensions: [Dimension]) {
        self.name = name
        self.dimensions = dimensions
    }

    public func dimension(_ key: String) -> Dimension? { dimensions.first { $0.key == key } }

    /// The rubric in the shape of `schemas/rubric.schema.json`.
    public var json: JSONValue {
        .object([
            "name": .string(name),
            "dimensions": .array(dimensions.map { d in
                var scale: [JSONMember] = [JSONMember(key: "min", value: .int(d.scale.min)), JSONMember(key: "max", value: .int(d.scale.max))]
                if !d.scale.labels.isEmpty { scale.append(JSONMember(key: "labels", value: .array(d.scale.labels.map(JSONValue.string)))) }
                return .object([
                    "key": .string(d.key), "title": .string(d.title), "guideline": .string(d.guideline),
                    "kind": .string(d.kind.rawValue), "scale": .object(scale), "required": .bool(d.required),
                ])
            }),
        ])
    }
}
