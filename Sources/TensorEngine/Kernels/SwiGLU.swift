// SwiGLU (Llama MLP gate): out = silu(gate) ⊙ up, silu(x) = x · σ(x).
// Backward: dgate += dout · up · σ(x)(1 + x(1 − σ(x))),  dup += dout · silu(x).

/// SwiGLU forward (SIMD; large counts split across workers).
/// - Parameters: out: [N·I], overwritten. gate: [N·I]. up: [N·I]. count: N·I.
package func swigluForward(
    _ out: UnsafeMutablePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>, count: Int
) {
    Parallel.chunks(count) { range in swigluForward(out, gate, up, range: range) }
}

@inline(__always)
private func swigluForward(_ out: UnsafeMutablePointer<Float>, _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>, range: Range<Int>) {
    let one = SIMD16<Float>(repeating: 1), count = range.upperBound
    var i = range.lowerBound
    while i + 16 <= count {
        let x = load16(gate, i)
        let sigmoid = one / (one + simdExp(-x))
        store16(x * sigmoid * load16(up, i), out, i)
        i += 16
    }
    while i < count { let x = gate[i]; out[i] = x / (1 + scalarExp(-x)) * up[i]; i += 1 }
}

/// SwiGLU backward; accumulates into `dgate` and `dup`.
/// - Parameters: dgate: [N·I]. dup: [N·I]. dout: [N·I]. gate: [N·I]. up: [N·I]. count: N·I.
package func swigluBackward(
    _ dgate: UnsafeMutablePointer<Float>, _ dup: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
    _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>, count: Int
) {
    Parallel.chunks(count) { range in swigluBackward(dgate, dup, dout, gate, up, range: range) }
}

@inline(__always)
private func swigluBackward(
    _ dgate: UnsafeMutablePointer<Float>, _ dup: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>,
    _ gate: UnsafePointer<Float>, _ up: UnsafePointer<Float>, range: Range<Int>
) {
    let one = SIMD16<Float>(repeating: 1), count = range.upperBound
    var i = range.lowerBound
    while i + 16 <= count {
        let x = load16(gate, i), g = load16(dout, i), u = load16(up, i)
        let s = one / (one + simdExp(-x))
        store16(load16(dup, i).addingProduct(g, x * s), dup, i)
        store16(load16(dgate, i).addingProduct(g * u * s, one.addingProduct(x, one - s)), dgate, i)
        i += 16
    }
    while i < count {
        let x = gate[i], s = 1 / (1 + scalarExp(-x))
        dup[i] += dout[i] * x * s
        dgate[i] += dout[i] * up[i] * s * (1 + x * (1 - s))
        i += 1
    }
}

/// Naive reference of `swigluForward`. Shapes as there.
package func swigluForwardNaive<F: KernelScalar>(
    _ out: UnsafeMutablePointer<F>, _ gate: UnsafePointer<F>, _ up: UnsafePointer<F>, count: Int
) {
    for i in 0..<count { out[i] = gate[i] / (1 + F.exponential(-gate[i])) * up[i] }
}

/// Naive reference of `swigluBackward` (accumulates). Shapes as there.
package func swigluBackwardNaive<F: KernelScalar>(
    _ dgate: UnsafeMutablePointer<F>, _ dup: UnsafeMutablePointer<F>, _ dout: UnsafePointer<F>,
    _ gate: UnsafePointer<F>, _ up: UnsafePointer<F>, count: Int
) {
    for i in 0..<count {
        let x = gate[i], s = 1 / (1 + F.exponential(-x))
        dup[i] += dout[i] * x * s
        dgate[i] += dout[i] * up[i] * s * (1 + x * (1 - s))
    }
}
