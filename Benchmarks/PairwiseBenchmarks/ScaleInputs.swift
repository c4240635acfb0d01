import CZlib
import Foundation
import PairwiseCommandLine
import PairwiseCore

/// The input files `bench scale --inputs` measures the file commands on, written once under
/// the cache: the shapes `scripts/reference/bench_statistics.py` and `import_baseline.py`
/// time Python on.
enum ScaleInputs {
    /// 100,000 items × 10 annotators (1M cells, 20% missing, about 800k ratings) on a
    /// 7-level scale, each rating the item's true level 70% of the time.
    static func writeRatings(to path: String, seed: UInt64 = 7) throws {
        var random = SplitMix64(seed: seed)
        let items = 100_000, annotators = 10
        let truth = (0..<items).map { _ in Int.random(in: 1...7, using: &random) }
        try write(path) { out in
            out("item,annotator,value\n")
            for a in 0..<annotators {
                for i in 0..<items where Double.random(in: 0..<1, using: &random) >= 0.2 {
                    let value = Double.random(in: 0..<1, using: &random) < 0.7 ? truth[i] : Int.random(in: 1...7, using: &random)
                    out("i\(i),a\(a),\(value)\n")
                }
            }
        }
    }

    /// 1,000,000 battles among 100 models, won by Bradley–Terry odds of normal strengths.
    static func writeBattles(to path: String, seed: UInt64 = 8) throws {
        var random = SplitMix64(seed: seed)
        let models = 100
        let strength = (0..<models).map { _ in
            // Box–Muller.
            let u = Double.random(in: Double.ulpOfOne..<1, using: &random), v = Double.random(in: 0..<1, using: &random)
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        try write(path) { out in
            out("model_a,model_b,winner\n")
            for _ in 0..<1_000_000 {
                let a = Int.random(in: 0..<models, using: &random)
                var b = Int.random(in: 0..<(models - 1), using: &random)
                if b >= a { b += 1 }
                let first = Double.random(in: 0..<1, using: &random) < 1 / (1 + exp(strength[b] - strength[a]))
                out("m\(a),m\(b),\(first ? "model_a" : "model_b")\n")
            }
        }
    }

    /// `records` unlabeled pairs (id, prompt, response_a, response_b) of random words: a
    /// prompt of 50 words and responses of 270, some 2.6 KB a line (1.2 GB).
    static func writePairs(to path: String, records: Int = 465_000, seed: UInt64 = 9) throws {
        var random = SplitMix64(seed: seed)
        let words = ["the", "of", "and", "to", "in", "is", "that", "it", "for", "was", "on", "are", "as", "with",
                     "be", "at", "this", "by", "from", "or", "an", "which", "model", "answer", "because", "however"]
        func text(_ count: Int) -> String {
            var s = ""
            s.reserveCapacity(count * 6)
            for n in 0..<count {
                if n > 0 { s += " " }
                s += words[Int(random.next() % UInt64(words.count))]
            }
            return s
        }
        try write(path) { out in
            for r in 0..<records {
                out("{\"id\": \"r\(r)\", \"prompt\": \"\(text(50)) #\(r)\", \"response_a\": \"\(text(270))\", \"response_b\": \"\(text(275))\"}\n")
            }
        }
    }

    /// A gzip file of one pair followed by `blank` bytes of spaces: a few MB on disk,
    /// gigabytes inflated.
    static func writeGzipBomb(to path: String, blank: Int = 2_000_000_000) throws {
        let partial = path + ".partial"
        guard let file = fopen(partial, "wb") else { throw CocoaError(.fileWriteUnknown) }
        var stream = z_stream()
        guard cz_deflate_init2(&stream, 1, 31) == Z_OK else { fclose(file); throw CocoaError(.fileWriteUnknown) }
        var output = [UInt8](repeating: 0, count: 1 << 20)
        func deflateChunk(_ input: [UInt8], finish: Bool) {
            var input = input
            input.withUnsafeMutableBufferPointer { bytes in
                stream.next_in = bytes.baseAddress
                stream.avail_in = UInt32(bytes.count)
                repeat {
                    output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        _ = deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                        fwrite(out.baseAddress, 1, out.count - Int(stream.avail_out), file)
                    }
                } while stream.avail_out == 0
            }
        }
        deflateChunk(Array(#"{"id": "only", "prompt": "p", "response_a": "a", "response_b": "b"}"#.utf8) + [10], finish: false)
        let spaces = [UInt8](repeating: 32, count: 1 << 20)
        var left = blank
        while left > 0 {
            let n = min(left, spaces.count)
            deflateChunk(Array(spaces[0..<n]), finish: false)
            left -= n
        }
        deflateChunk([10], finish: true)
        deflateEnd(&stream)
        fclose(file)
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }

    /// Writes through a 4 MB buffer to `path + ".partial"`, renamed to `path` when whole.
    private static func write(_ path: String, _ body: ((String) -> Void) throws -> Void) throws {
        let partial = path + ".partial"
        guard let file = fopen(partial, "wb") else { throw CocoaError(.fileWriteUnknown) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4 << 20)
        try body { text in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 4 << 20 {
                fwrite(buffer, 1, buffer.count, file)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        fwrite(buffer, 1, buffer.count, file)
        guard fclose(file) == 0 else { throw CocoaError(.fileWriteUnknown) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }
}
