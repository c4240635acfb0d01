/// Many sparse vectors in three flat arrays (compressed rows): a project's response
/// features without an allocation per response. Values are kept as Float, which halves
/// the memory of a 333k-item project; sums are taken in Double.
public struct SparseRows: Sendable {
    /// Row r's entries are `offsets[r]..<offsets[r + 1]`.
    public private(set) var offsets: [Int] = [0]
    public private(set) var indices: [Int32] = []
    public private(set) var values: [Float] = []

    public init() {}

    public var count: Int { offsets.count - 1 }

    public mutating func append(_ vector: SparseVector) {
        indices += vector.indices
        values += vector.values.map { Float($0) }
        offsets.append(indices.count)
    }

    public func row(_ r: Int) -> SparseVector {
        let range = offsets[r]..<offsets[r + 1]
        return SparseVector(indices: Array(indices[range]), values: values[range].map(Double.init))
    }

    /// Row r · weights.
    @inline(__always)
    public func dot(_ r: Int, _ weights: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        indices.withUnsafeBufferPointer { ix in
            values.withUnsafeBufferPointer { vx in
                for k in offsets[r]..<offsets[r + 1] { sum += weights[Int(ix[k])] * Double(vx[k]) }
            }
        }
        return sum
    }

    /// target += scale · row r.
    @inline(__always)
    public func add(_ r: Int, scaledBy scale: Double, to target: UnsafeMutableBufferPointer<Double>) {
        indices.withUnsafeBufferPointer { ix in
            values.withUnsafeBufferPointer { vx in
                for k in offsets[r]..<offsets[r + 1] { target[Int(ix[k])] += scale * Double(vx[k]) }
            }
        }
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
