// Rotary position embedding, "rotate half" (NeoX) convention as Hugging Face Llama/Qwen2 use it:
// within each head vector v[D], pairs (v[i], v[i + D/2]) for i < D/2 rotate by angle pos · θ^(−2i/D):
//   out[i]       = v[i] cos − v[i + D/2] sin
//   out[i + D/2] = v[i + D/2] cos + v[i] sin
// The backward is the inverse rotation (angle −a). GGUF files of arch `llama` store Q/K permuted for the
// interleaved convention; the weight loader un-permutes them so this one convention is used everywhere.

/// Precomputed cos/sin for positions 0..<maxPositions and frequency index 0..<D/2 (computed in Double).
package struct RoPETable: Sendable {
    /// Head dimension D (even).
    package let headDim: Int
    /// Number of positions covered.
    package let maxPositions: Int
    /// cos [maxPositions, D/2].
    package let cosines: [Float]
    /// sin [maxPositions, D/2].
    package let sines: [Float]

    /// - Parameters: headDim: D (even). theta: base θ (e.g. 10000). maxPositions: positions covered.
    package init(headDim: Int, theta: Double, maxPositions: Int) {
        precondition(headDim % 2 == 0, "RoPE needs an even head dimension, got \(headDim)")
        self.headDim = headDim
        self.maxPositions = maxPositions
        let half = headDim / 2
        var cosines = [Float](repeating: 0, count: maxPositions * half)
        var sines = [Float](repeating: 0, count: maxPositions * half)
        for i in 0..<half {
            let frequency = 1.0 / Double.exponential(Double(2 * i) / Double(headDim) * Double.logarithm(theta))
            for p in 0..<maxPositions {
                let angle = Double(p) * frequency
                cosines[p * half + i] = Float(Double.cosine(angle))
                sines[p * half + i] = Float(Double.sine(angle))
            }
        }
        self.cosines = cosines
        self.sines = sines
    }
}

/// RoPE forward over rows of heads; `out` may alias `inp` (in-place rotation).
/// - Parameters:
///   - out: [N, heads, D]. - inp: [N, heads, D]. - positions: [N], each < `table.maxPositions`.
///   - table: cos/sin table for D. - rows: N. - heads: heads per row (H or Hkv).
package func ropeForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ positions: UnsafePointer<Int32>,
    _ table: RoPETable, rows: Int, heads: Int
) {
    let d = table.headDim, half = d / 2
    table.cosines.withUnsafeBufferPointer { cosines in
        table.sines.withUnsafeBufferPointer { sines in
            Parallel.chunks(rows, alignment: 1, grain: max(1, 32_768 / max(1, heads * d))) { rowRange in
                for n in rowRange {
                    let p = Int(positions[n])
                    precondition(p >= 0 && p < table.maxPositions, "RoPE position \(p) outside 0..<\(table.maxPositions)")
                    let cs = cosines.baseAddress! + p * half, sn = sines.baseAddress! + p * half
                    for h in 0..<heads {
                        let x = inp + (n * heads + h) * d
                        let y = out + (n * heads + h) * d
                        for i in 0..<half {
                            let a = x[i], b = x[i + half]
                            y[i] = a * cs[i] - b * sn[i]
                            y[i + half] = b * cs[i] + a * sn[i]
                        }
                    }
                }
            }
        }
    }
}

/// RoPE backward: `dinp += Rᵀ · dout` (rotation by the opposite angle).
/// - Parameters: dinp: [N, heads, D]. dout: [N, heads, D]. Others as in `ropeForward`.
package func ropeBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ dout: UnsafePointer<Float>, _ positions: UnsafePointer<Int32>,
    _ table: RoPETable, rows: Int, heads: Int
) {
    let d = table.headDim, half = d / 2
    table.cosines.withUnsafeBufferPointer { cosines in
        table.sines.withUnsafeBufferPointer { sines in
            Parallel.chunks(rows, alignment: 1, grain: max(1, 32_768 / max(1, heads * d))) { rowRange in
                for n in rowRange {
                    let p = Int(positions[n])
                    let cs = cosines.baseAddress! + p * half, sn = sines.baseAddress! + p * half
                    for h in 0..<heads {
                        let g = dout + (n * heads + h) * d
                        let dx = dinp + (n * heads + h) * d
                        for i in 0..<half {
                            let a = g[i], b = g[i + half]
                            dx[i] += a * cs[i] + b * sn[i]
                            dx[i + half] += b * cs[i] - a * sn[i]
                        }
                    }
                }
            }
        }
    }
}

/// Naive reference of `ropeForward` computing angles directly (no table). Shapes as there.
/// - Parameters: theta: base θ. headDim: D.
package func ropeForwardNaive<F: KernelScalar>(
    _ out: UnsafeMutablePointer<F>, _ inp: UnsafePointer<F>, _ positions: UnsafePointer<Int32>,
    theta: F, rows: Int, heads: Int, headDim: Int
) {
    let half = headDim / 2
    for n in 0..<rows {
        for h in 0..<heads {
            let base = (n * heads + h) * headDim
            for i in 0..<half {
                let frequency = 1 / F.exponential(F(2 * i) / F(headDim) * F.logarithm(theta))
                let angle = F(positions[n]) * frequency
                let c = F.cosine(angle), s = F.sine(angle)
                let a = inp[base + i], b = inp[base + i + half]
                out[base + i] = a * c - b * s
                out[base + i + half] = b * c + a * s
            }
        }
    }
}

/// Naive reference of `ropeBackward` (accumulates). Shapes as there.
package func ropeBackwardNaive<F: KernelScalar>(
    _ dinp: UnsafeMutablePointer<F>, _ dout: UnsafePointer<F>, _ positions: UnsafePointer<Int32>,
    theta: F, rows: Int, heads: Int, headDim: Int
) {
    let half = headDim / 2
    for n in 0..<rows {
        for h in 0..<heads {
            let base = (n * heads + h) * headDim
            for i in 0..<half {
                let frequency = 1 / F.exponential(F(2 * i) / F(headDim) * F.logarithm(theta))
                let angle = F(positions[n]) * frequency
                let c = F.cosine(angle), s = F.sine(angle)
                let a = dout[base + i], b = dout[base + i + half]
                dinp[base + i] += a * c + b * s
                dinp[base + i + half] += b * c - a * s
            }
        }
    }
}
