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
        var turns: [ChatTurn] = []
        var i = 0
        if marker(at: 0) == nil {
            // Text before the first "\n\nHuman: " is a system prompt (Anthropic's legacy
            // text-completion form).
            while i < bytes.count && !(bytes[i] == 0x0A && marker(at: i)?.role == "user") { i += 1 }
            guard i > 0, i < bytes.count else {
                throw FieldError(field: "chosen", message: "expected the transcript to start with \"\\n\\nHuman: \"")
            }
            turns.append(ChatTurn(role: "system", content: String(decoding: bytes[..<i], as: UTF8.self)))
        }
        guard let first = marker(at: i), first.role == "user" else {
            throw FieldError(field: "chosen", message: "expected the transcript to start with \"\\n\\nHuman: \"")
        }
        var role = first.role
        var start = i + first.length
        i = start
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

    /// Renders turns as an HH transcript, or nil when a turn has no place in one (a system
    /// turn other than the first, which goes before the first "\n\nHuman: " as Anthropic's
    /// legacy form had it; or a role other than user, assistant and system).
    public static func render(_ turns: [ChatTurn]) -> String? {
        var out = ""
        for (n, turn) in turns.enumerated() {
            switch turn.role {
            case "system" where n == 0: out += turn.content
            case "assistant": out += assistant + turn.content
            case "user": out += human + turn.content
            default: return nil
            }
        }
        return out
    }

    /// The full transcript of a prompt followed by a reply, as HH-RLHF stores it, or nil
    /// when the dialogue has a turn HH cannot say (see `render`). A string prompt that
    /// already is a transcript (Dahoas/rm-static's layout, TRL's implicit string prompts) is
    /// continued as it stands: ending in "\n\nAssistant:", the reply follows directly.
    public static func transcript(prompt: Prompt, reply: Response) -> String? {
        let head: String
        switch prompt {
        case .chat(let turns):
            guard let rendered = render(turns) else { return nil }
            head = rendered
        case .text(let text) where looksLikeTranscript(text):
            if text.hasSuffix(lastAssistantMarker), reply.turns == nil {
                return text + (reply.text.hasPrefix(" ") ? "" : " ") + reply.text
            }
            head = text
        case .text(let text): head = human + text
        }
        guard let turns = reply.turns else { return head + assistant + reply.text }
        guard let rest = render(turns), turns.first?.role != "system" else { return nil }
        return head + rest
    }
}
