/// Typed access to the fields of one JSON record, with errors that name the field.
struct RecordFields {
    let object: JSONValue
    private(set) var used: Set<String> = []
    /// The record is a CSV row: every cell is a string, so numbers and booleans may be
    /// written as text.
    var fromCSV = false

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

    /// Whether the record has this member (null or not), without marking it read.
    func has(_ key: String) -> Bool { object[key] != nil }

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

    /// A person's name (`PersonName`'s rule), or nil when absent and not `required`.
    mutating func personName(_ key: String, required: Bool) throws(FieldError) -> String? {
        guard let name = required ? try string(key) : try optionalString(key) else { return nil }
        if let problem = PersonName.problem(name) { throw FieldError(field: key, message: problem) }
        return name
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

    /// An integer, or an integer written as a string (CSV cells); nil when absent.
    mutating func optionalInt(_ key: String) throws(FieldError) -> Int? {
        guard let value = value(key) else { return nil }
        if let int = value.intValue { return int }
        if fromCSV, let text = value.stringValue, let int = Int(text.trimmingSpaces()) { return int }
        throw FieldError(field: key, message: "expected an integer, got \(value.typeName)")
    }

    mutating func int(_ key: String) throws(FieldError) -> Int {
        guard let int = try optionalInt(key) else { throw FieldError(field: key, message: "missing") }
        return int
    }

    /// true/false, or 1/0 and "true"/"false" as CSV writes them; nil when absent.
    mutating func optionalBool(_ key: String) throws(FieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        if case .bool(let b) = value { return b }
        if fromCSV, let text = value.stringValue {
            if text == "0" || text == "false" { return false }
            if text == "1" || text == "true" { return true }
        }
        throw FieldError(field: key, message: "expected true or false, got \(value.typeName)")
    }

    /// A preference strength from -3 to 3.
    mutating func strength(_ key: String) throws(FieldError) -> PreferenceStrength {
        let raw: Int
        do { raw = try int(key) } catch {
            throw FieldError(field: key, message: error.message == "missing" ? "missing" : "expected an integer from -3 to 3, got \(object[key]?.typeName ?? "nothing")")
        }
        guard let strength = PreferenceStrength(raw) else { throw FieldError(field: key, message: "\(raw) is outside -3…3") }
        return strength
    }

    /// A response: a string, or a list of `{role, content}` messages.
    mutating func response(_ key: String, model: String?) throws(FieldError) -> Response {
        let value = try requiredValue(key)
        switch value {
        case .string(let text): return Response(text: text, model: model)
        case .array(let elements):
            let turns = try ChatTurn.list(from: elements, field: key)
            guard !turns.isEmpty else { throw FieldError(field: key, message: "expected at least one message") }
            return Response(turns: turns, model: model)
        default: throw FieldError(field: key, message: "expected a string or a list of {role, content} messages, got \(value.typeName)")
        }
    }

    /// Rubric values by dimension key: a number (comparative) or `{"a": n, "b": n}`.
    mutating func rubric(_ key: String) throws(FieldError) -> [String: RubricValue] {
        guard let value = value(key) else { return [:] }
        guard let members = value.objectMembers else { throw FieldError(field: key, message: "expected an object by dimension key, got \(value.typeName)") }
        var values: [String: RubricValue] = [:]
        for member in members {
            guard let rubricValue = RubricValue(json: member.value) else {
                throw FieldError(field: "\(key).\(member.key)", message: "expected an integer or {\"a\": n, \"b\": n}, got \(member.value.typeName)")
            }
            values[member.key] = rubricValue
        }
        return values
    }

    /// A list of strings, or such a list written as JSON text (the Kaggle arena CSV's cells);
    /// null entries read as empty strings.
    mutating func stringList(_ key: String) throws(FieldError) -> [String] {
        var value = try requiredValue(key)
        if let text = value.stringValue {
            do { value = try JSONParser.parse(text) } catch {
                throw FieldError(field: key, message: "expected a JSON list of strings: \(error.message)")
            }
        }
        guard let elements = value.arrayValue else { throw FieldError(field: key, message: "expected a list of strings, got \(value.typeName)") }
        var strings: [String] = []
        for (n, element) in elements.enumerated() {
            switch element {
            case .string(let s): strings.append(s)
            case .null: strings.append("")
            default: throw FieldError(field: "\(key)[\(n)]", message: "expected a string, got \(element.typeName)")
            }
        }
        return strings
    }

    /// Marks a field as read without reading it (a field the item does not keep).
    mutating func skip(_ key: String) { used.insert(key) }

    /// Refuses members not read so far (formats that are ours, where a misspelt field is
    /// an error rather than metadata).
    func refuseUnknown(allowed: String) throws(FieldError) {
        if let unknown = unusedMembers.first {
            throw FieldError(field: unknown.key, message: "unknown field (allowed: \(allowed))")
        }
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

    /// An item and its label from a chosen/rejected pair. Two identical responses are no
    /// preference: refused, naming `field` (the rejected response's field in the source).
    static func place(prompt: Prompt, chosen: Response, rejected: Response, id: String?, metadata: JSONValue,
                      source: ItemSource, field: String = "rejected") throws(FieldError) -> (Item, ImportedLabel) {
        if chosen == rejected {
            throw FieldError(field: field, message: "is the same response as the chosen one: a preference needs two different responses")
        }
        let hash = Item.contentHash(prompt: prompt, responses: chosen, rejected)
        let chosenIsA = chosenIsA(contentHash: hash)
        let item = Item(id: id, prompt: prompt, responseA: chosenIsA ? chosen : rejected,
                        responseB: chosenIsA ? rejected : chosen, metadata: metadata, source: source, knownHash: hash)
        return (item, .binary(aIsBetter: chosenIsA))
    }
}
