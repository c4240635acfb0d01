import CZlib
import Foundation

/// Reads an input file whole, inflating gzip when the content starts with gzip's magic bytes
/// (whatever the file is called).
public enum InputFile {
    public static func read(path: String) throws(ImportError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ImportError(file: path, line: 0, field: "file", message: exists ? "cannot be read (permission?)" : "does not exist")
        }
        defer { try? handle.close() }
        let bytes: [UInt8]
        do { bytes = [UInt8](try handle.readToEnd() ?? Data()) } catch {
            throw ImportError(file: path, line: 0, field: "file", message: "cannot be read (\(error.localizedDescription))")
        }
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            return try gunzip(bytes, file: path)
        }
        return bytes
    }

    /// Inflates one or more concatenated gzip members.
    public static func gunzip(_ input: [UInt8], file: String) throws(ImportError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 4)
        var stream = z_stream()
        // 15 window bits + 16: gzip wrapper only.
        guard cz_inflate_init2(&stream, 15 + 16) == Z_OK else {
            throw ImportError(file: file, line: 0, field: "file", message: "cannot start gzip decompression")
        }
        defer { inflateEnd(&stream) }
        let chunkSize = 1 << 18
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var status: Int32 = Z_OK
        var failure: String?
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while true {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(chunkSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: target[0..<(chunkSize - Int(stream.avail_out))])
                }
                if status == Z_STREAM_END {
                    if stream.avail_in == 0 { return }
                    // Another gzip member follows.
                    if inflateReset(&stream) != Z_OK { failure = "cannot continue after a gzip member"; return }
                    continue
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { failure = "gzip data is truncated"; return }
                if status != Z_OK { failure = "gzip data is corrupt"; return }
            }
        }
        if let failure { throw ImportError(file: file, line: 0, field: "gzip", message: failure) }
        return output
    }
}
