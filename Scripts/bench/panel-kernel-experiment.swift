// Experiment, not part of the package: a decode-time GEMM on weights packed once into 16-wide column panels
// ([N/16][K][16]), with 6 × 16 register tiles (12 AVX2 accumulators; each k loads two weight vectors and
// broadcasts six inputs), against the engine's small-batch kernel (which streams row-major weights).
// Build and run beside `r1 bench --sections gemm` (same machine, same minute) and compare the M = 8/16/32 rows:
//   swiftc -Ounchecked -target-cpu haswell Scripts/bench/panel-kernel-experiment.swift -o /tmp/panel && /tmp/panel 2
// Measured 2026-11-29 under load 6 (two builds running), interleaved with a copy of the small-batch kernel in
// one process: 1.1–1.26× faster at M = 8, 1.35–2.06× at M = 16, 1.55–2.05× at M = 32. Not yet measured quietly.
import Foundation
import Dispatch

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
@inline(__always) func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self) }

let W = 16
/// W [N, K] → panels [N/16][K][16]
func pack(_ w: UnsafePointer<Float>, n: Int, k: Int) -> UnsafeMutablePointer<Float> {
    let panels = (n + W - 1) / W
    let p = UnsafeMutablePointer<Float>.allocate(capacity: panels * k * W)
    p.initialize(repeating: 0, count: panels * k * W)
    for j in 0..<n { let panel = j / W, lane = j % W
        for kk in 0..<k { p[(panel * k + kk) * W + lane] = w[j * k + kk] } }
    return p
}

@inline(__always)
func tile4(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, k: Int, n: Int, col: Int) {
    var a00 = SIMD8<Float>(repeating: 0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00
    let x0 = x, x1 = x + k, x2 = x1 + k, x3 = x2 + k
    var p = panel
    for kk in 0..<k {
        let w0 = load8(p), w1 = load8(p + 8)
        let b0 = SIMD8<Float>(repeating: x0[kk]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[kk]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        let b2 = SIMD8<Float>(repeating: x2[kk]); a20 = a20.addingProduct(b2, w0); a21 = a21.addingProduct(b2, w1)
        let b3 = SIMD8<Float>(repeating: x3[kk]); a30 = a30.addingProduct(b3, w0); a31 = a31.addingProduct(b3, w1)
        p += W
    }
    store8(a00, out + col); store8(a01, out + col + 8)
    store8(a10, out + n + col); store8(a11, out + n + col + 8)
    store8(a20, out + 2 * n + col); store8(a21, out + 2 * n + col + 8)
    store8(a30, out + 3 * n + col); store8(a31, out + 3 * n + col + 8)
}

func packedMatmul(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, m: Int, k: Int, n: Int, threads: Int) {
    let panels = n / W
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        let lo = panels * t / threads, hi = panels * (t + 1) / threads
        for panel in lo..<hi {
            var r = 0
            while r + 4 <= m { tile4(out + r * n, x + r * k, packed + panel * k * W, k: k, n: n, col: panel * W); r += 4 }
        }
    }
}


@inline(__always)
func tile6(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, k: Int, n: Int, col: Int) {
    var a00 = SIMD8<Float>(repeating: 0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00
    var a40 = a00, a41 = a00, a50 = a00, a51 = a00
    let x0 = x, x1 = x + k, x2 = x1 + k, x3 = x2 + k, x4 = x3 + k, x5 = x4 + k
    var p = panel
    for kk in 0..<k {
        let w0 = load8(p), w1 = load8(p + 8)
        let b0 = SIMD8<Float>(repeating: x0[kk]); a00 = a00.addingProduct(b0, w0); a01 = a01.addingProduct(b0, w1)
        let b1 = SIMD8<Float>(repeating: x1[kk]); a10 = a10.addingProduct(b1, w0); a11 = a11.addingProduct(b1, w1)
        let b2 = SIMD8<Float>(repeating: x2[kk]); a20 = a20.addingProduct(b2, w0); a21 = a21.addingProduct(b2, w1)
        let b3 = SIMD8<Float>(repeating: x3[kk]); a30 = a30.addingProduct(b3, w0); a31 = a31.addingProduct(b3, w1)
        let b4 = SIMD8<Float>(repeating: x4[kk]); a40 = a40.addingProduct(b4, w0); a41 = a41.addingProduct(b4, w1)
        let b5 = SIMD8<Float>(repeating: x5[kk]); a50 = a50.addingProduct(b5, w0); a51 = a51.addingProduct(b5, w1)
        p += W
    }
    store8(a00, out + col); store8(a01, out + col + 8)
    store8(a10, out + n + col); store8(a11, out + n + col + 8)
    store8(a20, out + 2 * n + col); store8(a21, out + 2 * n + col + 8)
    store8(a30, out + 3 * n + col); store8(a31, out + 3 * n + col + 8)
    store8(a40, out + 4 * n + col); store8(a41, out + 4 * n + col + 8)
    store8(a50, out + 5 * n + col); store8(a51, out + 5 * n + col + 8)
}
@inline(__always)
func tile1(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ panel: UnsafePointer<Float>, k: Int, n: Int, col: Int) {
    var a0 = SIMD8<Float>(repeating: 0), a1 = a0
    var p = panel
    for kk in 0..<k { let b = SIMD8<Float>(repeating: x[kk]); a0 = a0.addingProduct(b, load8(p)); a1 = a1.addingProduct(b, load8(p + 8)); p += W }
    store8(a0, out + col); store8(a1, out + col + 8)
}
func packedMatmul6(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ packed: UnsafePointer<Float>, m: Int, k: Int, n: Int, threads: Int) {
    let panels = n / W
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        let lo = panels * t / threads, hi = panels * (t + 1) / threads
        for panel in lo..<hi {
            var r = 0
            let pp = packed + panel * k * W
            while r + 6 <= m { tile6(out + r * n, x + r * k, pp, k: k, n: n, col: panel * W); r += 6 }
            while r + 4 <= m { tile4(out + r * n, x + r * k, pp, k: k, n: n, col: panel * W); r += 4 }
            while r < m { tile1(out + r * n, x + r * k, pp, k: k, n: n, col: panel * W); r += 1 }
        }
    }
}
let threads = Int(CommandLine.arguments.dropFirst().first ?? "2")!
print("packed 16-wide weight panels, 6/4/1-row tiles, \(threads) threads, load \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?")")
for (k, n) in [(576, 576), (576, 1536), (1536, 576), (576, 49152)] {
    for m in [8, 16, 32] {
        // Successive calls read different weight copies (≈ 113 MB in all), as r1 bench's gemm rows do.
        let copies = max(1, (49152 * 576) / (n * k))
        let ws = (0..<copies).map { c -> UnsafeMutablePointer<Float> in
            let w = UnsafeMutablePointer<Float>.allocate(capacity: n * k)
            for i in 0..<(n * k) { w[i] = Float((i + c) % 17) * 0.01 - 0.08 }
            return w
        }
        let packs = ws.map { pack($0, n: n, k: k) }
        let x = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        for i in 0..<(m * k) { x[i] = Float(i % 13) * 0.02 - 0.1 }
        let out = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        packedMatmul6(out, x, packs[0], m: m, k: k, n: n, threads: threads)
        var maxErr: Float = 0
        for r in 0..<m {
            for j in stride(from: 0, to: n, by: max(1, n / 64)) {
                var s: Float = 0
                for kk in 0..<k { s += x[r * k + kk] * ws[0][j * k + kk] }
                maxErr = max(maxErr, abs(s - out[r * n + j]))
            }
        }
        let flops = 2.0 * Double(m * n * k)
        let calls = max(copies, Int(2e9 / flops))
        var best = 0.0
        for _ in 0..<3 {
            let start = Date()
            for c in 0..<calls { packedMatmul6(out, x, packs[c % copies], m: m, k: k, n: n, threads: threads) }
            best = max(best, flops * Double(calls) / Date().timeIntervalSince(start) / 1e9)
        }
        print("M=\(m) K=\(k) N=\(n): \(String(format: "%.1f", best)) GFLOP/s (max abs error vs a scalar dot \(maxErr))")
        for p in packs { p.deallocate() }
        for w in ws { w.deallocate() }
        x.deallocate(); out.deallocate()
    }
}
