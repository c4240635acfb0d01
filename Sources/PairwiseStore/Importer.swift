import Foundation
import GRDB
import PairwiseCore

/// What an import did.
public struct ImportSummary: Equatable, Sendable {
    public var records = 0
    public var itemsAdded = 0
    /// Records whose item (same content hash) was already in the project or earlier in the input.
    public var duplicates = 0
    public var labelsAdded = 0
    /// Labels not added because that annotator already judged the item.
    public var labelsSkipped = 0
    /// Decompressed bytes read.
    public var bytes = 0
    public init() {}
}

/// Progress of an import, reported now and then.
public struct ImportProgress: Sendable {
    public var file: String
    public var bytesRead: Int
    public var totalBytes: Int
    public var records: Int
}

public struct ImportOptions: Sendable {
    /// The format of every file, or nil to detect each file's.
    public var format: InputFormat?
    /// When set, labels carried by the files become judgments by this annotator.
    public var labelsAs: String?

    public init(format: InputFormat? = nil, labelsAs: String? = nil) {
        self.format = format
        self.labelsAs = labelsAs
    }
}

extension ProjectStore {
    /// Imports files all or nothing: one transaction for the whole command; the first bad
    /// record throws an `ImportError` and rolls everything back. Items already present
    /// (same content hash) are skipped; so is a label its annotator already gave.
    public func importFiles(_ paths: [String], options: ImportOptions,
                            progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        try pool.write { db in
            var summary = ImportSummary()
            var writer = try ItemWriter(db: db)
            let labeller = try options.labelsAs.map { try ProjectStore.annotatorID($0, db: db) }
            for path in paths {
                let bytes = try InputFile.read(path: path)
                var reader = try RecordReader(bytes: bytes, file: path, format: options.format)
                summary.bytes += bytes.count
                var fileRecords = 0
                while let record = try reader.next() {
                    summary.records += 1
                    fileRecords += 1
                    let (itemID, added) = try writer.insertIfNew(record, file: path)
                    if added { summary.itemsAdded += 1 } else { summary.duplicates += 1 }
                    if let label = record.label, let labeller {
                        if try writer.insertLabel(label, itemID: itemID, annotatorID: labeller, origin: "import:\(reader.format.rawValue)") {
                            summary.labelsAdded += 1
                        } else {
                            summary.labelsSkipped += 1
                        }
                    }
                    if let progress, fileRecords % 1000 == 0 {
                        progress(ImportProgress(file: path, bytesRead: reader.bytesRead, totalBytes: reader.totalBytes, records: fileRecords))
                    }
                }
                progress?(ImportProgress(file: path, bytesRead: reader.totalBytes, totalBytes: reader.totalBytes, records: fileRecords))
            }
            return summary
        }
    }
}

/// Prepared statements for writing items and imported labels inside one transaction.
struct ItemWriter {
    let db: Database
    let findByHash: Statement
    let findByExternalID: Statement
    let insertItem: Statement
    let insertResponse: Statement
    let findJudgment: Statement
    let insertJudgment: Statement
    let insertEmbedding: Statement
    /// The length every response embedding in the project has (nil until the first).
    var embeddingDimension: Int?
    let now = Timestamp.string(Date())

    init(db: Database) throws {
        self.db = db
        findByHash = try db.makeStatement(sql: "SELECT id FROM items WHERE content_hash = ?")
        findByExternalID = try db.makeStatement(sql: "SELECT content_hash FROM items WHERE external_id = ?")
        insertItem = try db.makeStatement(sql: """
            INSERT INTO items (external_id, content_hash, prompt, metadata, source_format, source_file, source_line, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertResponse = try db.makeStatement(sql: "INSERT INTO responses (item_id, slot, text, model) VALUES (?, ?, ?, ?)")
        insertEmbedding = try db.makeStatement(sql: "INSERT INTO response_embeddings (item_id, slot, vector) VALUES (?, ?, ?)")
        embeddingDimension = try Int.fetchOne(db, sql: "SELECT length(vector) / 4 FROM response_embeddings LIMIT 1")
        findJudgment = try db.makeStatement(sql: "SELECT 1 FROM judgments WHERE item_id = ? AND annotator_id = ? LIMIT 1")
        insertJudgment = try db.makeStatement(sql: """
            INSERT INTO judgments (item_id, annotator_id, strength, both_bad, rubric, note, shown_order, ms, created_at, origin)
            VALUES (?, ?, ?, ?, '{}', NULL, 'ab', 0, ?, ?)
            """)
    }

    /// Inserts the record's item unless its content is already stored; returns the item's row id.
    mutating func insertIfNew(_ record: ImportRecord, file: String) throws -> (Int64, Bool) {
        let item = record.item
        if let vector = item.responseA.embedding {
            if let expected = embeddingDimension, vector.count != expected {
                throw ImportError(file: file, line: record.line, field: "embedding_a",
                                  message: "has \(vector.count) numbers; this project's embeddings have \(expected)")
            }
            embeddingDimension = vector.count
        }
        let hash = item.contentHash
        if let existing = try Int64.fetchOne(findByHash, arguments: [hash]) { return (existing, false) }
        if try String.fetchOne(findByExternalID, arguments: [item.id]) != nil {
            throw ImportError(file: file, line: record.line, field: "id", message: "'\(item.id)' already names a different item in this project")
        }
        try insertItem.execute(arguments: [
            item.id, hash, JSONWriter.string(item.prompt.json), JSONWriter.string(item.metadata),
            item.source?.format.rawValue, item.source?.file, item.source?.line, now,
        ])
        let rowID = db.lastInsertedRowID
        try insertResponse.execute(arguments: [rowID, "a", item.responseA.text, item.responseA.model])
        try insertResponse.execute(arguments: [rowID, "b", item.responseB.text, item.responseB.model])
        for (slot, response) in [("a", item.responseA), ("b", item.responseB)] {
            guard let vector = response.embedding else { continue }
            try insertEmbedding.execute(arguments: [rowID, slot, ProjectStore.floatBlob(vector)])
        }
        return (rowID, true)
    }

    /// Adds an imported label unless this annotator already judged the item.
    func insertLabel(_ label: ImportedLabel, itemID: Int64, annotatorID: Int64, origin: String) throws -> Bool {
        if try Int.fetchOne(findJudgment, arguments: [itemID, annotatorID]) != nil { return false }
        try insertJudgment.execute(arguments: [itemID, annotatorID, label.strength.value, label.bothBad ? 1 : 0, now, origin])
        return true
    }
}
