import CZlib
import Foundation

/// The (decompressed) bytes of an input, read in chunks through a window that holds the
/// record being read and little more: memory stays flat whatever the file's size, gzip
/// bombs included. Positions are absolute offsets into the decompressed content; a reader
/// says which bytes it no longer needs with `discard(before:)`.
public final class ByteStream {
    /// No record may be longer than this (a guard against a file with no record breaks).
    public static let defaultMaximumRecordBytes = 64 << 20
    public static let defaultChunkBytes = 1 << 20

    public let file: String
    public let maximumRecordBytes: Int
    /// How much is read (or inflated) at a time.
    let chunkBytes: Int
    /// The file's size on disk, and how much of it has been read (for progress).
    public let fileSize: Int
    public private(set) var fileBytesRead = 0
    private var buffer: [UInt8] = []
    /// The absolute position of `buffer[0]`.
    private var base = 0
    private var source: ChunkSource
    private var exhausted = false

    /// Opens a file, inflating gzip when its content starts with gzip's magic bytes
    /// (whatever the file is called).
    public init(path: String, maximumRecordBytes: Int = ByteStream.defaultMaximumRecordBytes,
                chunkBytes: Int = ByteStream.defaultChunkBytes) throws(ImportError) {
        file = path
        self.maximumRecordBytes = maximumRecordBytes
        self.chunkBytes = chunkBytes
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ImportError(file: path, line: 0, field: "file", message: exists ? "cannot be read (permission?)" : "does not exist")
        }
        var info = stat()
        fileSize = fstat(handle.fileDescriptor, &info) == 0 ? Int(info.st_size) : 0
        var reader = FileChunks(handle: handle, file: path)
        let head = try reader.read(max: 2)
        source = head.count == 2 && head[0] == 0x1F && head[1] == 0x8B
            ? .gzip(try GzipChunks(input: reader, prefix: head, file: path, inputChunkBytes: max(1, chunkBytes / 4)))
            : .plain(reader, prefix: head)
    }

    /// Bytes already in memory (tests, small inputs).
    public init(bytes: [UInt8], file: String, maximumRecordBytes: Int = ByteStream.defaultMaximumRecordBytes) {
        self.file = file
        self.maximumRecordBytes = maximumRecordBytes
        chunkBytes = ByteStream.defaultChunkBytes
        fileSize = bytes.count
        buffer = bytes
        source = .none
        exhausted = true
        fileBytesRead = bytes.count
    }

    /// Decompressed bytes read so far.
    public var bytesDecompressed: Int { base + buffer.count }

    /// The byte at `position`, reading on when it is not buffered yet; nil at the end.
    @inline(__always)
    public func byte(at position: Int) throws(ImportError) -> UInt8? {
        let index = position - base
        if index < buffer.count { return buffer[index] }
        return try fill(through: position) ? buffer[position - base] : nil
    }

    /// The first position at or after `position` holding `byte`, or nil when the content
    /// ends first. Fails when the search passes `maximumRecordBytes` beyond `recordStart`.
    public func firstIndex(of byte: UInt8, from position: Int, recordStart: Int, line: Int) throws(ImportError) -> Int? {
        var from = position
        while true {
            let start = from - base
            if start < buffer.count {
                let found: Int? = buffer.withUnsafeBufferPointer { pointer -> Int? in
                    guard let raw = memchr(pointer.baseAddress! + start, Int32(byte), pointer.count - start) else { return nil }
                    return UnsafePointer<UInt8>(raw.assumingMemoryBound(to: UInt8.self)) - pointer.baseAddress!
                }
                if let found { return base + found }
                from = base + buffer.count
            }
            if from - recordStart > maximumRecordBytes { throw tooLong(line: line) }
            guard try fill(through: from) else { return nil }
        }
    }

    /// The first position at or after `position` whose byte is not blank space (space, tab,
    /// CR, and LF when `newlines`), or the end; blank space is let go as it is passed unless
    /// `keeping` (then at most `maximumRecordBytes` of it). `newlinesPassed` counts the LFs.
    public func skipBlanks(from position: Int, newlines: Bool, keeping: Bool = false, newlinesPassed: inout Int) throws(ImportError) -> Int {
        var at = position
        while true {
            let start = at - base
            if start < buffer.count {
                let stop: Int? = buffer.withUnsafeBufferPointer { pointer -> Int? in
                    var lines = 0
                    let run = cz_blank_run(pointer.baseAddress! + start, pointer.count - start, newlines ? 1 : 0, &lines)
                    newlinesPassed += lines
                    return start + run < pointer.count ? start + run : nil
                }
                if let stop { return base + stop }
                at = base + buffer.count
                if keeping {
                    if at - position > maximumRecordBytes { throw tooLong(line: 1 + newlinesPassed) }
                } else {
                    discard(before: at)
                }
            }
            guard try fill(through: at) else { return at }
        }
    }

    /// Everything from the current window on (the whole content, when nothing was let go).
    public func readAll() throws(ImportError) -> [UInt8] {
        while try fill(through: base + buffer.count) {}
        return buffer
    }

    /// The first `count` bytes of the content (fewer when it is shorter); call before any
    /// `discard(before:)`.
    public func prefix(_ count: Int) throws(ImportError) -> ArraySlice<UInt8> {
        _ = try fill(through: count - 1)
        return buffer[0..<min(count, buffer.count)]
    }

    /// The buffered bytes of `range` (all of which must have been read).
    public func slice(_ range: Range<Int>) -> ArraySlice<UInt8> {
        buffer[(range.lowerBound - base)..<(range.upperBound - base)]
    }

    /// Lets go of the bytes before `position`: the reader will not ask for them again.
    public func discard(before position: Int) {
        let count = position - base
        // Compact only when it pays: most of the buffer is behind the reader.
        guard count >= chunkBytes && count * 2 >= buffer.count else { return }
        buffer.removeSubrange(0..<count)
        base = position
    }

    /// An error for a record that goes on past `maximumRecordBytes`.
    public func tooLong(line: Int) -> ImportError {
        ImportError(file: file, line: line, field: "record",
                    message: "a record longer than \(maximumRecordBytes >= 1 << 20 ? "\(maximumRecordBytes >> 20) MiB" : "\(maximumRecordBytes) bytes") (no record break found: not JSON Lines, JSON or CSV?)")
    }

    /// Reads until `position` is buffered; false when the content ends before it.
    private func fill(through position: Int) throws(ImportError) -> Bool {
        while position - base >= buffer.count {
            if exhausted { return false }
            let before = buffer.count
            switch source {
            case .none:
                exhausted = true
            case .plain(var reader, let prefix):
                if !prefix.isEmpty { buffer.append(contentsOf: prefix) }
                let chunk = try reader.read(max: chunkBytes)
                if chunk.isEmpty { exhausted = true } else { buffer.append(contentsOf: chunk) }
                fileBytesRead = reader.offset
                source = .plain(reader, prefix: [])
            case .gzip(let inflater):
                try inflater.inflate(into: &buffer, atMost: chunkBytes)
                if buffer.count == before && inflater.finished { exhausted = true }
                fileBytesRead = inflater.input.offset
            }
        }
        return true
    }
}

/// Where a stream's bytes come from.
private enum ChunkSource {
    case none
    case plain(FileChunks, prefix: [UInt8])
    case gzip(GzipChunks)
}

/// A file read in chunks.
struct FileChunks {
    let handle: FileHandle
    let file: String
    private(set) var offset = 0

    init(handle: FileHandle, file: String) {
        self.handle = handle
        self.file = file
    }

    mutating func read(max: Int) throws(ImportError) -> [UInt8] {
        do {
            let data = try handle.read(upToCount: max) ?? Data()
            offset += data.count
            return [UInt8](data)
        } catch {
            throw ImportError(file: file, line: 0, field: "file", message: "cannot be read (\(error.localizedDescription))")
        }
    }
}

/// Inflates one or more concatenated gzip members, a chunk at a time.
final class GzipChunks {
    private(set) var input: FileChunks
    private let file: String
    private var stream = z_stream()
    /// Where each inflate call writes, before the bytes join the stream's buffer.
    private var scratch: [UInt8]
    private var pending: [UInt8]
    private var pendingOffset = 0
    private(set) var finished = false
    private var inputEnded = false
    private var memberEnded = false

    /// Compressed bytes read at a time.
    let inputChunkBytes: Int

    init(input: FileChunks, prefix: [UInt8], file: String, inputChunkBytes: Int) throws(ImportError) {
        self.input = input
        self.inputChunkBytes = inputChunkBytes
        scratch = [UInt8](repeating: 0, count: max(1, inputChunkBytes * 4))
        self.file = file
        pending = prefix
        // 15 window bits + 16: gzip wrapper only.
        guard cz_inflate_init2(&stream, 15 + 16) == Z_OK else {
            throw ImportError(file: file, line: 0, field: "gzip", message: "cannot start gzip decompression")
        }
    }

    deinit { inflateEnd(&stream) }

    /// Appends up to `atMost` decompressed bytes to `output` (fewer only at the end).
    func inflate(into output: inout [UInt8], atMost: Int) throws(ImportError) {
        guard !finished else { return }
        var produced = 0
        while produced < atMost {
            if pendingOffset == pending.count && !inputEnded {
                pending = try input.read(max: inputChunkBytes)
                pendingOffset = 0
                if pending.isEmpty { inputEnded = true }
            }
            if pendingOffset == pending.count && inputEnded {
                // The input ended: fine after a whole member, else the data is cut short.
                if memberEnded { finished = true; return }
                throw ImportError(file: file, line: 0, field: "gzip", message: "gzip data is truncated")
            }
            if memberEnded {
                // Another gzip member follows.
                guard inflateReset(&stream) == Z_OK else { throw ImportError(file: file, line: 0, field: "gzip", message: "cannot continue after a gzip member") }
                memberEnded = false
            }
            let room = min(atMost - produced, scratch.count)
            var status: Int32 = Z_OK
            var consumed = 0
            let wrote: Int = pending.withUnsafeBufferPointer { source in
                scratch.withUnsafeMutableBufferPointer { target in
                    stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress! + pendingOffset)
                    stream.avail_in = UInt32(source.count - pendingOffset)
                    stream.next_out = target.baseAddress!
                    stream.avail_out = UInt32(room)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed = source.count - pendingOffset - Int(stream.avail_in)
                    return room - Int(stream.avail_out)
                }
            }
            output.append(contentsOf: scratch[0..<wrote])
            pendingOffset += consumed
            produced += wrote
            switch status {
            case Z_STREAM_END:
                memberEnded = true
                if pendingOffset == pending.count {
                    // Peek: does another member follow?
                    pending = try input.read(max: inputChunkBytes)
                    pendingOffset = 0
                    if pending.isEmpty { inputEnded = true; finished = true; return }
                }
            case Z_OK:
                break
            case Z_BUF_ERROR:
                if pendingOffset == pending.count && !inputEnded { continue }
                throw ImportError(file: file, line: 0, field: "gzip", message: "gzip data is truncated")
            default:
                throw ImportError(file: file, line: 0, field: "gzip", message: "gzip data is corrupt")
            }
        }
    }
}
