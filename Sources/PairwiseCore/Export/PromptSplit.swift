/// Named splits (`train=0.9,test=0.1`) assigned by prompt: every item with the same prompt
/// lands in the same split, decided by a seeded hash of the prompt, so no prompt is in two
/// splits and a split does not change when other items are added.
public struct PromptSplit: Equatable, Sendable {
    public var names: [String]
    public var fractions: [Double]
    public var seed: UInt64

    /// Parses `NAME=FRACTION,...`: names of letters, digits, `-` and `_`, distinct; fractions
    /// positive and summing to 1.
    public init(parsing text: String, seed: UInt64) throws(FieldError) {
        var names: [String] = [], fractions: [Double] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2, let fraction = Double(pieces[1].trimmingSpaces), fraction > 0, fraction <= 1 else {
                throw FieldError(field: "--split", message: "expected NAME=FRACTION, got \"\(part)\"")
            }
            let name = String(pieces[0].trimmingSpaces)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
                throw FieldError(field: "--split", message: "a split name takes letters, digits, - and _ only, got \"\(name)\"")
            }
            guard !names.contains(name) else { throw FieldError(field: "--split", message: "split \(name) is named twice") }
            names.append(name)
            fractions.append(fraction)
        }
        let total = fractions.reduce(0, +)
        guard abs(total - 1) < 1e-9 else {
            throw FieldError(field: "--split", message: "fractions add up to \(total), not 1")
        }
        self.names = names
        self.fractions = fractions
        self.seed = seed
    }

    /// The index of the split for a prompt.
    public func split(for prompt: Prompt) -> Int {
        // FNV-1a over the prompt's JSON, mixed with the seed: a uniform draw in [0, 1).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in JSONWriter.string(prompt.json).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let u = Double(SplitMix64.mix(hash ^ seed) >> 11) / Double(1 << 53)
        var edge = 0.0
        for (k, fraction) in fractions.enumerated() {
            edge += fraction
            if u < edge { return k }
        }
        return fractions.count - 1
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}
