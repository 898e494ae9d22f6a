// Causal self-attention with grouped-query heads, a key padding mask and optional packed segments
// (training path).
//
// q [B, T, H, D], k/v [B, T, Hkv, D] with H = Hkv · rep; head h reads kv head h / rep.
// For query t of sequence b, the allowed keys are s ≤ t with keyMask[b, s] = 1 (right padding: padded
// keys are never attended; padded queries produce outputs nobody reads), and, for packed rows, outside
// sharedPrefix[b] ..< segmentStarts[b, t]: a row holding one prompt followed by several continuations
// lets each continuation token see the prompt and its own continuation only. Scale 1/sqrt(D).
//   P = softmax_s(scale · q_t · k_s) over allowed s (0 elsewhere),  out_t = Σ_s P[t, s] v_s
// Backward: dP = dO · Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = scale · dS · K, dK = scale · dSᵀ · Q, dV = Pᵀ · dO,
// with P recomputed block by block (nothing of size T × T is kept between forward and backward).
// Work is split across workers by (b, kv head), so gradient writes of different workers never overlap.

/// Attention forward.
///
/// Queries are processed in blocks of `queryBlock` rows; a block only multiplies against the keys it can
/// see (0..<block end), which skips most of the masked upper triangle. The probabilities of a block live in a
/// per-worker scratch of `queryBlock × T` floats unless `probs` asks for all of them: the backward recomputes
/// them block by block (`attentionBackward`), so a training step keeps no [B, H, T, T] tensor per layer.
/// - Parameters:
///   - out: [B, T, H, D], overwritten. - probs: nil, or [B, H, T, T] to receive the probabilities (0 above the
///     diagonal and at hidden keys; for tests and inspection).
///   - q: [B, T, H, D]. - k: [B, T, Hkv, D]. - v: [B, T, Hkv, D].
///   - keyMask: [B, T], 1 = real token, 0 = padding; nil = all real.
///   - segmentStarts: [B, T], the first key of each query's own segment; nil = 0 everywhere.
///   - sharedPrefix: [B], keys below it are seen by every query of the row; nil = 0 (with `segmentStarts`
///     nil as well, plain causal attention).
///   - batch: B. - length: T. - heads: H. - kvHeads: Hkv (divides H). - headDim: D.
///   - queryBlock: query rows per block (default 64).
package func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ probs: UnsafeMutablePointer<Float>?,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ keyMask: UnsafePointer<Float>?,
    segmentStarts: UnsafePointer<Int32>? = nil, sharedPrefix: UnsafePointer<Int32>? = nil,
    batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int, queryBlock: Int = 64
) {
    let t = length, d = headDim, rep = heads / kvHeads
    let qStride = heads * d, kvStride = kvHeads * d
    let workers = max(1, min(Parallel.threadCount, batch * kvHeads))
    let blockFloats = min(queryBlock, t) * t
    let scratch = probs == nil ? UnsafeMutablePointer<Float>.allocate(capacity: workers * blockFloats) : nil
    defer { scratch?.deallocate() }
    Parallel.forEach(batch * kvHeads, maxWorkers: workers) { worker, item in
        let b = item / kvHeads, g = item % kvHeads
        let kb = k + b * t * kvStride + g * d, vb = v + b * t * kvStride + g * d
        let rowMasks = AttentionRowMasks(b: b, length: t, keyMask: keyMask, segmentStarts: segmentStarts, sharedPrefix: sharedPrefix)
        for h in g * rep..<(g + 1) * rep {
            let qh = q + b * t * qStride + h * d, oh = out + b * t * qStride + h * d
            var r0 = 0
            while r0 < t {
                let r1 = min(t, r0 + queryBlock), rows = r1 - r0
                let block = probs.map { $0 + (b * heads + h) * t * t + r0 * t } ?? scratch! + worker * blockFloats
                attentionProbabilities(block, qh, kb, queries: r0..<r1, rowMasks, length: t, headDim: d,
                                       queryStride: qStride, kvStride: kvStride)
                BLAS.sgemm(.none, .none, m: rows, n: d, k: r1, a: block, lda: t, b: vb, ldb: kvStride,
                           beta: 0, c: oh + r0 * qStride, ldc: qStride)
                r0 = r1
            }
        }
    }
}

/// Which keys the queries of row `b` may see: the padding mask, and for packed rows the shared prefix and
/// each query's own segment start.
struct AttentionRowMasks {
    let keyMask: UnsafePointer<Float>?
    let segmentStarts: UnsafePointer<Int32>?
    let prefix: Int

    init(b: Int, length t: Int, keyMask: UnsafePointer<Float>?, segmentStarts: UnsafePointer<Int32>?,
         sharedPrefix: UnsafePointer<Int32>?) {
        self.keyMask = keyMask.map { $0 + b * t }
        self.segmentStarts = segmentStarts.map { $0 + b * t }
        self.prefix = Int(sharedPrefix?[b] ?? 0)
    }

    /// Keys of another packed segment that `row` may not see although they precede it.
    @inline(__always)
    func hidden(_ row: Int) -> Range<Int> {
        let own = Int(segmentStarts?[row] ?? 0)
        return prefix..<max(prefix, own)
    }
}

/// Softmax probabilities of the queries `queries` (one head) against keys 0..<queries.upperBound, into `block`
/// ([queries.count, T], row stride T; keys past each query's own position, padded and hidden keys get 0).
/// The forward and the backward both call this, so the backward's recomputed probabilities are the forward's.
@inline(__always)
private func attentionProbabilities(
    _ block: UnsafeMutablePointer<Float>, _ qh: UnsafePointer<Float>, _ kb: UnsafePointer<Float>, queries: Range<Int>,
    _ masks: AttentionRowMasks, length t: Int, headDim d: Int, queryStride: Int, kvStride: Int
) {
    let scale = 1 / Float(d).squareRoot()
    BLAS.sgemm(.none, .transposed, m: queries.count, n: queries.upperBound, k: d, alpha: scale, a: qh + queries.lowerBound * queryStride,
               lda: queryStride, b: kb, ldb: kvStride, beta: 0, c: block, ldc: t)
    for row in queries {
        maskedSoftmaxRow(block + (row - queries.lowerBound) * t, allowed: row + 1, total: t, mask: masks.keyMask,
                         hidden: masks.hidden(row))
    }
}

/// Softmax of `row[0..<allowed]` in place, skipping keys with mask 0 and keys in `hidden`, zeroing
/// `row[allowed..<total]`, masked and hidden keys. A row with no allowed key becomes all zeros.
/// - Parameters: row: [total]. allowed: keys 0..<allowed are causal-visible. mask: [≥ allowed] or nil.
///   hidden: keys the row may not see although they are causal-visible (another packed segment).
@inline(__always)
package func maskedSoftmaxRow(
    _ row: UnsafeMutablePointer<Float>, allowed: Int, total: Int, mask: UnsafePointer<Float>?, hidden: Range<Int> = 0..<0
) {
    if let mask { for s in 0..<allowed where mask[s] == 0 { row[s] = -.infinity } }
    for s in hidden.clamped(to: 0..<allowed) { row[s] = -.infinity }
    for s in allowed..<total { row[s] = 0 }
    let m = maximum(row, count: allowed)
    if m == -.infinity {
        for s in 0..<allowed { row[s] = 0 }
        return
    }
    let mv = SIMD16<Float>(repeating: m)
    var sum = SIMD16<Float>(repeating: 0)
    var s = 0
    while s + 16 <= allowed {
        let e = simdExp(load16(row, s) - mv)
        store16(e, row, s)
        sum += e
        s += 16
    }
    var total = sum.sum()
    while s < allowed { let e = scalarExp(row[s] - m); row[s] = e; total += e; s += 1 }
    if let mask { for s in 0..<allowed where mask[s] == 0 { total -= row[s]; row[s] = 0 } }
    for s in hidden.clamped(to: 0..<allowed) { total -= row[s]; row[s] = 0 }
    let inv = SIMD16<Float>(repeating: 1 / total)
    s = 0
    while s + 16 <= allowed { store16(load16(row, s) * inv, row, s); s += 16 }
    while s < allowed { row[s] *= inv[0]; s += 1 }
}

/// Attention backward; accumulates into `dq`, `dk`, `dv`. The probabilities are recomputed a query block at
/// a time from `q` and `k` with the forward's own code (`attentionProbabilities`), instead of being kept from
/// the forward: [B, H, T, T] per layer was the largest activation of a packed GRPO micro-batch.
/// - Parameters:
///   - dq: [B, T, H, D]. - dk: [B, T, Hkv, D]. - dv: [B, T, Hkv, D]. - dout: [B, T, H, D].
///   - q, k, v, keyMask, segmentStarts, sharedPrefix: the forward's inputs. Sizes as in `attentionForward`.
package func attentionBackward(
    _ dq: UnsafeMutablePointer<Float>, _ dk: UnsafeMutablePointer<Float>, _ dv: UnsafeMutablePointer<Float>,
    _ dout: UnsafePointer<Float>, _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>,
    _ keyMask: UnsafePointer<Float>?, segmentStarts: UnsafePointer<Int32>? = nil, sharedPrefix: UnsafePointer<Int32>? = nil,
    batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int, queryBlock: Int = 64
) {
    let t = length, d = headDim, rep = heads / kvHeads
    let qStride = heads * d, kvStride = kvHeads * d
    let scale = 1 / Float(d).squareRoot()
    let workers = max(1, min(Parallel.threadCount, batch * kvHeads))
    let blockFloats = min(queryBlock, t) * t
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * 2 * blockFloats)
    defer { scratch.deallocate() }
    Parallel.forEach(batch * kvHeads, maxWorkers: workers) { worker, item in
        let b = item / kvHeads, g = item % kvHeads
        let pb = scratch + worker * 2 * blockFloats, dsb = pb + blockFloats
        let kb = k + b * t * kvStride + g * d, vb = v + b * t * kvStride + g * d
        let dkb = dk + b * t * kvStride + g * d, dvb = dv + b * t * kvStride + g * d
        let rowMasks = AttentionRowMasks(b: b, length: t, keyMask: keyMask, segmentStarts: segmentStarts, sharedPrefix: sharedPrefix)
        for h in g * rep..<(g + 1) * rep {
            let qh = q + b * t * qStride + h * d, dqh = dq + b * t * qStride + h * d
            let doh = dout + b * t * qStride + h * d
            var r0 = 0
            while r0 < t {
                let r1 = min(t, r0 + queryBlock), rows = r1 - r0
                attentionProbabilities(pb, qh, kb, queries: r0..<r1, rowMasks, length: t, headDim: d,
                                       queryStride: qStride, kvStride: kvStride)
                BLAS.sgemm(.none, .transposed, m: rows, n: r1, k: d, a: doh + r0 * qStride, lda: qStride, b: vb, ldb: kvStride,
                           beta: 0, c: dsb, ldc: t)
                for row in r0..<r1 {
                    let pr = pb + (row - r0) * t, dr = dsb + (row - r0) * t
                    let n = row + 1
                    let rowDot = dot(pr, dr, count: n)
                    for s in 0..<n { dr[s] = pr[s] * (dr[s] - rowDot) }
                    for s in n..<r1 { dr[s] = 0 }
                }
                BLAS.sgemm(.none, .none, m: rows, n: d, k: r1, alpha: scale, a: dsb, lda: t, b: kb, ldb: kvStride,
                           beta: 1, c: dqh + r0 * qStride, ldc: qStride)
                BLAS.sgemm(.transposed, .none, m: r1, n: d, k: rows, alpha: scale, a: dsb, lda: t, b: qh + r0 * qStride,
                           ldb: qStride, beta: 1, c: dkb, ldc: kvStride)
                BLAS.sgemm(.transposed, .none, m: r1, n: d, k: rows, a: pb, lda: t, b: doh + r0 * qStride, ldb: qStride,
                           beta: 1, c: dvb, ldc: kvStride)
                r0 = r1
            }
        }
    }
}

/// Naive reference of `attentionForward`. Shapes as there.
package func attentionForwardNaive<F: KernelScalar>(
    _ out: UnsafeMutablePointer<F>, _ probs: UnsafeMutablePointer<F>,
    _ q: UnsafePointer<F>, _ k: UnsafePointer<F>, _ v: UnsafePointer<F>, _ keyMask: UnsafePointer<F>?,
    segmentStarts: UnsafePointer<Int32>? = nil, sharedPrefix: UnsafePointer<Int32>? = nil,
    batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int
) {
    let t = length, d = headDim, rep = heads / kvHeads
    let scale = 1 / F(d).squareRoot()
    for b in 0..<batch {
        for h in 0..<heads {
            let g = h / rep
            for i in 0..<t {
                let p = probs + ((b * heads + h) * t + i) * t
                let prefix = Int(sharedPrefix?[b] ?? 0), own = Int(segmentStarts?[b * t + i] ?? 0)
                func visible(_ s: Int) -> Bool { s <= i && keyMask?[b * t + s] ?? 1 != 0 && (s < prefix || s >= own) }
                var m = -F.infinity
                for s in 0..<t {
                    p[s] = 0
                    guard visible(s) else { continue }
                    var score: F = 0
                    for c in 0..<d { score += q[((b * t + i) * heads + h) * d + c] * k[((b * t + s) * kvHeads + g) * d + c] }
                    p[s] = score * scale
                    m = max(m, p[s])
                }
                var sum: F = 0
                for s in 0...i where visible(s) { p[s] = F.exponential(p[s] - m); sum += p[s] }
                for s in 0...i where sum > 0 { p[s] /= sum }
                for c in 0..<d {
                    var o: F = 0
                    for s in 0...i { o += p[s] * v[((b * t + s) * kvHeads + g) * d + c] }
                    out[((b * t + i) * heads + h) * d + c] = o
                }
            }
        }
    }
}

/// Naive reference of `attentionBackward` (accumulates). Shapes as there.
package func attentionBackwardNaive<F: KernelScalar>(
    _ dq: UnsafeMutablePointer<F>, _ dk: UnsafeMutablePointer<F>, _ dv: UnsafeMutablePointer<F>,
    _ dout: UnsafePointer<F>, _ probs: UnsafePointer<F>,
    _ q: UnsafePointer<F>, _ k: UnsafePointer<F>, _ v: UnsafePointer<F>,
    batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int
) {
    let t = length, d = headDim, rep = heads / kvHeads
    let scale = 1 / F(d).squareRoot()
    var dp = [F](repeating: 0, count: t)
    for b in 0..<batch {
        for h in 0..<heads {
            let g = h / rep
            for i in 0..<t {
                let p = probs + ((b * heads + h) * t + i) * t
                let o = ((b * t + i) * heads + h) * d
                var rowDot: F = 0
                for s in 0...i {
                    var x: F = 0
                    for c in 0..<d { x += dout[o + c] * v[((b * t + s) * kvHeads + g) * d + c] }
                    dp[s] = x
                    rowDot += p[s] * x
                }
                for s in 0...i {
                    let kv = ((b * t + s) * kvHeads + g) * d
                    let ds = p[s] * (dp[s] - rowDot) * scale
                    for c in 0..<d {
                        dq[o + c] += ds * k[kv + c]
                        dk[kv + c] += ds * q[o + c]
                        dv[kv + c] += p[s] * dout[o + c]
                    }
                }
            }
        }
    }
}
