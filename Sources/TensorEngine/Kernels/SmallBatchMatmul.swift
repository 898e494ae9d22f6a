// Linear layer for a handful of rows (batched decode: one row per sequence). BLAS packs the whole weight
// matrix on every call, which dominates when M is small; this kernel instead streams each weight row once
// from memory and dots it with all M input rows (which stay in L1).

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
    // Two weight rows × four input rows per pass with 8-wide accumulators: 8 accumulators + 3 operands
    // fit the 16 AVX2 registers, and each load feeds 1.33 FMAs.
    let vectorEnd = k / 8 * 8
    var j = columns.lowerBound
    while j + 2 <= columns.upperBound {
        let w0 = weight + j * k, w1 = w0 + k
        var m = 0
        while m + 4 <= rows {
            let x0 = inp + m * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k
            let zero = SIMD8<Float>(repeating: 0)
            var a00 = zero, a01 = zero, a02 = zero, a03 = zero, a10 = zero, a11 = zero, a12 = zero, a13 = zero
            var p = 0
            while p < vectorEnd {
                let u0 = load8(w0, p), u1 = load8(w1, p)
                let v0 = load8(x0, p), v1 = load8(x1, p), v2 = load8(x2, p), v3 = load8(x3, p)
                a00 = a00.addingProduct(v0, u0); a10 = a10.addingProduct(v0, u1)
                a01 = a01.addingProduct(v1, u0); a11 = a11.addingProduct(v1, u1)
                a02 = a02.addingProduct(v2, u0); a12 = a12.addingProduct(v2, u1)
                a03 = a03.addingProduct(v3, u0); a13 = a13.addingProduct(v3, u1)
                p += 8
            }
            var s00 = a00.sum(), s01 = a01.sum(), s02 = a02.sum(), s03 = a03.sum()
            var s10 = a10.sum(), s11 = a11.sum(), s12 = a12.sum(), s13 = a13.sum()
            while p < k {
                s00 += x0[p] * w0[p]; s01 += x1[p] * w0[p]; s02 += x2[p] * w0[p]; s03 += x3[p] * w0[p]
                s10 += x0[p] * w1[p]; s11 += x1[p] * w1[p]; s12 += x2[p] * w1[p]; s13 += x3[p] * w1[p]
                p += 1
            }
            let o = out + m * outFeatures + j
            o[0] = s00; o[1] = s10
            o[outFeatures] = s01; o[outFeatures + 1] = s11
            o[2 * outFeatures] = s02; o[2 * outFeatures + 1] = s12
            o[3 * outFeatures] = s03; o[3 * outFeatures + 1] = s13
            m += 4
        }
        while m < rows {
            out[m * outFeatures + j] = dot(inp + m * k, w0, count: k)
            out[m * outFeatures + j + 1] = dot(inp + m * k, w1, count: k)
            m += 1
        }
        j += 2
    }
    if j < columns.upperBound {
        for m in 0..<rows { out[m * outFeatures + j] = dot(inp + m * k, weight + j * k, count: k) }
    }
}

/// Loads 8 floats from `p + offset` (no alignment needed).
@inline(__always)
private func load8(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
}
