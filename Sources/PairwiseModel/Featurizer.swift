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
    /// Length of user-supplied response embeddings, appended after the dense block (0: none).
    public let embeddingDimension: Int
    public var dimension: Int { hashBuckets + Self.denseNames.count + embeddingDimension }
    /// Dense features are scaled to the size of the unit-length text features.
    static let denseScale = 0.1
    /// Which features this code computes: a change to what a response's features are
    /// (words, hashing, dense features, scaling) must change it, or `FeatureCache` files
    /// written before would be read as if they were this code's.
    public static let version = 1

    public init(hashBits: Int = 18, embeddingDimension: Int = 0) {
        self.hashBits = hashBits
        self.embeddingDimension = embeddingDimension
    }

    public func features(prompt: String, response: String) -> SparseVector {
        features(promptWords: promptWords(prompt), response: response)
    }

    /// The hashes of a prompt's words, computed once for both responses of an item.
    public func promptWords(_ prompt: String) -> WordSet {
        // Room for a word in about every 8 bytes before the table grows.
        var words = WordSet(minimumCapacity: prompt.utf8.count / 8)
        Self.scan(prompt) { hash, _ in words.insert(hash) }
        return words
    }

    /// Features of a response in one pass over its UTF-8 bytes, then its embedding (scaled
    /// to unit length, like the word block) when the featurizer has room for one.
    public func features(promptWords: WordSet, response: String, embedding: [Float]?) -> SparseVector {
        var vector = features(promptWords: promptWords, response: response)
        guard embeddingDimension > 0, let embedding, embedding.count == embeddingDimension else { return vector }
        let norm = embedding.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard norm > 0 else { return vector }
        let offset = hashBuckets + Self.denseNames.count
        for (k, value) in embedding.enumerated() where value != 0 {
            vector.indices.append(Int32(offset + k))
            vector.values.append(Double(value) / norm)
        }
        return vector
    }

    /// Features of a response's text in one pass over its UTF-8 bytes.
    public func features(promptWords: WordSet, response: String) -> SparseVector {
        // Every word's and bigram's bucket, sorted: equal buckets fall together and are counted
        // (a radix sort of a few hundred integers, where a dictionary hashed each one). A
        // response of n bytes has at most (n + 1) / 2 words, so at most n + 1 buckets.
        let mask = UInt64(hashBuckets - 1)
        var words = 0, overlapping = 0
        var vector = SparseVector()
        let shape = withUnsafeTemporaryAllocation(of: Int32.self, capacity: response.utf8.count + 2) { buckets in
            var filled = 0
            var previous: UInt64?
            let shape = Self.scan(response) { hash, first in
                words += 1
                if promptWords.contains(hash) { overlapping += 1 }
                buckets[filled] = Int32(truncatingIfNeeded: hash & mask)
                filled += 1
                if let p = previous, !first {
                    buckets[filled] = Int32(truncatingIfNeeded: Self.mixBigram(p, hash) & mask)
                    filled += 1
                }
                previous = hash
            }
            let sorted = UnsafeMutableBufferPointer(rebasing: buckets[..<filled])
            RadixSort.sort(sorted, bits: hashBits)
            vector.indices.reserveCapacity(filled + Self.denseNames.count)
            vector.values.reserveCapacity(filled + Self.denseNames.count)
            let sublinear = Self.sublinearCounts
            var start = 0
            while start < filled {
                var end = start + 1
                while end < filled && sorted[end] == sorted[start] { end += 1 }
                // Sublinear term frequency, then unit length (measured on hh-rlhf: better than
                // presence or raw counts).
                vector.indices.append(sorted[start])
                let count = end - start
                vector.values.append(count < sublinear.count ? sublinear[count] : 1 + log(Double(count)))
                start = end
            }
            return shape
        }
        let norm = vector.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in vector.values.indices { vector.values[i] /= norm } }
        let dense: [Double] = [
            log(1 + Double(words)),
            log((1 + Double(words)) / (1 + Double(promptWords.count))),
            words == 0 ? 0 : Double(overlapping) / Double(words),
            log(1 + Double(shape.listLines)),
            Double(shape.fences / 2),
            shape.questions > 0 ? 1 : 0,
            0,
        ]
        for (k, value) in dense.enumerated() where value != 0 {
            vector.indices.append(Int32(hashBuckets + k))
            vector.values.append(value * Self.denseScale)
        }
        return vector
    }

    /// 1 + ln count for the counts a word or bigram usually has in a response, computed once
    /// (its logarithm took about 5 % of featurizing).
    static let sublinearCounts: [Double] = (0..<64).map { 1 + log(Double($0)) }

    public struct Shape { var listLines = 0, fences = 0, questions = 0 }

    /// Walks the text's words (runs of letters and digits, ASCII lower-cased, with inner
    /// apostrophes), calling `word` with each word's hash (ASCII lower-cased) and whether it
    /// begins the text; counts list lines, code fences and question marks on the way.
    @discardableResult
    public static func scan(_ text: String, word: (UInt64, Bool) -> Void) -> Shape {
        var shape = Shape()
        var text = text
        text.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            var inWord = false, firstWord = true
            func endWord() {
                guard inWord else { return }
                word(hash, firstWord)
                firstWord = false
                hash = 0xcbf2_9ce4_8422_2325
                inWord = false
            }
            var lineStart = true, backticks = 0
            var i = 0
            while i < bytes.count {
                var byte = bytes[i]
                if lineStart {
                    var j = i
                    while j < bytes.count && bytes[j] == 0x20 { j += 1 }
                    if j + 1 < bytes.count && (bytes[j] == 0x2D || bytes[j] == 0x2A) && bytes[j + 1] == 0x20 { shape.listLines += 1 }
                    else if j < bytes.count && bytes[j] >= 0x30 && bytes[j] <= 0x39 {
                        var k = j
                        while k < bytes.count && bytes[k] >= 0x30 && bytes[k] <= 0x39 { k += 1 }
                        if k < bytes.count && (bytes[k] == 0x2E || bytes[k] == 0x29) { shape.listLines += 1 }
                    }
                    lineStart = false
                }
                if byte == 0x60 { backticks += 1; if backticks == 3 { shape.fences += 1; backticks = 0 } } else { backticks = 0 }
                if byte == 0x3F { shape.questions += 1 }
                if byte == 0x0A { lineStart = true }
                if byte >= 0x80 {
                    // A non-ASCII scalar: part of a word if it is a letter or a digit
                    // (curly quotes, dashes and ellipses separate words, as ASCII punctuation does).
                    let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                    let end = min(bytes.count, i + length)
                    let isWord: Bool
                    if let value = basicPlaneScalar(bytes, from: i, to: end) {
                        isWord = Self.basicPlaneWordScalars[value]
                    } else {
                        let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<end]), as: UTF8.self).unicodeScalars.first
                        isWord = scalar.map(Self.isWordScalar) ?? false
                    }
                    if isWord {
                        for k in i..<end { hash = (hash ^ UInt64(bytes[k])) &* 0x0000_0100_0000_01B3 }
                        inWord = true
                    } else {
                        endWord()
                    }
                    i = end
                    continue
                }
                if byte >= 0x41 && byte <= 0x5A { byte += 0x20 }
                let isWordByte = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || (byte == 0x27 && inWord)
                if isWordByte {
                    hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                    inWord = true
                } else {
                    endWord()
                }
                i += 1
            }
            endWord()
        }
        return shape
    }

    /// A letter or a digit: part of a word.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isAlphabetic || scalar.properties.numericType != nil }

    /// `isWordScalar` of every scalar of the Basic Multilingual Plane, looked up once (the
    /// properties' lookup was a tenth of featurizing text that is not ASCII).
    static let basicPlaneWordScalars: [Bool] = (0..<0x1_0000).map { Unicode.Scalar(UInt32($0)).map(isWordScalar) ?? false }

    /// The scalar of bytes[start..<end] when they are one well-formed UTF-8 sequence of two or
    /// three bytes (what decoding them gives, exactly); nil for anything else.
    @inline(__always)
    static func basicPlaneScalar(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        let lead = Int(bytes[start])
        switch end - start {
        case 2:
            let second = Int(bytes[start + 1])
            guard lead >= 0xC2 && lead <= 0xDF && second & 0xC0 == 0x80 else { return nil }
            return (lead & 0x1F) << 6 | (second & 0x3F)
        case 3:
            let second = Int(bytes[start + 1]), third = Int(bytes[start + 2])
            guard lead >= 0xE0 && lead <= 0xEF && second & 0xC0 == 0x80 && third & 0xC0 == 0x80 else { return nil }
            let value = (lead & 0x0F) << 12 | (second & 0x3F) << 6 | (third & 0x3F)
            return value >= 0x800 && !(0xD800...0xDFFF).contains(value) ? value : nil
        default:
            return nil
        }
    }

    @inline(__always)
    static func mixBigram(_ previous: UInt64, _ current: UInt64) -> UInt64 {
        SplitMix64.mix(previous &* 0x9E37_79B9_7F4A_7C15 ^ current)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
