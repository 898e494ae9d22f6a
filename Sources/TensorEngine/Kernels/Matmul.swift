// Linear layer in the Hugging Face layout: y[N, OC] = x[N, IC] · W[OC, IC]ᵀ (+ b[OC]).
// Optimised versions go through BLAS and split large products in two halves across workers; ≤ 16 rows go
// through SmallBatchMatmul.swift (columns split across all workers);
// the naive generic versions are the reference (and run in Double for gradient checks).

/// Work (multiply-adds) above which a GEMM is split across two workers.
private let splitThreshold = 4_000_000

/// Forward of a linear layer: `out = inp · weightᵀ + bias`.
/// - Parameters:
///   - out: [N, OC], overwritten.
///   - inp: [N, IC].
///   - weight: [OC, IC] (HF layout).
///   - bias: [OC] or nil.
///   - rows: N. - inFeatures: IC. - outFeatures: OC.
package func matmulForward(
    _ out: UnsafeMutablePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    _ bias: UnsafePointer<Float>?, rows: Int, inFeatures: Int, outFeatures: Int
) {
    if rows <= smallBatchRowLimit {
        withUnsafeTemporaryAllocation(of: LinearProduct.self, capacity: 1) { buffer in
            buffer[0] = LinearProduct(out: out, weight: weight, bias: bias, outFeatures: outFeatures)
            matmulForwardGroup(UnsafeBufferPointer(buffer), inp, rows: rows, inFeatures: inFeatures)
        }
        return
    }
    let parts = Parallel.threadCount >= 2 && rows * inFeatures * outFeatures >= splitThreshold ? 2 : 1
    let chunk = (outFeatures + parts - 1) / parts
    Parallel.forEach(parts) { _, part in
        let start = part * chunk
        let width = min(chunk, outFeatures - start)
        if width <= 0 { return }
        BLAS.sgemm(.none, .transposed, m: rows, n: width, k: inFeatures, a: inp, lda: inFeatures,
                   b: weight + start * inFeatures, ldb: inFeatures, beta: 0, c: out + start, ldc: outFeatures)
    }
    if let bias {
        for n in 0..<rows { addInPlace(out + n * outFeatures, bias, count: outFeatures) }
    }
}

/// Backward of a linear layer; accumulates (`+=`) into every non-nil gradient.
/// - Parameters:
///   - dinp: [N, IC] or nil. - dweight: [OC, IC] or nil. - dbias: [OC] or nil.
///   - dout: [N, OC]. - inp: [N, IC]. - weight: [OC, IC].
///   - rows: N. - inFeatures: IC. - outFeatures: OC.
package func matmulBackward(
    _ dinp: UnsafeMutablePointer<Float>?, _ dweight: UnsafeMutablePointer<Float>?, _ dbias: UnsafeMutablePointer<Float>?,
    _ dout: UnsafePointer<Float>, _ inp: UnsafePointer<Float>, _ weight: UnsafePointer<Float>,
    rows: Int, inFeatures: Int, outFeatures: Int
) {
    let parts = Parallel.threadCount >= 2 && rows * inFeatures * outFeatures >= splitThreshold ? 2 : 1
    // Items 0..<parts: row halves of dinp. Items parts..<2·parts: OC halves of dweight (and dbias).
    let rowChunk = (rows + parts - 1) / parts
    let outChunk = (outFeatures + parts - 1) / parts
    Parallel.forEach(2 * parts) { _, item in
        if item < parts {
            guard let dinp else { return }
            let start = item * rowChunk
            let count = min(rowChunk, rows - start)
            if count <= 0 { return }
            BLAS.sgemm(.none, .none, m: count, n: inFeatures, k: outFeatures, a: dout + start * outFeatures,
                       lda: outFeatures, b: weight, ldb: inFeatures, beta: 1, c: dinp + start * inFeatures, ldc: inFeatures)
        } else {
            let start = (item - parts) * outChunk
            let count = min(outChunk, outFeatures - start)
            if count <= 0 { return }
            if let dweight {
                BLAS.sgemm(.transposed, .none, m: count, n: inFeatures, k: rows, a: dout + start, lda: outFeatures,
                           b: inp, ldb: inFeatures, beta: 1, c: dweight + start * inFeatures, ldc: inFeatures)
            }
            if let dbias {
                for n in 0..<rows { addInPlace(dbias + start, dout + n * outFeatures + start, count: count) }
            }
        }
    }
}

/// `y[i] += x[i]` for contiguous vectors.
/// - Parameters: y: [count]. x: [count].
@inline(__always)
package func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count { store16(load16(y, i) + load16(x, i), y, i); i += 16 }
    while i < count { y[i] += x[i]; i += 1 }
}

/// Naive reference of `matmulForward` (any `KernelScalar`). Shapes as there.
package func matmulForwardNaive<F: KernelScalar>(
    _ out: UnsafeMutablePointer<F>, _ inp: UnsafePointer<F>, _ weight: UnsafePointer<F>, _ bias: UnsafePointer<F>?,
    rows: Int, inFeatures: Int, outFeatures: Int
) {
    for n in 0..<rows {
        for o in 0..<outFeatures {
            var sum: F = bias?[o] ?? 0
            for i in 0..<inFeatures { sum += inp[n * inFeatures + i] * weight[o * inFeatures + i] }
            out[n * outFeatures + o] = sum
        }
    }
}

/// Naive reference of `matmulBackward` (accumulates). Shapes as there.
package func matmulBackwardNaive<F: KernelScalar>(
    _ dinp: UnsafeMutablePointer<F>?, _ dweight: UnsafeMutablePointer<F>?, _ dbias: UnsafeMutablePointer<F>?,
    _ dout: UnsafePointer<F>, _ inp: UnsafePointer<F>, _ weight: UnsafePointer<F>,
    rows: Int, inFeatures: Int, outFeatures: Int
) {
    for n in 0..<rows {
        for o in 0..<outFeatures {
            let g = dout[n * outFeatures + o]
            dbias?[o] += g
            for i in 0..<inFeatures {
                dinp?[n * inFeatures + i] += g * weight[o * inFeatures + i]
                dweight?[o * inFeatures + i] += g * inp[n * inFeatures + i]
            }
        }
    }
}
