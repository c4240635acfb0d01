import Foundation
import PairwiseCore

/// What an import did.
public struct ImportSummary: Equatable, Sendable {
    public var records = 0
    public var itemsAdded = 0
    /// Records whose item (same content hash) was already in the project or earlier in the input.
    public var duplicates = 0
    public var labelsAdded = 0
    /// Rankings of ranked items stored (those already there, or repeated, count as labels
    /// already there or repeated).
    public var rankingsAdded = 0
    /// Labels the same annotator had already given the item, with the same value.
    public var labelsAlreadyThere = 0
    /// Labels repeated with the same value within the input (the same pair listed twice).
    public var labelsRepeated = 0
    /// Labels that contradict another label of the same annotator on the same pair.
    public var conflicts: [LabelConflict] = []
    /// Imported labels stored against an item placed the other way round: oriented by text.
    public var labelsReoriented = 0
    /// Records that carry labels or a ranking, not kept (no `--labels-as` nor `--labels`).
    public var recordsWithLabelsLeftOut = 0
    /// Values on a dimension the project does not rate, left out, by dimension key.
    public var rubricValuesLeftOut: [String: Int] = [:]
    /// Decompressed bytes read.
    public var bytes = 0
    public init() {}
}

/// Two labels by one annotator on one pair that say different things.
public struct LabelConflict: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var annotator: String
    public var itemID: String
    /// Where the other label is: a line of the input, or nil when it is a judgment already
    /// in the project.
    public var otherFile: String?
    public var otherLine: Int?

    public var description: String {
        let other = otherFile.map { "\($0):\(otherLine ?? 0)" } ?? "the judgment already in the project"
        return "\(file):\(line): label: \(annotator)'s label on item \(itemID) contradicts \(other)"
    }
}

/// What to do when one annotator labels a pair two different ways.
public enum ConflictRule: String, Sendable, CaseIterable {
    /// Import nothing and report the conflicts (the default).
    case refuse
    /// Import the rest; a contradicted pair keeps no label from this input (a judgment
    /// already in the project stays as it was).
    case skip
}

/// The labels of an import contradict each other, and the rule says refuse.
public struct ImportConflictError: Error, CustomStringConvertible, Sendable {
    public var conflicts: [LabelConflict]
    public var description: String {
        let pairs = Set(conflicts.map { "\($0.annotator)\u{0}\($0.itemID)" }).count
        var lines = ["\(conflicts.count) label\(conflicts.count == 1 ? " contradicts" : "s contradict") another label by the same annotator "
                     + "on the same pair (\(pairs) pair\(pairs == 1 ? "" : "s")); nothing was imported. The first:"]
        lines += conflicts.prefix(5).map { "  \($0)" }
        lines.append("Fix the source, or pass --on-conflict skip to import the rest and keep no label from this input on those pairs.")
        return lines.joined(separator: "\n")
    }
}

/// Progress of an import, reported now and then: bytes of the file on disk (compressed,
/// for a gzip file) read so far, of its size.
public struct ImportProgress: Sendable {
    public var file: String
    public var bytesRead: Int
    public var totalBytes: Int
    public var records: Int
}

public struct ImportOptions: Sendable {
    /// The format of every file, or nil to detect each file's.
    public var format: InputFormat?
    /// When set, the files' labels become judgments: records that name no annotator are
    /// this person's, generic annotator columns become "NAME/column".
    public var labelsAs: String?
    /// Import labels under the names the records give (without `labelsAs`, a record that
    /// names nobody is an error).
    public var keepLabels: Bool
    public var onConflict: ConflictRule
    /// Where the labels go: judgments, or (whoever the records name) gold answers or one
    /// source's suggestions.
    public var destination: LabelDestination

    public init(format: InputFormat? = nil, labelsAs: String? = nil, keepLabels: Bool = false, onConflict: ConflictRule = .refuse,
                destination: LabelDestination = .judgments) {
        self.format = format
        self.labelsAs = labelsAs
        self.keepLabels = keepLabels || labelsAs != nil || destination != .judgments
        self.onConflict = onConflict
        self.destination = destination
    }
}

/// Where an import's labels are stored.
public enum LabelDestination: Equatable, Sendable {
    /// Judgments by the annotators the records (or `labelsAs`) name.
    case judgments
    /// The expected answers of gold items (`pairwise gold add`).
    case gold
    /// Suggestions by a model or an LLM judge of this name (`import --suggestions-from`).
    case suggestions(source: String)

    /// The one name every label of a non-judgment destination is kept under.
    var fixedAuthor: String? {
        switch self {
        case .judgments: nil
        case .gold: "gold"
        case .suggestions(let source): source
        }
    }
}

extension ProjectStore {
    /// The writer's page cache during an import, in KiB: 64 MB was no faster than 24 MB on
    /// 649 MB of pairs and held the import's peak at 123 MB instead of 77 MB.
    static let importCacheKiB = 24 * 1024

    /// Imports files all or nothing: one transaction for the whole command; the first bad
    /// record throws an `ImportError` and rolls everything back. Items already present
    /// (same content hash) are skipped. Labels are oriented by response text against the
    /// stored item; contradicting labels follow `options.onConflict`.
    public func importFiles(_ paths: [String], options: ImportOptions,
                            progress: ((ImportProgress) -> Void)? = nil) throws -> ImportSummary {
        try StoreError.translating(path: path) { try importFilesTranslated(paths, options: options, progress: progress) }
    }

    private func importFilesTranslated(_ paths: [String], options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportSummary {
        let rubric = try self.rubric()
        if case .sqlite(let pool) = backend {
            // One transaction holds the whole import: with SQLite's 2 MB page cache it spills
            // to the WAL and reads back its own pages; give this writer room while it runs.
            // A statement's journal (the pages it changes, kept until it ends: see `Buffered`)
            // stays in memory instead of a temporary file once it outgrows 64 KiB.
            let cache = try pool.writeWithoutTransaction { db in
                let previous = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                try db.execute(sql: "PRAGMA cache_size = \(-Self.importCacheKiB); PRAGMA temp_store = MEMORY")
                return previous
            }
            defer { try? pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA cache_size = \(cache); PRAGMA temp_store = DEFAULT") } }
            return try importFiles(paths, rubric: rubric, options: options, progress: progress)
        }
        let summary = try importFiles(paths, rubric: rubric, options: options, progress: progress)
        try analyzeAfterBulkLoad()
        return summary
    }

    /// Records read ahead of their writing, at most: a batch's items are looked up at once.
    static let lookAheadRecords = 256
    /// Decompressed bytes read ahead, at most (besides the record that crosses it).
    static let lookAheadBytes = 4 << 20

    private func importFiles(_ paths: [String], rubric: Rubric, options: ImportOptions,
                             progress: ((ImportProgress) -> Void)?) throws -> ImportSummary {
        try write { sql in
            var summary = ImportSummary()
            var writer = try ItemWriter(sql: sql, destination: options.destination)
            var labels = PendingLabels<ImportedLabel> { $0.agrees(with: $1) }
            var rankings = PendingLabels<StoredRanking> { $0.agrees(with: $1) }
            for path in paths {
                // Records are read a batch ahead, on the other core, so that one look-up finds
                // which of the batch's items are stored (a round trip per batch, not per item,
                // on PostgreSQL); a read error is thrown after the records read before it are taken.
                let reader = RecordBatches(try RecordReader(path: path, format: options.format),
                                           records: Self.lookAheadRecords, bytes: Self.lookAheadBytes)
                let origin = "import:\(reader.format.rawValue)"
                let sourceName = (path as NSString).lastPathComponent
                var fileRecords = 0, bytesDecompressed = 0
                while let batch = reader.next() {
                    let records = batch.records
                    bytesDecompressed = batch.bytesDecompressed
                    try writer.lookUp(records, labels: options.keepLabels)
                    for (record, promptJSON) in zip(records, batch.promptJSON) {
                        summary.records += 1
                        fileRecords += 1
                        if let progress, fileRecords % 1000 == 0 {
                            progress(ImportProgress(file: path, bytesRead: batch.fileBytesRead, totalBytes: reader.fileSize, records: fileRecords))
                        }
                        let stored: StoredItem
                        switch record.target {
                        case .item(let item):
                            let (found, added) = try writer.insertIfNew(item, promptJSON: promptJSON, line: record.line, file: path)
                            if added { summary.itemsAdded += 1 } else { summary.duplicates += 1 }
                            stored = found
                        case .rankedItem(let item):
                            guard options.destination == .judgments else {
                                throw ImportError(file: path, line: record.line, field: "responses",
                                                  message: "gold answers and suggestions are for pairs; this item has \(item.responses.count) responses")
                            }
                            let (found, added) = try writer.insertIfNew(item, promptJSON: promptJSON, line: record.line, file: path)
                            if added { summary.itemsAdded += 1 } else { summary.duplicates += 1 }
                            if !options.keepLabels && !record.rankings.isEmpty { summary.recordsWithLabelsLeftOut += 1 }
                            if options.keepLabels {
                                for var imported in record.rankings {
                                    try Self.fit(&imported, to: rubric, file: path, line: record.line, summary: &summary)
                                    let name = try Self.annotatorName(imported.author, labelsAs: options.labelsAs, file: path, line: record.line)
                                    let ranking = found.storedRanking(imported)
                                    if found.positions != Array(found.positions.indices) { summary.labelsReoriented += 1 }
                                    try rankings.add(ranking, itemRowID: found.rowID, itemID: found.externalID, itemIsNew: found.isNew, annotator: name,
                                                     origin: origin, sourceName: sourceName, file: path, line: record.line, summary: &summary) {
                                        try writer.currentRanking(itemRowID: found.rowID, annotator: name)
                                    }
                                }
                            }
                            continue
                        case .storedItem(let id, let digest):
                            guard options.keepLabels else {
                                throw ImportError(file: path, line: record.line, field: "record",
                                                  message: "a judgments file holds only labels: pass --labels to import them")
                            }
                            stored = try writer.storedItem(id: id, responseASHA256: digest, line: record.line, file: path)
                        }
                        if !options.keepLabels && !record.labels.isEmpty { summary.recordsWithLabelsLeftOut += 1 }
                        if options.keepLabels {
                            for var label in record.labels {
                                if stored.swapped { label = label.swapped(); summary.labelsReoriented += 1 }
                                try Self.fit(&label, to: rubric, file: path, line: record.line, summary: &summary)
                                let name = try options.destination.fixedAuthor
                                    ?? Self.annotatorName(label.author, labelsAs: options.labelsAs, file: path, line: record.line)
                                try labels.add(label, itemRowID: stored.rowID, itemID: stored.externalID, itemIsNew: stored.isNew, annotator: name,
                                               origin: origin, sourceName: sourceName, file: path, line: record.line, summary: &summary) {
                                    try writer.currentLabel(itemRowID: stored.rowID, annotator: name)
                                }
                            }
                        }
                    }
                    if let error = batch.error { throw error }
                }
                summary.bytes += bytesDecompressed
                progress?(ImportProgress(file: path, bytesRead: reader.fileSize, totalBytes: reader.fileSize, records: fileRecords))
            }
            if !summary.conflicts.isEmpty && options.onConflict == .refuse {
                throw ImportConflictError(conflicts: summary.conflicts)
            }
            try writer.flush()
            summary.labelsAdded = try labels.write { entry in
                try writer.insertLabel(entry.label, itemRowID: entry.itemRowID, annotator: entry.annotator, origin: entry.origin, source: entry.sourceName)
            }
            summary.rankingsAdded = try rankings.write { entry in
                try writer.insertRanking(entry.label, itemRowID: entry.itemRowID, annotator: entry.annotator, origin: entry.origin, source: entry.sourceName)
            }
            try writer.flush()
            return summary
        }
    }

    /// The annotator a label is stored under.
    static func annotatorName(_ author: LabelAuthor, labelsAs: String?, file: String, line: Int) throws -> String {
        switch (author, labelsAs) {
        case (.named(let name), _): return name
        case (.source, let name?): return name
        case (.member(let member), let name?): return "\(name)/\(member)"
        case (.source, nil), (.member, nil):
            throw ImportError(file: file, line: line, field: "annotator", message: "this record's label names no annotator; pass --labels-as NAME")
        }
    }

    /// Checks a label's rubric values against the project's rubric; optional values on a
    /// dimension the project does not rate (or rates on another scale) are left out.
    static func fit(_ label: inout ImportedLabel, to rubric: Rubric, file: String, line: Int, summary: inout ImportSummary) throws {
        for (key, value) in label.rubric.sorted(by: { $0.key < $1.key }) {
            guard let dimension = rubric.dimension(key) else {
                throw ImportError(file: file, line: line, field: "rubric.\(key)", message: rubric.dimensions.isEmpty
                                  ? "this project's rubric rates no dimensions besides the overall preference"
                                  : "not a dimension of this project's rubric (\(rubric.dimensions.map(\.key).joined(separator: ", ")))")
            }
            if let problem = dimension.validate(value) { throw ImportError(file: file, line: line, field: "rubric.\(key)", message: problem) }
        }
        for (key, value) in label.optionalRubric {
            if let dimension = rubric.dimension(key), dimension.validate(value) == nil {
                label.rubric[key] = value
            } else {
                summary.rubricValuesLeftOut[key, default: 0] += 1
            }
        }
        label.optionalRubric = [:]
    }

    /// Checks a ranking's per-response values against the project's rubric, as `fit` does
    /// a label's.
    static func fit(_ ranking: inout ImportedRanking, to rubric: Rubric, file: String, line: Int, summary: inout ImportSummary) throws {
        if let problem = ranking.rubric.problem(against: rubric) {
            throw ImportError(file: file, line: line, field: problem.field, message: problem.message)
        }
        for (key, values) in ranking.optionalRubric.values {
            if ResponseRatings([key: values]).problem(against: rubric) == nil {
                ranking.rubric[key] = values
            } else {
                summary.rubricValuesLeftOut[key, default: 0] += 1
            }
        }
        ranking.optionalRubric = ResponseRatings()
    }
}

/// An item as the project stores it, and whether the record placed its responses the
/// other way round.
struct StoredItem {
    var rowID: Int64
    var externalID: String
    var swapped: Bool
    /// Added by this import: no judgment of it can be stored yet.
    var isNew = false
}

/// The labels of one kind (judgments, or rankings) in one import, held until every record
/// has been read, so that two labels by one annotator on one item can be compared whatever
/// their order in the input: a repeat counts once; two that differ are a conflict and
/// neither is written; one the database already holds counts as there, or is a conflict.
struct PendingLabels<Label> {
    struct Entry {
        var label: Label
        var itemRowID: Int64
        var annotator: String
        var origin: String
        var sourceName: String
        var file: String
        var line: Int
        var contradicted = false
    }

    private struct Key: Hashable {
        var itemRowID: Int64
        var annotator: String
    }

    /// Whether two labels say the same.
    let agree: (Label, Label) -> Bool
    private var entries: [Entry] = []
    private var index: [Key: Int] = [:]

    init(agree: @escaping (Label, Label) -> Bool) { self.agree = agree }

    /// Holds `label` by `annotator` on the item, unless it repeats or contradicts one held
    /// or `stored` (the annotator's current label there, read only for an item this import
    /// did not add).
    mutating func add(_ label: Label, itemRowID: Int64, itemID: String, itemIsNew: Bool, annotator: String, origin: String, sourceName: String,
                      file: String, line: Int, summary: inout ImportSummary, stored: () throws -> Label?) throws {
        let key = Key(itemRowID: itemRowID, annotator: annotator)
        if let n = index[key] {
            if agree(entries[n].label, label) {
                summary.labelsRepeated += 1
            } else {
                entries[n].contradicted = true
                summary.conflicts.append(LabelConflict(file: file, line: line, annotator: annotator, itemID: itemID,
                                                       otherFile: entries[n].file, otherLine: entries[n].line))
            }
            return
        }
        if !itemIsNew, let current = try stored() {
            if agree(current, label) {
                summary.labelsAlreadyThere += 1
            } else {
                summary.conflicts.append(LabelConflict(file: file, line: line, annotator: annotator, itemID: itemID, otherFile: nil, otherLine: nil))
            }
            return
        }
        index[key] = entries.count
        entries.append(Entry(label: label, itemRowID: itemRowID, annotator: annotator, origin: origin, sourceName: sourceName, file: file, line: line))
    }

    /// Inserts every label no other label contradicted, in input order; returns how many.
    func write(_ insert: (Entry) throws -> Void) rethrows -> Int {
        var written = 0
        for entry in entries where !entry.contradicted {
            try insert(entry)
            written += 1
        }
        return written
    }
}

/// Writes items and imported labels inside one transaction (each statement prepared once
/// on SQLite).
struct ItemWriter {
    let sql: SQLConnection
    /// The stored items with these contents (hashes) or these ids, in one look-up: the same
    /// content is a duplicate; another item under the id is an error.
    static func findByHashOrID(hashes: [String], ids: [String]) -> SQLQuery {
        """
        SELECT i.id, i.external_id, a.text, a.turns, i.content_hash FROM items i LEFT JOIN responses a ON a.item_id = i.id AND a.slot = 'a'
        WHERE i.content_hash IN \(list: hashes) OR i.external_id IN \(list: ids)
        """
    }
    /// The pairs under these ids: row, id, the texts of A and B.
    static func findByExternalIDs(_ ids: [String]) -> SQLQuery {
        """
        SELECT i.id, i.external_id, a.text AS a_text, b.text AS b_text FROM items i
        JOIN responses a ON a.item_id = i.id AND a.slot = 'a' JOIN responses b ON b.item_id = i.id AND b.slot = 'b'
        WHERE i.external_id IN \(list: ids)
        """
    }
    /// A row of `findByExternalIDs`: the item's row and the texts of A and B.
    static func pair(_ row: SQLRecord) throws -> (rowID: Int64, a: String, b: String) {
        (try row.int64("id"), try row.text("a_text"), try row.text("b_text"))
    }
    /// Every current judgment on these items: item, annotator's name, strength, both bad, rubric.
    static func findJudgments(_ items: [Int64]) -> SQLQuery {
        """
        SELECT c.item_id, p.name, j.strength, j.both_bad, j.rubric FROM current_judgment_ids c
        JOIN judgments j ON j.id = c.judgment_id JOIN annotators p ON p.id = c.annotator_id
        WHERE c.item_id IN \(list: items)
        """
    }
    static let itemColumns = "external_id, content_hash, prompt, metadata, source_format, source_file, source_line, created_at, response_count"
    /// What the last `lookUp` found for a batch of items: the hashes it covered, the stored
    /// items among them (and those added since), and the ids stored items hold.
    var lookedUp: (hashes: Set<String>, stored: [String: (rowID: Int64, externalID: String, responseA: Response)], ids: Set<String>)
        = ([], [:], [])
    /// The pairs the batch's judgments lines name, by id: row and the texts of A and B.
    var lookedUpByID: [String: (rowID: Int64, a: String, b: String)] = [:]
    /// The current judgments on the batch's stored items (`items`), by item and annotator.
    var lookedUpLabels: (items: Set<Int64>, labels: [Int64: [String: ImportedLabel]]) = ([], [:])
    /// Item ids are given ahead of their rows, so that a row waits in its buffer with its id.
    /// On SQLite the next one; on PostgreSQL those taken from the sequence and not yet given,
    /// and how many the next block takes.
    private var nextSQLiteItemID: Int64?
    private var reservedItemIDs: ArraySlice<Int64> = []
    private var nextIDBlock = 16

    /// The tables an import writes rows to, in the order `flush` writes them: items before
    /// the rows that refer to them. Rows wait in a buffer per table and go as multi-row
    /// INSERTs; a look-ahead batch (at most 256 items) fills no buffer but the labels' up to
    /// its statement size, so no row is written before the item it refers to.
    /// On SQLite too: a statement that fires a trigger keeps a copy of every page it changes
    /// until it ends (its statement journal), so one statement a row copied some twenty pages
    /// for each labelled record (731k `pwrite`s for 20k TRL records, against 64k now).
    enum Buffered: Int, CaseIterable {
        case items, responses, rankedResponses, embeddings, judgments, rankings, gold, suggestions

        var table: String {
            ["items", "responses", "ranked_responses", "response_embeddings", "judgments", "rankings", "gold_answers", "suggestions"][rawValue]
        }
        var columns: [String] {
            switch self {
            case .items: return ["id"] + ItemWriter.itemColumns.components(separatedBy: ", ")
            case .responses: return ["item_id", "slot", "text", "model", "turns"]
            case .rankedResponses: return ["item_id", "position", "text", "model", "turns"]
            case .embeddings: return ["item_id", "slot", "vector"]
            case .judgments: return ["item_id", "annotator_id", "strength", "both_bad", "rubric", "note", "shown_order", "ms", "created_at", "origin", "source"]
            case .rankings: return ["item_id", "annotator_id", "ranks", "all_bad", "rubric", "note", "shown_order", "ms", "created_at", "origin", "source"]
            case .gold: return ["item_id", "strength", "both_bad", "rubric", "explanation", "source", "created_at"]
            case .suggestions: return ["item_id", "source", "strength", "both_bad", "rubric", "note", "file", "created_at"]
            }
        }
    }
    private var buffers = [BatchInsert?](repeating: nil, count: Buffered.allCases.count)

    /// Adds a row (its values in the table's `columns` order) to its table's buffer.
    mutating func insert(_ table: Buffered, _ row: [SQLValue]) throws {
        if buffers[table.rawValue] == nil { buffers[table.rawValue] = BatchInsert(sql, table: table.table, columns: table.columns) }
        try buffers[table.rawValue]!.add(row)
    }

    /// Writes the rows waiting in the buffers, items first: before anything reads them.
    mutating func flush() throws {
        for n in buffers.indices { try buffers[n]?.flush() }
    }
    /// The length every response embedding in the project has (nil until the first).
    var embeddingDimension: Int?
    private var annotatorIDs: [String: Int64] = [:]
    let now = Date()
    /// `now` as stored, written once.
    let nowText: String

    let destination: LabelDestination

    init(sql: SQLConnection, destination: LabelDestination = .judgments) throws {
        self.sql = sql
        self.destination = destination
        nowText = Timestamp.string(now)
        embeddingDimension = try sql.integer("SELECT length(vector) / 4 FROM response_embeddings LIMIT 1").map { Int($0) }
    }

    /// Inserts the item unless its content is already stored; returns the stored item (and
    /// whether the record has its responses the other way round) and whether it was added.
    /// `promptJSON` is the prompt as stored, when the caller has it written.
    mutating func insertIfNew(_ item: Item, promptJSON: String?, line: Int, file: String) throws -> (StoredItem, Bool) {
        if let vector = item.responseA.embedding {
            if let expected = embeddingDimension, vector.count != expected {
                throw ImportError(file: file, line: line, field: "embedding_a",
                                  message: "has \(vector.count) numbers; this project's embeddings have \(expected)")
            }
            embeddingDimension = vector.count
        }
        let hash = item.contentHash
        if !lookedUp.hashes.contains(hash) {
            try flush()
            lookedUp = ([], [:], [])
            try lookUp([item])
        }
        if let stored = lookedUp.stored[hash] {
            return (StoredItem(rowID: stored.rowID, externalID: stored.externalID, swapped: item.isSwapped(againstStoredA: stored.responseA)), false)
        }
        if lookedUp.ids.contains(item.id) {
            throw ImportError(file: file, line: line, field: "id", message: "'\(item.id)' already names a different item in this project")
        }
        let rowID = try insertItemRow(id: item.id, hash: hash, prompt: promptJSON ?? JSONWriter.string(item.prompt.json), metadata: item.metadata,
                                      source: item.source, responses: 2)
        // A later record of the batch with the same content, or id, finds it.
        lookedUp.stored[hash] = (rowID, item.id, item.responseA)
        lookedUp.ids.insert(item.id)
        for (slot, response) in [("a", item.responseA), ("b", item.responseB)] {
            let turns = response.turns.map { JSONWriter.string(Prompt.chat($0).json) }
            try insert(.responses, [.integer(rowID), .text(slot), .text(response.text), .optional(response.model), .optional(turns)])
            guard let vector = response.embedding else { continue }
            try insert(.embeddings, [.integer(rowID), .text(slot), .blob(ProjectStore.floatBlob(vector))])
        }
        return (StoredItem(rowID: rowID, externalID: item.id, swapped: false, isNew: true), true)
    }

    /// Reads what a batch of records needs from the database, a statement for each kind
    /// instead of one per record; it forgets the batch before. Which of the batch's pairs are
    /// stored (by content) and which ids are taken, for `insertIfNew`; the items the batch's
    /// judgments lines name, for `storedItem`; with `labels`, every current judgment on those
    /// of them already stored, for `currentLabel`.
    mutating func lookUp(_ records: [ImportRecord], labels: Bool) throws {
        try flush()
        lookedUp = ([], [:], [])
        lookedUpByID = [:]
        lookedUpLabels = ([], [:])
        let items = records.compactMap { if case .item(let item) = $0.target { item } else { nil } }
        if !items.isEmpty { try lookUp(items) }
        let named = Array(Set(records.compactMap { if case .storedItem(let id, _) = $0.target { id } else { nil } }))
        if !named.isEmpty {
            try sql.scan(Self.findByExternalIDs(named)) { row in lookedUpByID[try row.text("external_id")] = try Self.pair(row) }
        }
        guard labels, case .judgments = destination else { return }
        let stored = lookedUp.stored.values.map(\.rowID) + lookedUpByID.values.map(\.rowID)
        guard !stored.isEmpty else { return }
        lookedUpLabels.items = Set(stored)
        try sql.scan(Self.findJudgments(stored)) { row in
            guard let label = try Self.label(row) else { return }
            lookedUpLabels.labels[try row.int64("item_id"), default: [:]][try row.text("name")] = label
        }
    }

    private mutating func lookUp(_ items: [Item]) throws {
        let hashes = items.map(\.contentHash)
        lookedUp.hashes = Set(hashes)
        try sql.scan(Self.findByHashOrID(hashes: hashes, ids: items.map(\.id))) { row in
            let externalID = try row.text("external_id")
            lookedUp.ids.insert(externalID)
            // An item of several responses has no response A: its id is taken, its content is not a pair's.
            let hash = try row.text("content_hash")
            guard lookedUp.hashes.contains(hash), let text = try row.optionalText("text") else { return }
            lookedUp.stored[hash] = (try row.int64("id"), externalID, try ProjectStore.response(text: text, turns: try row.optionalText("turns"), model: nil))
        }
    }

    /// Adds an item's row to its buffer; its row id, given here. On SQLite the ids after the
    /// largest stored one, the ones SQLite would give: this import holds the only write lock
    /// until it commits. On PostgreSQL a block taken from the sequence ahead (blocks double up
    /// to 4,096, so a small import leaves a small gap).
    mutating func insertItemRow(id: String, hash: String, prompt: String, metadata: JSONValue, source: ItemSource?, responses: Int) throws -> Int64 {
        let rowID: Int64
        switch sql.dialect {
        case .sqlite:
            rowID = try nextSQLiteItemID ?? (sql.integer("SELECT max(id) FROM items") ?? 0) + 1
            nextSQLiteItemID = rowID + 1
        case .postgres:
            if reservedItemIDs.isEmpty {
                reservedItemIDs = try sql.records("SELECT nextval(pg_get_serial_sequence('items', 'id')) AS id FROM generate_series(1, \(nextIDBlock))") {
                    try $0.int64("id")
                }[...]
                nextIDBlock = min(4096, nextIDBlock * 2)
            }
            rowID = reservedItemIDs.removeFirst()
        }
        try insert(.items, [.integer(rowID), .text(id), .text(hash), .text(prompt), .text(JSONWriter.string(metadata)),
                            .optional(source?.format.rawValue), .optional(source?.file), .optional(source?.line), .text(nowText),
                            .integer(Int64(responses))])
        return rowID
    }

    /// The item a `judgments` line names, oriented by the SHA-256 of its response A.
    mutating func storedItem(id: String, responseASHA256 digest: String?, line: Int, file: String) throws -> StoredItem {
        var found = lookedUpByID[id]
        if found == nil {
            try flush()
            found = try sql.record(Self.findByExternalIDs([id]), Self.pair)
        }
        guard let (rowID, a, b) = found else {
            throw ImportError(file: file, line: line, field: "item_id", message: "'\(id)' is not an item of this project (import the items first)")
        }
        var swapped = false
        if let digest {
            if digest.lowercased() == SHA256.hex(a) { swapped = false }
            else if digest.lowercased() == SHA256.hex(b) { swapped = true }
            else { throw ImportError(file: file, line: line, field: "response_a_sha256", message: "matches neither response of item '\(id)'") }
        }
        return StoredItem(rowID: rowID, externalID: id, swapped: swapped)
    }


    /// The annotator's current judgment of the item (or the stored gold answer or
    /// suggestion, for those destinations), as a label, if any.
    func currentLabel(itemRowID: Int64, annotator: String) throws -> ImportedLabel? {
        let query: SQLQuery
        switch destination {
        case .judgments:
            if lookedUpLabels.items.contains(itemRowID) { return lookedUpLabels.labels[itemRowID]?[annotator] }
            query = """
                SELECT j.strength, j.both_bad, j.rubric FROM judgments j JOIN annotators p ON p.id = j.annotator_id
                WHERE j.item_id = \(itemRowID) AND p.name = \(annotator) AND NOT EXISTS (SELECT 1 FROM judgment_retractions r WHERE r.judgment_id = j.id)
                ORDER BY j.id DESC LIMIT 1
                """
        case .gold: query = "SELECT strength, both_bad, rubric FROM gold_answers WHERE item_id = \(itemRowID)"
        case .suggestions(let source): query = "SELECT strength, both_bad, rubric FROM suggestions WHERE item_id = \(itemRowID) AND source = \(source)"
        }
        return try sql.record(query, Self.label) ?? nil
    }

    /// A stored label from a row's `strength`, `both_bad` and `rubric`.
    static func label(_ row: SQLRecord) throws -> ImportedLabel? {
        guard let strength = PreferenceStrength(try row.int("strength")) else { return nil }
        return ImportedLabel(strength: strength, bothBad: try row.bool("both_bad"), rubric: ProjectStore.rubricValues(try row.text("rubric")))
    }

    /// The row id of an annotator, created when new.
    mutating func annotatorID(_ name: String) throws -> Int64 {
        if let known = annotatorIDs[name] { return known }
        let id = try ProjectStore.annotatorID(name, sql: sql)
        annotatorIDs[name] = id
        return id
    }

    /// Adds an imported label, oriented to the stored A/B, under `annotator` (created when new).
    mutating func insertLabel(_ label: ImportedLabel, itemRowID: Int64, annotator: String, origin: String, source: String) throws {
        let rubricJSON = label.rubric.isEmpty ? "{}" : JSONWriter.string(Judgment.rubricJSON(label.rubric))
        switch destination {
        case .judgments: break
        case .gold:
            try insert(.gold, [.integer(itemRowID), .integer(Int64(label.strength.value)), .integer(label.bothBad ? 1 : 0),
                                              .text(rubricJSON), .optional(label.note), .text(source), .text(nowText)])
            return
        case .suggestions(let name):
            try insert(.suggestions, [.integer(itemRowID), .text(name), .integer(Int64(label.strength.value)),
                                                    .integer(label.bothBad ? 1 : 0), .text(rubricJSON), .optional(label.note),
                                                    .text(source), .text(nowText)])
            return
        }
        let annotatorID = try self.annotatorID(annotator)
        let details = label.details
        try insert(.judgments, [
            .integer(itemRowID), .integer(annotatorID), .integer(Int64(label.strength.value)), .integer(label.bothBad ? 1 : 0), .text(rubricJSON),
            .optional(label.note), .text((details?.shownOrder ?? .ab).rawValue), .integer(Int64(details?.milliseconds ?? 0)),
            .text(details.map { Timestamp.string($0.createdAt) } ?? nowText), .text(details?.origin ?? origin),
            .optional(details == nil ? source : details!.source),
        ])
    }
}
