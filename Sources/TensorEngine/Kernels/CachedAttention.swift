// Inference attention against a KV cache (forward only). One call handles one head of one sequence:
// queries at positions start..<start+R attend keys 0...(start + r) of the cache. The training kernel
// `attentionForward` is its reference (tests compare the two on the same data).

/// One head of causal attention for R new queries of one sequence against its KV cache.
/// - Parameters:
///   - out: [R, H, D] (row stride `queryStride`), head `head` written.
///   - q: [R, H, D] (row stride `queryStride`), already rotated.
///   - keys: [≥ start+R, Hkv, D] rows of this sequence's cache (row stride `kvStride`), rotated.
///   - values: [≥ start+R, Hkv, D].
///   - scratch: at least R · (start + R) floats.
///   - rows: R. - start: position of the first query. - head: h. - kvHead: h / (H / Hkv).
///   - headDim: D. - queryStride: H · D. - kvStride: Hkv · D.
package func cachedAttentionHead(
    _ out: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, _ values: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, rows: Int, start: Int, head: Int, kvHead: Int, headDim d: Int,
    queryStride: Int, kvStride: Int
) {
    let total = start + rows
    let scale = 1 / Float(d).squareRoot()
    let qh = q + head * d, oh = out + head * d
    let kh = keys + kvHead * d, vh = values + kvHead * d
    if rows == 1 {
        for s in 0..<total { scratch[s] = dot(qh, kh + s * kvStride, count: d) * scale }
        maskedSoftmaxRow(scratch, allowed: total, total: total, mask: nil)
        for c in 0..<d { oh[c] = 0 }
        for s in 0..<total {
            let p = scratch[s], pv = SIMD16<Float>(repeating: p), v = vh + s * kvStride
            var c = 0
            while c + 16 <= d { store16(load16(oh, c).addingProduct(pv, load16(v, c)), oh, c); c += 16 }
            while c < d { oh[c] += p * v[c]; c += 1 }
        }
        return
    }
    BLAS.sgemm(.none, .transposed, m: rows, n: total, k: d, alpha: scale, a: qh, lda: queryStride, b: kh, ldb: kvStride,
               beta: 0, c: scratch, ldc: total)
    for r in 0..<rows { maskedSoftmaxRow(scratch + r * total, allowed: start + r + 1, total: total, mask: nil) }
    BLAS.sgemm(.none, .none, m: rows, n: d, k: total, a: scratch, lda: total, b: vh, ldb: kvStride,
               beta: 0, c: oh, ldc: queryStride)
}
