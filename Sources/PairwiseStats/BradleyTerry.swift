/// One comparison between two models.
public struct Comparison: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable { case firstWins, secondWins, tie, bothBad }
    public var first: Int
    public var second: Int
    public var outcome: Outcome

    public init(_ first: Int, _ second: Int, _ outcome: Outcome) {
        self.first = first
        self.second = second
        self.outcome = outcome
    }
}

/// Bradley–Terry strengths by maximum likelihood (Newton's method on the aggregated win
/// matrix), natural-log scale, centred to mean 0.
public enum BradleyTerry {
    public enum TieModel: String, Sendable {
        /// A tie counts half a win for each side.
        case half
        /// Davidson (1970): P(tie) ∝ ν·sqrt(π_i π_j), with ν fitted.
        case davidson
    }

    public struct Fit: Sendable {
        public var theta: [Double]
        /// Davidson's tie parameter ν, when that model was used.
        public var tieParameter: Double?
        public var iterations: Int
    }

    /// Wins (ties as halves) and comparison counts between every pair.
    static func winMatrix(_ comparisons: [Comparison], models: Int) -> (wins: [Double], ties: [Double]) {
        var wins = Array(repeating: 0.0, count: models * models)
        var ties = Array(repeating: 0.0, count: models * models)
        for c in comparisons where c.first != c.second {
            switch c.outcome {
            case .firstWins: wins[c.first * models + c.second] += 1
            case .secondWins: wins[c.second * models + c.first] += 1
            case .tie, .bothBad:
                ties[c.first * models + c.second] += 1
                ties[c.second * models + c.first] += 1
            }
        }
        return (wins, ties)
    }

    /// Fits strengths. `ridge` adds ½·ridge·Σθ² to the negative log-likelihood (choix's
    /// `alpha`); 0 is plain maximum likelihood, which exists only when every model has
    /// both won and lost within a strongly connected comparison graph.
    public static func fit(_ comparisons: [Comparison], models: Int, ties: TieModel = .half, ridge: Double = 0) -> Fit {
        let (wins, tieCounts) = winMatrix(comparisons, models: models)
        return fit(wins: wins, ties: tieCounts, models: models, tieModel: ties, ridge: ridge)
    }

    /// Fits strengths from the aggregated counts (`winMatrix`'s): `wins[i·n + j]` times i beat
    /// j, `ties[i·n + j]` ties between them (both ways round).
    static func fit(wins: [Double], ties tieCounts: [Double], models: Int, tieModel ties: TieModel, ridge: Double) -> Fit {
        switch ties {
        case .half:
            var w = wins
            for i in 0..<(models * models) { w[i] += 0.5 * tieCounts[i] }
            return newtonBT(wins: w, models: models, ridge: ridge)
        case .davidson:
            return davidson(wins: wins, ties: tieCounts, models: models, ridge: ridge)
        }
    }

    /// Newton's method for the Bradley–Terry log-likelihood with fractional wins.
    static func newtonBT(wins w: [Double], models n: Int, ridge: Double) -> Fit {
        var theta = Array(repeating: 0.0, count: n)
        var iterations = 0
        var previousStep = Double.infinity
        for iteration in 1...100 {
            iterations = iteration
            var gradient = Array(repeating: 0.0, count: n)
            var hessian = Array(repeating: 0.0, count: n * n)
            for i in 0..<n {
                gradient[i] -= ridge * theta[i]
                hessian[i * n + i] -= ridge
                for j in 0..<n where j != i {
                    let total = w[i * n + j] + w[j * n + i]
                    guard total > 0 else { continue }
                    let p = logistic(theta[i] - theta[j])
                    gradient[i] += w[i * n + j] - total * p
                    let curvature = total * p * (1 - p)
                    hessian[i * n + i] -= curvature
                    hessian[i * n + j] += curvature
                }
            }
            let step = solveCentred(hessian: hessian, gradient: gradient, n: n, ridge: ridge)
            for i in 0..<n { theta[i] -= step[i] }
            if ridge == 0 { centre(&theta) }
            // Converged when the step moves the strengths relative to each other no more (the
            // likelihood ignores a common shift, which a tiny ridge leaves ill-determined: its
            // steps jitter forever), or at the arithmetic's noise floor, where steps stop shrinking.
            let meanStep = step.reduce(0, +) / Double(n)
            let largest = step.reduce(0.0) { max($0, abs($1 - meanStep)) }
            if largest < 1e-12 || (largest < 1e-8 && largest >= previousStep) { break }
            previousStep = largest
        }
        if ridge == 0 { centre(&theta) }
        return Fit(theta: theta, tieParameter: nil, iterations: iterations)
    }

    /// Davidson's model: maximises Σ w_ij log P(i>j) + Σ_{i<j} t_ij log P(tie) over θ and log ν
    /// by Newton's method with a numerically exact Hessian from analytic gradients.
    static func davidson(wins w: [Double], ties t: [Double], models n: Int, ridge: Double) -> Fit {
        var x = Array(repeating: 0.0, count: n + 1)   // θ…, log ν
        func gradient(_ x: [Double]) -> [Double] {
            var g = Array(repeating: 0.0, count: n + 1)
            let nu = exp(x[n])
            for i in 0..<n {
                g[i] -= ridge * x[i]
                for j in (i + 1)..<max(i + 1, n) {
                    let wij = w[i * n + j], wji = w[j * n + i], tij = t[i * n + j]
                    let total = wij + wji + tij
                    guard total > 0 else { continue }
                    let a = exp(x[i]), b = exp(x[j]), s = nu * exp((x[i] + x[j]) / 2)
                    let d = a + b + s
                    // d log D / dθ_i = (a + s/2)/D; / dθ_j = (b + s/2)/D; / dlogν = s/D.
                    let di = (a + s / 2) / d, dj = (b + s / 2) / d, dn = s / d
                    g[i] += wij * (1 - di) + wji * (-di) + tij * (0.5 - di)
                    g[j] += wij * (-dj) + wji * (1 - dj) + tij * (0.5 - dj)
                    g[n] += wij * (-dn) + wji * (-dn) + tij * (1 - dn)
                }
            }
            return g
        }
        var iterations = 0
        for iteration in 1...100 {
            iterations = iteration
            let g = gradient(x)
            var hessian = Array(repeating: 0.0, count: (n + 1) * (n + 1))
            let h = 1e-6
            for k in 0...n {
                var plus = x, minus = x
                plus[k] += h
                minus[k] -= h
                let gp = gradient(plus), gm = gradient(minus)
                for r in 0...n { hessian[r * (n + 1) + k] = (gp[r] - gm[r]) / (2 * h) }
            }
            // Centre θ through the same constraint as plain BT; log ν is free.
            let step = solveCentred(hessian: hessian, gradient: g, n: n + 1, ridge: ridge, centredCount: n)
            var largest = 0.0
            for k in 0...n { x[k] -= step[k]; largest = max(largest, abs(step[k])) }
            if ridge == 0 { var theta = Array(x[0..<n]); centre(&theta); for i in 0..<n { x[i] = theta[i] } }
            if largest < 1e-10 { break }
        }
        return Fit(theta: Array(x[0..<n]), tieParameter: exp(x[n]), iterations: iterations)
    }

    static func logistic(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }

    static func centre(_ theta: inout [Double]) {
        let mean = theta.reduce(0, +) / Double(theta.count)
        for i in theta.indices { theta[i] -= mean }
    }

    /// Solves H·step = g. Without a ridge the likelihood is flat along θ + c, so the first
    /// `centredCount` unknowns get the extra equation Σ step = 0 (as a bordered system).
    static func solveCentred(hessian: [Double], gradient: [Double], n: Int, ridge: Double, centredCount: Int? = nil) -> [Double] {
        let m = centredCount ?? n
        let size = ridge == 0 ? n + 1 : n
        var a = Array(repeating: 0.0, count: size * (size + 1))
        for r in 0..<n {
            for c in 0..<n { a[r * (size + 1) + c] = hessian[r * n + c] }
            a[r * (size + 1) + size] = gradient[r]
        }
        if ridge == 0 {
            for c in 0..<m { a[n * (size + 1) + c] = 1; a[c * (size + 1) + n] = 1 }
        }
        let solution = gaussianElimination(&a, size: size)
        return Array(solution.prefix(n))
    }

    /// Solves an augmented system in place with partial pivoting; singular directions get 0.
    static func gaussianElimination(_ a: inout [Double], size n: Int) -> [Double] {
        let width = n + 1
        // The same operations in the same order as indexing the array, without a bounds check
        // or an exclusivity check per element (the bootstrap solves thousands of these).
        a.withUnsafeMutableBufferPointer { a in
            for col in 0..<n {
                var pivot = col
                for r in col..<n where abs(a[r * width + col]) > abs(a[pivot * width + col]) { pivot = r }
                if abs(a[pivot * width + col]) < 1e-300 { continue }
                if pivot != col { for c in 0..<width { a.swapAt(col * width + c, pivot * width + c) } }
                let p = a[col * width + col]
                let pivotRow = col * width
                for r in 0..<n where r != col {
                    let row = r * width
                    let f = a[row + col] / p
                    if f == 0 { continue }
                    for c in col..<width { a[row + c] -= f * a[pivotRow + c] }
                }
            }
        }
        return (0..<n).map { r in
            let p = a[r * width + r]
            return abs(p) < 1e-300 ? 0 : a[r * width + n] / p
        }
    }

    // MARK: Connectivity

    /// Groups of models connected by at least one comparison (any outcome).
    public static func components(_ comparisons: [Comparison], models: Int) -> [[Int]] {
        var parent = Array(0..<models)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }; return x }
        for c in comparisons where c.first != c.second { parent[find(c.first)] = find(c.second) }
        var groups: [Int: [Int]] = [:]
        for m in 0..<models { groups[find(m), default: []].append(m) }
        return groups.values.sorted { $0[0] < $1[0] }
    }

    /// Whether every model can reach every other through "won or tied against" edges, the
    /// condition for the maximum-likelihood estimate to exist.
    public static func isStronglyConnected(_ comparisons: [Comparison], models: Int) -> Bool {
        guard models > 1 else { return true }
        var forward = Array(repeating: [Int](), count: models), backward = Array(repeating: [Int](), count: models)
        func edge(_ winner: Int, _ loser: Int) { forward[winner].append(loser); backward[loser].append(winner) }
        for c in comparisons where c.first != c.second {
            switch c.outcome {
            case .firstWins: edge(c.first, c.second)
            case .secondWins: edge(c.second, c.first)
            case .tie, .bothBad: edge(c.first, c.second); edge(c.second, c.first)
            }
        }
        func reachesAll(_ adjacency: [[Int]]) -> Bool {
            var seen = Array(repeating: false, count: models), stack = [0]
            seen[0] = true
            while let node = stack.popLast() { for next in adjacency[node] where !seen[next] { seen[next] = true; stack.append(next) } }
            return !seen.contains(false)
        }
        return reachesAll(forward) && reachesAll(backward)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
