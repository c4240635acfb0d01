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
/// The price is speed: on 333k realistic pairs the ensemble's fits take 37 s this way, 30 s
/// with 32-bit entries (index and place) and 24 s with an index and a value each (at 0.78,
/// 1.27 and 1.74 GB for the whole run); the memory goal (< 1 GB) is what this layout meets.
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
    }

    /// The value's place in the row's palette (which starts at `start`), added if there is
    /// room; nil when the palette is full.
    private static func place(of value: Float, in palette: inout [Float], from start: Int) -> Int? {
        if let found = palette[start...].firstIndex(where: { $0.bitPattern == value.bitPattern }) { return found - start }
        guard palette.count - start < Int(escape) else { return nil }
        palette.append(value)
        return palette.count - start - 1
    }

    /// Calls `body` with each entry of row r (index, value), in order.
    @inline(__always)
    func forEachEntry(_ r: Int, _ body: (Int, Double) -> Void) {
        codes.withUnsafeBufferPointer { codes in
            palette.withUnsafeBufferPointer { palette in
                escapedIndices.withUnsafeBufferPointer { escapedIndices in
                    escapedValues.withUnsafeBufferPointer { escapedValues in
                        let values = palette.baseAddress! + paletteStart[r]
                        var escaped = escapeStart[r]
                        var index = -1
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

    /// target += scale · row r.
    @inline(__always)
    public func add(_ r: Int, scaledBy scale: Double, to target: UnsafeMutableBufferPointer<Double>) {
        forEachEntry(r) { index, value in target[index] += scale * value }
    }

    public func dot(_ r: Int, _ weights: [Double]) -> Double {
        weights.withUnsafeBufferPointer { dot(r, $0) }
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
