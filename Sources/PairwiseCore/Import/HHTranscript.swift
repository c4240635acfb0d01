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
        let bytes = Array(text.utf8)
        let humanBytes = Array(human.utf8), assistantBytes = Array(assistant.utf8)
        func marker(at i: Int) -> (role: String, length: Int)? {
            guard i + 2 < bytes.count, bytes[i] == 0x0A, bytes[i + 1] == 0x0A else { return nil }
            if bytes[i...].starts(with: humanBytes) { return ("user", humanBytes.count) }
            if bytes[i...].starts(with: assistantBytes) { return ("assistant", assistantBytes.count) }
            return nil
        }
        guard let first = marker(at: 0), first.role == "user" else {
            throw FieldError(field: "chosen", message: "expected the transcript to start with \"\\n\\nHuman: \"")
        }
        var turns: [ChatTurn] = []
        var role = first.role
        var start = first.length
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x0A, let next = marker(at: i) {
                turns.append(ChatTurn(role: role, content: String(decoding: bytes[start..<i], as: UTF8.self)))
                role = next.role
                i += next.length
                start = i
            } else {
                i += 1
            }
        }
        turns.append(ChatTurn(role: role, content: String(decoding: bytes[start...], as: UTF8.self)))
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
