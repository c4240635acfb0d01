import Foundation

/// A file's records in batches, read on a thread of its own a few batches ahead of the
/// caller: finding, parsing, decoding and hashing records overlaps the writing of the
/// batches before them, on the other core. At most `depth` batches wait, so memory stays
/// bounded whatever the file's size. `stop()` (also on release) ends the thread and waits
/// for it, so no reading outlives the import that asked for it.
public final class RecordBatches: @unchecked Sendable {
    /// Records read in order, and where the file stood after the last of them.
    public struct Batch: Sendable {
        public var records: [ImportRecord]
        /// Each record's prompt as stored (JSON text), written on the reading thread; nil for
        /// a record that names a stored item.
        public var promptJSON: [String?]
        /// The error that ended the file after these records (the records before it are
        /// taken first).
        public var error: ImportError?
        /// Bytes of the file on disk read (compressed, for a gzip file) and decompressed.
        public var fileBytesRead: Int
        public var bytesDecompressed: Int
    }

    public let format: InputFormat
    public let fileSize: Int
    private let channel: BatchChannel

    /// Starts reading `reader` at once: batches of at most `records` records or about
    /// `bytes` decompressed bytes (the record that crosses it included).
    public init(_ reader: RecordReader, records: Int, bytes: Int, depth: Int = 2) {
        format = reader.format
        fileSize = reader.fileSize
        let channel = BatchChannel(depth: depth)
        self.channel = channel
        let box = ReaderBox(reader)
        let thread = Thread {
            channel.fill(from: box, records: records, bytes: bytes)
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    deinit { stop() }

    /// The next batch, or nil after the last (a batch that carries an error is the last).
    public func next() -> Batch? { channel.take() }

    /// Ends the reading thread (it stops before its next batch) and waits until it has.
    public func stop() { channel.stop() }
}

/// The batches between the reading thread and the caller.
private final class BatchChannel: @unchecked Sendable {
    private let depth: Int
    private let condition = NSCondition()
    private var waiting: [RecordBatches.Batch] = []
    private var ended = false
    private var stopping = false
    private let exited = DispatchSemaphore(value: 0)
    private var joined = false

    init(depth: Int) { self.depth = depth }

    func take() -> RecordBatches.Batch? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !ended { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        let batch = waiting.removeFirst()
        condition.broadcast()
        return batch
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        let wait = !joined
        joined = true
        condition.unlock()
        if wait { exited.wait() }
    }

    /// The reading thread's work: batches until the file ends, fails, or the caller stops.
    func fill(from box: ReaderBox, records limit: Int, bytes: Int) {
        defer { exited.signal() }
        while true {
            var batch: [ImportRecord] = []
            var error: ImportError?
            let start = box.reader.bytesDecompressed
            do {
                while batch.count < limit && box.reader.bytesDecompressed - start < bytes, let record = try box.reader.next() {
                    batch.append(record)
                }
            } catch let failure { error = failure }
            let prompts = batch.map { record -> String? in
                switch record.target {
                case .item(let item): JSONWriter.string(item.prompt.json)
                case .rankedItem(let item): JSONWriter.string(item.prompt.json)
                case .storedItem: nil
                }
            }
            condition.lock()
            while waiting.count >= depth && !stopping { condition.wait() }
            if !stopping && (!batch.isEmpty || error != nil) {
                waiting.append(RecordBatches.Batch(records: batch, promptJSON: prompts, error: error, fileBytesRead: box.reader.fileBytesRead,
                                                   bytesDecompressed: box.reader.bytesDecompressed))
            }
            if error != nil || batch.isEmpty || stopping { ended = true }
            condition.broadcast()
            let done = ended
            condition.unlock()
            if done { return }
        }
    }
}

/// The reader, handed to the reading thread, which alone uses it from then on.
private final class ReaderBox: @unchecked Sendable {
    var reader: RecordReader
    init(_ reader: RecordReader) { self.reader = reader }
}
