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
        decodeAttentionHead(out, q, keys, values, sharedKeys: nil, sharedValues: nil, sharedCount: 0, scratch: scratch,
                            length: total, head: head, kvHead: kvHead, headDim: d, kvStride: kvStride)
        return
    }
    BLAS.sgemm(.none, .transposed, m: rows, n: total, k: d, alpha: scale, a: qh, lda: queryStride, b: kh, ldb: kvStride,
               beta: 0, c: scratch, ldc: total)
    for r in 0..<rows { maskedSoftmaxRow(scratch + r * total, allowed: start + r + 1, total: total, mask: nil) }
    BLAS.sgemm(.none, .none, m: rows, n: d, k: total, a: scratch, lda: total, b: vh, ldb: kvStride,
               beta: 0, c: oh, ldc: queryStride)
}

/// One head of attention for one new query of one sequence, whose first `sharedCount` keys and values may sit
/// in another slot's rows (a prompt shared by the samples of a group, `KVCache.shareSlot`). The result is
/// bit-identical to the same keys and values in one block: scores are formed key by key, and the weighted
/// sum runs over the shared rows then the own rows in the same accumulators.
/// - Parameters:
///   - out: [H, D] (head `head` written). - q: [H, D], already rotated.
///   - keys, values: this sequence's rows [≥ length, Hkv, D]; rows below `sharedCount` are not read.
///   - sharedKeys, sharedValues: rows 0..<sharedCount of the lender slot (nil when `sharedCount` is 0).
///   - sharedCount: positions read from the shared rows (≤ length).
///   - scratch: at least `length` floats. - length: keys attended (the query's position + 1).
///   - head: h. - kvHead: h / (H / Hkv). - headDim: D. - kvStride: Hkv · D.
package func decodeAttentionHead(
    _ out: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>, _ values: UnsafePointer<Float>,
    sharedKeys: UnsafePointer<Float>?, sharedValues: UnsafePointer<Float>?, sharedCount: Int,
    scratch: UnsafeMutablePointer<Float>, length: Int, head: Int, kvHead: Int, headDim d: Int, kvStride: Int
) {
    let scale = 1 / Float(d).squareRoot()
    let qh = q + head * d, oh = out + head * d
    let shared = sharedKeys == nil ? 0 : min(sharedCount, length)
    let ownKeys = keys + kvHead * d + shared * kvStride, ownValues = values + kvHead * d + shared * kvStride
    if let sharedKeys {
        decodeScores(scratch, qh, sharedKeys + kvHead * d, count: shared, stride: kvStride, width: d, scale: scale)
    }
    decodeScores(scratch + shared, qh, ownKeys, count: length - shared, stride: kvStride, width: d, scale: scale)
    maskedSoftmaxRow(scratch, allowed: length, total: length, mask: nil)
    weightedRowSum(oh, scratch, (sharedValues ?? values) + kvHead * d, count: shared, then: ownValues, count: length - shared,
                   stride: kvStride, width: d)
}

/// scores[s] = scale · (q · keys[s]) for s < count, four keys at a time so that four FMA chains run side by side
/// (one key's 16-lane chain alone waits on FMA latency). Each sum is formed in the order `dot` uses.
@inline(__always)
private func decodeScores(_ scores: UnsafeMutablePointer<Float>, _ q: UnsafePointer<Float>, _ keys: UnsafePointer<Float>,
                          count: Int, stride: Int, width d: Int, scale: Float) {
    let vectorEnd = d - d % 16
    var s = 0
    while s + 4 <= count {
        let k0 = keys + s * stride, k1 = k0 + stride, k2 = k1 + stride, k3 = k2 + stride
        var a0 = SIMD16<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
        var c = 0
        while c < vectorEnd {
            let x = load16(q, c)
            a0 = a0.addingProduct(x, load16(k0, c)); a1 = a1.addingProduct(x, load16(k1, c))
            a2 = a2.addingProduct(x, load16(k2, c)); a3 = a3.addingProduct(x, load16(k3, c))
            c += 16
        }
        var t0 = a0.sum(), t1 = a1.sum(), t2 = a2.sum(), t3 = a3.sum()
        while c < d {
            t0 += q[c] * k0[c]; t1 += q[c] * k1[c]; t2 += q[c] * k2[c]; t3 += q[c] * k3[c]
            c += 1
        }
        scores[s] = t0 * scale; scores[s + 1] = t1 * scale; scores[s + 2] = t2 * scale; scores[s + 3] = t3 * scale
        s += 4
    }
    while s < count { scores[s] = dot(q, keys + s * stride, count: d) * scale; s += 1 }
}

/// out[c] = Σ_s weights[s] · rows[s][c] for c < width over `first` rows then `second` rows (weights[0..<countA]
/// for the first, weights[countA...] for the second), with 64 columns at a time accumulated in registers
/// (instead of reading and writing `out` once per row).
@inline(__always)
private func weightedRowSum(_ out: UnsafeMutablePointer<Float>, _ weights: UnsafePointer<Float>,
                            _ first: UnsafePointer<Float>, count countA: Int, then second: UnsafePointer<Float>, count countB: Int,
                            stride: Int, width d: Int) {
    let vectorEnd = d - d % 16
    let secondWeights = weights + countA
    var c0 = 0
    while c0 + 64 <= vectorEnd {
        var a0 = SIMD16<Float>(repeating: 0), a1 = a0, a2 = a0, a3 = a0
        for s in 0..<countA {
            let p = SIMD16<Float>(repeating: weights[s]), v = first + s * stride + c0
            a0 = a0.addingProduct(p, load16(v, 0)); a1 = a1.addingProduct(p, load16(v, 16))
            a2 = a2.addingProduct(p, load16(v, 32)); a3 = a3.addingProduct(p, load16(v, 48))
        }
        for s in 0..<countB {
            let p = SIMD16<Float>(repeating: secondWeights[s]), v = second + s * stride + c0
            a0 = a0.addingProduct(p, load16(v, 0)); a1 = a1.addingProduct(p, load16(v, 16))
            a2 = a2.addingProduct(p, load16(v, 32)); a3 = a3.addingProduct(p, load16(v, 48))
        }
        store16(a0, out, c0); store16(a1, out, c0 + 16); store16(a2, out, c0 + 32); store16(a3, out, c0 + 48)
        c0 += 64
    }
    while c0 < vectorEnd {
        var a = SIMD16<Float>(repeating: 0)
        for s in 0..<countA { a = a.addingProduct(SIMD16<Float>(repeating: weights[s]), load16(first + s * stride, c0)) }
        for s in 0..<countB { a = a.addingProduct(SIMD16<Float>(repeating: secondWeights[s]), load16(second + s * stride, c0)) }
        store16(a, out, c0)
        c0 += 16
    }
    for c in vectorEnd..<d {
        var sum: Float = 0
        for s in 0..<countA { sum += weights[s] * first[s * stride + c] }
        for s in 0..<countB { sum += secondWeights[s] * second[s * stride + c] }
        out[c] = sum
    }
}
