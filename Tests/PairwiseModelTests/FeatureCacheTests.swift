import Foundation
import GRDB
import PairwiseCore
@testable import PairwiseModel
@testable import PairwiseWorkflow
import PairwiseStore
import PairwiseTestSupport
import Testing

@Suite struct FeatureCacheTests {
    /// hh-rlhf pairs [from, from + count) of the shared file imported, with their labels, into
    /// `store` (a new project in `directory` when nil).
    func hhProject(_ directory: TemporaryDirectory, count: Int, from: Int = 0, into store: ProjectStore? = nil) throws -> ProjectStore {
        let store = try store ?? ProjectStore.create(at: directory.path("p.sqlite"), rubric: Rubric(name: "none", dimensions: []), lead: "lead")
        let file = directory.path("hh-\(from).jsonl")
        try Fixtures.hhRLHFRecords(count, from: from, into: file)
        _ = try store.importFiles([file], options: ImportOptions(labelsAs: "hh"))
        return store
    }

    /// The chosen and rejected texts of hh-rlhf pairs [0, count).
    func hhTexts(_ directory: TemporaryDirectory, count: Int) throws -> [String] {
        let file = directory.path("texts.jsonl")
        try Fixtures.hhRLHFRecords(count, into: file)
        return try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").flatMap { line -> [String] in
            let record = try JSONParser.parse(String(line))
            return [record["chosen"]?.stringValue ?? "", record["rejected"]?.stringValue ?? ""]
        }
    }

    func rows(_ set: TrainingSet) -> [SparseVector] { (0..<set.data.features.count).map { set.data.features.row($0) } }

    @Test func aRowReadBackFromItsBytesIsTheSameRow() throws {
        let directory = try TemporaryDirectory()
        let featurizer = Featurizer()
        var vectors = try hhTexts(directory, count: 40).map { featurizer.features(prompt: "", response: $0) }
        // Entries the 16-bit codes cannot hold: a gap past 4,095 and more than 15 values.
        vectors.append(SparseVector(indices: [3, 9_000, 9_001] + (0..<20).map { Int32(10_000 + $0) },
                                    values: [0.5, 0.25, 0.125] + (0..<20).map { 1 / Double($0 + 1) }))
        vectors.append(SparseVector())
        var rows = SparseRows()
        for vector in vectors { rows.append(vector) }
        var readBack = SparseRows()
        var escaped = 0
        for r in 0..<rows.count {
            var bytes: [UInt8] = []
            rows.encode(r, into: &bytes)
            let length = bytes.withUnsafeBytes { SparseRows.encodedLength($0, dimension: featurizer.dimension) }
            #expect(length == bytes.count)
            #expect(bytes.withUnsafeBytes { readBack.appendEncoded($0) } == bytes.count)
            escaped += Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self) })
        }
        #expect(escaped >= 6)
        #expect((0..<rows.count).map { readBack.row($0) } == (0..<rows.count).map { rows.row($0) })
        // Values are kept as Float: the real rows come back as they went in, to Float.
        #expect(readBack.row(0).indices == vectors[0].indices)
        #expect(readBack.row(0).values == vectors[0].values.map { Double(Float($0)) })
    }

    @Test func aKeyHoldsTheContentHashAsItsBytes() {
        let hash = SHA256.hex("prompt, A, B")
        #expect(FeatureCache.Key(rowID: 7, contentHash: hash, embedding: 0) == FeatureCache.Key(rowID: 7, contentHash: hash.uppercased(), embedding: 0))
        #expect(FeatureCache.Key(rowID: 7, contentHash: hash, embedding: 0) != FeatureCache.Key(rowID: 8, contentHash: hash, embedding: 0))
        #expect(FeatureCache.Key(rowID: 7, contentHash: hash, embedding: 0) != FeatureCache.Key(rowID: 7, contentHash: hash, embedding: 1))
        // A hash that is not 64 hex digits counts through its SHA-256.
        #expect(FeatureCache.Key(rowID: 7, contentHash: "not hex", embedding: 0) == FeatureCache.Key(rowID: 7, contentHash: SHA256.hex("not hex"), embedding: 0))
        #expect(FeatureCache.Key(rowID: 7, contentHash: "not hex", embedding: 0) != FeatureCache.Key(rowID: 7, contentHash: hash, embedding: 0))
        // SHA-256("abc") (FIPS 180-2's example) as its four words, in either case; any other
        // length or digit is not a hex hash.
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        for text in [abc, abc.uppercased()] {
            let words = try? #require(FeatureCache.Key.words(ofHex: text))
            #expect(words?.0 == 0xba78_16bf_8f01_cfea && words?.1 == 0x4141_40de_5dae_2223)
            #expect(words?.2 == 0xb003_61a3_9617_7a9c && words?.3 == 0xb410_ff61_f200_15ad)
        }
        #expect(FeatureCache.Key.words(ofHex: String(abc.dropLast())) == nil)
        #expect(FeatureCache.Key.words(ofHex: String(abc.dropLast()) + "g") == nil)
        #expect(FeatureCache.Key.words(ofHex: String(abc.dropFirst()) + "é") == nil)
    }

    @Test func bytesThatAreNotARowOfTheFeaturizerAreRefused() throws {
        var rows = SparseRows()
        rows.append(SparseVector(indices: [3, 9_000, 9_001, 9_002], values: [0.5, 0.25, 0.5, 0.125]))
        var bytes: [UInt8] = []
        rows.encode(0, into: &bytes)
        func length(_ bytes: [UInt8], dimension: Int = 9_003) -> Int? { bytes.withUnsafeBytes { SparseRows.encodedLength($0, dimension: dimension) } }
        #expect(length(bytes) == bytes.count)
        // Cut short, an index past the featurizer's, no palette for the codes, an escaped entry missing.
        #expect(length(Array(bytes.dropLast())) == nil)
        #expect(length(bytes, dimension: 9_002) == nil)
        var noPalette = bytes
        noPalette[4] = 0
        #expect(length(noPalette) == nil)
        var noEscape = bytes
        noEscape[8] = 0
        #expect(length(noEscape) == nil)
        // A gap of 0 (an index repeated) is not one `append` writes.
        var repeated = bytes
        repeated[SparseRows.encodedHeader + 5] = 0
        repeated[SparseRows.encodedHeader + 4] &= 0x0f
        #expect(length(repeated) == nil)
    }

    @Test func aSecondReadingTakesEveryRowFromTheCacheAndOnlyNewItemsAreFeaturized() throws {
        let directory = try TemporaryDirectory()
        let store = try hhProject(directory, count: 120)
        let featurizer = Featurizer(hashBits: 12), cache = directory.path("p.sqlite.features")
        let plain = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:])
        let first = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(first.featurized == 120 && FileManager.default.fileExists(atPath: cache))
        let second = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(second.featurized == 0)
        #expect(rows(second) == rows(plain) && second.rowIDs == plain.rowIDs)
        #expect(second.data.pairs.map(\.label) == plain.data.pairs.map(\.label) && second.data.pairs.count == 120)

        _ = try hhProject(directory, count: 30, from: 120, into: store)
        let third = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(third.featurized == 30)
        #expect(rows(third) == rows(try TrainingSet.read(store, featurizer: featurizer, embeddings: [:])))
        #expect(try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache).featurized == 0)
    }

    @Test func aCacheOfOtherContentOtherSettingsOrDamagedIsNotTrusted() throws {
        let directory = try TemporaryDirectory(), other = try TemporaryDirectory()
        let store = try hhProject(directory, count: 60)
        let featurizer = Featurizer(hashBits: 12), cache = directory.path("p.sqlite.features")
        let plain = rows(try TrainingSet.read(store, featurizer: featurizer, embeddings: [:]))
        // Another project's items under the same row ids: their content hashes differ.
        _ = try TrainingSet.read(try hhProject(other, count: 60, from: 500), featurizer: featurizer, embeddings: [:], cachePath: cache)
        var set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(set.featurized == 60 && rows(set) == plain)
        // Other hash bits: another featurizer's file.
        #expect(try TrainingSet.read(store, featurizer: Featurizer(hashBits: 11), embeddings: [:], cachePath: cache).featurized == 60)
        set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(set.featurized == 60)
        #expect(try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache).featurized == 0)

        // A byte changed in the 31st record's first row (its checksum no longer holds), and
        // the file cut short in the 51st: those items are featurized, the others read.
        func records() throws -> (bytes: [UInt8], starts: [Int]) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cache)))
            var offset = FeatureCache.headerLength, starts: [Int] = []
            while offset < bytes.count {
                starts.append(offset)
                let rowsLength = bytes.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset + 48, as: UInt32.self)) }
                offset += FeatureCache.recordFixed + rowsLength
            }
            return (bytes, starts)
        }
        var (bytes, starts) = try records()
        #expect(starts.count == 60)
        func rowsOf(_ record: Int) -> Range<Int> {
            let start = starts[record] + FeatureCache.recordFixed
            return start..<(record + 1 < starts.count ? starts[record + 1] : bytes.count)
        }
        bytes[rowsOf(30).lowerBound + SparseRows.encodedHeader + 1] ^= 0xff
        bytes.removeSubrange((starts[50] + 30)...)
        try Data(bytes).write(to: URL(fileURLWithPath: cache))
        set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(set.featurized == 11 && rows(set) == plain)

        // The 11th record's first row says it has one more escaped entry than it has, under
        // a checksum that holds (a file made to pass it): no row of the file is trusted.
        (bytes, starts) = try records()
        bytes[rowsOf(10).lowerBound + 8] &+= 1
        let sum = bytes.withUnsafeBytes { FeatureCache.checksum(UnsafeRawBufferPointer(rebasing: $0[rowsOf(10)])) }
        withUnsafeBytes(of: sum) { bytes.replaceSubrange((starts[10] + 52)..<(starts[10] + 60), with: $0) }
        try Data(bytes).write(to: URL(fileURLWithPath: cache))
        set = try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache)
        #expect(set.featurized == 60 && rows(set) == plain)
        #expect(try TrainingSet.read(store, featurizer: featurizer, embeddings: [:], cachePath: cache).featurized == 0)
    }

    @Test func aRunFromCachedFeaturesStoresTheSameModel() throws {
        let directory = try TemporaryDirectory()
        let store = try hhProject(directory, count: 200)
        func scores(_ options: Trainer.Options) throws -> [Double] {
            var options = options
            options.force = true
            guard case .trained(let run, _) = try Trainer(store: store, options: options, holder: "t").runOnce() else {
                Issue.record("no run")
                return []
            }
            return try store.sqlitePool().read { db in
                try Double.fetchAll(db, sql: "SELECT reward_a FROM model_scores WHERE run_id = ? ORDER BY item_id", arguments: [run])
                    + Double.fetchAll(db, sql: "SELECT uncertainty FROM model_scores WHERE run_id = ? ORDER BY item_id", arguments: [run])
            }
        }
        var uncached = quickOptions(hashBits: 12, ensemble: 2)
        uncached.featureCache = .none
        let expected = try scores(uncached)
        #expect(expected.count == 400)
        let cached = quickOptions(hashBits: 12, ensemble: 2)
        #expect(try scores(cached) == expected)
        #expect(FileManager.default.fileExists(atPath: directory.path("p.sqlite.features")))
        #expect(try scores(cached) == expected)
        var refeaturized = cached
        refeaturized.refeaturize = true
        #expect(try scores(refeaturized) == expected)
    }

    /// Features kept by `FeatureCache` are trusted while `Featurizer.version` stands: this
    /// pins what the featurizer computes for real texts, so that a change to it fails here
    /// until the version is raised (and this digest with it).
    @Test func theFeaturesOfThisVersionAreTheOnesPinned() throws {
        let directory = try TemporaryDirectory()
        let featurizer = Featurizer()
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for text in try hhTexts(directory, count: 20) {
            let vector = featurizer.features(prompt: "Human: what do you think?", response: text)
            for (index, value) in zip(vector.indices, vector.values) {
                digest = (digest ^ UInt64(UInt32(bitPattern: index))) &* 0x0000_0100_0000_01b3
                digest = (digest ^ value.bitPattern) &* 0x0000_0100_0000_01b3
            }
        }
        #expect(Featurizer.version == 1)
        #expect(digest == 16_279_913_585_103_871_179, "the featurizer's output changed: raise Featurizer.version and pin the new digest \(digest)")
    }
}
