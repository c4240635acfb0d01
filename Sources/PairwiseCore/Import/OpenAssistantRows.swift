/// OpenAssistant as its datasets ship it (`OpenAssistant/oasst1`, `oasst2`): one message per
/// row (`message_id`, `parent_id`, `role`, `text`, `rank`, `deleted`, `message_tree_id`,
/// `lang`, …), a tree's messages anywhere in the file. Every row is read, checked where it
/// stands (file:line:field), and the trees are put together and read as the trees export
/// is (`RankedDecoders.oasstTree`): deleted messages never become responses; a message whose
/// parent is not in the file starts no tree; a message listed again is the one first
/// listed (the real oasst2 files repeat some). Siblings keep the file's order.
enum OpenAssistantRows {
    struct Row {
        var value: JSONValue
        var line: Int
        var parent: String?
    }

    static func records(first: (value: JSONValue, line: Int), rest: inout RawRecords, file: String) throws(ImportError) -> [ImportRecord] {
        var rows: [Row] = []
        var children: [String: [Int]] = [:]
        var ids = Set<String>()
        var next: (value: JSONValue, line: Int)? = first
        while let raw = next {
            let row = try checked(raw, file: file)
            next = try rest.next()
            // A message listed twice (oasst2 holds such repeats) is the message first listed.
            guard let id = raw.value["message_id"]?.stringValue, ids.insert(id).inserted else { continue }
            if let parent = row.parent { children[parent, default: []].append(rows.count) }
            rows.append(row)
        }
        // Each root as the trees export writes it: the message with its replies, nested.
        func nested(_ index: Int, depth: Int) -> JSONValue {
            let row = rows[index]
            var members = (row.value.objectMembers ?? []).filter { $0.key != "replies" }
            let id = row.value["message_id"]?.stringValue ?? ""
            let replies = depth > 200 ? [] : (children[id] ?? []).map { nested($0, depth: depth + 1) }
            members.append(JSONMember(key: "replies", value: .array(replies)))
            return .object(members)
        }
        var out: [ImportRecord] = []
        for (index, row) in rows.enumerated() where row.parent == nil {
            let source = ItemSource(format: .oasst, file: file, line: row.line)
            do {
                out += try RankedDecoders.oasstTree(nested(index, depth: 0), source: source).map {
                    ImportRecord(target: $0.target, labels: $0.labels, rankings: $0.rankings, line: row.line)
                }
            } catch {
                throw ImportError(file: file, line: row.line, field: error.field, message: error.message)
            }
        }
        return out
    }

    /// A row's own fields, checked on its line: a message id, a parent id (or null), a role
    /// and a text (a deleted message is kept only to hold its place).
    static func checked(_ raw: (value: JSONValue, line: Int), file: String) throws(ImportError) -> Row {
        func refuse(_ field: String, _ message: String) -> ImportError { ImportError(file: file, line: raw.line, field: field, message: message) }
        guard case .object = raw.value else { throw refuse("record", "expected a message object (a row of OpenAssistant's messages)") }
        guard raw.value["message_id"]?.stringValue != nil else { throw refuse("message_id", "missing or not a string") }
        let parent: String?
        switch raw.value["parent_id"] {
        case .none, .some(.null): parent = nil
        case .some(.string(let id)): parent = id
        case .some(let other): throw refuse("parent_id", "expected a message id or null, got \(other.typeName)")
        }
        let deleted = raw.value["deleted"] == .bool(true)
        if !deleted {
            guard raw.value["text"]?.stringValue != nil else { throw refuse("text", "missing or not a string") }
            let role = raw.value["role"]?.stringValue
            guard role == "prompter" || role == "assistant" else {
                throw refuse("role", "expected prompter or assistant, got \(role ?? raw.value["role"]?.typeName ?? "nothing")")
            }
        }
        return Row(value: raw.value, line: raw.line, parent: parent)
    }
}
