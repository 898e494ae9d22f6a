// RMSNorm (Llama): out = x / sqrt(mean(x²) + eps) · w. Forward caches rstd = 1/sqrt(mean(x²) + eps) per row.
//
// Backward, with g = dout ⊙ w and r = rstd:
//   dx = r · g − (r³ / C) · x · Σ_j g_j x_j,    dw += Σ_rows dout ⊙ x · r.

/// RMSNorm forward (SIMD).
/// - Parameters:
///   - out: [N, C], overwritten (may not alias `inp`). - rstd: [N], overwritten (cache for backward).
///   - inp: [N, C]. - weight: [C]. - rows: N. - channels: C. - epsilon: added to the mean square.
package func rmsnormForward(
    _ out: UnsafeMutablePointer<Float>, _ rstd: UnsafeMutablePointer<Float>?, _ inp: UnsafePointer<Float>,
    _ weight: UnsafePointer<Float>, rows: Int, channels: Int, epsilon: Float
) {
    Parallel.chunks(rows, alignment: 1, grain: max(1, 32_768 / max(1, channels))) { rowRange in
        for n in rowRange {
            let x = inp + n * channels
            let y = out + n * channels
            let s = dot(x, x, count: channels) / Float(channels)
            let r = 1 / (s + epsilon).squareRoot()
            rstd?[n] = r
            let rv = SIMD16<Float>(repeating: r)
            var c = 0
            while c + 16 <= channels { store16(load16(x, c) * rv * load16(weight, c), y, c); c += 16 }
            while c < channels { y[c] = x[c] * r * weight[c]; c += 1 }
        }
    }
}

/// RMSNorm backward; accumulates into `dinp` and `dweight`.
/// - Parameters:
///   - dinp: [N, C]. - dweight: [C] or nil. - dout: [N, C]. - inp: [N, C]. - weight: [C].
///   - rstd: [N] from the forward. - rows: N. - channels: C.
package func rmsnormBackward(
    _ dinp: UnsafeMutablePointer<Float>, _ dweight: UnsafeMutablePointer<Float>?, _ dout: UnsafePointer<Float>,
    _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ rstd: UnsafePointer<Float>, rows: Int, channels: Int
) {
    for n in 0..<rows {
        let x = inp + n * channels
        let dy = dout + n * channels
        let dx = dinp + n * channels
        let r = rstd[n]
        var acc = SIMD16<Float>(repeating: 0)
        var c = 0
        while c + 16 <= channels { acc = acc.addingProduct(load16(dy, c) * load16(weight, c), load16(x, c)); c += 16 }
        var gx = acc.sum()
        while c < channels { gx += dy[c] * weight[c] * x[c]; c += 1 }
        let k = -r * r * r * gx / Float(channels)
        let rv = SIMD16<Float>(repeating: r), kv = SIMD16<Float>(repeating: k)
        c = 0
        while c + 16 <= channels {
            let g = load16(dy, c) * load16(weight, c)
            store16(load16(dx, c).addingProduct(g, rv).addingProduct(load16(x, c), kv), dx, c)
            if let dweight { store16(load16(dweight, c).addingProduct(load16(dy, c) * load16(x, c), rv), dweight, c) }
            c += 16
        }
        while c < channels {
            dx[c] += dy[c] * weight[c] * r + k * x[c]
            dweight?[c] += dy[c] * x[c] * r
            c += 1
        }
    }
}

/// Naive reference of `rmsnormForward`. Shapes as there.
package func rmsnormForwardNaive<F: KernelScalar>(
    _ out: UnsafeMutablePointer<F>, _ rstd: UnsafeMutablePointer<F>?, _ inp: UnsafePointer<F>, _ weight: UnsafePointer<F>,
    rows: Int, channels: Int, epsilon: F
) {
    for n in 0..<rows {
        var s: F = 0
        for c in 0..<channels { s += inp[n * channels + c] * inp[n * channels + c] }
        let r = 1 / (s / F(channels) + epsilon).squareRoot()
        rstd?[n] = r
        for c in 0..<channels { out[n * channels + c] = inp[n * channels + c] * r * weight[c] }
    }
}

/// Naive reference of `rmsnormBackward` (accumulates). Shapes as there.
package func rmsnormBackwardNaive<F: KernelScalar>(
    _ dinp: UnsafeMutablePointer<F>, _ dweight: UnsafeMutablePointer<F>?, _ dout: UnsafePointer<F>, _ inp: UnsafePointer<F>,
    _ weight: UnsafePointer<F>, _ rstd: UnsafePointer<F>, rows: Int, channels: Int
) {
    for n in 0..<rows {
        let r = rstd[n]
        var gx: F = 0
        for c in 0..<channels { gx += dout[n * channels + c] * weight[c] * inp[n * channels + c] }
        for c in 0..<channels {
            let i = n * channels + c
            dinp[i] += dout[i] * weight[c] * r - r * r * r * gx / F(channels) * inp[i]
            dweight?[c] += dout[i] * inp[i] * r
        }
    }
}
