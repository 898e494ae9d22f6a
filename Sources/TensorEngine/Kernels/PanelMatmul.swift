// Linear layer for a few dozen rows (batched decode) on weights packed once into 16-wide column panels:
// panel p holds output features 16p ..< 16p + 16 as [K][16], so the kernel reads each panel as one
// contiguous stream. Register tile: 6 input rows × 16 outputs = 12 AVX2 accumulators; each inner step loads
// two weight vectors and broadcasts six inputs for 12 FMAs (the shape of BLAS micro-kernels, without their
// per-call packing). The packing costs one pass over the weights, so it pays only when the weights stay
// fixed over many calls: a generation call's decode steps. `matmulForwardGroup` (SmallBatchMatmul.swift) splits the
// panels of one to three products across workers when the products carry packed weights.
// Measured (2 threads, Zen 3, SmolLM2 shapes; a standalone copy of this kernel beside `r1 bench`, whose gemm
// section now has "panels" rows):
// M = 8: 32–45 GFLOP/s vs 22–33 (small-batch kernel); M = 16: 53–74 vs 22–42; M = 32: 70–83 vs 61–72 (OpenBLAS).

/// Output features per panel.
package let panelWidth = 16

/// Largest row count for which packed panels are used when a model has them.
package let panelRowLimit = 32

/// Floats needed by `packWeightPanels` for an [N, K] weight: ⌈N / 16⌉ · 16 · K.
package func panelStorageCount(outFeatures n: Int, inFeatures k: Int) -> Int {
    (n + panelWidth - 1) / panelWidth * panelWidth * k
}

/// Packs a row-major weight [N, K] into panels [⌈N/16⌉][K][16]; lanes past N in the last panel are 0.
/// - Parameters:
///   - dst: `panelStorageCount(outFeatures: n, inFeatures: k)` floats, overwritten.
///   - weight: [N, K] (HF layout). - outFeatures: N. - inFeatures: K.
package func packWeightPanels(_ dst: UnsafeMutablePointer<Float>, _ weight: UnsafePointer<Float>, outFeatures n: Int, inFeatures k: Int) {
    let panels = (n + panelWidth - 1) / panelWidth
    Parallel.forEach(panels) { _, p in
        let panel = dst + p * k * panelWidth
        let lanes = min(panelWidth, n - p * panelWidth)
        if lanes < panelWidth { panel.update(repeating: 0, count: k * panelWidth) }
        for lane in 0..<lanes {
            let row = weight + (p * panelWidth + lane) * k
            for i in 0..<k { panel[i * panelWidth + lane] = row[i] }
        }
    }
}

@inline(__always)
private func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

/// Writes `lanes` (≤ 16) outputs of one tile row.
@inline(__always)
private func storeRow(_ out: UnsafeMutablePointer<Float>, _ a: SIMD8<Float>, _ b: SIMD8<Float>, lanes: Int) {
    if lanes == panelWidth {
        UnsafeMutableRawPointer(out).storeBytes(of: a, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(out + 8).storeBytes(of: b, as: SIMD8<Float>.self)
    } else {
        for i in 0..<min(lanes, 8) { out[i] = a[i] }
        if lanes > 8 { for i in 8..<lanes { out[i] = b[i - 8] } }
    }
}

/// Six rows of `x` (stride K) against one panel; writes `lanes` outputs per row (stride N).
@inline(__always)
private func tile6(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ panel: UnsafePointer<Float>,
                   k: Int, n: Int, lanes: Int) {
    var a00 = SIMD8<Float>(repeating: 0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00
    var a30 = a00, a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00
    let x0 = x, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k
    var p = panel
    for i in 0..<k {
        let w0 = load8(p), w1 = load8(p + 8)
        let b0 = SIMD8<Float>(repeating: x0[i]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[i]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        let b2 = SIMD8<Float>(repeating: x2[i]); a20 = a20.addingProduct(b2, w0); a21 = a21.addingProduct(b2, w1)
        let b3 = SIMD8<Float>(repeating: x3[i]); a30 = a30.addingProduct(b3, w0); a31 = a31.addingProduct(b3, w1)
        let b4 = SIMD8<Float>(repeating: x4[i]); a40 = a40.addingProduct(b4, w0); a41 = a41.addingProduct(b4, w1)
        let b5 = SIMD8<Float>(repeating: x5[i]); a50 = a50.addingProduct(b5, w0); a51 = a51.addingProduct(b5, w1)
        p += panelWidth
    }
    storeRow(out, a00, a01, lanes: lanes)
    storeRow(out + n, a10, a11, lanes: lanes)
    storeRow(out + 2 * n, a20, a21, lanes: lanes)
    storeRow(out + 3 * n, a30, a31, lanes: lanes)
    storeRow(out + 4 * n, a40, a41, lanes: lanes)
    storeRow(out + 5 * n, a50, a51, lanes: lanes)
}

/// Two rows against one panel.
@inline(__always)
private func tile2(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ panel: UnsafePointer<Float>,
                   k: Int, n: Int, lanes: Int) {
    var a00 = SIMD8<Float>(repeating: 0), a01 = a00, a10 = a00, a11 = a00
    let x0 = x, x1 = x0 + k
    var p = panel
    for i in 0..<k {
        let w0 = load8(p), w1 = load8(p + 8)
        let b0 = SIMD8<Float>(repeating: x0[i]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[i]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        p += panelWidth
    }
    storeRow(out, a00, a01, lanes: lanes)
    storeRow(out + n, a10, a11, lanes: lanes)
}

/// One row against one panel.
@inline(__always)
private func tile1(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ panel: UnsafePointer<Float>,
                   k: Int, lanes: Int) {
    var a0 = SIMD8<Float>(repeating: 0), a1 = a0
    var p = panel
    for i in 0..<k {
        let b = SIMD8<Float>(repeating: x[i])
        a0 = a0.addingProduct(b, load8(p)); a1 = a1.addingProduct(b, load8(p + 8))
        p += panelWidth
    }
    storeRow(out, a0, a1, lanes: lanes)
}

/// out[M, N] = inp[M, K] · weightᵀ for the output features of `panels` only (no bias), from packed panels.
/// - Parameters:
///   - out: [M, N] (row stride N); only the panels' columns are written.
///   - inp: [M, K]. - packed: the weight packed by `packWeightPanels`.
///   - rows: M. - inFeatures: K. - outFeatures: N. - panels: panel indices (lets callers split N across workers).
package func panelMatmulForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ packed: UnsafePointer<Float>,
    rows m: Int, inFeatures k: Int, outFeatures n: Int, panels: Range<Int>
) {
    for p in panels {
        let panel = packed + p * k * panelWidth, column = p * panelWidth
        let lanes = min(panelWidth, n - column)
        var r = 0
        while r + 6 <= m { tile6(out + r * n + column, inp + r * k, panel, k: k, n: n, lanes: lanes); r += 6 }
        while r + 2 <= m { tile2(out + r * n + column, inp + r * k, panel, k: k, n: n, lanes: lanes); r += 2 }
        if r < m { tile1(out + r * n + column, inp + r * k, panel, k: k, lanes: lanes) }
    }
}
