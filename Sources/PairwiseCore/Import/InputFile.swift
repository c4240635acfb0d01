/// Reads an input file whole (for inputs read as one table: the statistics CSVs, `score`),
/// inflating gzip when the content starts with gzip's magic bytes, whatever the file is
/// called. Import streams instead (`ByteStream`).
public enum InputFile {
    public static func read(path: String) throws(ImportError) -> [UInt8] {
        try ByteStream(path: path, maximumRecordBytes: .max).readAll()
    }
}
