import Foundation
import PairwiseCore

/// The subset of JSON Schema 2020-12 that our schemas use. A keyword it does not know is
/// reported as an error, so that no part of a schema goes silently unchecked.
struct JSONSchemaValidator {
    let directory: URL
    private var documents: [String: JSONValue] = [:]

    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "$defs"]

    init(directory: URL) throws {
        self.directory = directory
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".json") {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            documents[name] = try JSONParser.parse([UInt8](data))
        }
    }

    /// Errors found validating `value` against the schema file `name`; empty when valid.
    func errors(_ value: JSONValue, against name: String) -> [String] {
        guard let schema = documents[name] else { return ["no schema \(name)"] }
        var errors: [String] = []
        check(value, schema, document: name, path: "$", errors: &errors)
        return errors
    }

    private func resolve(_ ref: String, document: String) -> (JSONValue, String)? {
        let parts = ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = parts[0].isEmpty ? document : String(parts[0])
        guard var node = documents[file] else { return nil }
        if parts.count > 1 {
            for component in parts[1].split(separator: "/") {
                guard let next = node[String(component)] else { return nil }
                node = next
            }
        }
        return (node, file)
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, document: String, path: String, errors: inout [String]) {
        guard let members = schema.objectMembers else { errors.append("\(path): schema is not an object"); return }
        for member in members {
            let keyword = member.key, rule = member.value
            switch keyword {
            case _ where Self.annotations.contains(keyword):
                continue
            case "$ref":
                guard let (target, file) = resolve(rule.stringValue ?? "", document: document) else {
                    errors.append("\(path): cannot resolve \(JSONWriter.string(rule))"); continue
                }
                check(value, target, document: file, path: path, errors: &errors)
            case "type":
                let allowed = rule.arrayValue?.compactMap(\.stringValue) ?? [rule.stringValue ?? ""]
                if !allowed.contains(where: { matches(value, type: $0) }) {
                    errors.append("\(path): expected \(allowed.joined(separator: " or ")), got \(value.typeName)")
                }
            case "enum":
                if !(rule.arrayValue ?? []).contains(value) { errors.append("\(path): \(JSONWriter.string(value)) not in enum") }
            case "const":
                if value != rule { errors.append("\(path): expected \(JSONWriter.string(rule))") }
            case "required":
                guard case .object = value else { continue }
                for key in rule.arrayValue?.compactMap(\.stringValue) ?? [] where value[key] == nil {
                    errors.append("\(path): missing required \(key)")
                }
            case "properties", "additionalProperties":
                guard let fields = value.objectMembers else { continue }
                let properties = schema["properties"]?.objectMembers ?? []
                for field in fields {
                    if let sub = properties.first(where: { $0.key == field.key }) {
                        if keyword == "properties" { check(field.value, sub.value, document: document, path: "\(path).\(field.key)", errors: &errors) }
                    } else if keyword == "additionalProperties" {
                        if rule == .bool(false) { errors.append("\(path): unexpected property \(field.key)") }
                        else if case .object = rule { check(field.value, rule, document: document, path: "\(path).\(field.key)", errors: &errors) }
                    }
                }
            case "items":
                for (n, element) in (value.arrayValue ?? []).enumerated() {
                    check(element, rule, document: document, path: "\(path)[\(n)]", errors: &errors)
                }
            case "minItems":
                if let a = value.arrayValue, a.count < rule.intValue! { errors.append("\(path): fewer than \(JSONWriter.string(rule)) items") }
            case "maxItems":
                if let a = value.arrayValue, a.count > rule.intValue! { errors.append("\(path): more than \(JSONWriter.string(rule)) items") }
            case "minLength":
                if let s = value.stringValue, s.unicodeScalars.count < rule.intValue! { errors.append("\(path): shorter than \(JSONWriter.string(rule))") }
            case "pattern":
                if let s = value.stringValue {
                    do {
                        let regex = try Regex(rule.stringValue!)
                        if s.firstMatch(of: regex) == nil { errors.append("\(path): does not match \(JSONWriter.string(rule))") }
                    } catch { errors.append("\(path): bad pattern \(JSONWriter.string(rule))") }
                }
            case "minimum":
                if let d = value.doubleValue, d < rule.doubleValue! { errors.append("\(path): \(JSONWriter.string(value)) < minimum \(JSONWriter.string(rule))") }
            case "maximum":
                if let d = value.doubleValue, d > rule.doubleValue! { errors.append("\(path): \(JSONWriter.string(value)) > maximum \(JSONWriter.string(rule))") }
            case "exclusiveMinimum":
                if let d = value.doubleValue, d <= rule.doubleValue! { errors.append("\(path): \(JSONWriter.string(value)) <= exclusiveMinimum \(JSONWriter.string(rule))") }
            case "oneOf", "anyOf":
                let passing = (rule.arrayValue ?? []).filter { option in
                    var sub: [String] = []
                    check(value, option, document: document, path: path, errors: &sub)
                    return sub.isEmpty
                }.count
                if keyword == "oneOf" && passing != 1 { errors.append("\(path): matches \(passing) of oneOf, expected 1") }
                if keyword == "anyOf" && passing == 0 { errors.append("\(path): matches none of anyOf") }
            default:
                errors.append("\(path): validator does not support keyword \(keyword)")
            }
        }
    }

    private func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("integer", .int): return true
        case ("integer", .double(let d)): return d.rounded() == d
        case ("number", .int), ("number", .double): return true
        default: return false
        }
    }
}
