// Shared helpers for kernel tests: seeded random arrays, closeness checks, central differences in Double.
import Testing
@testable import TensorEngine

/// SplitMix64: small seeded generator so test inputs are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `count` uniform values in [-scale, scale].
func randomDoubles(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
    var g = SeededGenerator(seed: seed)
    return (0..<count).map { _ in Double.random(in: -scale...scale, using: &g) }
}

/// Largest |a − b| / (atol + rtol·|b|) over elements; ≤ 1 means close.
func closeness(_ a: [Float], _ b: [Float], rtol: Float, atol: Float) -> Float {
    precondition(a.count == b.count, "shape mismatch \(a.count) vs \(b.count)")
    var worst: Float = 0
    for i in a.indices { worst = max(worst, abs(a[i] - b[i]) / (atol + rtol * abs(b[i]))) }
    return worst
}

/// Checks an analytic gradient against central differences of L(x) = Σ upstream ⊙ f(x), in Double.
/// - Parameters:
///   - inputs: the point x.
///   - analytic: gradient dL/dx computed by the backward under test.
///   - upstream: weights of the outputs in L.
///   - forward: f.
/// - Returns: worst relative error max |a − n| / (1e-6 + |n|).
func centralDifferenceError(
    inputs: [Double], analytic: [Double], upstream: [Double], epsilon: Double = 1e-5, forward: ([Double]) -> [Double]
) -> Double {
    var x = inputs
    var worst = 0.0
    for i in x.indices {
        let saved = x[i]
        x[i] = saved + epsilon
        let plus = zip(forward(x), upstream).reduce(0) { $0 + $1.0 * $1.1 }
        x[i] = saved - epsilon
        let minus = zip(forward(x), upstream).reduce(0) { $0 + $1.0 * $1.1 }
        x[i] = saved
        let numeric = (plus - minus) / (2 * epsilon)
        worst = max(worst, abs(analytic[i] - numeric) / (1e-6 + abs(numeric)))
    }
    return worst
}

extension Array where Element == Double {
    var floats: [Float] { map { Float($0) } }
}
