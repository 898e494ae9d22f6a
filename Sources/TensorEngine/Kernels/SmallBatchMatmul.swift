// Linear layer for a handful of rows (batched decode: one row per sequence). BLAS packs the whole weight
// matrix on every call, which dominates when M is small; this kernel instead streams each weight row once
// from memory and dots it with all M input rows (kept in L1 by blocking the inner dimension).
// Register tile: 2 weight rows × 4 input rows of 8-wide accumulators (8 of the 16 AVX2 registers), so every
// 8-float step issues 6 loads for 8 FMAs (a 1 × 4 tile needs 5 loads for 4 FMAs and is load-bound).

/// Largest row count for which `matmulForward` uses `smallBatchMatmulForward`.
package let smallBatchRowLimit = 16

@inline(__always)
private func load8(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
}

/// Bytes of input rows kept in L1 while the weight rows stream past (Zen 3 and most x86 cores: 32 KiB L1d).
private let inputBlockBytes = 24 * 1024

/// out[M, OC] = inp[M, IC] · weight[OC, IC]ᵀ for output columns `columns` only (no bias).
///
/// IC is processed in blocks small enough that the block of all M input rows stays in L1 (at M = 16 and
/// IC = 1536 the rows alone are 96 KiB); each block's partial sums are added into `out`.
/// - Parameters:
///   - out: [M, OC] (row stride OC); only `columns` are written.
///   - inp: [M, IC]. - weight: [OC, IC]. - rows: M. - inFeatures: IC. - outFeatures: OC.
///   - columns: the output features to compute (lets callers split OC across workers).
package func smallBatchMatmulForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    rows: Int, inFeatures k: Int, outFeatures: Int, columns: Range<Int>
) {
    let block = max(64, inputBlockBytes / (4 * max(1, rows)) / 8 * 8)
    var p0 = 0
    while p0 < k {
        let p1 = min(k, p0 + block)
        smallBatchBlock(out, inp, weight, rows: rows, inFeatures: k, outFeatures: outFeatures, columns: columns,
                        from: p0, to: p1, accumulate: p0 > 0)
        p0 = p1
    }
}

/// Partial products over inner indices `from..<to`: `out (=|+=) inp[:, from..<to] · weight[columns, from..<to]ᵀ`.
@inline(__always)
private func smallBatchBlock(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    rows: Int, inFeatures k: Int, outFeatures: Int, columns: Range<Int>, from: Int, to: Int, accumulate: Bool
) {
    let vectorEnd = from + (to - from) / 8 * 8
    var j = columns.lowerBound
    while j + 2 <= columns.upperBound {
        let w0 = weight + j * k, w1 = w0 + k
        var m = 0
        while m + 4 <= rows {
            let x0 = inp + m * k, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k
            var a00 = SIMD8<Float>(repeating: 0), a01 = a00, a02 = a00, a03 = a00
            var a10 = a00, a11 = a00, a12 = a00, a13 = a00
            var p = from
            while p < vectorEnd {
                let u = load8(w0, p), v = load8(w1, p)
                let y0 = load8(x0, p)
                a00 = a00.addingProduct(y0, u); a10 = a10.addingProduct(y0, v)
                let y1 = load8(x1, p)
                a01 = a01.addingProduct(y1, u); a11 = a11.addingProduct(y1, v)
                let y2 = load8(x2, p)
                a02 = a02.addingProduct(y2, u); a12 = a12.addingProduct(y2, v)
                let y3 = load8(x3, p)
                a03 = a03.addingProduct(y3, u); a13 = a13.addingProduct(y3, v)
                p += 8
            }
            var s00 = a00.sum(), s01 = a01.sum(), s02 = a02.sum(), s03 = a03.sum()
            var s10 = a10.sum(), s11 = a11.sum(), s12 = a12.sum(), s13 = a13.sum()
            while p < to {
                s00 += x0[p] * w0[p]; s01 += x1[p] * w0[p]; s02 += x2[p] * w0[p]; s03 += x3[p] * w0[p]
                s10 += x0[p] * w1[p]; s11 += x1[p] * w1[p]; s12 += x2[p] * w1[p]; s13 += x3[p] * w1[p]
                p += 1
            }
            let o = out + m * outFeatures + j, f = outFeatures
            if accumulate {
                o[0] += s00; o[1] += s10; o[f] += s01; o[f + 1] += s11
                o[2 * f] += s02; o[2 * f + 1] += s12; o[3 * f] += s03; o[3 * f + 1] += s13
            } else {
                o[0] = s00; o[1] = s10; o[f] = s01; o[f + 1] = s11
                o[2 * f] = s02; o[2 * f + 1] = s12; o[3 * f] = s03; o[3 * f + 1] = s13
            }
            m += 4
        }
        while m < rows {
            let x = inp + m * k + from
            let d0 = dot(x, w0 + from, count: to - from), d1 = dot(x, w1 + from, count: to - from)
            let o = out + m * outFeatures + j
            if accumulate { o[0] += d0; o[1] += d1 } else { o[0] = d0; o[1] = d1 }
            m += 1
        }
        j += 2
    }
    if j < columns.upperBound {
        for m in 0..<rows {
            let d = dot(inp + m * k + from, weight + j * k + from, count: to - from)
            if accumulate { out[m * outFeatures + j] += d } else { out[m * outFeatures + j] = d }
        }
    }
}

/// One product of a `matmulForwardGroup`: `out[M, outFeatures] = inp · weightᵀ (+ bias)`.
package struct LinearProduct {
    /// [M, outFeatures], overwritten.
    package var out: UnsafeMutablePointer<Float>
    /// [outFeatures, IC] (HF layout).
    package var weight: UnsafePointer<Float>
    /// [outFeatures] or nil.
    package var bias: UnsafePointer<Float>?
    /// OC of this product.
    package var outFeatures: Int
    /// The same weight packed by `packWeightPanels`, when the caller keeps one (decoding); used when every
    /// product of the group has it, for M ≤ `panelRowLimit` (f32) or any M (bf16).
    package var packed: PackedWeight?

    /// - Parameters: out: [M, OC]. weight: [OC, IC]. bias: [OC] or nil. outFeatures: OC.
    ///   packed: the weight's panels, or nil.
    package init(out: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 outFeatures: Int, packed: PackedWeight? = nil) {
        self.out = out
        self.weight = weight
        self.bias = bias
        self.outFeatures = outFeatures
        self.packed = packed
    }
}

/// Several linear layers over the same input (q/k/v, or gate/up) in one parallel region. With packed
/// weights (f32 for M ≤ `panelRowLimit`, bf16 always), or M ≤ 16 without, the work units of all products — 16-wide panels,
/// or pairs of output columns — are split evenly across workers (one dispatch instead of one per product);
/// otherwise each product goes through `matmulForward`.
/// - Parameters:
///   - products: the products (a buffer, so callers can keep it on the stack); each `out` is [M, OC_p].
///   - inp: [M, IC]. - rows: M. - inFeatures: IC.
package func matmulForwardGroup(
    _ products: UnsafeBufferPointer<LinearProduct>, _ inp: UnsafePointer<Float>, rows: Int, inFeatures: Int
) {
    // bf16 panels are the weights a generation call decodes on, so they serve every row count.
    let usePanels = products.allSatisfy { $0.packed != nil }
        && (rows <= panelRowLimit || products.allSatisfy { $0.packed?.precision == .bf16 })
    guard usePanels || rows <= smallBatchRowLimit else {
        for p in products {
            matmulForward(p.out, inp, p.weight, p.bias, rows: rows, inFeatures: inFeatures, outFeatures: p.outFeatures)
        }
        return
    }
    let unit = usePanels ? panelWidth : 2
    func units(_ p: LinearProduct) -> Int { (p.outFeatures + unit - 1) / unit }
    let total = products.reduce(0) { $0 + units($1) }
    // With more than one worker the units go out in 8 chunks per worker, claimed dynamically: the two vCPUs
    // here often run at different speeds, and a static half each left the faster one waiting (~10 % of a decode
    // step). Each output column is still computed by exactly one chunk, so results do not change.
    let workers = Parallel.threadCount >= 2 && rows * inFeatures * total * unit >= smallBatchSplitThreshold
        ? min(Parallel.threadCount, total) : 1
    let parts = workers > 1 ? min(total, 8 * workers) : 1
    Parallel.forEach(parts, maxWorkers: workers, schedule: .dynamic) { _, part in
        // Global unit range [lo, hi) over the concatenated products, mapped onto each product.
        let lo = total * part / parts, hi = total * (part + 1) / parts
        var base = 0
        for p in products {
            let count = units(p)
            let start = max(lo, base) - base, end = min(hi, base + count) - base
            if start < end {
                let c0 = start * unit, c1 = min(p.outFeatures, end * unit)
                if usePanels, let packed = p.packed {
                    panelMatmulForward(p.out, inp, packed, rows: rows, inFeatures: inFeatures, outFeatures: p.outFeatures,
                                       panels: start..<end)
                } else {
                    smallBatchMatmulForward(p.out, inp, p.weight, rows: rows, inFeatures: inFeatures, outFeatures: p.outFeatures,
                                            columns: c0..<c1)
                }
                if let bias = p.bias {
                    for m in 0..<rows { addInPlace(p.out + m * p.outFeatures + c0, bias + c0, count: c1 - c0) }
                }
            }
            base += count
        }
    }
}

/// Multiply-adds above which a small-batch product is split across workers (a dispatch costs a few µs;
/// 200 k multiply-adds take about 10 µs on one core).
package let smallBatchSplitThreshold = 200_000

/// `matmulForwardGroup` for one to three products, with the product list on the stack.
/// - Parameters: as `matmulForwardGroup` (`input` is `inp`); `second` and `third` may be nil.
package func matmulForwardGroup(
    _ first: LinearProduct, _ second: LinearProduct? = nil, _ third: LinearProduct? = nil,
    input inp: UnsafePointer<Float>, rows: Int, inFeatures: Int
) {
    withUnsafeTemporaryAllocation(of: LinearProduct.self, capacity: 3) { buffer in
        buffer[0] = first
        var count = 1
        if let second { buffer[count] = second; count += 1 }
        if let third { buffer[count] = third; count += 1 }
        matmulForwardGroup(UnsafeBufferPointer(rebasing: buffer[0..<count]), inp, rows: rows, inFeatures: inFeatures)
    }
}
