/// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line
/// search. Deterministic: no randomness anywhere.
public enum LBFGS {
    /// Minimises `f` (which fills the gradient and returns the value) from `start`.
    public static func minimize(_ f: ([Double], inout [Double]) -> Double, start: [Double], maxIterations: Int,
                                memory: Int = 10, gradientTolerance: Double = 1e-7) -> [Double] {
        let n = start.count
        var x = start
        var g = Array(repeating: 0.0, count: n)
        var value = f(x, &g)
        var s: [[Double]] = [], y: [[Double]] = [], rho: [Double] = []
        var direction = Array(repeating: 0.0, count: n)
        var trial = Array(repeating: 0.0, count: n)
        var trialGradient = Array(repeating: 0.0, count: n)
        // The next step and change of gradient, written whole before they are read.
        var newS = Array(repeating: 0.0, count: n), newY = Array(repeating: 0.0, count: n)
        for iteration in 0..<maxIterations {
            if g.reduce(0, { max($0, abs($1)) }) < gradientTolerance { break }
            // Two-loop recursion: direction = −H·g.
            for i in 0..<n { direction[i] = -g[i] }
            var alphas = Array(repeating: 0.0, count: s.count)
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                var a = 0.0
                for i in 0..<n { a += s[k][i] * direction[i] }
                a *= rho[k]
                alphas[k] = a
                for i in 0..<n { direction[i] -= a * y[k][i] }
            }
            if let lastS = s.last, let lastY = y.last {
                var sy = 0.0, yy = 0.0
                for i in 0..<n { sy += lastS[i] * lastY[i]; yy += lastY[i] * lastY[i] }
                let gamma = yy > 0 ? sy / yy : 1
                for i in 0..<n { direction[i] *= gamma }
            } else {
                let norm = g.reduce(0) { $0 + $1 * $1 }.squareRoot()
                if norm > 0 { for i in 0..<n { direction[i] /= norm } }
            }
            for k in 0..<s.count {
                var b = 0.0
                for i in 0..<n { b += y[k][i] * direction[i] }
                b *= rho[k]
                for i in 0..<n { direction[i] += s[k][i] * (alphas[k] - b) }
            }
            var slope = 0.0
            for i in 0..<n { slope += g[i] * direction[i] }
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                s.removeAll(); y.removeAll(); rho.removeAll()
                for i in 0..<n { direction[i] = -g[i] }
                slope = -g.reduce(0) { $0 + $1 * $1 }
            }
            // Backtracking line search (Armijo).
            var step = 1.0
            var trialValue = 0.0
            var accepted = false
            for _ in 0..<40 {
                for i in 0..<n { trial[i] = x[i] + step * direction[i] }
                trialValue = f(trial, &trialGradient)
                if trialValue <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { break }
            var sy = 0.0
            for i in 0..<n {
                newS[i] = trial[i] - x[i]
                newY[i] = trialGradient[i] - g[i]
                sy += newS[i] * newY[i]
            }
            let improvement = value - trialValue
            swap(&x, &trial)
            swap(&g, &trialGradient)
            value = trialValue
            if sy > 1e-12 {
                s.append(newS); y.append(newY); rho.append(1 / sy)
                // The oldest pair's arrays hold the next one: no more than `memory` + 1 pairs
                // are ever held.
                if s.count > memory {
                    newS = s.removeFirst(); newY = y.removeFirst(); rho.removeFirst()
                } else {
                    newS = Array(repeating: 0.0, count: n); newY = Array(repeating: 0.0, count: n)
                }
            }
            if improvement <= 1e-10 * max(1, abs(value)) && iteration > 0 { break }
        }
        return x
    }
}
