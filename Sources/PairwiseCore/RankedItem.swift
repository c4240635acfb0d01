/// A prompt with three to nine responses to rank: best-of-N data (UltraFeedback's four,
/// Nectar's seven). A record with two responses is a pair (`Item`) and stays one.
public struct RankedItem: Equatable, Sendable {
    /// How many responses a ranked item holds.
    public static let sizes = 3...9

    /// The external id (from the source file, or derived from the content hash).
    public var id: String
    public let prompt: Prompt
    /// The responses in the source's order (stored in that order: slots a, b, c, …).
    public let responses: [Response]
    /// The identity: the prompt and the responses whatever their order (as a pair's).
    public let contentHash: String
    public var metadata: JSONValue
    public var source: ItemSource?

    public init(id: String? = nil, prompt: Prompt, responses: [Response], metadata: JSONValue = .object([]),
                source: ItemSource? = nil, knownHash: String? = nil) {
        self.prompt = prompt
        self.responses = responses
        self.metadata = metadata
        self.source = source
        let hash = knownHash ?? Item.contentHash(prompt: prompt, responses: responses)
        contentHash = hash
        self.id = id.flatMap { $0.isEmpty ? nil : $0 } ?? String(hash.prefix(16))
    }

    /// Where each of `others` (the same responses in another order) stands among these
    /// responses: `positions[i]` is the index here of `others[i]`; nil when they differ.
    public func positions(of others: [Response]) -> [Int]? {
        guard others.count == responses.count else { return nil }
        var free = Array(responses.indices)
        var positions: [Int] = []
        for other in others {
            guard let n = free.firstIndex(where: { responses[$0].json == other.json }) else { return nil }
            positions.append(free.remove(at: n))
        }
        return positions
    }

    /// The storage slot of the response at `index`: a, b, c, … (a pair's slots are a and b).
    public static func slot(_ index: Int) -> String {
        String(UnicodeScalar(UInt8(ascii: "a") + UInt8(index)))
    }

    /// The index of a storage slot (`slot(_:)` reversed).
    public static func index(ofSlot slot: String) -> Int? {
        guard let scalar = slot.unicodeScalars.first, slot.unicodeScalars.count == 1,
              ("a"..."i").contains(scalar) else { return nil }
        return Int(scalar.value - UnicodeScalar("a").value)
    }
}
