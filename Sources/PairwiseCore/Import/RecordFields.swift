/// Typed access to the fields of one JSON record, with errors that name the field.
struct RecordFields {
    let object: JSONValue
    private(set) var used: Set<String> = []

    init(_ value: JSONValue) throws(FieldError) {
        guard case .object = value else {
            throw FieldError(field: "record", message: "expected a JSON object, got \(value.typeName)")
        }
        object = value
    }

    mutating func value(_ key: String) -> JSONValue? {
        used.insert(key)
        guard let value = object[key] else { return nil }
        if case .null = value { return nil }
        return value
    }

    mutating func requiredValue(_ key: String) throws(FieldError) -> JSONValue {
        guard let value = value(key) else { throw FieldError(field: key, message: "missing") }
        return value
    }

    mutating func string(_ key: String) throws(FieldError) -> String {
        let value = try requiredValue(key)
        guard let string = value.stringValue else { throw FieldError(field: key, message: "expected a string, got \(value.typeName)") }
        return string
    }

    /// An optional non-empty list of finite numbers.
    mutating func vector(_ key: String) throws(FieldError) -> [Float]? {
        guard let value = value(key), value != .null else { return nil }
        guard let elements = value.arrayValue, !elements.isEmpty else {
            throw FieldError(field: key, message: "expected a non-empty list of numbers, got \(value.arrayValue != nil ? "an empty list" : value.typeName)")
        }
        var numbers: [Float] = []
        numbers.reserveCapacity(elements.count)
        for (n, element) in elements.enumerated() {
            guard let number = element.doubleValue, number.isFinite, abs(number) <= Double(Float.greatestFiniteMagnitude) else {
                throw FieldError(field: "\(key)[\(n)]", message: "expected a finite number, got \(element.typeName)")
            }
            numbers.append(Float(number))
        }
        return numbers
    }

    mutating func optionalString(_ key: String) throws(FieldError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.stringValue else { throw FieldError(field: key, message: "expected a string, got \(value.typeName)") }
        return string
    }

    /// A string, or an integer written as a string (ids often are numbers).
    mutating func identifier(_ key: String, required: Bool) throws(FieldError) -> String? {
        guard let value = value(key) else {
            if required { throw FieldError(field: key, message: "missing") }
            return nil
        }
        switch value {
        case .string(let s) where !s.isEmpty: return s
        case .int(let i): return String(i)
        default: throw FieldError(field: key, message: "expected a non-empty string or an integer, got \(value.typeName)")
        }
    }

    mutating func turns(_ key: String) throws(FieldError) -> [ChatTurn] {
        let value = try requiredValue(key)
        guard let elements = value.arrayValue else {
            throw FieldError(field: key, message: "expected a list of {role, content} turns, got \(value.typeName)")
        }
        return try ChatTurn.list(from: elements, field: key)
    }

    /// The members not read so far, in their original order: kept as metadata.
    var unusedMembers: [JSONMember] {
        (object.objectMembers ?? []).filter { !used.contains($0.key) }
    }
}

/// Where the chosen response goes when a format always lists it first: a hash of the item
/// with a fixed seed decides, so that the stored A is the preferred one about half the time,
/// and the same pair always lands the same way.
public enum ABPlacement {
    static let seed = "pairwise-ab-placement-v1"

    public static func chosenIsA(contentHash: String) -> Bool {
        var hasher = SHA256()
        hasher.update(seed)
        hasher.update(contentHash)
        return hasher.finalize()[0] & 1 == 0
    }

    /// An item and its label from a chosen/rejected pair.
    static func place(prompt: Prompt, chosen: Response, rejected: Response, id: String?, metadata: JSONValue,
                      source: ItemSource) -> (Item, ImportedLabel) {
        let hash = Item.contentHash(prompt: prompt, responses: chosen.text, rejected.text)
        let chosenIsA = chosenIsA(contentHash: hash)
        let item = Item(id: id, prompt: prompt, responseA: chosenIsA ? chosen : rejected,
                        responseB: chosenIsA ? rejected : chosen, metadata: metadata, source: source, knownHash: hash)
        return (item, .binary(aIsBetter: chosenIsA))
    }
}
