import Foundation
import Yams

/// A problem in a rubric file, located by file, line and field path.
public struct RubricError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int?
    public var field: String
    public var message: String

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return field.isEmpty ? "\(place): \(message)" : "\(place): \(field): \(message)"
    }
}

/// Reads and validates rubric files (YAML, or JSON, which YAML includes).
public enum RubricFile {
    public static func load(path: String) throws(RubricError) -> Rubric {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw RubricError(file: path, line: nil, field: "", message: "cannot read the file (\(error.localizedDescription))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw RubricError(file: path, line: nil, field: "", message: "not valid UTF-8")
        }
        return try parse(text, file: path)
    }

    /// Parses rubric text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(RubricError) -> Rubric {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let error as YamlError {
            var line = error.line
            if case .duplicatedKeysInMapping(let keys, let context) = error, let key = keys.sorted().first {
                line = secondLine(of: key, in: text, from: context.mark.line) ?? line
            }
            throw RubricError(file: file, line: line, field: "", message: "not valid YAML/JSON: \(error.summary)")
        } catch {
            throw RubricError(file: file, line: nil, field: "", message: "not valid YAML/JSON: \(error)")
        }
        guard let root else { throw RubricError(file: file, line: nil, field: "file", message: "holds no rubric (nothing but blank lines and comments)") }
        return try RubricReader(file: file).rubric(root)
    }

    /// The line where `key` starts a block mapping entry for the second time, counting from
    /// `line` (the parser names only the mapping that holds a repeated key).
    static func secondLine(of key: String, in text: String, from line: Int) -> Int? {
        var seen = 0
        for (n, row) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where n + 1 >= line {
            let entry = row.drop { $0 == " " || $0 == "-" }
            if entry.hasPrefix(key + ":") || entry.hasPrefix("\"\(key)\":") {
                seen += 1
                if seen == 2 { return n + 1 }
            }
        }
        return nil
    }
}

extension YamlError {
    /// The line the problem is on, when the parser says.
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .reader(_, let offset?, _, let yaml):
            // Characters from the start: count the line breaks before.
            return 1 + yaml.prefix(offset).reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    /// The problem in one line (the parser's own text quotes the input over several).
    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _), .reader(let problem, _, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "a key appears twice in one mapping (\(duplicates.sorted().joined(separator: ", ")))"
        default: return "\(self)".split(separator: "\n").first.map(String.init) ?? "\(self)"
        }
    }
}

/// Walks the YAML node tree, checking every field.
private struct RubricReader {
    let file: String

    func fail(_ node: Node?, _ field: String, _ message: String) -> RubricError {
        RubricError(file: file, line: node?.mark?.line, field: field, message: message)
    }

    func mapping(_ node: Node, _ field: String, allowed: Set<String>) throws(RubricError) -> Node.Mapping {
        guard let mapping = node.mapping else { throw fail(node, field, "expected a mapping of fields") }
        for key in mapping.keys {
            let name = key.string ?? ""
            if !allowed.contains(name) {
                let prefix = field.isEmpty ? "" : field + "."
                throw fail(key, prefix + name, "unknown field (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        return mapping
    }

    func string(_ mapping: Node.Mapping, _ key: String, _ field: String, parent: Node) throws(RubricError) -> String {
        guard let node = mapping[key] else { throw fail(parent, field, "missing") }
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw fail(node, field, "expected a non-empty string") }
        return scalar.string
    }

    func int(_ node: Node?, _ field: String, parent: Node) throws(RubricError) -> Int {
        guard let node else { throw fail(parent, field, "missing") }
        guard let value = node.int else { throw fail(node, field, "expected an integer") }
        return value
    }

    func rubric(_ root: Node) throws(RubricError) -> Rubric {
        let top = try mapping(root, "", allowed: ["name", "dimensions"])
        let name = try string(top, "name", "name", parent: root)
        guard let list = top["dimensions"] else { throw fail(root, "dimensions", "missing") }
        guard let sequence = list.sequence else { throw fail(list, "dimensions", "expected a list of dimensions") }
        var dimensions: [Dimension] = []
        for (n, node) in sequence.enumerated() {
            let dimension = try self.dimension(node, "dimensions[\(n)]")
            if dimensions.contains(where: { $0.key == dimension.key }) {
                throw fail(node, "dimensions[\(n)].key", "duplicate key '\(dimension.key)'")
            }
            dimensions.append(dimension)
        }
        return Rubric(name: name, dimensions: dimensions)
    }

    func dimension(_ node: Node, _ field: String) throws(RubricError) -> Dimension {
        let m = try mapping(node, field, allowed: ["key", "title", "guideline", "kind", "scale", "required"])
        let key = try string(m, "key", field + ".key", parent: node)
        let keyIsValid = key.utf8.first.map { $0 >= 0x61 && $0 <= 0x7A } == true
            && key.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
        guard keyIsValid else {
            throw fail(m["key"], field + ".key", "'\(key)' must start with a lower-case letter and hold only a-z, 0-9 and _")
        }
        let title = try string(m, "title", field + ".title", parent: node)
        let guideline = try string(m, "guideline", field + ".guideline", parent: node)
        guard !guideline.contains("\n") else { throw fail(m["guideline"], field + ".guideline", "must be one line") }
        let kindText = try string(m, "kind", field + ".kind", parent: node)
        guard let kind = DimensionKind(rawValue: kindText) else {
            throw fail(m["kind"], field + ".kind", "'\(kindText)' is not one of: per-response, comparative")
        }
        guard let scaleNode = m["scale"] else { throw fail(node, field + ".scale", "missing") }
        let scale = try self.scale(scaleNode, field + ".scale", kind: kind)
        var required = false
        if let node = m["required"] {
            guard let value = node.bool else { throw fail(node, field + ".required", "expected true or false") }
            required = value
        }
        return Dimension(key: key, title: title, guideline: guideline, kind: kind, scale: scale, required: required)
    }

    func scale(_ node: Node, _ field: String, kind: DimensionKind) throws(RubricError) -> Scale {
        let m = try mapping(node, field, allowed: ["min", "max", "labels"])
        let min = try int(m["min"], field + ".min", parent: node)
        let max = try int(m["max"], field + ".max", parent: node)
        guard max > min else { throw fail(m["max"], field + ".max", "must be greater than min (\(min))") }
        switch kind {
        case .perResponse:
            // Values are typed as single digits in the TUI.
            guard min >= 0 else { throw fail(m["min"], field + ".min", "must be 0 or more (values are typed as one digit)") }
            guard max <= 9 else { throw fail(m["max"], field + ".max", "must be 9 or less (values are typed as one digit)") }
        case .comparative:
            guard min == -max, max <= 3 else {
                throw fail(m["min"], field + ".min", "a comparative scale runs from -N to N with N from 1 to 3 (negative = A better)")
            }
        }
        var labels: [String] = []
        if let labelsNode = m["labels"] {
            guard let sequence = labelsNode.sequence else { throw fail(labelsNode, field + ".labels", "expected a list of strings") }
            for (n, label) in sequence.enumerated() {
                guard case .scalar(let scalar) = label, !scalar.string.isEmpty else {
                    throw fail(label, field + ".labels[\(n)]", "expected a non-empty string")
                }
                labels.append(scalar.string)
            }
            guard labels.count == max - min + 1 else {
                throw fail(labelsNode, field + ".labels", "expected \(max - min + 1) labels (one per point from \(min) to \(max)), got \(labels.count)")
            }
        }
        return Scale(min: min, max: max, labels: labels)
    }
}
