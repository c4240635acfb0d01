import Foundation
import PairwiseCore

/// The feature rows of a project's pair items from an earlier run, kept in a file so that a
/// response's features are computed once: a response's text never changes, so its rows
/// stand as long as the item's content hash, its embeddings and the featurizer do.
///
/// The file holds a header (what featurized it) and a record per item in row id order: the
/// item's row id, content hash (32 bytes) and embedding digest, its rows' length and
/// checksum, then its A and B rows as `SparseRows` encodes them. It is a cache: a missing,
/// foreign or damaged file only costs the featurizing, and it is replaced whole (written
/// beside it, then renamed), never edited.
public enum FeatureCache {
    /// What an item's rows were computed from.
    public struct Key: Equatable, Sendable {
        public var rowID: Int64
        /// The item's content hash as 32 bytes: a hex SHA-256 (as stored) read as its bytes,
        /// anything else through SHA-256.
        var content: (UInt64, UInt64, UInt64, UInt64)
        /// `embeddingDigest` of the item's response embeddings (0: none).
        public var embedding: UInt64

        public init(rowID: Int64, contentHash: String, embedding: UInt64) {
            self.init(rowID: rowID, content: Self.words(ofHex: contentHash) ?? Self.words(ofHex: SHA256.hex(contentHash))!, embedding: embedding)
        }

        /// 64 hex digits as four words; nil for anything else. Read in place through a table
        /// of digits, without an allocation: a warm run at 10M judgments reads 3.3M of these
        /// (1.2 s on the reading thread when each made two arrays and switched on each digit).
        static func words(ofHex hex: String) -> (UInt64, UInt64, UInt64, UInt64)? {
            var hex = hex
            return hex.withUTF8 { digits -> (UInt64, UInt64, UInt64, UInt64)? in
                guard digits.count == 64 else { return nil }
                return hexDigits.withUnsafeBufferPointer { table in
                    // Any byte that is not a digit sets a high bit here.
                    var invalid: UInt8 = 0
                    func word(_ w: Int) -> UInt64 {
                        var value: UInt64 = 0
                        for k in (16 * w)..<(16 * w + 16) {
                            let nibble = table[Int(digits[k])]
                            invalid |= nibble
                            value = value << 4 | UInt64(nibble & 0xF)
                        }
                        return value
                    }
                    let words = (word(0), word(1), word(2), word(3))
                    return invalid & 0xF0 == 0 ? words : nil
                }
            }
        }

        /// Each byte's value as a hex digit (either case), 0xFF for any other byte.
        private static let hexDigits: [UInt8] = (0..<256).map { byte in
            switch byte {
            case 48...57: UInt8(byte - 48)
            case 97...102: UInt8(byte - 87)
            case 65...70: UInt8(byte - 55)
            default: 0xFF
            }
        }

        init(rowID: Int64, content: (UInt64, UInt64, UInt64, UInt64), embedding: UInt64) {
            self.rowID = rowID
            self.content = content
            self.embedding = embedding
        }

        public static func == (a: Key, b: Key) -> Bool {
            a.rowID == b.rowID && a.embedding == b.embedding && a.content.0 == b.content.0 && a.content.1 == b.content.1
                && a.content.2 == b.content.2 && a.content.3 == b.content.3
        }
    }

    /// "PWFEATS" and a format number, read as one integer: a file from a machine of the
    /// other byte order does not match either.
    static let magic: UInt64 = 0x0253_5441_4546_5750
    /// Bytes of the header: the magic, then the featurizer's version, hash bits and
    /// embedding length (UInt32 each).
    static let headerLength = 20
    /// Bytes of a record before its rows: row id, content hash, embedding digest, the rows'
    /// length and checksum.
    static let recordFixed = 8 + 32 + 8 + 4 + 8

    /// A checksum of a record's rows, 8 bytes at a time (a rotation, then a multiplication
    /// by an odd number: each step one-to-one): any change inside one 8-byte word changes
    /// it, and changes in several cancel only by chance.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = UInt64(bytes.count) ^ 0x9e37_79b9_7f4a_7c15
        var i = 0
        while i + 8 <= bytes.count {
            hash = ((hash << 23 | hash >> 41) ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9e37_79b9_7f4a_7c15
            i += 8
        }
        while i < bytes.count {
            hash = ((hash << 23 | hash >> 41) ^ UInt64(bytes[i])) &* 0x9e37_79b9_7f4a_7c15
            i += 1
        }
        return hash
    }

    /// A digest of an item's two embeddings, bit for bit (0 when it has none).
    public static func embeddingDigest(_ vectors: (a: [Float], b: [Float])?) -> UInt64 {
        guard let vectors else { return 0 }
        // FNV-1a over each vector's length and its values' bits.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for vector in [vectors.a, vectors.b] {
            hash = (hash ^ UInt64(vector.count)) &* 0x0000_0100_0000_01b3
            for value in vector { hash = (hash ^ UInt64(value.bitPattern)) &* 0x0000_0100_0000_01b3 }
        }
        return hash | 1
    }

    static func header(_ featurizer: Featurizer) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: magic) { bytes.append(contentsOf: $0) }
        for value in [UInt32(Featurizer.version), UInt32(featurizer.hashBits), UInt32(featurizer.embeddingDimension)] {
            withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Reads a cache file's records in order, for items asked for in row id order.
    public final class Reader {
        private let handle: FileHandle
        /// The bytes read and not yet passed: `storage[position..<filled]`.
        private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 22, alignment: 16)
        private var position = 0, filled = 0
        private var ended = false
        /// Whether a record was cut short: the rest of the file is not read.
        private var damaged = false

        /// Opens the file at `path` when it was written for `featurizer`; nil otherwise.
        public init?(path: String, featurizer: Featurizer) {
            guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
            self.handle = handle
            guard fill(FeatureCache.headerLength), Array(storage[0..<FeatureCache.headerLength]) == FeatureCache.header(featurizer) else { return nil }
            position = FeatureCache.headerLength
        }

        deinit {
            try? handle.close()
            storage.deallocate()
        }

        /// Appends the encoded A and B rows stored for `key`'s item to `bytes` when the file
        /// has them for that content, unchanged since written (their checksum holds); false
        /// otherwise. Keys must come in increasing row id order; `checkRows` tells whether
        /// rows are safe to read.
        public func copyRows(for key: Key, into bytes: inout [UInt8]) -> Bool {
            while !damaged, let record = peek() {
                if record.rowID > key.rowID { return false }
                position += record.length
                guard record.rowID == key.rowID else { continue }
                let rows = UnsafeRawBufferPointer(rebasing: storage[(position - record.rowsLength)..<position])
                guard record.key == key, FeatureCache.checksum(rows) == record.checksum else { return false }
                bytes.append(contentsOf: rows)
                return true
            }
            return false
        }

        /// The next record's key and lengths, once the whole record is in the buffer (nil at
        /// the end; a record cut short marks the file damaged).
        private func peek() -> (rowID: Int64, key: Key, length: Int, rowsLength: Int, checksum: UInt64)? {
            let fixed = FeatureCache.recordFixed
            guard fill(fixed) else {
                damaged = filled > position
                return nil
            }
            func word(_ offset: Int) -> UInt64 { storage.loadUnaligned(fromByteOffset: position + offset, as: UInt64.self) }
            let rowID = Int64(bitPattern: word(0)), content = (word(8), word(16), word(24), word(32)), embedding = word(40)
            let rowsLength = Int(storage.loadUnaligned(fromByteOffset: position + 48, as: UInt32.self))
            let checksum = word(52)
            let length = fixed + rowsLength
            guard fill(length) else {
                damaged = true
                return nil
            }
            let key = Key(rowID: rowID, content: content, embedding: embedding)
            return (rowID, key, length, rowsLength, checksum)
        }

        /// Whether `count` bytes from `position` are in the buffer, reading on as needed.
        private func fill(_ count: Int) -> Bool {
            if filled - position >= count { return true }
            // The bytes not passed to the front, in room for `count` of them.
            let kept = filled - position
            if count > storage.count {
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[position..<filled]))
                storage.deallocate()
                storage = larger
            } else if position > 0 {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + position, byteCount: kept)
            }
            position = 0
            filled = kept
            while !ended && filled < count {
                let got = Foundation.read(handle.fileDescriptor, storage.baseAddress! + filled, storage.count - filled)
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { ended = true } else { filled += got }
            }
            return filled >= count
        }
    }

    /// Whether `rows` is an item's two encoded rows, each one `SparseRows` could have
    /// written for a featurizer of `dimension` features.
    public static func checkRows(_ rows: UnsafeRawBufferPointer, dimension: Int) -> Bool {
        guard let a = SparseRows.encodedLength(rows, dimension: dimension),
              let b = SparseRows.encodedLength(UnsafeRawBufferPointer(rebasing: rows[a...]), dimension: dimension) else { return false }
        return a + b == rows.count
    }

    /// Writes a cache file beside `path`, a record at a time (items in row id order), then
    /// renames it to `path` when finished: a reader sees the old file or the new one.
    public final class Writer {
        private let path: String, partial: String
        private let handle: FileHandle
        private var bytes: [UInt8], record: [UInt8] = []
        private var done = false

        public init(path: String, featurizer: Featurizer) throws {
            self.path = path
            partial = path + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
            guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial])
            }
            self.handle = handle
            bytes = FeatureCache.header(featurizer)
        }

        /// A file not finished is removed.
        deinit {
            guard !done else { return }
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
        }

        /// The record of `key`'s item: its rows `a` and `b` of `rows`.
        public func add(_ key: Key, rows: SparseRows, _ a: Int, _ b: Int) throws {
            record.removeAll(keepingCapacity: true)
            rows.encode(a, into: &record)
            rows.encode(b, into: &record)
            for word in [UInt64(bitPattern: key.rowID), key.content.0, key.content.1, key.content.2, key.content.3, key.embedding] {
                withUnsafeBytes(of: word) { bytes.append(contentsOf: $0) }
            }
            withUnsafeBytes(of: UInt32(record.count)) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: record.withUnsafeBytes { FeatureCache.checksum($0) }) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: record)
            if bytes.count >= 1 << 22 {
                try handle.write(contentsOf: bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }

        /// Writes what is left and puts the file in its place.
        public func finish() throws {
            try handle.write(contentsOf: bytes)
            try handle.close()
            guard rename(partial, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
            done = true
        }
    }
}
