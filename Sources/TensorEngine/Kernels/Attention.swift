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
// Work is split across workers by (b, head); each head's dK/dV go to its own buffer, summed afterwards.

/// Attention forward.
///
/// Queries are processed in spans of at most `queryBlock` rows that see the same keys (`AttentionQuerySpans`):
/// a span only multiplies against the keys it can see — up to its last row, which skips most of the masked
/// upper triangle, and in a packed row only the shared prefix and its own continuation, which skips the other
/// continuations. The probabilities of a span live in a per-worker scratch of `queryBlock × T` floats unless
/// `probs` asks for all of them: the backward recomputes them span by span (`attentionBackward`), so a
/// training step keeps no [B, H, T, T] tensor per layer. Work is split by (sequence, head).
/// - Parameters:
///   - out: [B, T, H, D], overwritten. - probs: nil, or [B, H, T, T] to receive the probabilities (0 above the
///     diagonal and at hidden keys; for tests and inspection).
///   - q: [B, T, H, D]. - k: [B, T, Hkv, D]. - v: [B, T, Hkv, D].
///   - keyMask: [B, T], 1 = real token, 0 = padding; nil = all real.
///   - segmentStarts: [B, T], the first key of each query's own segment; nil = 0 everywhere.
///   - sharedPrefix: [B], keys below it are seen by every query of the row; nil = 0 (with `segmentStarts`
///     nil as well, plain causal attention).
///   - batch: B. - length: T. - heads: H. - kvHeads: Hkv (divides H). - headDim: D.
///   - queryBlock: query rows per span at most (default 64).
package func attentionForward(
    _ out: UnsafeMutablePointer<Float>, _ probs: UnsafeMutablePointer<Float>?,
    _ q: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ v: UnsafePointer<Float>, _ keyMask: UnsafePointer<Float>?,
    segmentStarts: UnsafePointer<Int32>? = nil, sharedPrefix: UnsafePointer<Int32>? = nil,
    batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int, queryBlock: Int = 64
) {
    let t = length, d = headDim, rep = heads / kvHeads
    let qStride = heads * d, kvStride = kvHeads * d
    let workers = max(1, min(Parallel.threadCount, batch * heads))
    let blockFloats = min(queryBlock, t) * t
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * blockFloats)
    defer { scratch.deallocate() }
    let spans = (0..<batch).map {
        AttentionQuerySpans(b: $0, length: t, segmentStarts: segmentStarts, sharedPrefix: sharedPrefix, queryBlock: queryBlock)
    }
    Parallel.forEach(batch * heads, maxWorkers: workers) { worker, item in
        let b = item / heads, h = item % heads, g = h / rep
        let kb = k + b * t * kvStride + g * d, vb = v + b * t * kvStride + g * d
        let qh = q + b * t * qStride + h * d, oh = out + b * t * qStride + h * d
        let mask = keyMask.map { $0 + b * t }
        let block = scratch + worker * blockFloats
        for span in spans[b].spans {
            attentionProbabilities(block, qh, kb, span, mask: mask, headDim: d, queryStride: qStride, kvStride: kvStride)
            span.multiply(block, byKeyRows: vb, rowStride: kvStride, width: d, into: oh + span.rows.lowerBound * qStride,
                          outStride: qStride, beta: 0)
            if let probs { span.expand(block, into: probs + (b * heads + h) * t * t + span.rows.lowerBound * t, length: t) }
        }
    }
}

/// A run of query rows that see the same keys: keys 0..<prefixKeys, then ownStart... up to each row's own
/// position. Probabilities of a span are stored compactly, `width` columns: the prefix keys, then the own
/// keys ownStart..<rows.upperBound (unpacked rows and packed prompts: prefixKeys 0, ownStart 0, all keys).
struct AttentionQuerySpan {
    let rows: Range<Int>
    let prefixKeys: Int
    let ownStart: Int
    /// Whether the padding mask applies (unpacked rows, packed prompts and padding; a packed continuation
    /// sees only real keys).
    let masked: Bool

    /// Columns of the compact probabilities: prefix keys + own keys up to the last row.
    var width: Int { prefixKeys + rows.upperBound - ownStart }

    /// Compact columns that row `row` may see (causally).
    @inline(__always)
    func allowed(_ row: Int) -> Int { prefixKeys + row + 1 - ownStart }

    /// result[rows, width] (row stride `ldc`) = alpha · Q[rows] · K[visible keys]ᵀ.
    @inline(__always)
    func scores(_ result: UnsafeMutablePointer<Float>, ldc: Int, queries: UnsafePointer<Float>, queryStride: Int,
                keys: UnsafePointer<Float>, keyStride: Int, width d: Int, alpha: Float) {
        let q = queries + rows.lowerBound * queryStride
        if prefixKeys > 0 {
            BLAS.sgemm(.none, .transposed, m: rows.count, n: prefixKeys, k: d, alpha: alpha, a: q, lda: queryStride,
                       b: keys, ldb: keyStride, beta: 0, c: result, ldc: ldc)
        }
        BLAS.sgemm(.none, .transposed, m: rows.count, n: rows.upperBound - ownStart, k: d, alpha: alpha, a: q, lda: queryStride,
                   b: keys + ownStart * keyStride, ldb: keyStride, beta: 0, c: result + prefixKeys, ldc: ldc)
    }

    /// out[rows, d] = alpha · block[rows, width] · X[visible keys] + beta · out (X: value or key rows).
    @inline(__always)
    func multiply(_ block: UnsafePointer<Float>, byKeyRows x: UnsafePointer<Float>, rowStride: Int, width d: Int,
                  into out: UnsafeMutablePointer<Float>, outStride: Int, alpha: Float = 1, beta: Float, ld: Int? = nil) {
        let ld = ld ?? width
        if prefixKeys > 0 {
            BLAS.sgemm(.none, .none, m: rows.count, n: d, k: prefixKeys, alpha: alpha, a: block, lda: ld, b: x, ldb: rowStride,
                       beta: beta, c: out, ldc: outStride)
        }
        BLAS.sgemm(.none, .none, m: rows.count, n: d, k: rows.upperBound - ownStart, alpha: alpha, a: block + prefixKeys, lda: ld,
                   b: x + ownStart * rowStride, ldb: rowStride, beta: prefixKeys > 0 ? 1 : beta, c: out, ldc: outStride)
    }

    /// X[visible keys, d] += alpha · block[rows, width]ᵀ · Y[rows] (dK from dS and Q, dV from P and dO).
    @inline(__always)
    func accumulateKeys(_ x: UnsafeMutablePointer<Float>, rowStride: Int, block: UnsafePointer<Float>,
                        rowsOf y: UnsafePointer<Float>, yStride: Int, width d: Int, alpha: Float) {
        let yr = y + rows.lowerBound * yStride
        if prefixKeys > 0 {
            BLAS.sgemm(.transposed, .none, m: prefixKeys, n: d, k: rows.count, alpha: alpha, a: block, lda: width, b: yr, ldb: yStride,
                       beta: 1, c: x, ldc: rowStride)
        }
        BLAS.sgemm(.transposed, .none, m: rows.upperBound - ownStart, n: d, k: rows.count, alpha: alpha, a: block + prefixKeys,
                   lda: width, b: yr, ldb: yStride, beta: 1, c: x + ownStart * rowStride, ldc: rowStride)
    }

    /// Writes the compact probabilities of the span into full rows [rows, T] (0 at keys it does not see).
    func expand(_ block: UnsafePointer<Float>, into full: UnsafeMutablePointer<Float>, length t: Int) {
        for i in 0..<rows.count {
            let target = full + i * t, source = block + i * width
            target.update(repeating: 0, count: t)
            for c in 0..<prefixKeys { target[c] = source[c] }
            for c in prefixKeys..<width { target[ownStart + c - prefixKeys] = source[c] }
        }
    }
}

/// The query spans of one row of the batch: runs of rows whose visible keys differ only by causality, cut at
/// `queryBlock` rows. For packed rows (`sharedPrefix[b] > 0`) a continuation's rows see the prefix and their
/// own segment; everything else (unpacked rows, a packed row's prompt and its padding) sees all earlier keys.
struct AttentionQuerySpans {
    let spans: [AttentionQuerySpan]

    init(b: Int, length t: Int, segmentStarts: UnsafePointer<Int32>?, sharedPrefix: UnsafePointer<Int32>?, queryBlock: Int) {
        let prefix = Int(sharedPrefix?[b] ?? 0)
        let starts = segmentStarts.map { $0 + b * t }
        // (prefixKeys, ownStart) of a row.
        func keys(_ row: Int) -> (Int, Int) {
            let own = Int(starts?[row] ?? 0)
            return own > prefix ? (prefix, own) : (0, 0)
        }
        var spans: [AttentionQuerySpan] = []
        var r0 = 0
        while r0 < t {
            let kind = keys(r0)
            var r1 = r0 + 1
            while r1 < t && r1 - r0 < queryBlock && keys(r1) == kind { r1 += 1 }
            spans.append(AttentionQuerySpan(rows: r0..<r1, prefixKeys: kind.0, ownStart: kind.1, masked: kind.1 == 0))
            r0 = r1
        }
        self.spans = spans
    }
}

/// Softmax probabilities of the queries of `span` (one head) against the keys it sees, into `block`
/// ([span.rows.count, span.width], compact; keys past each query's own position and padded keys get 0).
/// The forward and the backward both call this, so the backward's recomputed probabilities are the forward's.
@inline(__always)
private func attentionProbabilities(
    _ block: UnsafeMutablePointer<Float>, _ qh: UnsafePointer<Float>, _ kb: UnsafePointer<Float>, _ span: AttentionQuerySpan,
    mask: UnsafePointer<Float>?, headDim d: Int, queryStride: Int, kvStride: Int
) {
    let scale = 1 / Float(d).squareRoot(), width = span.width
    span.scores(block, ldc: width, queries: qh, queryStride: queryStride, keys: kb, keyStride: kvStride, width: d, alpha: scale)
    for row in span.rows {
        maskedSoftmaxRow(block + (row - span.rows.lowerBound) * width, allowed: span.allowed(row), total: width,
                         mask: span.masked ? mask : nil)
    }
}

/// Softmax of `row[0..<allowed]` in place, skipping keys with mask 0, zeroing `row[allowed..<total]` and
/// masked keys. A row with no allowed key becomes all zeros.
/// - Parameters: row: [total]. allowed: keys 0..<allowed are causal-visible. mask: [≥ allowed] or nil.
@inline(__always)
package func maskedSoftmaxRow(
    _ row: UnsafeMutablePointer<Float>, allowed: Int, total: Int, mask: UnsafePointer<Float>?
) {
    if let mask { for s in 0..<allowed where mask[s] == 0 { row[s] = -.infinity } }
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
    let inv = SIMD16<Float>(repeating: 1 / total)
    s = 0
    while s + 16 <= allowed { store16(load16(row, s) * inv, row, s); s += 16 }
    while s < allowed { row[s] *= inv[0]; s += 1 }
}

/// Attention backward; accumulates into `dq`, `dk`, `dv`. The probabilities are recomputed a query span at a
/// time from `q` and `k` with the forward's own code (`attentionProbabilities`), instead of being kept from
/// the forward: [B, H, T, T] per layer was the largest activation of a packed GRPO micro-batch.
/// Work is split by (sequence, head); each head's key and value gradients go to a buffer of its own and are
/// added to `dk`/`dv` afterwards in head order, so the result does not depend on the thread count.
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
    let workers = max(1, min(Parallel.threadCount, batch * heads))
    let blockFloats = min(queryBlock, t) * t
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: workers * 2 * blockFloats)
    defer { scratch.deallocate() }
    // Per (sequence, head): dK and dV of its kv head, [T, D] each.
    let headGradients = UnsafeMutablePointer<Float>.allocate(capacity: batch * heads * 2 * t * d)
    defer { headGradients.deallocate() }
    let spans = (0..<batch).map {
        AttentionQuerySpans(b: $0, length: t, segmentStarts: segmentStarts, sharedPrefix: sharedPrefix, queryBlock: queryBlock)
    }
    Parallel.forEach(batch * heads, maxWorkers: workers) { worker, item in
        let b = item / heads, h = item % heads, g = h / rep
        let pb = scratch + worker * 2 * blockFloats, dsb = pb + blockFloats
        let kb = k + b * t * kvStride + g * d, vb = v + b * t * kvStride + g * d
        let dkh = headGradients + item * 2 * t * d, dvh = dkh + t * d
        dkh.update(repeating: 0, count: 2 * t * d)
        let qh = q + b * t * qStride + h * d, dqh = dq + b * t * qStride + h * d
        let doh = dout + b * t * qStride + h * d
        let mask = keyMask.map { $0 + b * t }
        for span in spans[b].spans {
            let width = span.width, r0 = span.rows.lowerBound
            attentionProbabilities(pb, qh, kb, span, mask: mask, headDim: d, queryStride: qStride, kvStride: kvStride)
            // dP = dO · Vᵀ over the visible keys, then dS = P ⊙ (dP − rowsum(P ⊙ dP)).
            span.scores(dsb, ldc: width, queries: doh, queryStride: qStride, keys: vb, keyStride: kvStride, width: d, alpha: 1)
            for row in span.rows {
                let pr = pb + (row - r0) * width, dr = dsb + (row - r0) * width
                let n = span.allowed(row)
                let rowDot = dot(pr, dr, count: n)
                for s in 0..<n { dr[s] = pr[s] * (dr[s] - rowDot) }
                for s in n..<width { dr[s] = 0 }
            }
            span.multiply(dsb, byKeyRows: kb, rowStride: kvStride, width: d, into: dqh + r0 * qStride, outStride: qStride,
                          alpha: scale, beta: 1)
            span.accumulateKeys(dkh, rowStride: d, block: dsb, rowsOf: qh, yStride: qStride, width: d, alpha: scale)
            span.accumulateKeys(dvh, rowStride: d, block: pb, rowsOf: doh, yStride: qStride, width: d, alpha: 1)
        }
    }
    // dk, dv += the heads' gradients, head by head within each kv head.
    Parallel.forEach(batch * kvHeads, maxWorkers: workers) { _, item in
        let b = item / kvHeads, g = item % kvHeads
        let dkb = dk + b * t * kvStride + g * d, dvb = dv + b * t * kvStride + g * d
        for h in g * rep..<(g + 1) * rep {
            let dkh = headGradients + (b * heads + h) * 2 * t * d, dvh = dkh + t * d
            for s in 0..<t {
                addRow(dkb + s * kvStride, dkh + s * d, count: d)
                addRow(dvb + s * kvStride, dvh + s * d, count: d)
            }
        }
    }
}

/// x[0..<count] += y[0..<count].
@inline(__always)
private func addRow(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    var c = 0
    while c + 16 <= count { store16(load16(x, c) + load16(y, c), x, c); c += 16 }
    while c < count { x[c] += y[c]; c += 1 }
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
