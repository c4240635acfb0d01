import Foundation
import PairwiseCore

/// A sparse feature vector: sorted, unique indices with values.
public struct SparseVector: Sendable, Equatable {
    public var indices: [Int32]
    public var values: [Double]

    public init(indices: [Int32] = [], values: [Double] = []) {
        self.indices = indices
        self.values = values
    }

    /// self − other, merging the two sorted index lists.
    public func subtracting(_ other: SparseVector) -> SparseVector {
        var out = SparseVector()
        out.indices.reserveCapacity(indices.count + other.indices.count)
        out.values.reserveCapacity(indices.count + other.indices.count)
        var i = 0, j = 0
        while i < indices.count || j < other.indices.count {
            if j == other.indices.count || (i < indices.count && indices[i] < other.indices[j]) {
                out.indices.append(indices[i]); out.values.append(values[i]); i += 1
            } else if i == indices.count || other.indices[j] < indices[i] {
                out.indices.append(other.indices[j]); out.values.append(-other.values[j]); j += 1
            } else {
                let v = values[i] - other.values[j]
                if v != 0 { out.indices.append(indices[i]); out.values.append(v) }
                i += 1; j += 1
            }
        }
        return out
    }

    public func dot(_ weights: [Double]) -> Double {
        var sum = 0.0
        for k in indices.indices { sum += weights[Int(indices[k])] * values[k] }
        return sum
    }
}

/// Features from text alone: hashed word unigrams and bigrams of the response (1 + ln count,
/// scaled to unit length), plus a few dense features tying it to the prompt (word overlap, length ratio)
/// and describing its shape (length, list lines, code blocks, questions back).
public struct Featurizer: Sendable {
    public let hashBits: Int
    public var hashBuckets: Int { 1 << hashBits }
    /// Dense features after the hashed block.
    public static let denseNames = ["log_words", "log_length_ratio", "prompt_overlap", "list_lines", "code_blocks", "questions", "bias_guard"]
    public var dimension: Int { hashBuckets + Self.denseNames.count }
    /// Dense features are scaled to the size of the unit-length text features.
    static let denseScale = 0.1

    public init(hashBits: Int = 18) { self.hashBits = hashBits }

    /// Lower-cased words: runs of letters and digits (apostrophes inside kept).
    public static func words(_ text: String) -> [Substring] {
        var words: [Substring] = []
        var start: String.Index?
        let lower = text.lowercased()
        var i = lower.startIndex
        while i != lower.endIndex {
            let c = lower[i]
            if c.isLetter || c.isNumber || (c == "'" && start != nil) {
                if start == nil { start = i }
            } else if let s = start {
                words.append(lower[s..<i])
                start = nil
            }
            i = lower.index(after: i)
        }
        if let s = start { words.append(lower[s...]) }
        return words
    }

    /// FNV-1a of the UTF-8 bytes, with a salt for bigrams.
    @inline(__always)
    static func hash(_ word: Substring, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64 {
        var h = seed
        for byte in word.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    public func features(prompt: String, response: String) -> SparseVector {
        let words = Self.words(response)
        var counts: [Int32: Double] = [:]
        let mask = UInt64(hashBuckets - 1)
        var previous: UInt64?
        for word in words {
            let h = Self.hash(word)
            counts[Int32(truncatingIfNeeded: h & mask), default: 0] += 1
            if let p = previous { counts[Int32(truncatingIfNeeded: (Self.hash(word, seed: p ^ 0x9E37_79B9_7F4A_7C15)) & mask), default: 0] += 1 }
            previous = h
        }
        let sorted = counts.keys.sorted()
        // Sublinear term frequency, then unit length (measured on hh-rlhf: better than
        // presence or raw counts).
        var values = sorted.map { 1 + log(counts[$0]!) }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in values.indices { values[i] /= norm } }
        var vector = SparseVector(indices: sorted, values: values)
        let promptWords = Set(Self.words(prompt))
        let overlap = words.isEmpty ? 0 : Double(words.filter { promptWords.contains($0) }.count) / Double(words.count)
        let lines = response.split(separator: "\n")
        let listLines = lines.filter { line in
            let t = line.drop { $0 == " " }
            return t.hasPrefix("- ") || t.hasPrefix("* ") || (t.first?.isNumber == true && t.dropFirst().prefix(2).contains("."))
        }.count
        let dense: [Double] = [
            log(1 + Double(words.count)),
            log((1 + Double(words.count)) / (1 + Double(promptWords.count))),
            overlap,
            log(1 + Double(listLines)),
            Double(response.components(separatedBy: "```").count / 2),
            Double(response.filter { $0 == "?" }.count > 0 ? 1 : 0),
            0,
        ]
        for (k, value) in dense.enumerated() where value != 0 {
            vector.indices.append(Int32(hashBuckets + k))
            vector.values.append(value * Self.denseScale)
        }
        return vector
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
