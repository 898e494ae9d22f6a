// Linear layer for a handful of rows (batched decode: one row per sequence). BLAS packs the whole weight
// matrix on every call, which dominates when M is small; this kernel instead streams each weight row once
// from memory and dots it with all M input rows (which stay in L1), four rows at a time.

/// Largest row count for which `matmulForward` uses `smallBatchMatmulForward`.
package let smallBatchRowLimit = 16

/// out[M, OC] = inp[M, IC] · weight[OC, IC]ᵀ for output columns `columns` only (no bias).
/// - Parameters:
///   - out: [M, OC] (row stride OC); only `columns` are written.
///   - inp: [M, IC]. - weight: [OC, IC]. - rows: M. - inFeatures: IC. - outFeatures: OC.
///   - columns: the output features to compute (lets callers split OC across workers).
package func smallBatchMatmulForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    rows: Int, inFeatures k: Int, outFeatures: Int, columns: Range<Int>
) {
    let vectorEnd = k / 16 * 16
    for j in columns {
        let w = weight + j * k
        var m = 0
        while m + 4 <= rows {
            let x0 = inp + m * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k
            var a0 = SIMD16<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
            var p = 0
            while p < vectorEnd {
                let wv = load16(w, p)
                a0 = a0.addingProduct(load16(x0, p), wv)
                a1 = a1.addingProduct(load16(x1, p), wv)
                a2 = a2.addingProduct(load16(x2, p), wv)
                a3 = a3.addingProduct(load16(x3, p), wv)
                p += 16
            }
            var s0 = a0.sum(), s1 = a1.sum(), s2 = a2.sum(), s3 = a3.sum()
            while p < k {
                s0 += x0[p] * w[p]; s1 += x1[p] * w[p]; s2 += x2[p] * w[p]; s3 += x3[p] * w[p]
                p += 1
            }
            out[m * outFeatures + j] = s0
            out[(m + 1) * outFeatures + j] = s1
            out[(m + 2) * outFeatures + j] = s2
            out[(m + 3) * outFeatures + j] = s3
            m += 4
        }
        while m < rows {
            out[m * outFeatures + j] = dot(inp + m * k, w, count: k)
            m += 1
        }
    }
}
