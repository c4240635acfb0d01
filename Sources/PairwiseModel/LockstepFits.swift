import Foundation
import PairwiseCore
import CMemory

/// Several reward models fitted on the same pairs at once, each by its own L-BFGS on a
/// thread of its own. A round waits for every unfinished fit's next point, then reads each
/// pair's rows once for all of them on every core: a feature's weights in every model sit
/// side by side in one SIMD value, read from one place.
///
/// Each model's loss and gradient are summed in the order a fit of its own would sum them
/// (pairs in order, A before B, features in row order), so its weights are the same bit for
/// bit whichever fits share its rounds.
final class LockstepFits: @unchecked Sendable {
    /// One fit's share of the loss: each pair's count (0 leaves it out) and their total.
    struct Terms: Sendable {
        var counts: [Double]
        var total: Double

        /// From how often each pair counts (nil: each once; 0 or less leaves it out).
        init(weights: [Double]?, pairs: Int) {
            counts = (0..<pairs).map { p in weights.map { $0[p] > 0 ? $0[p] : 0 } ?? 1 }
            total = max(1, counts.filter { $0 > 0 }.reduce(0, +))
        }
    }

    private let data: PairData
    private let terms: [Terms]
    private let l2: Double
    private let dimension: Int
    /// The pairs some fit counts, in order.
    private let used: [Int32]
    /// Cores reading the rows (the fits' threads wait meanwhile).
    private let workers: Int
    /// Where each block of features ends (the last: `dimension`), and core t's blocks:
    /// `firstBlock[t]..<firstBlock[t + 1]` (it adds to their gradients alone).
    private let blockEnds: [Int]
    private let firstBlock: [Int]
    /// Per row of a used pair and block, its entries in the block (row r's at `blocks * r`):
    /// the kernels read a block's entries by count, comparing no index with the block's end
    /// (measured on 333k realistic pairs: a trainer run 24.2 → 21.7 s, the same bits).
    private let blockCounts: UnsafeMutableBufferPointer<UInt32>
    /// The rows of the used pairs, A then B: pair `used[u]`'s at 2u and 2u + 1.
    private let pairRows: UnsafeMutableBufferPointer<Int32>

    private let condition = NSCondition()
    private var live: Int
    /// Each waiting fit's point, and where its gradient goes.
    private var waiting: [Int: (point: [Double], gradient: UnsafeMutableBufferPointer<Double>)] = [:]
    private var losses: [Int: Double] = [:]
    private var round = 0

    init(data: PairData, terms: [Terms], l2: Double, dimension: Int) {
        self.data = data
        self.terms = terms
        self.l2 = l2
        self.dimension = dimension
        used = data.pairs.indices.filter { p in terms.contains { $0.counts[p] > 0 } }.map(Int32.init)
        live = terms.count
        // Blocks sized for eight models' lanes, however many are left in a round.
        let workers = max(1, min(BackgroundPriority.workersForCurrentThread, dimension / 1_024))
        let perWorker = (dimension * MemoryLayout<SIMD8<Double>>.stride + workers * Self.blockBytes - 1) / (workers * Self.blockBytes)
        let blockCount = workers * max(1, perWorker), features = (dimension + blockCount - 1) / blockCount
        let blockEnds = Array(stride(from: features, to: dimension, by: features)) + [dimension]
        self.workers = workers
        self.blockEnds = blockEnds
        firstBlock = (0...workers).map { blockEnds.count * $0 / workers }
        let rows = data.features, pairs = data.pairs, used = used, blocks = blockEnds.count
        pairRows = .allocate(capacity: max(1, 2 * used.count))
        for (u, p) in used.enumerated() {
            pairRows[2 * u] = pairs[Int(p)].a
            pairRows[2 * u + 1] = pairs[Int(p)].b
        }
        blockCounts = .allocate(capacity: max(1, rows.count * blocks))
        blockCounts.initialize(repeating: 0)
        nonisolated(unsafe) let counts = blockCounts
        let ends = blockEnds.map(Int64.init)
        parallelFor((used.count + Self.chunk - 1) / Self.chunk) { c in
            ends.withUnsafeBufferPointer { ends in
                for u in (c * Self.chunk)..<min(used.count, (c + 1) * Self.chunk) {
                    let pair = pairs[Int(used[u])]
                    for r in [Int(pair.a), Int(pair.b)] { rows.blockCounts(r, ends: ends, into: counts.baseAddress! + blocks * r) }
                }
            }
        }
    }

    deinit {
        blockCounts.deallocate()
        pairRows.deallocate()
    }

    /// Fit k's loss at `point`, and its gradient (which must have a place for every
    /// feature); returns once the round it joins is done.
    func evaluate(_ k: Int, at point: [Double], gradient: inout [Double]) -> Double {
        precondition(gradient.count == dimension && point.count == dimension)
        return gradient.withUnsafeMutableBufferPointer { gradient in
            condition.lock()
            defer { condition.unlock() }
            waiting[k] = (point, gradient)
            let joined = round
            if waiting.count == live { evaluateRound() } else { while round == joined { condition.wait() } }
            return losses.removeValue(forKey: k)!
        }
    }

    /// A fit is done: later rounds no longer wait for it.
    func finish() {
        condition.lock()
        live -= 1
        if live > 0 && waiting.count == live { evaluateRound() }
        condition.unlock()
    }

    /// Runs with the lock held, every unfinished fit waiting: eight models at most to a
    /// reading of the rows.
    private func evaluateRound() {
        let members = waiting.keys.sorted()
        for first in stride(from: 0, to: members.count, by: 8) {
            let group = members[first..<min(members.count, first + 8)]
            let points = group.map { waiting[$0]!.point }, gradients = group.map { waiting[$0]!.gradient }, shares = group.map { terms[$0] }
            let loss = switch group.count {
            case 1...2: evaluate(points, terms: shares, gradients: gradients, lanes: SIMD2<Double>.self)
            case 3...4: evaluate(points, terms: shares, gradients: gradients, lanes: SIMD4<Double>.self)
            default: evaluate(points, terms: shares, gradients: gradients, lanes: SIMD8<Double>.self)
            }
            for (k, value) in zip(group, loss) { losses[k] = value }
        }
        waiting.removeAll()
        round += 1
        condition.broadcast()
    }

    /// The most bytes of one block of features' weights (every model's): every row's
    /// entries in a block are read while its weights, or its gradients, stay near the core.
    /// Blocks are as large as this allows, in a multiple of the workers: each row is read a
    /// block at a time, and the fewer the blocks the fewer the readings. Measured on 333k
    /// realistic pairs (2 cores, 2 MiB of L2 each, 6 models in 8 lanes): the rounds took
    /// 27 s with 17 blocks of 1 MiB, 20 s with 9 of 2 MiB, 14–23 s with 4 of 4.2 MB.
    static let blockBytes = 9 << 19
    /// Pairs whose rows one core reads a block at a time, before the next pairs.
    static let chunk = 1_024

    /// Each model's loss −log σ(…) (or the tie's) weighted by its counts over their total,
    /// plus λ/2·‖w‖², with its gradient written to `gradients`. Each feature's weights (and
    /// gradients) of every model sit side by side in one `Lanes` (model s in lane s, the
    /// lanes past the models unused), summed in registers, each lane's sums the scalar ones
    /// bit for bit.
    private func evaluate<Lanes: SIMD & SendableMetatype>(_ points: [[Double]], terms: [Terms],
                                                          gradients output: [UnsafeMutableBufferPointer<Double>],
                                                          lanes: Lanes.Type) -> [Double] where Lanes.Scalar == Double {
        let m = points.count, width = Lanes.scalarCount, d = dimension, l2 = l2
        let rows = data.features, pairs = data.pairs, used = used
        let weights = SharedLanes<Lanes>(count: d), gradients = SharedLanes<Lanes>(count: d)
        let scales = SharedLanes<Lanes>(count: used.count)
        // Features in blocks; each core adds to the gradients of blocks of its own, and
        // starts its rows where the first of them begins.
        let workers = workers, blockEnds = blockEnds, firstBlock = firstBlock, blocks = blockEnds.count
        nonisolated(unsafe) let counts = blockCounts, pairRows = pairRows
        let firstFeature = firstBlock.map { $0 == 0 ? 0 : blockEnds[$0 - 1] }
        let starts = SharedCursors(count: workers * 2 * used.count)
        defer { weights.free(); gradients.free(); scales.free(); starts.free() }
        // Weights side by side; each gradient starts at λw.
        parallelFor(workers) { t in
            for j in firstFeature[t]..<firstFeature[t + 1] {
                var w = Lanes(), g = Lanes()
                for s in 0..<m {
                    w[s] = points[s][j]
                    g[s] = l2 * points[s][j]
                }
                weights[j] = w
                gradients[j] = g
            }
        }
        // Every model's margin on each pair (kept in `scales` until the losses are summed),
        // a chunk of pairs at a time, block by block; where each later core's blocks begin
        // in every row is noted on the way.
        let chunk = Self.chunk
        parallelFor((used.count + chunk - 1) / chunk) { c in
            let first = c * chunk, count = min(used.count, first + chunk) - first
            let rowIDs = pairRows.baseAddress! + 2 * first
            withUnsafeTemporaryAllocation(of: SparseRows.Cursor.self, capacity: 2 * count) { cursors in
                withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 2 * count) { sums in
                    for o in 0..<2 * count {
                        cursors[o] = rows.cursor(atStartOf: Int(rowIDs[o]))
                        sums[o] = Lanes()
                    }
                    var worker = 1
                    for b in 0..<blocks {
                        if worker < workers && b == firstBlock[worker] {
                            for o in 0..<2 * count { starts[worker * 2 * used.count + 2 * first + o] = cursors[o] }
                            worker += 1
                        }
                        rows.blockDots(rowIDs: rowIDs, count: 2 * count, cursors: cursors.baseAddress!, counts: counts.baseAddress!, blocks: blocks, block: b,
                                       sideBySide: weights.base, sums: sums.baseAddress!)
                    }
                    for i in 0..<count { scales[first + i] = sums[2 * i] - sums[2 * i + 1] }
                }
            }
        }
        // Each model's loss in pair order, and the scale each pair's rows add to its gradient.
        let losses = ResultSlots<Double>(count: m)
        parallelFor(m) { s in
            var loss = 0.0
            for i in 0..<d { loss += 0.5 * l2 * points[s][i] * points[s][i] }
            let counts = terms[s].counts, n = terms[s].total
            for u in used.indices {
                let p = Int(used[u]), count = counts[p]
                var scale = 0.0
                if count > 0 {
                    let d = scales[u][s]
                    let (value, slope): (Double, Double)
                    switch pairs[p].label {
                    case .aBetter(let margin): (value, slope) = (softplus(-(d - margin)), -logistic(-(d - margin)))
                    case .bBetter(let margin): (value, slope) = (softplus(d + margin), logistic(d + margin))
                    case .tie: (value, slope) = (0.5 * (softplus(d) + softplus(-d)), 0.5 * (logistic(d) - logistic(-d)))
                    }
                    loss += count * value / n
                    scale = count * slope / n
                }
                scales.base[u][s] = scale
            }
            losses.store(loss, at: s)
        }
        // The lanes past the models add nothing.
        for u in used.indices {
            for s in m..<width { scales.base[u][s] = 0 }
        }
        // The rows' additions to the gradients: each core its own blocks, each block every
        // pair in order (A, then B).
        parallelFor(workers) { t in
            let cursors = starts.base + t * 2 * used.count
            if t == 0 {
                for o in 0..<2 * used.count { cursors[o] = rows.cursor(atStartOf: Int(pairRows[o])) }
            }
            for b in firstBlock[t]..<firstBlock[t + 1] {
                rows.blockAddScaled(rowIDs: pairRows.baseAddress!, pairs: used.count, cursors: cursors, counts: counts.baseAddress!, blocks: blocks, block: b,
                                    scales: scales.base, toSideBySide: gradients.base)
            }
        }
        nonisolated(unsafe) let output = output
        parallelFor(m) { s in
            for j in 0..<d { output[s][j] = gradients[j][s] }
        }
        return losses.all
    }
}

/// Values shared by the threads of one parallel step, each writing its own places.
private struct SharedLanes<Value>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Value>

    init(count: Int) {
        guard let memory = pairwise_allocate_huge(max(1, count) * MemoryLayout<Value>.stride) else { fatalError("out of memory") }
        base = memory.bindMemory(to: Value.self, capacity: max(1, count))
    }

    subscript(i: Int) -> Value {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    func free() { pairwise_free_huge(base) }
}

private typealias SharedCursors = SharedLanes<SparseRows.Cursor>
