/// Anthropic's HH-RLHF transcript form: "\n\nHuman: …\n\nAssistant: …".
public enum HHTranscript {
    static let human = "\n\nHuman: "
    static let assistant = "\n\nAssistant: "
    static let lastAssistantMarker = "\n\nAssistant:"

    /// Whether a string looks like an HH transcript.
    static func looksLikeTranscript(_ text: String) -> Bool { text.hasPrefix(human) || text.hasPrefix("Human: ") }

    /// Splits a chosen/rejected pair into the shared dialogue and the two final replies.
    /// The prompt ends at the last "\n\nAssistant:" inside the common prefix of the two
    /// (a reply may itself contain that marker).
    static func split(chosen: String, rejected: String) throws(FieldError) -> (prompt: [ChatTurn], chosen: String, rejected: String) {
        let c = Array(chosen.utf8), r = Array(rejected.utf8)
        var common = 0
        while common < c.count && common < r.count && c[common] == r[common] { common += 1 }
        let marker = Array(lastAssistantMarker.utf8)
        var cut = -1
        var start = common - marker.count
        while start >= 0 {
            if c[start..<start + marker.count].elementsEqual(marker) { cut = start; break }
            start -= 1
        }
        guard cut >= 0 else {
            throw FieldError(field: "chosen", message: "chosen and rejected share no dialogue ending in \"\\n\\nAssistant:\"")
        }
        let head = String(decoding: c[0..<cut], as: UTF8.self)
        let turns = try parseTurns(head)
        return (turns, reply(c[(cut + marker.count)...]), reply(r[(cut + marker.count)...]))
    }

    /// The reply after the final marker, without the single space that follows it.
    private static func reply(_ bytes: ArraySlice<UInt8>) -> String {
        let body = bytes.first == 0x20 ? bytes.dropFirst() : bytes
        return String(decoding: body, as: UTF8.self)
    }

    /// Parses "\n\nHuman: x\n\nAssistant: y…" into turns; refuses anything it could not
    /// render back byte for byte.
    static func parseTurns(_ text: String) throws(FieldError) -> [ChatTurn] {
        guard text.hasPrefix(human) else {
            throw FieldError(field: "chosen", message: "expected the transcript to start with \"\\n\\nHuman: \"")
        }
        var turns: [ChatTurn] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let role: String
            if rest.hasPrefix(human) { role = "user"; rest = rest.dropFirst(human.count) }
            else if rest.hasPrefix(assistant) { role = "assistant"; rest = rest.dropFirst(assistant.count) }
            else { throw FieldError(field: "chosen", message: "cannot split the transcript into Human/Assistant turns") }
            let nextHuman = rest.firstRange(of: human)?.lowerBound ?? rest.endIndex
            let nextAssistant = rest.firstRange(of: assistant)?.lowerBound ?? rest.endIndex
            let end = min(nextHuman, nextAssistant)
            turns.append(ChatTurn(role: role, content: String(rest[..<end])))
            rest = rest[end...]
        }
        guard render(turns) == text else {
            throw FieldError(field: "chosen", message: "the transcript's turns do not round-trip (unexpected markers)")
        }
        return turns
    }

    /// Renders turns as an HH transcript.
    public static func render(_ turns: [ChatTurn]) -> String {
        var out = ""
        for turn in turns {
            out += turn.role == "assistant" ? assistant : human
            out += turn.content
        }
        return out
    }

    /// The full transcript of a prompt followed by a reply, as HH-RLHF stores it.
    public static func transcript(prompt: Prompt, reply: String) -> String {
        let head: String
        switch prompt {
        case .chat(let turns): head = render(turns)
        case .text(let text): head = human + text
        }
        return head + assistant + reply
    }
}
