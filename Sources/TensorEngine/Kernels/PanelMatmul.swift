// Linear layer for a few dozen rows (batched decode) on weights packed once into 16-wide column panels:
// panel p holds output features 16p ..< 16p + 16 as [K][16], so the kernel reads each panel as one
// contiguous stream. Register tile: 6 input rows × 16 outputs = 12 AVX2 accumulators; each inner step loads
// two weight vectors and broadcasts six inputs for 12 FMAs (the shape of BLAS micro-kernels, without their
// per-call packing). The packing costs one pass over the weights, so it pays only when the weights stay
// fixed over many calls: a generation call's decode steps. `matmulForwardGroup` (SmallBatchMatmul.swift) splits
// the panels of one to three products across workers when the products carry packed weights.
// Panels hold float32 or bfloat16 (`DecodeWeightPrecision`); bf16 lanes widen to float32 in registers (a
// bf16 is the high half of its float32), so accumulation is float32 either way; only the bytes streamed halve.
// Widening costs a shift and a mask per 16 values, next to 2–12 FMAs, so every tile widens its own panel
// (widening a panel once into float32 scratch for all row tiles measured slower: the scratch leaves L1).
// A panel goes in blocks of 32 steps: all row tiles run over one block (2 KB at f32, in L1) before the next, with
// their running sums kept in a small [M][16] scratch between blocks, and the first tile of a block prefetches,
// one cache line per step, the bytes 8 KB further on. So the panel is read from memory once, in order, with the
// prefetches running ahead of the FMAs — before, the first tile streamed the whole panel (36–98 KB, more than L1)
// and later tiles re-read it from L2 while memory idled. Each sum is still formed step by step in order, so
// results are unchanged.
// Measured (2 threads, Zen 3, SmolLM2 shapes; `r1 bench --sections gemm`, "panels" rows, same run, load 1.5–1.9):
// f32:  M = 8: 36–46 GFLOP/s (small-batch kernel 30–33); M = 16: 56–63 (32–44); M = 32: 81–91 (OpenBLAS 59–76).
// bf16: M = 8: 56–78; M = 16: 68–85; M = 32: 97–106. Then the four-row tile (8 = 4 + 4, 16 = 6 + 6 + 4): sampling
// 8 / 16 / 32 sequences +9 / +29 / +9 % at f32 (BENCHMARKS.md). Then blocks (2026-11-30, load 1.5–1.9, alternating
// runs of `r1 generate -n 8 --max-tokens 128`): f32 decode at 8 sequences 134.6 → 143 tokens/s (medians of 8,
// the blocked kernel faster in 6 of 8 pairs); a C model of the two loops on the 113 MB LM head: 9.0–10.0 → 7.5–8.7 ms.
// Why memory still idles: at M = 8 a core multiplies a 64-byte step from L1 in ~8 cycles (27 GB/s of weights; a C
// model at FMA peak), two cores read 20–22 GB/s from memory here, yet decode streams ~14.5 GB/s, about what the two
// would give if they took turns. A prefetch burst per block (32 `prefetcht0` at its start) stalled on full miss
// buffers (10 % of the kernel's samples sat on it); one `prefetcht2` per step in the block's first tile keeps misses
// in flight during the FMAs. C model on the LM head, 2 threads, 4 alternations: 7.7–8.0 → 6.3–6.9 ms best, 9.0–10.7
// → 7.5–9.0 ms mean; `r1 generate` decode tokens/s (2026-11-30 13:00–13:10, medians of 6 alternating runs):
// 8 sequences 183.6 → 219.0 and 188.5 → 191.4, 16 sequences 268.3 → 286.1. The prefetch must be inlined (one
// instruction per line): the importer compiles CPUHints with `-march=haswell` like the Swift code (Package.swift).

import CPUHints

/// Output features per panel.
package let panelWidth = 16

/// Largest row count for which f32 panels are used when a model has them (above it OpenBLAS is faster on
/// the row-major weights). bf16 panels serve every row count: they are the model a generation call samples.
package let panelRowLimit = 32

/// A weight packed by `packWeightPanels`: [⌈N/16⌉][K][16] values of `precision`.
package struct PackedWeight {
    /// First byte of the panels.
    package let base: UnsafeRawPointer
    /// How each value is stored.
    package let precision: DecodeWeightPrecision

    package init(base: UnsafeRawPointer, precision: DecodeWeightPrecision) {
        self.base = base
        self.precision = precision
    }
}

/// Bytes `packWeightPanels` writes for an [N, K] weight: ⌈N / 16⌉ · 16 · K values.
package func panelStorageBytes(outFeatures n: Int, inFeatures k: Int, precision: DecodeWeightPrecision) -> Int {
    (n + panelWidth - 1) / panelWidth * panelWidth * k * precision.bytesPerWeight
}

/// The bfloat16 nearest to `x` (ties to even), as its bit pattern; NaN stays a (quiet) NaN.
/// The same rule as ModelFormats' `HalfPrecision.bfloat16Bits(from:)` (the file writers' copy): the engine sits
/// below the file formats and cannot import them, and each copy has its own hand-worked test.
@inline(__always)
package func bfloat16Bits(_ x: Float) -> UInt16 {
    let bits = x.bitPattern
    if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
    return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
}

/// Packs a row-major weight [N, K] into panels [⌈N/16⌉][K][16]; lanes past N in the last panel are 0.
/// - Parameters:
///   - dst: `panelStorageBytes(outFeatures: n, inFeatures: k, precision:)` bytes, overwritten.
///   - weight: [N, K] (HF layout). - outFeatures: N. - inFeatures: K.
///   - precision: f32 copies the values; bf16 rounds them to nearest even.
/// - Returns: the packed weight at `dst`.
@discardableResult
package func packWeightPanels(_ dst: UnsafeMutableRawPointer, _ weight: UnsafePointer<Float>, outFeatures n: Int,
                              inFeatures k: Int, precision: DecodeWeightPrecision) -> PackedWeight {
    let panels = (n + panelWidth - 1) / panelWidth
    let panelBytes = k * panelWidth * precision.bytesPerWeight
    Parallel.forEach(panels) { _, p in
        let lanes = min(panelWidth, n - p * panelWidth)
        let raw = dst + p * panelBytes
        if lanes < panelWidth { raw.initializeMemory(as: UInt8.self, repeating: 0, count: panelBytes) }
        switch precision {
        case .f32:
            let panel = raw.assumingMemoryBound(to: Float.self)
            for lane in 0..<lanes {
                let row = weight + (p * panelWidth + lane) * k
                for i in 0..<k { panel[i * panelWidth + lane] = row[i] }
            }
        case .bf16:
            // Step i holds output lane j at word 2j for j < 8 and at word 2(j − 8) + 1 for j ≥ 8, so one 32-byte
            // load gives both float vectors with a shift and a mask (BFloat16Lanes.load).
            let panel = raw.assumingMemoryBound(to: UInt16.self)
            for lane in 0..<lanes {
                let row = weight + (p * panelWidth + lane) * k
                let word = lane < 8 ? 2 * lane : 2 * (lane - 8) + 1
                for i in 0..<k { panel[i * panelWidth + word] = bfloat16Bits(row[i]) }
            }
        }
    }
    return PackedWeight(base: UnsafeRawPointer(dst), precision: precision)
}

/// How the 16 values of one panel step are stored and widened to float32.
private protocol PanelLanes {
    /// Bytes of one panel step (16 values).
    static var stepBytes: Int { get }
    /// The 16 values at `p` as two float32 vectors.
    static func load(_ p: UnsafeRawPointer) -> (SIMD8<Float>, SIMD8<Float>)
}

private enum Float32Lanes: PanelLanes {
    static var stepBytes: Int { 64 }
    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> (SIMD8<Float>, SIMD8<Float>) {
        (p.loadUnaligned(as: SIMD8<Float>.self), p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
    }
}

private enum BFloat16Lanes: PanelLanes {
    static var stepBytes: Int { 32 }
    /// Each 32-bit word holds lane j in its low half and lane j + 8 in its high half (see `packWeightPanels`);
    /// a bf16 value is the high half of its float32, so `<< 16` gives lanes 0–7 and masking the low half
    /// gives lanes 8–15.
    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> (SIMD8<Float>, SIMD8<Float>) {
        let words = p.loadUnaligned(as: SIMD8<UInt32>.self)
        return (unsafeBitCast(words &<< 16, to: SIMD8<Float>.self),
                unsafeBitCast(words & SIMD8(repeating: 0xFFFF_0000), to: SIMD8<Float>.self))
    }
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

/// Panel steps per block: every row tile runs over one block of the panel (2 KB at f32) while it sits in L1
/// before the next block is read, so the panel streams from memory once, in order, whatever the row count.
private let panelBlockSteps = 32

/// How far ahead of the step being multiplied the prefetches run, in bytes of the worker's panel stream.
private let panelPrefetchDistance = 8192

/// Prefetches the cache line `panelPrefetchDistance` bytes past panel step `step` at `p` (one line per 64 bytes
/// consumed: every f32 step, every other bf16 step), unless it lies past the worker's stream.
@inline(__always)
private func prefetchAhead<L: PanelLanes>(_: L.Type, _ p: UnsafeRawPointer, step: Int, streamEnd: UnsafeRawPointer) {
    let line = p + panelPrefetchDistance
    if (L.stepBytes == 64 || step & 1 == 0) && line < streamEnd { r1_prefetch_outer(line) }
}

/// The 16 running sums of tile row `row` in `acc` ([rows][16]); zeros when `fresh` (the panel's first block, so
/// the scratch needs no clearing).
@inline(__always)
private func loadSums(_ acc: UnsafeMutablePointer<Float>, _ row: Int, fresh: Bool = false) -> (SIMD8<Float>, SIMD8<Float>) {
    if fresh { return (SIMD8(repeating: 0), SIMD8(repeating: 0)) }
    let p = UnsafeRawPointer(acc + row * panelWidth)
    return (p.loadUnaligned(as: SIMD8<Float>.self), p.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
}

@inline(__always)
private func storeSums(_ acc: UnsafeMutablePointer<Float>, _ row: Int, _ a: SIMD8<Float>, _ b: SIMD8<Float>) {
    let p = UnsafeMutableRawPointer(acc + row * panelWidth)
    p.storeBytes(of: a, as: SIMD8<Float>.self)
    p.storeBytes(of: b, toByteOffset: 32, as: SIMD8<Float>.self)
}

/// Six rows of `x` (stride K) against panel steps `steps`, adding to the sums at `acc` (stride 16).
@inline(__always)
private func tile6<L: PanelLanes>(_: L.Type, _ acc: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                  _ panel: UnsafeRawPointer, steps: Range<Int>, k: Int, prefetch: Bool,
                                  streamEnd: UnsafeRawPointer) {
    let fresh = steps.lowerBound == 0
    var (a00, a01) = loadSums(acc, 0, fresh: fresh), (a10, a11) = loadSums(acc, 1, fresh: fresh)
    var (a20, a21) = loadSums(acc, 2, fresh: fresh), (a30, a31) = loadSums(acc, 3, fresh: fresh)
    var (a40, a41) = loadSums(acc, 4, fresh: fresh), (a50, a51) = loadSums(acc, 5, fresh: fresh)
    let x0 = x, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k
    var p = panel + steps.lowerBound * L.stepBytes
    for i in steps {
        let (w0, w1) = L.load(p)
        if prefetch { prefetchAhead(L.self, p, step: i, streamEnd: streamEnd) }
        let b0 = SIMD8<Float>(repeating: x0[i]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[i]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        let b2 = SIMD8<Float>(repeating: x2[i]); a20 = a20.addingProduct(b2, w0); a21 = a21.addingProduct(b2, w1)
        let b3 = SIMD8<Float>(repeating: x3[i]); a30 = a30.addingProduct(b3, w0); a31 = a31.addingProduct(b3, w1)
        let b4 = SIMD8<Float>(repeating: x4[i]); a40 = a40.addingProduct(b4, w0); a41 = a41.addingProduct(b4, w1)
        let b5 = SIMD8<Float>(repeating: x5[i]); a50 = a50.addingProduct(b5, w0); a51 = a51.addingProduct(b5, w1)
        p += L.stepBytes
    }
    storeSums(acc, 0, a00, a01); storeSums(acc, 1, a10, a11); storeSums(acc, 2, a20, a21)
    storeSums(acc, 3, a30, a31); storeSums(acc, 4, a40, a41); storeSums(acc, 5, a50, a51)
}

/// Four rows against panel steps `steps` (8 accumulators: enough independent FMA chains to keep both FMA
/// units busy, which two rows are not).
@inline(__always)
private func tile4<L: PanelLanes>(_: L.Type, _ acc: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                  _ panel: UnsafeRawPointer, steps: Range<Int>, k: Int, prefetch: Bool,
                                  streamEnd: UnsafeRawPointer) {
    let fresh = steps.lowerBound == 0
    var (a00, a01) = loadSums(acc, 0, fresh: fresh), (a10, a11) = loadSums(acc, 1, fresh: fresh)
    var (a20, a21) = loadSums(acc, 2, fresh: fresh), (a30, a31) = loadSums(acc, 3, fresh: fresh)
    let x0 = x, x1 = x0 + k, x2 = x1 + k, x3 = x2 + k
    var p = panel + steps.lowerBound * L.stepBytes
    for i in steps {
        let (w0, w1) = L.load(p)
        if prefetch { prefetchAhead(L.self, p, step: i, streamEnd: streamEnd) }
        let b0 = SIMD8<Float>(repeating: x0[i]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[i]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        let b2 = SIMD8<Float>(repeating: x2[i]); a20 = a20.addingProduct(b2, w0); a21 = a21.addingProduct(b2, w1)
        let b3 = SIMD8<Float>(repeating: x3[i]); a30 = a30.addingProduct(b3, w0); a31 = a31.addingProduct(b3, w1)
        p += L.stepBytes
    }
    storeSums(acc, 0, a00, a01); storeSums(acc, 1, a10, a11); storeSums(acc, 2, a20, a21); storeSums(acc, 3, a30, a31)
}

/// Two rows against panel steps `steps`.
@inline(__always)
private func tile2<L: PanelLanes>(_: L.Type, _ acc: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                  _ panel: UnsafeRawPointer, steps: Range<Int>, k: Int, prefetch: Bool,
                                  streamEnd: UnsafeRawPointer) {
    let fresh = steps.lowerBound == 0
    var (a00, a01) = loadSums(acc, 0, fresh: fresh), (a10, a11) = loadSums(acc, 1, fresh: fresh)
    let x0 = x, x1 = x0 + k
    var p = panel + steps.lowerBound * L.stepBytes
    for i in steps {
        let (w0, w1) = L.load(p)
        if prefetch { prefetchAhead(L.self, p, step: i, streamEnd: streamEnd) }
        let b0 = SIMD8<Float>(repeating: x0[i]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[i]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        p += L.stepBytes
    }
    storeSums(acc, 0, a00, a01); storeSums(acc, 1, a10, a11)
}

/// One row against panel steps `steps`.
@inline(__always)
private func tile1<L: PanelLanes>(_: L.Type, _ acc: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
                                  _ panel: UnsafeRawPointer, steps: Range<Int>, prefetch: Bool,
                                  streamEnd: UnsafeRawPointer) {
    let fresh = steps.lowerBound == 0
    var (a0, a1) = loadSums(acc, 0, fresh: fresh)
    var p = panel + steps.lowerBound * L.stepBytes
    for i in steps {
        let b = SIMD8<Float>(repeating: x[i])
        let (w0, w1) = L.load(p)
        if prefetch { prefetchAhead(L.self, p, step: i, streamEnd: streamEnd) }
        a0 = a0.addingProduct(b, w0); a1 = a1.addingProduct(b, w1)
        p += L.stepBytes
    }
    storeSums(acc, 0, a0, a1)
}

/// Every row of `inp` against the panel at `panel`, whose outputs start at `column`, block by block (see
/// `panelBlockSteps`); `acc` holds the [rows][16] running sums. The first tile of each block prefetches, one cache
/// line per step, the bytes `panelPrefetchDistance` further on in the worker's panels (up to `streamEnd`), so the
/// stream from memory runs on while the tiles multiply. Each sum is still formed step by step in order.
@inline(__always)
private func panelRows<L: PanelLanes>(
    _: L.Type, _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, panel: UnsafeRawPointer,
    streamEnd: UnsafeRawPointer, acc: UnsafeMutablePointer<Float>, column: Int, rows m: Int, inFeatures k: Int, outFeatures n: Int
) {
    if k == 0 { acc.initialize(repeating: 0, count: m * panelWidth) }  // no block runs
    var k0 = 0
    while k0 < k {
        let k1 = min(k, k0 + panelBlockSteps)
        // Six-row tiles, except that 8 remaining rows go as 4 + 4 (not 6 + 2: a two-row tile has too few FMA
        // chains to hide their latency), so 8 = 4 + 4, 16 = 6 + 6 + 4, 32 = 6 · 4 + 4 + 4. The first tile of each
        // block prefetches as it goes.
        let steps = k0..<k1
        var r = 0
        while m - r >= 6 && m - r != 8 {
            tile6(L.self, acc + r * panelWidth, inp + r * k, panel, steps: steps, k: k, prefetch: r == 0, streamEnd: streamEnd)
            r += 6
        }
        while m - r >= 4 {
            tile4(L.self, acc + r * panelWidth, inp + r * k, panel, steps: steps, k: k, prefetch: r == 0, streamEnd: streamEnd)
            r += 4
        }
        while m - r >= 2 {
            tile2(L.self, acc + r * panelWidth, inp + r * k, panel, steps: steps, k: k, prefetch: r == 0, streamEnd: streamEnd)
            r += 2
        }
        if r < m { tile1(L.self, acc + r * panelWidth, inp + r * k, panel, steps: steps, prefetch: r == 0, streamEnd: streamEnd) }
        k0 = k1
    }
    let lanes = min(panelWidth, n - column)
    for r in 0..<m {
        let (a, b) = loadSums(acc, r)
        storeRow(out + r * n + column, a, b, lanes: lanes)
    }
}

/// `panelMatmulForward` for one storage type (specialised per type).
@inline(__always)
private func panelProduct<L: PanelLanes>(
    _ lanesType: L.Type, _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ base: UnsafeRawPointer,
    rows m: Int, inFeatures k: Int, outFeatures n: Int, panels: Range<Int>
) {
    let panelBytes = k * L.stepBytes
    let streamEnd = base + panels.upperBound * panelBytes
    withUnsafeTemporaryAllocation(of: Float.self, capacity: m * panelWidth) { sums in
        for p in panels {
            panelRows(L.self, out, inp, panel: base + p * panelBytes, streamEnd: streamEnd, acc: sums.baseAddress!,
                      column: p * panelWidth, rows: m, inFeatures: k, outFeatures: n)
        }
    }
}

/// out[M, N] = inp[M, K] · weightᵀ for the output features of `panels` only (no bias), from packed panels.
/// - Parameters:
///   - out: [M, N] (row stride N); only the panels' columns are written.
///   - inp: [M, K]. - packed: the weight packed by `packWeightPanels`.
///   - rows: M. - inFeatures: K. - outFeatures: N. - panels: panel indices (lets callers split N across workers).
package func panelMatmulForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ packed: PackedWeight,
    rows m: Int, inFeatures k: Int, outFeatures n: Int, panels: Range<Int>
) {
    switch packed.precision {
    case .f32:
        panelProduct(Float32Lanes.self, out, inp, packed.base, rows: m, inFeatures: k, outFeatures: n, panels: panels)
    case .bf16:
        panelProduct(BFloat16Lanes.self, out, inp, packed.base, rows: m, inFeatures: k, outFeatures: n, panels: panels)
    }
}
