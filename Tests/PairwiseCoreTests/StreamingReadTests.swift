import Foundation
import PairwiseCore
import PairwiseTestSupport
import Testing

/// Reading a file through a small window gives exactly what reading it whole gives, for
/// every layout; what a window may hold is bounded.
@Suite struct StreamingReadTests {
    func records(_ reader: inout RecordReader) throws -> [ImportRecord] {
        var out: [ImportRecord] = []
        while let record = try reader.next() { out.append(record) }
        return out
    }

    @Test(arguments: [Fixtures.hhRLHF, Fixtures.realFormat("llamafactory-dpo_en_demo.json"), Fixtures.realFormat("pandalm-testset-v1.json"),
                      Fixtures.realFormat("arena-battles.jsonl"), Fixtures.sampleItems])
    func aTinyWindowReadsTheSameRecords(path: String) throws {
        var whole = try RecordReader(bytes: InputFile.read(path: path), file: path, format: nil)
        let expected = try records(&whole)
        // 97-byte chunks: records, strings and escapes cross chunk boundaries.
        var windowed = try RecordReader(stream: ByteStream(path: path, chunkBytes: 97), format: nil)
        let got = try records(&windowed)
        #expect(windowed.format == whole.format)
        #expect(got.count == expected.count && got.count >= 2)
        #expect(got == expected)
        #expect(windowed.bytesDecompressed == whole.bytesDecompressed)
    }

    @Test func batchesReadOnTheirOwnThreadHoldTheRecordsInOrderAndTheErrorAfterThem() throws {
        var whole = try RecordReader(bytes: InputFile.read(path: Fixtures.hhRLHF), file: Fixtures.hhRLHF, format: nil)
        let expected = try records(&whole)
        let batches = RecordBatches(try RecordReader(path: Fixtures.hhRLHF, format: nil), records: 7, bytes: 1 << 20)
        var got: [ImportRecord] = [], sizes: [Int] = []
        while let batch = batches.next() {
            #expect(batch.error == nil)
            #expect(batch.promptJSON.count == batch.records.count)
            got += batch.records
            sizes.append(batch.records.count)
        }
        #expect(got == expected)
        // At most 7 a batch (fewer where a decompressed chunk passes the byte limit), none empty.
        #expect(sizes.allSatisfy { (1...7).contains($0) } && sizes.count >= expected.count / 7)
        #expect(batches.next()?.records == nil)

        // A bad record ends the file: the batch before it carries the records read before it, then the error.
        let directory = try TemporaryDirectory()
        let lines = (1...20).map { #"{"id": "r\#($0)", "prompt": "p", "response_a": "a", "response_b": "b"}"# } + ["{not json"]
        try lines.joined(separator: "\n").write(toFile: directory.path("bad.jsonl"), atomically: true, encoding: .utf8)
        let failing = RecordBatches(try RecordReader(path: directory.path("bad.jsonl"), format: nil), records: 8, bytes: 1 << 20)
        var read: [Int] = [], error: ImportError?
        while let batch = failing.next() {
            read += batch.records.map(\.line)
            error = batch.error ?? error
        }
        #expect(read == Array(1...20))
        #expect(error?.line == 21)
    }

    @Test func stoppingBatchesEndsTheirThreadThoughTheFileGoesOn() throws {
        let directory = try TemporaryDirectory()
        try (0..<50_000).map { #"{"id": "r\#($0)", "prompt": "p", "response_a": "a", "response_b": "b"}"# }.joined(separator: "\n").write(toFile: directory.path("long.jsonl"), atomically: true, encoding: .utf8)
        let batches = RecordBatches(try RecordReader(path: directory.path("long.jsonl"), format: nil), records: 10, bytes: 1 << 20, depth: 2)
        #expect(batches.next()?.records.count == 10)
        batches.stop()   // returns once the thread has ended (it would wait forever on a full queue)
        batches.stop()
    }

    @Test func aCSVFileWithQuotedLineBreaksReadsTheSameThroughATinyWindow() throws {
        let directory = try TemporaryDirectory()
        let csv = "id,prompt,response_a,response_b,preference_strength\r\n"
            + "a1,\"two\nlines, with \"\"quotes\"\"\",A,B,-2\r\n\r\n"
            + "a2,plain,\"x\ny\nz\",B,3\n"
        try csv.write(toFile: directory.path("t.csv"), atomically: true, encoding: .utf8)
        var whole = try RecordReader(bytes: Array(csv.utf8), file: directory.path("t.csv"), format: nil)
        var windowed = try RecordReader(stream: ByteStream(path: directory.path("t.csv"), chunkBytes: 3), format: nil)
        let expected = try records(&whole)
        #expect(expected.map(\.line) == [2, 5])
        #expect(try records(&windowed) == expected)
    }

    @Test func aRecordWithNoEndIsRefusedWithoutReadingOn() throws {
        let directory = try TemporaryDirectory()
        let line = #"{"id": "x", "prompt": ""# + String(repeating: "a", count: 5000)
        try (line + "\n").write(toFile: directory.path("long.jsonl"), atomically: true, encoding: .utf8)
        #expect(throws: ImportError(file: directory.path("long.jsonl"), line: 1, field: "record",
                                    message: "a record longer than 1000 bytes (no record break found: not JSON Lines, JSON or CSV?)")) {
            var reader = try RecordReader(stream: ByteStream(path: directory.path("long.jsonl"), maximumRecordBytes: 1000, chunkBytes: 64), format: .jsonl)
            while try reader.next() != nil {}
        }
    }
}
