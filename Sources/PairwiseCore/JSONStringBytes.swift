/// What a JSON string's bytes need looked at: a quote, a backslash or a control character
/// (below 0x20) ends a run of bytes that are taken as they are, when read and when written.
enum JSONStringBytes {
    /// The place of the first such byte in `bytes[from..<end]`, or `end` when there is none:
    /// sixteen bytes tested at a time (runs between escapes are tens of bytes in real text).
    @inline(__always)
    static func firstSpecial(_ bytes: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int {
        var i = from
        let quote = SIMD16<UInt8>(repeating: 0x22), backslash = SIMD16<UInt8>(repeating: 0x5C), space = SIMD16<UInt8>(repeating: 0x20)
        while i + 16 <= end {
            let chunk = UnsafeRawPointer(bytes + i).loadUnaligned(as: SIMD16<UInt8>.self)
            if any((chunk .== quote) .| (chunk .== backslash) .| (chunk .< space)) { break }
            i += 16
        }
        while i < end {
            let byte = bytes[i]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 { return i }
            i += 1
        }
        return end
    }
}
