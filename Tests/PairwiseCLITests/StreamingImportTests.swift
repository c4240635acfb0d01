import Foundation
import PairwiseTestSupport
import Testing

/// Import reads its input as a stream: memory does not follow the file's size.
@Suite struct StreamingImportTests {
    /// A gzip bomb: 2 MB on disk, one record then 300 MB of blank space.
    @Test func aGzipBombIsReadInBoundedMemory() throws {
        let directory = try TemporaryDirectory("pairwise-bomb")
        _ = try pairwise(["init"], in: directory.url)
        let made = try command("/bin/sh", ["-c", #"(echo '{"id": "only", "prompt": "p", "response_a": "a", "response_b": "b"}'; head -c 300000000 /dev/zero | tr '\0' ' '; echo) | gzip -1 > bomb.jsonl.gz"#], in: directory.url)
        #expect(made.status == 0)
        // GNU time prints the peak resident set size in KB on its own last line.
        let run = try command("/usr/bin/time", ["-f", "%M", binary.path, "import", "bomb.jsonl.gz"], in: directory.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "imported 1 record from 1 file: 1 item added, 0 duplicates skipped\n")
        let peakKB = Int(run.stderr.split(separator: "\n").last.map(String.init) ?? "") ?? .max
        #expect(peakKB < 100_000, "peak \(peakKB) KB for 300 MB decompressed")
    }
}
