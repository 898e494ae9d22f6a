// Log-softmax over the vocabulary, fused with the gather of one target per row, at a temperature τ:
//   z = logits / τ,  lse = log Σ_j e^{z_j},  logp = z[target] − lse,  entropy = lse − Σ_j p_j z_j.
// Backward with upstream g = dLoss/dlogp:  dlogits_j += (g / τ) · (1[j = target] − p_j),  p = e^{z − lse}.
// Cross-entropy is −logp (see `crossEntropyForward`).

/// Per-row log-probability of a target token (and optionally the entropy), caching lse for the backward.
/// - Parameters:
///   - logProbs: [M], overwritten with log p(target | row). - logSumExp: [M] or nil (cache for backward).
///   - entropy: [M] or nil, filled with the entropy of softmax(z) in nats.
///   - logits: [M, V]. - targets: [M]. - temperature: τ > 0. - rows: M. - vocabulary: V.
package func tokenLogProbForward(
    _ logProbs: UnsafeMutablePointer<Float>, _ logSumExp: UnsafeMutablePointer<Float>?, _ entropy: UnsafeMutablePointer<Float>?,
    _ logits: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, temperature: Float, rows: Int, vocabulary: Int
) {
    let inv = 1 / temperature
    Parallel.chunks(rows, alignment: 1, grain: max(1, 32_768 / max(1, vocabulary))) { rowRange in
        for m in rowRange {
            let row = logits + m * vocabulary
            let zMax = maximum(row, count: vocabulary) * inv
            let invV = SIMD16<Float>(repeating: inv), maxV = SIMD16<Float>(repeating: zMax)
            var sum = SIMD16<Float>(repeating: 0), weighted = SIMD16<Float>(repeating: 0)
            var j = 0
            while j + 16 <= vocabulary {
                let z = load16(row, j) * invV
                let e = simdExp(z - maxV)
                sum += e
                weighted = weighted.addingProduct(e, z)
                j += 16
            }
            var s = sum.sum(), w = weighted.sum()
            while j < vocabulary { let z = row[j] * inv; let e = scalarExp(z - zMax); s += e; w += e * z; j += 1 }
            let lse = zMax + Float.logarithm(s)
            logSumExp?[m] = lse
            logProbs[m] = row[Int(targets[m])] * inv - lse
            entropy?[m] = lse - w / s
        }
    }
}

/// Backward of `tokenLogProbForward`; accumulates into `dlogits`.
/// - Parameters:
///   - dlogits: [M, V]. - dlogProbs: [M], dLoss/dlogp per row. - logits: [M, V]. - logSumExp: [M] from the forward.
///   - targets: [M]. - temperature: τ. - rows: M. - vocabulary: V.
package func tokenLogProbBackward(
    _ dlogits: UnsafeMutablePointer<Float>, _ dlogProbs: UnsafePointer<Float>, _ logits: UnsafePointer<Float>,
    _ logSumExp: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, temperature: Float, rows: Int, vocabulary: Int
) {
    let inv = 1 / temperature
    Parallel.chunks(rows, alignment: 1, grain: max(1, 32_768 / max(1, vocabulary))) { rowRange in
        for m in rowRange {
            let g = dlogProbs[m]
            if g == 0 { continue }
            let row = logits + m * vocabulary, drow = dlogits + m * vocabulary
            let invV = SIMD16<Float>(repeating: inv), lseV = SIMD16<Float>(repeating: logSumExp[m])
            let scaleV = SIMD16<Float>(repeating: -g * inv)
            var j = 0
            while j + 16 <= vocabulary {
                let p = simdExp(load16(row, j) * invV - lseV)
                store16(load16(drow, j).addingProduct(p, scaleV), drow, j)
                j += 16
            }
            while j < vocabulary { drow[j] -= g * inv * scalarExp(row[j] * inv - logSumExp[m]); j += 1 }
            drow[Int(targets[m])] += g * inv
        }
    }
}

/// Cross-entropy loss per row, `−log softmax(logits)[target]` (temperature 1).
/// - Parameters: losses: [M]. logSumExp: [M] or nil (cache). logits: [M, V]. targets: [M]. rows: M. vocabulary: V.
package func crossEntropyForward(
    _ losses: UnsafeMutablePointer<Float>, _ logSumExp: UnsafeMutablePointer<Float>?, _ logits: UnsafePointer<Float>,
    _ targets: UnsafePointer<Int32>, rows: Int, vocabulary: Int
) {
    tokenLogProbForward(losses, logSumExp, nil, logits, targets, temperature: 1, rows: rows, vocabulary: vocabulary)
    for m in 0..<rows { losses[m] = -losses[m] }
}

/// Backward of `crossEntropyForward`; accumulates into `dlogits`.
/// - Parameters: dlogits: [M, V]. dlosses: [M]. logits: [M, V]. logSumExp: [M]. targets: [M]. rows: M. vocabulary: V.
package func crossEntropyBackward(
    _ dlogits: UnsafeMutablePointer<Float>, _ dlosses: UnsafePointer<Float>, _ logits: UnsafePointer<Float>,
    _ logSumExp: UnsafePointer<Float>, _ targets: UnsafePointer<Int32>, rows: Int, vocabulary: Int
) {
    let negated = UnsafeMutablePointer<Float>.allocate(capacity: max(1, rows))
    defer { negated.deallocate() }
    for m in 0..<rows { negated[m] = -dlosses[m] }
    tokenLogProbBackward(dlogits, negated, logits, logSumExp, targets, temperature: 1, rows: rows, vocabulary: vocabulary)
}

/// Naive reference of `tokenLogProbForward` (full log-softmax then gather). Shapes as there.
package func tokenLogProbForwardNaive<F: KernelScalar>(
    _ logProbs: UnsafeMutablePointer<F>, _ entropy: UnsafeMutablePointer<F>?, _ logits: UnsafePointer<F>,
    _ targets: UnsafePointer<Int32>, temperature: F, rows: Int, vocabulary: Int
) {
    for m in 0..<rows {
        var zMax = -F.infinity
        for j in 0..<vocabulary { zMax = max(zMax, logits[m * vocabulary + j] / temperature) }
        var s: F = 0
        for j in 0..<vocabulary { s += F.exponential(logits[m * vocabulary + j] / temperature - zMax) }
        let lse = zMax + F.logarithm(s)
        logProbs[m] = logits[m * vocabulary + Int(targets[m])] / temperature - lse
        if let entropy {
            var h: F = 0
            for j in 0..<vocabulary {
                let lp = logits[m * vocabulary + j] / temperature - lse
                h -= F.exponential(lp) * lp
            }
            entropy[m] = h
        }
    }
}

/// Naive reference of `tokenLogProbBackward` (accumulates; recomputes the softmax). Shapes as there.
package func tokenLogProbBackwardNaive<F: KernelScalar>(
    _ dlogits: UnsafeMutablePointer<F>, _ dlogProbs: UnsafePointer<F>, _ logits: UnsafePointer<F>,
    _ targets: UnsafePointer<Int32>, temperature: F, rows: Int, vocabulary: Int
) {
    for m in 0..<rows {
        var zMax = -F.infinity
        for j in 0..<vocabulary { zMax = max(zMax, logits[m * vocabulary + j] / temperature) }
        var s: F = 0
        for j in 0..<vocabulary { s += F.exponential(logits[m * vocabulary + j] / temperature - zMax) }
        for j in 0..<vocabulary {
            let p = F.exponential(logits[m * vocabulary + j] / temperature - zMax) / s
            let indicator: F = j == Int(targets[m]) ? 1 : 0
            dlogits[m * vocabulary + j] += dlogProbs[m] / temperature * (indicator - p)
        }
    }
}
