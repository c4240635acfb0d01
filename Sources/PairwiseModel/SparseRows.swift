import CRowKernels

/// Many sparse vectors, packed: a project's response features without an allocation per
/// response, in about a quarter of the memory of an index and a value per entry.
///
/// Values are kept as Float (sums are taken in Double), and a row takes few distinct values
/// (1 + ln count over one norm): each row keeps its values once, in a palette, and an entry
/// is 16 bits — the gap from the previous entry's index (12 bits) and its value's place in
/// the palette (4 bits). An entry whose gap or value does not fit is escaped: its index and
/// value are kept whole beside the row. Entries are read in the order they were appended, so
/// every sum is the one an index-and-value layout gives, bit for bit.
///
/// The price is speed: on 333k realistic pairs the ensemble's fits took 37 s this way, 30 s
/// with 32-bit entries (index and place) and 24 s with an index and a value each (at 0.78,
/// 1.27 and 1.74 GB for the whole run; measured when each fit read the rows on its own,
/// before `LockstepFits`); the memory goal (< 1 GB) is what this layout meets.
///
/// The fits read rows through C loops (`CRowKernels`, built for each vector width) that
/// decode this layout as `forEachEntry` does, and `FeatureCache` files keep rows as
/// `encode` lays them out: a change to it is a change to all three (and to the cache's
/// format number).
public struct SparseRows: Sendable {
    /// Row r's entries are `codes[entryStart[r]..<entryStart[r + 1]]`.
    private var entryStart: [Int] = [0]
    private var codes: [UInt16] = []
    /// Row r's values are `palette[paletteStart[r]...]`, its escaped entries `escaped…[escapeStart[r]...]`.
    private var paletteStart: [Int] = []
    private var palette: [Float] = []
    private var escapeStart: [Int] = []
    private var escapedIndices: [Int32] = []
    private var escapedValues: [Float] = []

    static let placeBits = 4
    static let escape = UInt16(1 << placeBits - 1)
    static let largestGap = Int(UInt16.max >> placeBits)

    public init() {}

    public var count: Int { entryStart.count - 1 }

    /// Room for `rows` more rows like the ones so far (twice their mean size, at least): a
    /// gigabyte of rows that grows by doubling holds the old and the new copy at once, while
    /// room reserved and never written takes no memory.
    public mutating func reserveCapacity(rows: Int) {
        guard count > 0, rows > 0 else { return }
        func room(_ used: Int) -> Int { used + 2 * (used / count + 1) * rows }
        entryStart.reserveCapacity(entryStart.count + rows)
        paletteStart.reserveCapacity(paletteStart.count + rows)
        escapeStart.reserveCapacity(escapeStart.count + rows)
        codes.reserveCapacity(room(codes.count))
        palette.reserveCapacity(room(palette.count))
        escapedIndices.reserveCapacity(room(escapedIndices.count))
        escapedValues.reserveCapacity(room(escapedValues.count))
    }

    public mutating func append(_ vector: SparseVector) {
        paletteStart.append(palette.count)
        escapeStart.append(escapedIndices.count)
        let rowPalette = palette.count
        var previous = -1
        for (index, value) in zip(vector.indices, vector.values) {
            let stored = Float(value)
            let gap = Int(index) - previous
            if gap >= 1 && gap <= Self.largestGap, let place = Self.place(of: stored, in: &palette, from: rowPalette) {
                codes.append(UInt16(gap) << Self.placeBits | UInt16(place))
            } else {
                codes.append(Self.escape)
                escapedIndices.append(index)
                escapedValues.append(stored)
            }
            previous = Int(index)
        }
        entryStart.append(codes.count)
        precondition(escapedIndices.count < Int(Int32.max), "more escaped entries than a cursor counts")
    }

    /// Bytes before an encoded row's arrays: its counts of codes, palette values and
    /// escaped entries (UInt32 each).
    static let encodedHeader = 12

    /// Appends row r as bytes (`appendEncoded` reads them back as the same row): its
    /// counts, then its codes, palette, escaped indices and escaped values, laid out as this
    /// machine lays them out in memory.
    public func encode(_ r: Int, into bytes: inout [UInt8]) {
        let codeRange = entryStart[r]..<entryStart[r + 1]
        let paletteEnd = r + 1 < paletteStart.count ? paletteStart[r + 1] : palette.count
        let escapeEnd = r + 1 < escapeStart.count ? escapeStart[r + 1] : escapedIndices.count
        withUnsafeBytes(of: (UInt32(codeRange.count), UInt32(paletteEnd - paletteStart[r]), UInt32(escapeEnd - escapeStart[r]))) {
            bytes.append(contentsOf: $0)
        }
        codes[codeRange].withUnsafeBytes { bytes.append(contentsOf: $0) }
        palette[paletteStart[r]..<paletteEnd].withUnsafeBytes { bytes.append(contentsOf: $0) }
        escapedIndices[escapeStart[r]..<escapeEnd].withUnsafeBytes { bytes.append(contentsOf: $0) }
        escapedValues[escapeStart[r]..<escapeEnd].withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// The length of the encoded row `bytes` begins with, once checked to be one this type
    /// could have written with every index below `dimension` (indices increasing, every
    /// palette place and escaped entry present); nil when it is not.
    public static func encodedLength(_ bytes: UnsafeRawBufferPointer, dimension: Int) -> Int? {
        guard bytes.count >= encodedHeader else { return nil }
        let codeCount = Int(bytes.loadUnaligned(as: UInt32.self)), paletteCount = Int(bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let escapedCount = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let length = encodedHeader + 2 * codeCount + 4 * paletteCount + 8 * escapedCount
        guard paletteCount <= Int(escape), escapedCount <= codeCount, bytes.count >= length else { return nil }
        let indices = encodedHeader + 2 * codeCount + 4 * paletteCount
        var index = -1, escaped = 0
        for k in 0..<codeCount {
            let code = bytes.loadUnaligned(fromByteOffset: encodedHeader + 2 * k, as: UInt16.self)
            if code & escape == escape {
                guard escaped < escapedCount else { return nil }
                let next = Int(bytes.loadUnaligned(fromByteOffset: indices + 4 * escaped, as: Int32.self))
                guard next > index else { return nil }
                index = next
                escaped += 1
            } else {
                guard code >> placeBits >= 1, Int(code & escape) < paletteCount else { return nil }
                index += Int(code >> placeBits)
            }
        }
        return escaped == escapedCount && index < dimension ? length : nil
    }

    /// Appends the row `bytes` begins with, which `encodedLength` has checked; returns its length.
    @discardableResult
    public mutating func appendEncoded(_ bytes: UnsafeRawBufferPointer) -> Int {
        let codeCount = Int(bytes.loadUnaligned(as: UInt32.self)), paletteCount = Int(bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let escapedCount = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        paletteStart.append(palette.count)
        escapeStart.append(escapedIndices.count)
        var offset = Self.encodedHeader
        func take<T>(_ count: Int, into array: inout [T], zero: T) {
            let start = bytes.baseAddress! + offset
            if Int(bitPattern: start) % MemoryLayout<T>.alignment == 0 {
                // Aligned (as a file's rows mostly are): one copy.
                start.withMemoryRebound(to: T.self, capacity: count) { array.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
            } else {
                let old = array.count
                array.append(contentsOf: repeatElement(zero, count: count))
                array.withUnsafeMutableBytes { target in
                    target.baseAddress!.advanced(by: old * MemoryLayout<T>.stride).copyMemory(from: start, byteCount: count * MemoryLayout<T>.stride)
                }
            }
            offset += count * MemoryLayout<T>.stride
        }
        take(codeCount, into: &codes, zero: 0)
        take(paletteCount, into: &palette, zero: 0)
        take(escapedCount, into: &escapedIndices, zero: 0)
        take(escapedCount, into: &escapedValues, zero: 0)
        entryStart.append(codes.count)
        precondition(escapedIndices.count < Int(Int32.max), "more escaped entries than a cursor counts")
        return offset
    }

    /// The value's place in the row's palette (which starts at `start`), added if there is
    /// room; nil when the palette is full.
    private static func place(of value: Float, in palette: inout [Float], from start: Int) -> Int? {
        let found = palette.withUnsafeBufferPointer { held -> Int? in
            for i in start..<held.count where held[i].bitPattern == value.bitPattern { return i - start }
            return nil
        }
        if let found { return found }
        guard palette.count - start < Int(escape) else { return nil }
        palette.append(value)
        return palette.count - start - 1
    }

    /// Where a reading of a row stands: its next entry, its next escaped entry, and the index
    /// of the last entry read (−1 before the first). 16 bytes: fewer than 2^31 escaped
    /// entries (`append` checks).
    typealias Cursor = pairwise_row_cursor

    /// A cursor before row r's first entry.
    @inline(__always)
    func cursor(atStartOf r: Int) -> Cursor { Cursor(entry: Int64(entryStart[r]), escaped: Int32(escapeStart[r]), index: -1) }

    /// Calls `body` with each entry of row r (index, value), in order.
    @inline(__always)
    func forEachEntry(_ r: Int, _ body: (Int, Double) -> Void) {
        codes.withUnsafeBufferPointer { codes in
            palette.withUnsafeBufferPointer { palette in
                escapedIndices.withUnsafeBufferPointer { escapedIndices in
                    escapedValues.withUnsafeBufferPointer { escapedValues in
                        let values = palette.baseAddress! + paletteStart[r]
                        var escaped = escapeStart[r], index = -1
                        for k in entryStart[r]..<entryStart[r + 1] {
                            let code = codes[k]
                            if code & Self.escape == Self.escape {
                                index = Int(escapedIndices[escaped])
                                body(index, Double(escapedValues[escaped]))
                                escaped += 1
                            } else {
                                index += Int(code >> Self.placeBits)
                                body(index, Double(values[Int(code & Self.escape)]))
                            }
                        }
                    }
                }
            }
        }
    }

    public func row(_ r: Int) -> SparseVector {
        var vector = SparseVector()
        forEachEntry(r) { index, value in
            vector.indices.append(Int32(index))
            vector.values.append(value)
        }
        return vector
    }

    /// Row r · weights.
    @inline(__always)
    public func dot(_ r: Int, _ weights: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        forEachEntry(r) { index, value in sum += weights[index] * value }
        return sum
    }

    public func dot(_ r: Int, _ weights: [Double]) -> Double {
        weights.withUnsafeBufferPointer { dot(r, $0) }
    }

    /// Row r as the C kernels read it, for the time of `body`.
    @inline(__always)
    private func withKernelRow<T>(_ r: Int, _ body: (pairwise_row) -> T) -> T {
        codes.withUnsafeBufferPointer { codes in
            palette.withUnsafeBufferPointer { palette in
                escapedIndices.withUnsafeBufferPointer { escapedIndices in
                    escapedValues.withUnsafeBufferPointer { escapedValues in
                        body(pairwise_row(codes: codes.baseAddress, last: Int64(entryStart[r + 1]), palette: palette.baseAddress.map { $0 + paletteStart[r] },
                                          escaped_indices: escapedIndices.baseAddress, escaped_values: escapedValues.baseAddress))
                    }
                }
            }
        }
    }

    /// Row r's number of entries.
    func entryCount(_ r: Int) -> Int { entryStart[r + 1] - entryStart[r] }

    /// How many of row r's entries fall in each block of features (block b: the indices
    /// below `ends[b]`, from `ends[b - 1]` on; the last end above every index), written to
    /// `counts`: how `blockDots` and `blockAddScaled` read rows a block at a time.
    func blockCounts(_ r: Int, ends: UnsafeBufferPointer<Int64>, into counts: UnsafeMutablePointer<UInt32>) {
        withKernelRow(r) { row in pairwise_row_block_counts(row, cursor(atStartOf: r), ends.baseAddress, Int64(ends.count), counts) }
    }

    /// Adds the next `countA` entries of row a and `countB` of row b from their cursors times
    /// the weights of every model side by side (feature j's at `weights[j]`, a lane a model)
    /// to each row's sums, and leaves each cursor at its first entry not read: read a block
    /// of features at a time (`blockCounts`), each lane's sum is the one `dot` gives, bit for
    /// bit. The two rows are read at once (two chains of additions in flight, each in its
    /// row's order). Lanes of 2, 4 or 8 (the C kernels, vectorized for this CPU). The counts
    /// must not pass a row's end.
    @inline(__always)
    func addDots<Lanes: SIMD>(_ a: Int, from cursorA: inout Cursor, count countA: Int, _ b: Int, from cursorB: inout Cursor, count countB: Int,
                              sideBySide weights: UnsafePointer<Lanes>, to sumsA: inout Lanes, _ sumsB: inout Lanes) where Lanes.Scalar == Double {
        let w = UnsafeRawPointer(weights).assumingMemoryBound(to: Double.self)
        withKernelRow(a) { rowA in
            withKernelRow(b) { rowB in
                withUnsafeMutableBytes(of: &sumsA) { rawA in
                    withUnsafeMutableBytes(of: &sumsB) { rawB in
                        let sa = rawA.baseAddress!.assumingMemoryBound(to: Double.self), sb = rawB.baseAddress!.assumingMemoryBound(to: Double.self)
                        switch Lanes.scalarCount {
                        case 8: pairwise_rows_add_dots_8(rowA, &cursorA, Int64(countA), rowB, &cursorB, Int64(countB), w, sa, sb)
                        case 4: pairwise_rows_add_dots_4(rowA, &cursorA, Int64(countA), rowB, &cursorB, Int64(countB), w, sa, sb)
                        case 2: pairwise_rows_add_dots_2(rowA, &cursorA, Int64(countA), rowB, &cursorB, Int64(countB), w, sa, sb)
                        default: preconditionFailure("lanes of 2, 4 or 8")
                        }
                    }
                }
            }
        }
    }

    /// Every row as the C loops over many rows read them, for the time of `body`.
    @inline(__always)
    private func withKernelRows<T>(_ body: (pairwise_rows) -> T) -> T {
        codes.withUnsafeBufferPointer { codes in
            entryStart.withUnsafeBufferPointer { entryStart in
                paletteStart.withUnsafeBufferPointer { paletteStart in
                    palette.withUnsafeBufferPointer { palette in
                        escapedIndices.withUnsafeBufferPointer { escapedIndices in
                            escapedValues.withUnsafeBufferPointer { escapedValues in
                                entryStart.withMemoryRebound(to: Int64.self) { entryStart in
                                    paletteStart.withMemoryRebound(to: Int64.self) { paletteStart in
                                        body(pairwise_rows(codes: codes.baseAddress, entry_start: entryStart.baseAddress, palette_start: paletteStart.baseAddress,
                                                           palette: palette.baseAddress, escaped_indices: escapedIndices.baseAddress,
                                                           escaped_values: escapedValues.baseAddress, code_count: Int64(codes.count),
                                                           palette_count: Int64(palette.count)))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One block of features of many rows, two at a time: rows `rowIDs[o]` and `rowIDs[o + 1]`
    /// (o = 0, 2, … below `count`) add their entries in block `block` (`counts[blocks * row +
    /// block]` of them, from `cursors[o]` and `cursors[o + 1]`) times the weights of every
    /// model side by side to `sums[o]` and `sums[o + 1]`, as `addDots` does. Lanes of 2, 4 or 8.
    @inline(__always)
    func blockDots<Lanes: SIMD>(rowIDs: UnsafePointer<Int32>, count: Int, cursors: UnsafeMutablePointer<Cursor>, counts: UnsafePointer<UInt32>,
                                blocks: Int, block: Int, sideBySide weights: UnsafePointer<Lanes>, sums: UnsafeMutablePointer<Lanes>) where Lanes.Scalar == Double {
        let w = UnsafeRawPointer(weights).assumingMemoryBound(to: Double.self), s = UnsafeMutableRawPointer(sums).assumingMemoryBound(to: Double.self)
        withKernelRows { rows in
            switch Lanes.scalarCount {
            case 8: pairwise_block_dots_8(rows, rowIDs, Int64(count), cursors, counts, Int64(blocks), Int64(block), w, s)
            case 4: pairwise_block_dots_4(rows, rowIDs, Int64(count), cursors, counts, Int64(blocks), Int64(block), w, s)
            case 2: pairwise_block_dots_2(rows, rowIDs, Int64(count), cursors, counts, Int64(blocks), Int64(block), w, s)
            default: preconditionFailure("lanes of 2, 4 or 8")
            }
        }
    }

    /// One block of features of many pairs, in order: pair u's rows `rowIDs[2u]` and
    /// `rowIDs[2u + 1]` add their entries in block `block` (from `cursors[2u]` and
    /// `cursors[2u + 1]`) times `scales[u]` and `−scales[u]` to `target`, lane by lane (each
    /// addition `target[j] += scale * value` in Double). Lanes of 2, 4 or 8.
    @inline(__always)
    func blockAddScaled<Lanes: SIMD>(rowIDs: UnsafePointer<Int32>, pairs: Int, cursors: UnsafeMutablePointer<Cursor>, counts: UnsafePointer<UInt32>,
                                     blocks: Int, block: Int, scales: UnsafePointer<Lanes>, toSideBySide target: UnsafeMutablePointer<Lanes>) where Lanes.Scalar == Double {
        let s = UnsafeRawPointer(scales).assumingMemoryBound(to: Double.self), t = UnsafeMutableRawPointer(target).assumingMemoryBound(to: Double.self)
        withKernelRows { rows in
            switch Lanes.scalarCount {
            case 8: pairwise_block_add_scaled_8(rows, rowIDs, Int64(pairs), cursors, counts, Int64(blocks), Int64(block), s, t)
            case 4: pairwise_block_add_scaled_4(rows, rowIDs, Int64(pairs), cursors, counts, Int64(blocks), Int64(block), s, t)
            case 2: pairwise_block_add_scaled_2(rows, rowIDs, Int64(pairs), cursors, counts, Int64(blocks), Int64(block), s, t)
            default: preconditionFailure("lanes of 2, 4 or 8")
            }
        }
    }
}

/// Judged pairs as the model trains on them: each pair's A and B as rows of shared
/// features, and what the human said.
public struct PairData: Sendable {
    public struct Pair: Sendable {
        public var a: Int32
        public var b: Int32
        public var label: PairExample.Label

        public init(a: Int32, b: Int32, label: PairExample.Label) {
            self.a = a
            self.b = b
            self.label = label
        }
    }

    public var features: SparseRows
    public var pairs: [Pair]

    public init(features: SparseRows = SparseRows(), pairs: [Pair] = []) {
        self.features = features
        self.pairs = pairs
    }

    /// Examples given as differences: each is row A, against an empty row B.
    public init(_ examples: [PairExample]) {
        var features = SparseRows()
        features.append(SparseVector())
        var pairs: [Pair] = []
        for example in examples {
            pairs.append(Pair(a: Int32(features.count), b: 0, label: example.label))
            features.append(example.difference)
        }
        self.init(features: features, pairs: pairs)
    }

    /// r(A) − r(B) of pair p under the weights.
    public func margin(_ p: Int, _ weights: [Double]) -> Double {
        weights.withUnsafeBufferPointer { features.dot(Int(pairs[p].a), $0) - features.dot(Int(pairs[p].b), $0) }
    }
}
