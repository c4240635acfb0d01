/// One turn of a chat prompt.
public struct ChatTurn: Equatable, Sendable {
    public var role: String
    public var content: String
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// What the two responses answer: plain text, or a dialogue of chat turns whose last turn
/// is usually the user's.
public enum Prompt: Equatable, Sendable {
    case text(String)
    case chat([ChatTurn])

    /// The prompt as our JSON files carry it: a string, or a list of `{role, content}`.
    public var json: JSONValue {
        switch self {
        case .text(let text): return .string(text)
        case .chat(let turns):
            return .array(turns.map { .object(["role": .string($0.role), "content": .string($0.content)]) })
        }
    }

    /// Reads a prompt from a string or a list of `{role, content}` objects.
    public init(json: JSONValue) throws(FieldError) {
        switch json {
        case .string(let text): self = .text(text)
        case .array(let elements):
            self = .chat(try ChatTurn.list(from: elements, field: "prompt"))
        default:
            throw FieldError(field: "prompt", message: "expected a string or a list of {role, content} turns, got \(json.typeName)")
        }
    }
}

extension ChatTurn {
    /// Reads a list of `{role, content}` objects; `field` names the list in errors.
    static func list(from elements: [JSONValue], field: String) throws(FieldError) -> [ChatTurn] {
        var turns: [ChatTurn] = []
        turns.reserveCapacity(elements.count)
        for (n, element) in elements.enumerated() {
            let here = "\(field)[\(n)]"
            guard case .object = element else {
                throw FieldError(field: here, message: "expected a {role, content} object, got \(element.typeName)")
            }
            guard let role = element["role"] else { throw FieldError(field: here + ".role", message: "missing") }
            guard let roleText = role.stringValue, !roleText.isEmpty else {
                throw FieldError(field: here + ".role", message: "expected a non-empty string, got \(role.typeName)")
            }
            guard let content = element["content"] else { throw FieldError(field: here + ".content", message: "missing") }
            guard let contentText = content.stringValue else {
                throw FieldError(field: here + ".content", message: "expected a string, got \(content.typeName)")
            }
            turns.append(ChatTurn(role: roleText, content: contentText))
        }
        return turns
    }
}

/// One of the two responses of an item.
public struct Response: Equatable, Sendable {
    /// The reply as one text (what the model and the screen read). For a response of
    /// several messages, their contents under role headers; `turns` holds the messages.
    public var text: String
    /// The messages of a response that runs over several turns (a multi-turn battle after
    /// the first differing reply), first the assistant's; nil for a single reply.
    public var turns: [ChatTurn]?
    /// The model that wrote it, when known (used by the leaderboard).
    public var model: String?
    /// A user-supplied vector for this response (jsonl `embedding_a` / `embedding_b`); not
    /// part of the item's identity.
    public var embedding: [Float]?
    public init(text: String, model: String? = nil, embedding: [Float]? = nil) {
        self.text = text
        self.model = model
        self.embedding = embedding
    }

    /// A response of several messages; one assistant message is a plain reply.
    public init(turns: [ChatTurn], model: String? = nil) {
        if turns.count == 1 && turns[0].role == "assistant" {
            self.init(text: turns[0].content, model: model)
            return
        }
        self.init(text: turns.map { "[\($0.role)]\n\($0.content)" }.joined(separator: "\n\n"), model: model)
        self.turns = turns
    }

    /// The response's messages: its turns, or its text as one assistant message.
    public var messages: [ChatTurn] { turns ?? [ChatTurn(role: "assistant", content: text)] }

    /// What orders responses in an item's identity: plain replies by their text (as
    /// always), a reply of several turns by its JSON.
    public var identityKey: String { turns == nil ? text : JSONWriter.string(json) }

    /// The response as its identity and our files see it: the text, or the list of turns.
    public var json: JSONValue {
        guard let turns else { return .string(text) }
        return Prompt.chat(turns).json
    }
}

/// Where an item came from.
public struct ItemSource: Equatable, Sendable {
    public var format: InputFormat
    public var file: String
    public var line: Int
    public init(format: InputFormat, file: String, line: Int) {
        self.format = format
        self.file = file
        self.line = line
    }
}

/// A prompt with two responses to compare: the unit of annotation.
public struct Item: Equatable, Sendable {
    /// The external id (from the source file, or derived from the content hash).
    public var id: String
    public let prompt: Prompt
    public let responseA: Response
    public let responseB: Response
    /// The identity of an item: SHA-256 of the prompt and the two response texts, the
    /// responses taken in sorted order so that swapping A and B is the same item.
    public let contentHash: String
    /// Free-form metadata from the source: a JSON object.
    public var metadata: JSONValue
    public var source: ItemSource?

    public init(id: String? = nil, prompt: Prompt, responseA: Response, responseB: Response,
                metadata: JSONValue = .object([]), source: ItemSource? = nil) {
        self.init(id: id, prompt: prompt, responseA: responseA, responseB: responseB, metadata: metadata, source: source, knownHash: nil)
    }

    /// `knownHash`: the content hash when the caller already has it (a store reading its
    /// own rows); it is trusted, not recomputed.
    public init(id: String?, prompt: Prompt, responseA: Response, responseB: Response, metadata: JSONValue, source: ItemSource?,
         knownHash: String?) {
        self.prompt = prompt
        self.responseA = responseA
        self.responseB = responseB
        self.metadata = metadata
        self.source = source
        let hash = knownHash ?? Item.contentHash(prompt: prompt, responses: responseA, responseB)
        self.contentHash = hash
        self.id = id.flatMap { $0.isEmpty ? nil : $0 } ?? String(hash.prefix(16))
    }

    /// The identity of a prompt and two responses, whatever their order.
    public static func contentHash(prompt: Prompt, responses first: Response, _ second: Response) -> String {
        contentHash(prompt: prompt, responses: [first, second])
    }

    /// The identity of a prompt and its responses, whatever their order: SHA-256 of the JSON
    /// array of the prompt and the responses sorted by `Response.identityKey` (a pair's and
    /// a ranked item's identity are one recipe).
    public static func contentHash(prompt: Prompt, responses: [Response]) -> String {
        let sorted = responses.map { ($0.identityKey, $0.json) }.sorted { $0.0 < $1.0 }.map(\.1)
        var canonical: [UInt8] = []
        JSONWriter.append(.array([prompt.json] + sorted), to: &canonical)
        return canonical.withUnsafeBufferPointer { SHA256.hex(bytes: $0) }
    }

    /// Whether the stored A of an item with the same identity is this item's B: the two
    /// are the same pair placed the other way round.
    public func isSwapped(againstStoredA storedA: Response) -> Bool {
        responseA.json != storedA.json && responseB.json == storedA.json
    }
}

/// A problem with one field of a record; the importer adds the file and line.
public struct FieldError: Error, Equatable, Sendable {
    public var field: String
    public var message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

extension Prompt {
    /// The prompt's text, chat turns joined.
    public var plainText: String {
        switch self {
        case .text(let text): return text
        case .chat(let turns): return turns.map(\.content).joined(separator: "\n")
        }
    }
}
